"""The research team's part of a rehearsal: the synthesis round trip between the rounds.

After each round that collects examples the rehearsal runs `carework synthesis export`'s service;
before a rating round it fills that export's Items sheet as a researcher would (one item per
suggested cluster, the largest first, titled with the cluster's first example) and imports it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from random import Random

from openpyxl import load_workbook

from carework_core.bootstrap import Services
from carework_core.definitions.model import Consultation, ExamplesQuestion, ItemRatingQuestion, Round
from carework_core.errors import CareworkError
from carework_core.items.synthesis_book import EXAMPLE_COLUMNS, TITLE_PREFIX, item_columns, title_columns

MAX_ITEMS = 6  # as the definition advises: every item is rated on every criterion, so keep lists short


def workbook_of(folder: Path, round_id: str) -> Path:
    """Returns where a round's synthesis workbook is written."""
    return folder / f"synthesis-{round_id}.xlsx"


async def export_examples(services: Services, rnd: Round, folder: Path) -> None:
    """Exports a round's examples for the team, if it collects any."""
    if any(isinstance(q, ExamplesQuestion) for q in rnd.questions):
        await services.synthesis.export_examples(rnd.id, workbook_of(folder, rnd.id), actor="rehearsal")


async def load_items(services: Services, rnd: Round, folder: Path, rng: Random) -> tuple[str, int, int] | None:
    """Fills and imports the Items sheet for a rating round; returns (source round, items, examples)."""
    if not rates_items(rnd):
        return None
    source = source_round(services.consultation, rnd)
    path = workbook_of(folder, source)
    await asyncio.to_thread(fill_items, path, services.consultation, Random(rng.random()))
    done = await services.synthesis.import_items(path, rnd.id, actor="rehearsal")
    return source, done.items, done.examples


def rates_items(rnd: Round) -> bool:
    """Says whether a round rates items, so needs some before it opens."""
    return any(isinstance(q, ItemRatingQuestion) for q in rnd.questions)


def source_round(c: Consultation, rnd: Round) -> str:
    """Returns the round whose examples a rating round rates: the latest earlier one of its theme, else any."""
    earlier = c.rounds[: c.rounds.index(rnd)]
    collecting = [r for r in earlier if any(isinstance(q, ExamplesQuestion) for q in r.questions)]
    same_theme = [r for r in collecting if r.theme == rnd.theme]
    if not collecting:
        raise CareworkError(f"round {rnd.id} rates items, but no earlier round collects examples to make them from")
    return (same_theme or collecting)[-1].id


def fill_items(path: Path, c: Consultation, rng: Random) -> int:
    """Writes one item per suggested cluster (largest first) into the Items sheet; returns how many."""
    book = load_workbook(path)
    rows = list(book["Examples"].iter_rows(min_row=2, values_only=True))
    at = {name: n for n, name in enumerate(EXAMPLE_COLUMNS)}
    clusters: dict[int, list[tuple]] = {}
    for row in rows:
        clusters.setdefault(row[at["suggested_cluster"]], []).append(row)
    biggest = sorted(clusters.values(), key=len, reverse=True)[:MAX_ITEMS]
    sheet = book["Items"]
    for n, members in enumerate(biggest, start=1):
        title = _trimmed(str(members[0][at["text"]]), c.synthesis.title_max)
        sources = "; ".join(str(m[at["example_id"]]) for m in members)
        scores = [rng.randint(1, len(k.scale.labels)) for k in c.criteria]
        # A title in each further language: the rehearsal has no translator, so it marks the language.
        titles = [
            _trimmed(f"[{name.removeprefix(TITLE_PREFIX)}] {title}", c.synthesis.title_max) for name in title_columns(c)
        ]
        sheet.append([f"I{n}", title, *titles, "", "", sources, f"{len(members)} similar examples", *scores])
        for cell in sheet[sheet.max_row][: len(item_columns(c))]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a title such as "=..." stays text, as Excel keeps typed text
    book.save(path)
    return len(biggest)


def _trimmed(text: str, limit: int) -> str:
    """Returns the text on one line, cut at a word before the limit with an ellipsis when too long."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
