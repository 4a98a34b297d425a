"""A research team's own list of ideas, for rating rounds, as `carework items import` loads it.

A definition may have one beside it, named after it (`surveys/carework.yaml` has
`surveys/carework-ideas.csv`: the seed's volume, 10 innovations and 7 solutions a theme). Before a
rating round the rehearsal imports the ideas of that round's theme instead of making items from the
first round's examples, as a team that already has its list (from meetings, as in the seed) would.
"""

from __future__ import annotations

import csv
from pathlib import Path

from carework_core.bootstrap import Services
from carework_core.definitions.model import Round


def ideas_beside(survey: Path) -> Path | None:
    """Returns the definition's own list of ideas (`NAME-ideas.csv` beside `NAME.yaml`), if it has one."""
    path = survey.with_name(f"{survey.stem}-ideas.csv")
    return path if path.is_file() else None


async def import_ideas(services: Services, rnd: Round, ideas: Path, folder: Path) -> tuple[str, int, int] | None:
    """Imports the round's theme's ideas with the `items import` service; returns (list, items, 0), or None
    when the list has none of that theme (the rehearsal's synthesis makes them then)."""
    with ideas.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    mine = [row for row in rows if row.get("theme") == rnd.theme]
    if not mine:
        return None
    path = folder / f"ideas-{rnd.id}.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(mine)
    done = await services.item_lists.import_file(path, rnd.id, actor="rehearsal")
    return ideas.name, done.items, 0
