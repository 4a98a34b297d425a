"""The workbook's sheets and what every column means, with every code and its label.

The wide sheets (one per round) are laid out here too: one row per participant, one column per
question, item x criterion or example slot, named so SPSS, Stata and R read them as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from carework_core.answering.vocabulary import DONT_KNOW, DONT_KNOW_LABEL, NOT_SURE, NOT_SURE_LABEL
from carework_core.definitions.changes import RoundSnapshot
from carework_core.definitions.info_sheet import sheet_versions
from carework_core.definitions.kinds import asked_with, every_criterion
from carework_core.definitions.model import (
    ChoiceQuestion,
    Consultation,
    ExamplesQuestion,
    ItemRatingQuestion,
    RatingQuestion,
    Scale,
)
from carework_core.people.consents import wording_version
from carework_core.research.sheets import Column, Sheet

NOT_SURE_CODE = -9  # "Not sure" in the wide sheets: a number no scale uses, declared missing in SPSS/Stata
DONT_KNOW_CODE = -8  # "I don't know this idea" on an item card: missing too, kept apart from Not sure
NAME_LIMIT = 32  # Stata's limit on a variable name (SPSS allows 64, R any)
STATUSES = (
    ("active", "taking part"),
    ("paused", "has paused messages for now"),
    ("unreachable", "Telegram refuses messages to them (blocked the bot or left)"),
    ("withdrawn", "has withdrawn; their earlier answers stay unless they asked otherwise"),
)
ANSWER_SHEET = Sheet(
    "Answers",
    (
        Column("participant", "the participant's pseudonymous code"),
        Column("group", "their stakeholder group"),
        Column("round", "round id"),
        Column("round_title", "round title as participants saw it"),
        Column("theme", "the round's theme"),
        Column("question_id", "question id"),
        Column("question", "the question as participants saw it"),
        Column("item_id", "the item rated (item-rating questions)"),
        Column("item", "the item's text"),
        Column("criterion", "the criterion the item was rated on"),
        Column("answer", "the answer in words: the text typed, the scale label or the options chosen", continued=True),
        Column("answer_cont", "the rest of an answer longer than 32,767 characters (xlsx only); never cut"),
        Column(
            "answer_code",
            "the stored value: scale point from 1 (lowest), not_sure, dont_know, or option ids; empty for typed text",
        ),
        Column("answered_at", "when the answer arrived, local time"),
        Column("example_id", "E<answer id> for an example: the id the synthesis workbook uses"),
        Column("reason", "why the person sees this rating differently from their group, when they said"),
        Column("items_fed", "the items an example fed in the synthesis, separated by ;"),
        Column("voice_seconds", "for a voice note (the answer or the reason), how long it is in seconds"),
        Column(
            "voice_file", "the voice note's recording as `carework voice-notes` saves it: <code>_<question>_<n>.ogg"
        ),
        Column(
            "followups",
            "an example's follow-up answers, one a line as follow-up id: words; (skipped) when the person tapped Skip",
        ),
        Column("other_words", "the words typed with an Other option"),
        Column(
            "followup_voice_files",
            "the recordings of follow-up answers and Other's words spoken as voice notes, one a line as "
            "follow-up id (other for Other's words): file, as `carework voice-notes` saves it",
        ),
    ),
)
ITEM_SHEET_NOTE = "team scores and sources appear once the synthesis has been imported"
SUMMARY_SHEET = Sheet(
    "Summaries",
    (
        Column("round", "round id"),
        Column("status", "draft, approved or sent"),
        Column("approved_by", "who approved it (coordinator number or cli)"),
        Column("approved_at", "when it was approved, local time"),
        Column("sent_at", "when it was queued to everyone it is for, local time"),
    ),
)
AUDIT_SHEET = Sheet(
    "Audit",
    (
        Column("at", "when, local time"),
        Column("actor", "who: cli, coordinator:<number>, or a participant's code"),
        Column("action", "what was done"),
        Column("subject", "what it was done to (round, group, audience)"),
        Column("detail", "the action's details as JSON"),
    ),
)
STAT_COLUMNS = (
    Column("item_set", "the item set"),
    Column("item_id", "item id"),
    Column("round", "the round in which it was rated"),
    Column("criterion", "criterion id"),
    Column("group", "stakeholder group id, or all for everyone (team: the team's score alone)"),
    Column("n", "ratings on the scale (not sure excluded)"),
    Column("not_sure", "how many said not sure"),
    Column("dont_know", "how many did not know this idea (I don't know this idea); not in n or the figures"),
    Column("median", "median scale point"),
    Column("q1", "first quartile (linear method)"),
    Column("q3", "third quartile (linear method)"),
    Column("top2_share", "share of n in the top two points"),
    Column("consensus", "agreement, agreement against, or no consensus"),
    Column(
        "suppressed",
        "1 when the group has too few ratings (not sure excluded) to show on its own: its figures stay empty",
    ),
    Column(
        "team_score",
        "the research team's own score of the item on the criterion (score_<criterion>), empty when it gave none; "
        'a criterion only the team rates (rated_by: team) has one row, group "team", with only this',
    ),
)
STATS_SHEET = Sheet("Item statistics", STAT_COLUMNS)


def participant_sheet(c: Consultation) -> Sheet:
    """Returns the Participants sheet: one column per consent statement and its time."""
    columns = [
        Column("participant", "pseudonymous code"),
        Column("group", "stakeholder group id", tuple((g.id, g.name) for g in c.groups)),
        Column(
            "language",
            f"the language they read the bot in ({', '.join(c.languages)}): "
            "chosen with /language, else the one their Telegram app uses",
        ),
        Column("joined", "when they first opened their invite, local time"),
        Column("consented_at", "when they finished the consent questions, local time"),
        Column("status", "where they stand now", STATUSES),
    ]
    for s in c.consent.statements:
        columns.append(Column(f"consent_{s.id}", s.text, (("1", "agreed"), ("0", "did not agree"))))
        columns.append(Column(f"consent_{s.id}_at", f"when they answered consent_{s.id}, local time"))
        now = ", ".join(f"{wording_version(c.consent, s, lang)} ({lang})" for lang in c.languages)
        columns.append(
            Column(
                f"consent_{s.id}_wording",
                "the version of the words they answered consent_"
                f"{s.id} under (a hash of the consent intro and statement as shown); the wording now is {now}; "
                "empty: answered before versions were kept",
            )
        )
    return Sheet("Participants", tuple(columns), _sheet_note(c))


def _sheet_note(c: Consultation) -> str:
    """Names the information sheet people were sent before agreeing, by version per language; "" when none."""
    try:
        versions = sheet_versions(c)
    except OSError as exc:  # moved since validate: the codebook says so rather than failing the export
        return f"the participant information sheet named in the definition cannot be read: {exc.strerror or exc}"
    if not versions:
        return ""
    now = ", ".join(f"{version} ({lang})" for lang, version in versions.items())
    return (
        "before agreeing, each person was sent the participant information sheet (consent.sheet) in their "
        f"language; its version now is {now} (a hash of the file, or of the link)"
    )


def item_sheet(c: Consultation) -> Sheet:
    """Returns the Items sheet: each loaded item with its sources and the team's review scores."""
    columns = [
        Column("item_set", "the item set it belongs to"),
        Column("item_id", "item id"),
        Column("kind", "the kind of idea it is (e.g. innovation, solution), which sets the criteria it is rated on"),
        Column("text", "the item as participants see it"),
        Column("position", "its place in the set, from 0"),
        Column("source_examples", "the example ids (E<answer id>) behind it, separated by ;"),
        Column("description", "the team's short description"),
        Column("theme", "the team's theme"),
        Column("evidence_notes", "the team's notes on the evidence behind it"),
    ]
    for lang in c.languages[1:]:  # named as `carework items import` reads them, so the sheet can go back in
        columns.append(Column(f"title_{lang}", f"the item as participants see it, in {lang}"))
        columns.append(Column(f"description_{lang}", f"the team's short description, in {lang}"))
        columns.append(Column(f"evidence_{lang}", f"the team's notes on the evidence behind it, in {lang}"))
    for k in c.criteria:
        columns.append(Column(f"score_{k.id}", f"the team's review score on {k.name}", scale_codes(k.scale)))
    return Sheet("Items", tuple(columns), ITEM_SHEET_NOTE)


