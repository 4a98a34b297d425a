"""The rows of each workbook sheet, read from storage a page at a time and keyed by codes only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carework_core.answering.vocabulary import labels_of
from carework_core.clock import parse_iso
from carework_core.definitions.changes import RoundSnapshot
from carework_core.definitions.local_text import languages_of
from carework_core.definitions.model import Consultation, ExamplesQuestion, ItemRatingQuestion, TextQuestion
from carework_core.people.language import fitting_language
from carework_core.research.codebook import Slot, coded
from carework_core.research.workbook_sources import AnswerKey, answer_details, items_fed, skipped
from carework_core.results.summary import ALL_GROUPS, RoundStats
from carework_core.results.team_scores import TEAM_GROUP
from carework_core.storage import workbook as stored
from carework_core.storage.db import Tx


@dataclass(frozen=True)
class Scope:
    """What one export covers and how it shows times."""

    consultation: Consultation
    snaps: dict[str, RoundSnapshot]  # every round as people saw it
    round_id: str | None
    since: str | None  # a stored time; answers and audit entries from then on

    def local(self, stamp: str | None) -> datetime | None:
        """Returns a stored time as a naive local date-time, which Excel shows as it is."""
        if not stamp:
            return None
        return parse_iso(stamp).astimezone(self.consultation.zone).replace(tzinfo=None)


def example_id(answer_id: int) -> str:
    """Returns the id an example carries in the workbook and in the synthesis workbook."""
    return f"E{answer_id}"


async def answer_rows(
    tx: Tx,
    scope: Scope,
    items: dict[tuple[str, str], str],
    reasons: dict[AnswerKey, str],
    voices: dict[object, tuple[int, str]] | None = None,
) -> AsyncIterator[list[Any]]:
    """Yields the Answers sheet: one row per answer, its words beside its stored code (and a voice note's file)."""
    voices = voices or {}
    fed = await items_fed(tx)
    extras = await answer_details(tx, scope.round_id)
    groups = {g.id: g.name for g in scope.consultation.groups}
    known: dict[tuple[str, str, str | None], _Asked] = {}
    async for a in stored.answer_rows(tx, scope.round_id, scope.since):
        asked = known.get((a.round_id, a.question_id, a.criterion_id))
        if asked is None:
            asked = known[(a.round_id, a.question_id, a.criterion_id)] = _asked(scope, a)
        q = asked.question
        typed = isinstance(q, (ExamplesQuestion, TextQuestion))
        item = items.get((q.item_set, a.item_id or "")) if isinstance(q, ItemRatingQuestion) else None
        key = (a.code, a.round_id, a.question_id, a.item_id, a.criterion_id)
        spoken = voices.get(a.id) or voices.get(key) or (None, None)
        yield [
            a.code,
            groups.get(a.group_id, a.group_id),
            a.round_id,
            asked.round_title,
            asked.theme,
            a.question_id,
            q.text if q else "",
            a.item_id,
            item,
            asked.criterion.name if asked.criterion else None,
            a.value if typed else "; ".join(labels_of(q, asked.criterion, a.value)),
            None,
            None if typed else a.value,  # typed text is in answer
            scope.local(a.created_at),
            example := example_id(a.id) if isinstance(q, ExamplesQuestion) else None,
            reasons.get(key) if reasons else None,
            ";".join(fed.get(example, ())) if example and fed else None,
            *spoken,
            _followups(q, extras.get(a.id)),
            (extras.get(a.id) or {}).get("other"),
            _spoken_details(a.id, extras.get(a.id), voices),
        ]


def _followups(q: Any, given: dict[str, str | None] | None) -> str | None:
    """Returns an example's follow-up answers, one a line as `id: words`, in the question's order."""
    if not given or not isinstance(q, ExamplesQuestion):
        return None
    # Follow-ups added to the definition after the round opened are not in its snapshot: they come last.
    order = [f.id for f in q.followups if f.id in given] + [k for k in given if k not in {f.id for f in q.followups}]
    return "\n".join(f"{k}: {given[k] if given[k] is not None else '(skipped)'}" for k in order) or None


def _spoken_details(answer_id: int, given: dict[str, str | None] | None, voices: dict) -> str | None:
    """Returns the recordings of an answer's spoken follow-ups and Other's words, one a line as `id: file`."""
    files = [(k, voices[(answer_id, k)][1]) for k in given or () if (answer_id, k) in voices]
    return "\n".join(f"{k}: {name}" for k, name in files) or None


@dataclass(frozen=True)
class _Asked:
    """A question as the people answering it saw it, looked up once per question and criterion."""

    question: Any
    criterion: Any
    round_title: str
    theme: str


def _asked(scope: Scope, a: stored.AnswerRow) -> _Asked:
    snap = scope.snaps.get(a.round_id)
    rnd = snap.round if snap else None
    q = next((q for q in rnd.questions if q.id == a.question_id), None) if rnd else None
    crit = snap.criterion(a.criterion_id) if snap and a.criterion_id else None
    themes = {t.id: t.name for t in scope.consultation.themes}
    return _Asked(q, crit, rnd.title if rnd else "", themes.get(rnd.theme, rnd.theme) if rnd else "")


def _person_status(p: stored.PersonRow) -> str:
    """Says where a person stands: withdrawn, unreachable (blocked the bot), paused (/pause), or active."""
    if p.status == "withdrawn":
        return "withdrawn"
    return "unreachable" if not p.reachable else "paused" if p.paused else "active"


async def participant_rows(tx: Tx, scope: Scope) -> AsyncIterator[list[Any]]:
    """Yields the Participants sheet: never a Telegram id, name or username."""
    choices = await stored.consent_choices(tx)
    statements = [s.id for s in scope.consultation.consent.statements]
    async for p in stored.people(tx):
        status = _person_status(p)
        reads = fitting_language(scope.consultation.languages, p.language)  # as the bot speaks to them
        row: list[Any] = [p.code, p.group_id, reads, scope.local(p.joined_at)]
        row += [scope.local(p.consented_at), status]
        mine = choices.get(p.id, {})
        for s in statements:
            agreed, at, wording = mine.get(s, (None, None, None))
            row += [None if agreed is None else int(agreed), scope.local(at), wording]
        yield row


async def wide_rows(tx: Tx, scope: Scope, round_id: str, slots: list[Slot]) -> AsyncIterator[list[Any]]:
    """Yields a round's wide sheet: one row per participant who answered, one cell per slot."""
    places = _places(slots)
    extras = await answer_details(tx, round_id) if places.details else {}
    passed = await skipped(tx, round_id) if places.skipped else set()
    person: str | None = None
    row: list[Any] = []
    seen: dict[str, int] = {}  # examples so far per question, for the person in hand
    async for a in stored.answers_by_person(tx, round_id, scope.since):
        if a.code != person:
            if person is not None:
                yield row
            person, row = a.code, [a.code, a.group_id] + [None] * len(slots)
            seen = {}
            for question_id, column in places.skipped.items():
                row[2 + column] = 1 if (a.code, question_id) in passed else None
        if a.question_id in places.examples:
            seen[a.question_id] = seen.get(a.question_id, 0) + 1
            column = places.examples[a.question_id].get(seen[a.question_id])
            if column is not None:
                row[2 + column] = a.value
            if a.question_id in places.skipped:
                row[2 + places.skipped[a.question_id]] = 0
        for nth, field, column in places.details.get(a.question_id, ()):
            if nth in (0, seen.get(a.question_id, 0)):
                row[2 + column] = (extras.get(a.id) or {}).get(field)
        for column in places.options.get(a.question_id, []):
            row[2 + column] = coded(slots[column], a.value)
        column = places.single.get((a.question_id, a.item_id, a.criterion_id))
        if column is not None:
            row[2 + column] = coded(slots[column], a.value)
    if person is not None:
        yield row


@dataclass
class _Places:
    single: dict[tuple[str, str | None, str | None], int]
    examples: dict[str, dict[int, int]]
    options: dict[str, list[int]]
    details: dict[str, list[tuple[int, str, int]]]  # by question: (nth example or 0, field, column)
    skipped: dict[str, int]


def _places(slots: list[Slot]) -> _Places:
    places = _Places({}, {}, {}, {}, {})
    for n, s in enumerate(slots):
        if s.detail:
            places.details.setdefault(s.question_id, []).append((s.nth, s.detail, n))
        elif s.skipped:
            places.skipped[s.question_id] = n
        elif s.nth:
            places.examples.setdefault(s.question_id, {})[s.nth] = n
        elif s.option is not None:
            places.options.setdefault(s.question_id, []).append(n)
        else:
            places.single[(s.question_id, s.item_id, s.criterion_id)] = n
    return places


def item_rows(
    loaded: list[tuple[str, str, str, int]], details: dict, criteria: list[str], further: tuple[str, ...] = ()
) -> Iterable[list[Any]]:
    """Yields the Items sheet: each loaded item with the synthesis' details where they exist, its kind, and
    its title, description and evidence in each `further` language (the definition's after its first)."""
    for item_set, item_id, text, position in loaded:
        d = details.get((item_set, item_id))
        sources = ";".join(getattr(d, "sources", ()) or ())
        scores = getattr(d, "scores", {}) or {}
        said = [str(getattr(d, name, "")) for name in ("description", "theme", "notes")]
        texts = [getattr(d, name, "") for name in ("title", "description", "notes")]
        translated = [languages_of(t).get(lang, "") for lang in further for t in texts]
        kind = str(getattr(d, "kind", "") or "")  # beside the id: it sets the criteria the item is rated on
        yield [item_set, item_id, kind, text, position, sources, *said, *translated] + [scores.get(k) for k in criteria]


def stat_rows(stats: dict[str, RoundStats], item_sets: dict[str, str], team: dict | None = None) -> Iterable[list[Any]]:
    """Yields the Item statistics sheet: the participants' figures per item, criterion and group, each with
    the team's own score beside it; then the scores on criteria only the team rates (group "team").
    `team` maps a round to (its team scores by (question, item, criterion), those only the team rates)."""
    for round_id, found in stats.items():
        scores, only = (team or {}).get(round_id, ({}, []))
        for c in found.cells:
            if c.item_id is None:
                continue
            group = "all" if c.group_id == ALL_GROUPS else c.group_id
            consensus = c.consensus.value if c.consensus else None
            figures = [c.median, c.q1, c.q3, c.top2_share, consensus]
            where = [item_sets.get(f"{round_id}/{c.question_id}", ""), c.item_id, round_id, c.criterion_id, group]
            yield [
                *where,
                c.n,
                c.not_sure,
                c.dont_know,
                *figures,
                int(c.suppressed),
                scores.get((c.question_id, c.item_id, c.criterion_id)),
            ]
        for (question_id, item_id, crit), score in only:
            where = [item_sets.get(f"{round_id}/{question_id}", ""), item_id, round_id, crit, TEAM_GROUP]
            yield [*where, *[None] * 8, 0, score]


def summary_rows(rows: list[stored.SummaryRow], scope: Scope) -> Iterable[list[Any]]:
    for s in rows:
        yield [s.round_id, s.status, s.approved_by or "", scope.local(s.approved_at), scope.local(s.sent_at)]


def audit_rows(rows: list[stored.AuditRow], codes: dict[int, str], scope: Scope) -> Iterable[list[Any]]:
    """Yields the Audit sheet; a participant acting appears by their code only."""
    for r in rows:
        kind, _, number = r.actor.partition(":")
        actor = codes.get(int(number), "participant") if kind == "participant" and number.isdigit() else r.actor
        yield [scope.local(r.at), actor, r.action, r.subject, r.detail]
