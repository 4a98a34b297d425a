"""Small pieces of HTML, every text escaped in one place, and the figures written as the statistics file has them.

Plain string building rather than a template engine: the page is tables and a few SVG bars, a section is a
Python function returning a fragment (so another section drops in as one more function), and no dependency
is added. Every text goes through `esc`; attributes are built only by `attrs`.
"""

from __future__ import annotations

from html import escape

from carework_core.definitions.model import Consultation
from carework_core.results.summary import ALL_GROUPS, CellStats


def esc(text: object) -> str:
    """Returns text safe between tags and inside quoted attributes."""
    return escape(str(text), quote=True)


def attrs(**values: object) -> str:
    """Returns ` name="value"` pairs (underscores become dashes; None is left out)."""
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in values.items() if v is not None)


def tag(name: str, body: str = "", **values: object) -> str:
    """Returns an element; `body` is HTML already (escape text with esc first)."""
    return f"<{name}{attrs(**values)}>{body}</{name}>"


def row(cells: list[str], head: bool = False) -> str:
    """Returns a table row; the first cell of a body row heads it (read out before each figure)."""
    if head:
        return tag("tr", "".join(tag("th", c, scope="col") for c in cells))
    return tag("tr", tag("th", cells[0], scope="row") + "".join(tag("td", c) for c in cells[1:]))


def table(header: list[str], rows: list[str], caption: str = "", **values: object) -> str:
    """Returns a table; `rows` are <tr> fragments already."""
    head = tag("thead", row([esc(h) for h in header], head=True))
    return tag(
        "table", (tag("caption", esc(caption)) if caption else "") + head + tag("tbody", "".join(rows)), **values
    )


def group_name(c: Consultation, group_id: str) -> str:
    return "All groups" if group_id == ALL_GROUPS else next((g.name for g in c.groups if g.id == group_id), group_id)


def criterion_name(c: Consultation, criterion_id: str | None) -> str:
    return next((str(k.name) for k in c.criteria if k.id == criterion_id), criterion_id or "")


def number(value: float | None) -> str:
    """Returns a median or quartile as read: 2, 2.5, 1.75."""
    return "" if value is None else f"{value:g}"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def figure(round_id: str, cell: CellStats, name: str, value: object, shown: str) -> str:
    """Returns a table cell holding one figure, marked with what it is and its exact value as the statistics
    file (`carework summary stats`) writes it, so a reader's tool (and the browser test) can check it."""
    exact = "" if value is None else round(value, 4) if name == "top2_share" else value
    marks = {
        "data_round": round_id,
        "data_item": cell.item_id or cell.question_id,
        "data_criterion": cell.criterion_id or "",
        "data_group": cell.group_id,
        "data_figure": name,
        "data_value": exact,
    }
    return f"<td{attrs(**marks)}>{esc(shown)}</td>"
