"""Checks an item list cell by cell and turns it into items; every problem is listed at once.

The columns: id, title, description, theme, kind, evidence; title_<lang>, description_<lang> and
evidence_<lang> for the definition's further languages; score_<criterion> for the team's scores.
"""

from __future__ import annotations

import re

from carework_core.definitions.kinds import kind_problem
from carework_core.definitions.local_text import LocalText
from carework_core.definitions.model import ITEM_ID_PATTERN, ITEM_TEXT_MAX, Consultation, ItemRatingQuestion
from carework_core.items.item_sheet import ItemTable, Place
from carework_core.storage.items import ItemDetail

ITEM_ID = re.compile(ITEM_ID_PATTERN)
KIND = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
TEXTS = ("title", "description", "evidence")  # the columns that may come in each language
COLUMNS = ("id", *TEXTS[:2], "theme", "kind", TEXTS[2])
REQUIRED = ("id", "title")
SCORE = "score_"

Problems = list[tuple[Place | None, str]]

# The export's Items sheet goes back in as it is: it names three columns its own way and adds three a list
# does not need; its rows of other item sets than the ones loaded are left out.
EXPORT_NAMES = {"item_id": "id", "text": "title", "evidence_notes": "evidence"}
EXPORT_ONLY = ("item_set", "position", "source_examples")


def checked_items(
    table: ItemTable, c: Consultation, raters: tuple[ItemRatingQuestion, ...] = ()
) -> tuple[list[ItemDetail], Problems]:
    """Returns the items of a list and every problem found in it (the items count only without problems);
    an item whose kind one of the `raters` questions cannot rate is refused."""
    table = as_item_list(table, {q.item_set for q in raters})
    problems = list(table.problems)
    if problems and not table.columns:
        return [], problems  # the file itself could not be read
    problems += _header_problems(table, c)
    if any(name not in table.columns for name in REQUIRED):
        return [], problems  # without its columns no row can be read
    items: list[ItemDetail] = []
    first_row: dict[str, Place] = {}
    for number, row in table.rows:
        item, found = _item(table, c, number, row, first_row)
        found += _kind_problems(table, raters, number, item) if item is not None else []
        problems += found
        if item is not None:
            items.append(item)
    if not table.rows:
        problems.append((table.place(2, 1), "no items: fill in at least one row (id and title)"))
    return items, problems


def as_item_list(table: ItemTable, item_sets: set[str]) -> ItemTable:
    """Reads the export's Items sheet (known by its item_set column) as an item list of these item sets."""
    if "item_set" not in table.columns or "id" in table.columns:
        return table
    sets = table.columns["item_set"]
    rows = [(n, row) for n, row in table.rows if not item_sets or _cell(row, sets) in item_sets | {""}]
    columns = {EXPORT_NAMES.get(name, name): n for name, n in table.columns.items() if name not in EXPORT_ONLY}
    return ItemTable(columns, rows, table.place, list(table.problems))


def _cell(row: list[str], column: int) -> str:
    return row[column - 1].strip() if column <= len(row) else ""


def known_columns(c: Consultation) -> list[str]:
    """Returns every column an item list may have for this definition, in the order they are described."""
    further = [f"{name}_{lang}" for name in TEXTS for lang in c.languages[1:]]
    return [*COLUMNS, *further, *(f"{SCORE}{k.id}" for k in c.criteria)]


def _header_problems(table: ItemTable, c: Consultation) -> Problems:
    known = known_columns(c)
    found: Problems = [
        (table.header_at(), f"the column {name} is missing from the header row (columns: {', '.join(COLUMNS)})")
        for name in REQUIRED
        if name not in table.columns
    ]
    for name in sorted(table.columns, key=table.columns.__getitem__):
        if name not in known:
            found.append((table.header_at(name), _column_reason(name, c)))
    return found


def _column_reason(name: str, c: Consultation) -> str:
    """Says why a header names no column carework reads; a translation nobody would read is named, not dropped."""
    text, _, lang = name.rpartition("_")
    if text in TEXTS and lang == c.languages[0]:
        return f"{name}: the {text} in {lang}, the consultation's first language, goes in the {text} column"
    if text in TEXTS:
        speaks = ", ".join(c.languages) + (" only" if len(c.languages) == 1 else "")
        return (
            f"{name} names no further language of this consultation (it speaks {speaks}); "
            f"delete the column, or add {lang} to the definition's languages"
        )
    if name.startswith(SCORE):
        criteria = ", ".join(f"{SCORE}{k.id}" for k in c.criteria) or "(the definition has no criteria)"
        return f"{name} names no criterion; use one of: {criteria}"
    return f"unknown column {name!r}; the columns are {', '.join(COLUMNS)} (see the README)"