def scale_codes(scale: Scale, not_sure: str = NOT_SURE) -> tuple[tuple[str, str], ...]:
    """Returns a scale's codes with their labels, lowest first."""
    codes = tuple((str(n), label) for n, label in enumerate(scale.labels, start=1))
    return codes + (((not_sure, NOT_SURE_LABEL),) if scale.not_sure else ())


@dataclass(frozen=True)
class Slot:
    """Where one wide column's value comes from: a question, an item card, an example or an option."""

    question_id: str
    item_id: str | None = None
    criterion_id: str | None = None
    nth: int = 0  # the nth example (from 1); 0 for anything else
    option: str | None = None  # one option of a multiple choice: 1 when chosen
    scale: bool = False  # the value is a scale point
    options: tuple[str, ...] = ()  # a single choice: coded by the option's place, from 1
    detail: str = ""  # a follow-up's id (with nth) or "other": the words given with the answer
    skipped: bool = False  # 1 when the person skipped the question or had no example


def wide_sheet(
    snap: RoundSnapshot, items: dict[str, list[tuple[str, str]]], kinds: dict[str, dict[str, str]] | None = None
) -> tuple[Sheet, list[Slot]]:
    """Returns a round's wide sheet and where each of its columns (after participant and group) comes from;
    an item has a column for each criterion participants rate its kind (`kinds`: set -> item -> kind) on."""
    columns = [Column("participant", "pseudonymous code"), Column("group", "stakeholder group id")]
    slots: list[Slot] = []
    taken = {"participant", "group"}
    for q in snap.round.questions:
        for name, column, slot in _question_columns(q, snap, items, kinds or {}):
            safe = safe_name(name, taken)
            columns.append(Column(safe, column.meaning, column.codes))
            slots.append(slot)
    title = f"Round {snap.round.id}"
    return Sheet(title, tuple(columns), f"{snap.round.title}: one row per participant"), slots


