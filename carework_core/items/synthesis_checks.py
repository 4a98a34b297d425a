"""Checks a filled Items sheet, cell by cell, and turns it into items; every problem is listed at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from carework_core.definitions.local_text import LocalText
from carework_core.definitions.model import ITEM_ID_PATTERN, Consultation, ExamplesQuestion
from carework_core.errors import SheetProblem
from carework_core.items.synthesis_book import (
    SCORE_PREFIX,
    TITLE_PREFIX,
    FilledItems,
    cell_text,
    item_columns,
    title_columns,
)
from carework_core.research.example_ids import answer_id_of, example_id
from carework_core.storage.items import ItemDetail

ITEM_ID = re.compile(ITEM_ID_PATTERN)
REQUIRED = ("item_id", "title", "source_examples")


@dataclass(frozen=True)
class Known:
    """What the sheet is checked against: the definition and where each cited answer was given."""

    consultation: Consultation
    from_round: str | None  # the round whose examples the file lists (its About sheet)
    places: dict[int, tuple[str, str]]  # answer id -> (round id, question id)


def cited_answers(filled: FilledItems) -> list[int]:
    """Returns every answer id the source_examples cells name, so their rounds can be looked up."""
    column = filled.columns.get("source_examples")
    if column is None:
        return []
    ids = {answer_id_of(s) for _, row in filled.rows for s in _sources(_at(row, column))}
    return sorted(i for i in ids if i is not None)


def checked_items(filled: FilledItems, known: Known) -> tuple[list[ItemDetail], list[SheetProblem]]:
    """Returns the items of the sheet and every problem found in it (the items count only without problems)."""
    problems = list(filled.problems) + _header_problems(filled, known.consultation)
    if any(name not in filled.columns for name in (*REQUIRED, *title_columns(known.consultation))):
        return [], problems  # without its columns no row can be read
    items: list[ItemDetail] = []
    first_row: dict[str, int] = {}
    for number, row in filled.rows:
        item, found = _item(filled, known, number, row, first_row)
        problems += found
        if item is not None:
            items.append(item)
    if not filled.rows:
        problems.append(SheetProblem("Items", "A2", "no items: fill in at least one row (item id and title)"))
    return items, problems


def _header_problems(filled: FilledItems, c: Consultation) -> list[SheetProblem]:
    if any(p.sheet == "Items" for p in filled.problems):
        return []  # the sheet itself is missing
    columns = item_columns(c)
    found = [
        SheetProblem("Items", "1", f"the column {name} is missing from the header row (columns: {', '.join(columns)})")
        for name in (*REQUIRED, *title_columns(c))
        if name not in filled.columns
    ]
    criteria, titles = {k.id for k in c.criteria}, title_columns(c)
    for name, column in filled.columns.items():
        where = f"{get_column_letter(column)}1"
        if name.startswith(SCORE_PREFIX) and name.removeprefix(SCORE_PREFIX) not in criteria:
            found.append(SheetProblem("Items", where, f"{name} names no criterion; use one of: {_score_names(c)}"))
        elif name.startswith(TITLE_PREFIX) and name not in titles:
            # A translation nobody would read: said, rather than dropped without a word.
            found.append(SheetProblem("Items", where, _title_column_reason(name, c)))
    return found


def _item(
    filled: FilledItems, known: Known, number: int, row: list[Any], first_row: dict[str, int]
) -> tuple[ItemDetail | None, list[SheetProblem]]:
    """Checks one row; returns its item (None when anything in it is wrong) and its problems."""
    c = known.consultation

    def text(name: str) -> str:
        return cell_text(_at(row, filled.columns[name])) if name in filled.columns else ""

    def where(name: str) -> str:
        return f"{get_column_letter(filled.columns.get(name, 1))}{number}"

    item_id, title = text("item_id"), text("title")
    theme, theme_reason = _theme_of(text("theme"), c)
    titles = {lang: text(f"{TITLE_PREFIX}{lang}") for lang in c.languages[1:]}
    reasons = [
        ("item_id", _id_reason(item_id, number, first_row)),
        ("title", _title_reason(title, c.synthesis.title_max)),
        *[(f"{TITLE_PREFIX}{lang}", _title_reason(t, c.synthesis.title_max, lang)) for lang, t in titles.items()],
        ("theme", theme_reason),
    ]
    problems = [SheetProblem("Items", where(name), reason) for name, reason in reasons if reason]
    sources, found = _checked_sources(_sources(text("source_examples")), known, where("source_examples"))
    scores, more = _checked_scores(filled, row, number, c)
    problems += found + more
    if problems:
        return None, problems
    shown = LocalText(title, {c.languages[0]: title, **titles}) if titles else title
    return ItemDetail(item_id, shown, text("description"), theme, sources, text("evidence_notes"), scores), []


def _title_column_reason(name: str, c: Consultation) -> str:
    """Says why a title_<lang> column cannot be read: a translation nobody would see is named, not dropped."""
    lang = name.removeprefix(TITLE_PREFIX)
    if lang == c.languages[0]:
        return f"{name}: the title in {lang}, the consultation's first language, goes in the title column"
    speaks = ", ".join(c.languages) + (" only" if len(c.languages) == 1 else "")
    return (
        f"{name} names no further language of this consultation (it speaks {speaks}); "
        f"delete the column, or add {lang} to the definition's languages"
    )


def _id_reason(item_id: str, number: int, first_row: dict[str, int]) -> str | None:
    """Returns what is wrong with an item id (remembering the ids seen so far), or None."""
    if not item_id:
        return "the item id is missing; give each item an id such as I1"
    if not ITEM_ID.match(item_id):
        return f"item id {item_id!r} is not usable: letters, digits, - and _ only, at most 32, e.g. I1"
    if item_id in first_row:
        return f"item id {item_id} is used twice (also on row {first_row[item_id]}); give each item its own id"
    first_row[item_id] = number
    return None


def _title_reason(title: str, limit: int, lang: str | None = None) -> str | None:
    """Says what is wrong with a title, or with its translation into `lang`; None when it fits."""
    if not title:
        if lang is not None:
            return f"{TITLE_PREFIX}{lang} is empty; write the title as people who read {lang} will see it"
        return "the title is empty; write what participants will read"
    if len(title) > limit:
        return f"the title is {len(title)} characters long; at most {limit} fit on a card"
    return None


def _theme_of(theme: str, c: Consultation) -> tuple[str, str | None]:
    """Returns the theme id a cell names (by id or name, any case), or the reason it names none."""
    if not theme:
        return "", None
    for t in c.themes:
        if theme.casefold() in (t.id.casefold(), t.name.casefold()):
            return t.id, None
    return "", f"unknown theme {theme!r}; use one of: {', '.join(t.id for t in c.themes)}"


def _checked_sources(cited: list[str], known: Known, cell: str) -> tuple[tuple[str, ...], list[SheetProblem]]:
    """Returns the example ids of a source_examples cell, or the problem with each one that is wrong."""
    examples = {(r.id, q.id) for r in known.consultation.rounds for q in r.questions if isinstance(q, ExamplesQuestion)}
    good: list[str] = []
    problems: list[SheetProblem] = []
    for text in cited:
        answer_id = answer_id_of(text)
        place = known.places.get(answer_id) if answer_id is not None else None
        if answer_id is None:
            reason = f"{text!r} is not an example id; example ids look like E12 (see the Examples sheet)"
        elif place is None or place not in examples:
            reason = f"unknown example id {text}: no example has that id"
        elif place[0] != known.from_round:
            reason = f"example {text} is from round {place[0]}, not {known.from_round} which this file lists"
        else:
            good.append(example_id(answer_id))
            continue
        problems.append(SheetProblem("Items", cell, reason))
    return tuple(dict.fromkeys(good)), problems


def _checked_scores(
    filled: FilledItems, row: list[Any], number: int, c: Consultation
) -> tuple[dict[str, int], list[SheetProblem]]:
    """Returns the team's scores of a row by criterion, or the problem with each one outside its scale."""
    scores: dict[str, int] = {}
    problems: list[SheetProblem] = []
    for crit in c.criteria:
        column = filled.columns.get(f"{SCORE_PREFIX}{crit.id}")
        value = cell_text(_at(row, column)) if column else ""
        if not value:
            continue
        top = len(crit.scale.labels)
        if value.isdigit() and 1 <= int(value) <= top:
            scores[crit.id] = int(value)
            continue
        reason = f"score {value!r} for {crit.id} is outside its scale: a whole number from 1 to {top}, or empty"
        problems.append(SheetProblem("Items", f"{get_column_letter(column)}{number}", reason))
    return scores, problems


def _sources(text: Any) -> list[str]:
    """Splits a source_examples cell on ";" (commas and line breaks are forgiven)."""
    return [part.strip() for part in re.split(r"[;,\n]", cell_text(text)) if part.strip()]


def _at(row: list[Any], column: int | None) -> Any:
    return row[column - 1] if column and column <= len(row) else None


def _score_names(c: Consultation) -> str:
    return ", ".join(f"{SCORE_PREFIX}{k.id}" for k in c.criteria) or "(the definition has no criteria)"