def _item(
    table: ItemTable, c: Consultation, number: int, row: list[str], first_row: dict[str, Place]
) -> tuple[ItemDetail | None, Problems]:
    """Checks one row; returns its item (None when anything in it is wrong) and its problems."""

    def text(name: str) -> str:
        column = table.columns.get(name)
        return row[column - 1].strip() if column and column <= len(row) else ""

    item_id, theme_text, kind = text("id"), text("theme"), text("kind")
    theme = _theme_id(theme_text, c)
    reasons = [
        ("id", _id_reason(item_id, table.at(number, "id"), first_row)),
        ("theme", None if theme is not None else f"unknown theme {theme_text!r}; use one of: {_themes(c)}"),
        ("kind", None if not kind or KIND.match(kind) else f"kind {kind!r}: lower-case letters, digits, - and _"),
    ]
    texts: dict[str, LocalText | str] = {}
    for name in TEXTS:
        limit = c.synthesis.title_max if name == "title" else ITEM_TEXT_MAX
        by_lang = {lang: text(f"{name}_{lang}") for lang in c.languages[1:]}
        reasons += [(f"{name}_{lang}", _length_reason(name, t, limit, lang)) for lang, t in by_lang.items()]
        reasons.append((name, _length_reason(name, text(name), limit)))
        written = {lang: t for lang, t in by_lang.items() if t}
        texts[name] = LocalText(text(name), {c.languages[0]: text(name), **written}) if written else text(name)
    scores, found = _scores(table, c, number, text)
    problems = [(table.at(number, name), reason) for name, reason in reasons if reason] + found
    if problems:
        return None, problems
    detail = ItemDetail(item_id, texts["title"], texts["description"], theme or "", (), texts["evidence"], scores, kind)
    return detail, []


def _kind_problems(table: ItemTable, raters: tuple[ItemRatingQuestion, ...], number: int, item: ItemDetail) -> Problems:
    """Returns the problem with an item's kind for each question that would rate it, once per reason."""
    reasons = dict.fromkeys(why for q in raters if (why := kind_problem(q, item.kind)))
    where = table.at(number, "kind" if "kind" in table.columns else "id")
    return [(where, why) for why in reasons]


def _id_reason(item_id: str, here: Place, first_row: dict[str, Place]) -> str | None:
    """Returns what is wrong with an item id (remembering the ids seen so far), or None."""
    if not item_id:
        return "the id is empty; give each item an id such as I1"
    if not ITEM_ID.match(item_id):
        return (
            f"id {item_id!r} is not usable: letters, digits, - and _ only, at most 32, starting with a letter or digit"
        )
    if item_id in first_row:
        return f"id {item_id} is used twice (also at {first_row[item_id]}); give each item its own id"
    first_row[item_id] = here
    return None


def _length_reason(name: str, text: str, limit: int, lang: str | None = None) -> str | None:
    """Returns what is wrong with a text's length (a title is required in every language), or None."""
    if name == "title" and not text:
        if lang:  # people who chose a further language read every card in it, as in the synthesis workbook
            return f"title_{lang} is empty; write the title as people who read {lang} will see it"
        return "the title is empty; write what participants will read"
    if len(text) > limit:
        where = "fit on a card" if name == "title" else "fit in one message"
        return f"the {name} is {len(text)} characters long; at most {limit} {where}"
    return None


def _theme_id(theme: str, c: Consultation) -> str | None:
    """Returns the theme id a cell names (by id or name, any case; "" for none), or None when it names none."""
    if not theme:
        return ""
    return next((t.id for t in c.themes if theme.casefold() in (t.id.casefold(), t.name.casefold())), None)


def _themes(c: Consultation) -> str:
    return ", ".join(t.id for t in c.themes)


def _scores(table: ItemTable, c: Consultation, number: int, text) -> tuple[dict[str, int], Problems]:
    """Returns the team's scores of a row by criterion, or the problem with each one outside its scale."""
    scores: dict[str, int] = {}
    problems: Problems = []
    for crit in c.criteria:
        value = text(f"{SCORE}{crit.id}")
        top = len(crit.scale.labels)
        if not value:
            continue
        if value.isdigit() and 1 <= int(value) <= top:
            scores[crit.id] = int(value)
            continue
        reason = f"score {value!r} for {crit.id} is off its scale: a whole number from 1 to {top}, or empty"
        problems.append((table.at(number, f"{SCORE}{crit.id}"), reason))
    return scores, problems