def _question_columns(q: Any, snap: RoundSnapshot, items: dict, kinds: dict) -> list[tuple[str, Column, Slot]]:
    if isinstance(q, ExamplesQuestion):
        return _example_columns(q)
    if isinstance(q, RatingQuestion):
        return [(q.id, Column("", q.text, scale_codes(q.scale, str(NOT_SURE_CODE))), Slot(q.id, scale=True))]
    if isinstance(q, ChoiceQuestion) and q.multiple:
        yes = (("1", "chosen"), ("0", "not chosen"))
        out = [(f"{q.id}_{o.id}", Column("", f"{q.text}: {o.label}", yes), Slot(q.id, option=o.id)) for o in q.options]
        return out + _other_column(q)
    if isinstance(q, ChoiceQuestion):
        codes = tuple((str(n), o.label) for n, o in enumerate(q.options, start=1))
        chosen = (q.id, Column("", q.text, codes), Slot(q.id, options=tuple(o.id for o in q.options)))
        return [chosen, *_other_column(q)]
    if isinstance(q, ItemRatingQuestion):
        out = []
        team = {k.id for k in snap.criteria if k.rated_by == "team"}
        for item_id, text in items.get(q.item_set, []):
            for crit_id in asked_with(team, q, kinds.get(q.item_set, {}).get(item_id)):
                k = snap.criterion(crit_id)
                codes = (
                    scale_codes(k.scale, str(NOT_SURE_CODE)) + ((str(DONT_KNOW_CODE), DONT_KNOW_LABEL),) if k else ()
                )
                meaning = f"{text}: {k.name if k else crit_id}"
                out.append(
                    (f"{item_id}_{crit_id}", Column("", meaning, codes), Slot(q.id, item_id, crit_id, scale=True))
                )
        return out
    return [(q.id, Column("", q.text), Slot(q.id))]


def _example_columns(q: ExamplesQuestion) -> list[tuple[str, Column, Slot]]:
    """Each example, its follow-up answers beside it, then whether the person had none."""
    out = []
    for n in range(1, q.max_examples + 1):
        out.append((f"{q.id}_{n}", Column("", f"{q.text} (example {n})"), Slot(q.id, nth=n)))
        for f in q.followups:
            meaning = f"{f.text} (about example {n}; empty when skipped)"
            out.append((f"{q.id}_{n}_{f.id}", Column("", meaning), Slot(q.id, nth=n, detail=f.id)))
    none = (("1", "skipped the question or had no example"), ("0", "gave an example"))
    return out + [(f"{q.id}_none", Column("", f"{q.text} (no example)", none), Slot(q.id, skipped=True))]


def _other_column(q: ChoiceQuestion) -> list[tuple[str, Column, Slot]]:
    other = next((o for o in q.options if o.other), None)
    if other is None:
        return []
    return [(f"{q.id}_other_words", Column("", f"{q.text}: {other.label}, in their words"), Slot(q.id, detail="other"))]


def safe_name(name: str, taken: set[str]) -> str:
    """Returns a variable name SPSS, Stata and R accept: a letter first, letters, digits, _, <= 32, unique."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not base[:1].isalpha():
        base = f"v_{base}"
    base = base[:NAME_LIMIT]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[: NAME_LIMIT - len(str(n)) - 1]}_{n}"
    taken.add(candidate.lower())
    return candidate


def coded(slot: Slot, value: str) -> Any:
    """Returns a stored value as the wide sheet codes it."""
    if slot.scale:
        codes = {NOT_SURE: NOT_SURE_CODE, DONT_KNOW: DONT_KNOW_CODE}
        return codes[value] if value in codes else int(value) if value.isdigit() else value
    if slot.options:
        return slot.options.index(value) + 1 if value in slot.options else value
    if slot.option is not None:
        return int(slot.option in value.split(","))
    return value


def codebook_rows(sheets: list[Sheet]) -> list[list[str]]:
    """Returns the codebook: every column of every sheet, then each of its codes with its label."""
    rows = []
    for sheet in sheets:
        if sheet.note:
            rows.append([sheet.title, "", sheet.note, "", ""])
        for column in sheet.columns:
            rows.append([sheet.title, column.name, column.meaning, "", ""])
            rows.extend([sheet.title, column.name, "", code, label] for code, label in column.codes)
    return rows


CODEBOOK_SHEET = Sheet(
    "Codebook",
    (
        Column("sheet", "the sheet"),
        Column("column", "the column's name"),
        Column("meaning", "what it holds"),
        Column("code", "a value the column may hold"),
        Column("label", "what that value means"),
    ),
)


def answer_codes(snaps: list[RoundSnapshot]) -> Sheet:
    """Returns the codes of Answers' answer_code, question by question (and criterion by criterion)."""
    columns = []
    for snap in snaps:
        for q in snap.round.questions:
            where = f"answer_code of {snap.round.id}/{q.id}"
            if isinstance(q, RatingQuestion):
                columns.append(Column(where, q.text, scale_codes(q.scale)))
            elif isinstance(q, ChoiceQuestion):
                joined = "option ids, several joined by ," if q.multiple else "the option id"
                columns.append(Column(where, f"{q.text} ({joined})", tuple((o.id, o.label) for o in q.options)))
            elif isinstance(q, ItemRatingQuestion):
                for crit_id in every_criterion(q):
                    k = snap.criterion(crit_id)
                    if k is not None and k.rated_by != "team":
                        columns.append(Column(f"{where}/{crit_id}", k.question, scale_codes(k.scale)))
    return Sheet("Answers", tuple(columns))
