"""What a definition may and may not change once a round has opened.

Stored answers are positions on a scale, option ids and question ids. A definition that moves,
removes or retypes them after people have answered would make those answers mean something
else, so such changes are named and refused. Wording (question text, hints, titles, and a
label's spelling as long as every label keeps its place) may still be fixed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from carework_core.definitions.kinds import every_criterion
from carework_core.definitions.model import (
    ChoiceQuestion,
    Consultation,
    Criterion,
    ExamplesQuestion,
    ItemRatingQuestion,
    Question,
    RatingQuestion,
    Round,
    Scale,
)

SCALES = "a round that has opened cannot change its scales (fix the wording only)"


class RoundSnapshot(BaseModel):
    """A round as people saw it when it first opened: its questions and the criteria it rates on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    round: Round
    criteria: list[Criterion] = []

    def criterion(self, criterion_id: str) -> Criterion | None:
        """Returns the criterion with this id as it was when the round opened."""
        return next((k for k in self.criteria if k.id == criterion_id), None)


def snapshot_of(consultation: Consultation, rnd: Round) -> RoundSnapshot:
    """Returns a round of the definition together with the criteria its questions use."""
    used = {c for q in rnd.questions if isinstance(q, ItemRatingQuestion) for c in every_criterion(q)}
    return RoundSnapshot(round=rnd, criteria=[k for k in consultation.criteria if k.id in used])


def removed_groups(members: dict[str, int], now: Consultation) -> list[tuple[str, int]]:
    """Returns (group id, members) of each group people belong to that the definition no longer has."""
    kept = {g.id for g in now.groups}
    return [(gid, n) for gid, n in sorted(members.items()) if n and gid not in kept]


def removed_group(group_id: str, members: int) -> str:
    """Says that a group with members was taken out of the definition, and what to do."""
    people = "1 participant belongs" if members == 1 else f"{members} participants belong"
    return (
        f"group {group_id} was removed, but {people} to it; put it back "
        "(its members would drop out of announcements and /status)"
    )


def definition_changes(opened: dict[str, RoundSnapshot], now: Consultation) -> list[str]:
    """Returns every change the definition makes to rounds that have opened, one sentence each."""
    found: list[str] = []
    current = {r.id: r for r in now.rounds}
    for round_id, snapshot in opened.items():
        if round_id not in current:
            found.append(f"round {round_id} has opened, so it cannot be removed from the definition")
        else:
            found += changes(snapshot, snapshot_of(now, current[round_id]))
    return found


def changes(opened: RoundSnapshot, now: RoundSnapshot) -> list[str]:
    """Returns how a round's questions, scales and options differ from when it opened."""
    rid = opened.round.id
    before = [q.id for q in opened.round.questions]
    after = [q.id for q in now.round.questions]
    found = [
        f"round {rid}: question {q} was removed; a round that has opened keeps its questions"
        for q in before
        if q not in after
    ]
    found += [
        f"round {rid}: question {q} was added; a round that has opened cannot gain questions (ask it in a new round)"
        for q in after
        if q not in before
    ]
    if not found and before != after:
        found.append(
            f"round {rid}: questions moved from [{', '.join(before)}] to [{', '.join(after)}]; "
            "a round that has opened keeps its question order"
        )
    for old in opened.round.questions:
        new = next((q for q in now.round.questions if q.id == old.id), None)
        if new is not None:
            found += _question_changes(f"round {rid}, question {old.id}", old, new, opened, now)
    return found


def _question_changes(where: str, old: Question, new: Question, opened: RoundSnapshot, now: RoundSnapshot) -> list[str]:
    if old.type != new.type:
        return [
            f"{where}: type changed from {old.type} to {new.type}; "
            "a round that has opened cannot change a question's type"
        ]
    if isinstance(old, RatingQuestion) and isinstance(new, RatingQuestion):
        return _scale_changes(where, old.scale, new.scale)
    if isinstance(old, ChoiceQuestion) and isinstance(new, ChoiceQuestion):
        return _choice_changes(where, old, new)
    if isinstance(old, ExamplesQuestion) and isinstance(new, ExamplesQuestion):
        before, after = [f.id for f in old.followups], [f.id for f in new.followups]
        if before == after:
            return []
        return [
            f"{where}: follow-ups changed from [{', '.join(before)}] to [{', '.join(after)}]; a round that has "
            "opened keeps its follow-ups, or earlier answers would lack them or lose them (fix their wording only)"
        ]
    if isinstance(old, ItemRatingQuestion) and isinstance(new, ItemRatingQuestion):
        return _item_rating_changes(where, old, new, opened, now)
    return []


def _choice_changes(where: str, old: ChoiceQuestion, new: ChoiceQuestion) -> list[str]:
    found = []
    before, after = [o.id for o in old.options], [o.id for o in new.options]
    if before != after:
        found.append(
            f"{where}: options changed from [{', '.join(before)}] to [{', '.join(after)}]; "
            "a round that has opened cannot change its options' ids or order (fix the labels' wording only)"
        )
    other_before = next((o.id for o in old.options if o.other), "none")
    other_after = next((o.id for o in new.options if o.other), "none")
    if other_before != other_after:
        found.append(
            f"{where}: the Other option changed from {other_before} to {other_after}; "
            "a round that has opened keeps which option asks for words"
        )
    if old.multiple != new.multiple:
        found.append(
            f"{where}: multiple changed from {str(old.multiple).lower()} to {str(new.multiple).lower()}; "
            "a round that has opened cannot change how many options people may pick"
        )
    return found


def _item_rating_changes(
    where: str, old: ItemRatingQuestion, new: ItemRatingQuestion, opened: RoundSnapshot, now: RoundSnapshot
) -> list[str]:
    found = []
    if old.item_set != new.item_set:
        found.append(
            f"{where}: item_set changed from {old.item_set} to {new.item_set}; "
            "a round that has opened keeps the items people rate"
        )
    if old.criteria != new.criteria:
        found.append(
            f"{where}: criteria changed from [{', '.join(old.criteria)}] to [{', '.join(new.criteria)}]; "
            "a round that has opened keeps its criteria and their order"
        )
    if old.criteria_by_kind != new.criteria_by_kind:
        found.append(f"{where}: criteria_by_kind changed; a round that has opened keeps each kind's criteria")
    if old.items_per_person != new.items_per_person:
        found.append(
            f"{where}: items_per_person changed from {old.items_per_person or 'every item'} to "
            f"{new.items_per_person or 'every item'}; a round that has opened keeps the share each person rates"
        )
    for crit_id in every_criterion(old):
        before, after = opened.criterion(crit_id), now.criterion(crit_id)
        if before is not None and after is not None:
            found += _scale_changes(f"{where}, criterion {crit_id}", before.scale, after.scale)
            if before.rated_by != after.rated_by:
                found.append(
                    f"{where}, criterion {crit_id}: rated_by changed from {before.rated_by} to {after.rated_by}; "
                    "a round that has opened keeps who rates each criterion"
                )
    return found


def _scale_changes(where: str, old: Scale, new: Scale) -> list[str]:
    """Names a scale change that would alter what stored positions mean; respelling a label in place is fine."""
    found = []
    moved = any(label in new.labels and new.labels.index(label) != n for n, label in enumerate(old.labels))
    if len(old.labels) != len(new.labels) or moved:
        found.append(
            f"{where}: scale labels changed from [{', '.join(old.labels)}] to [{', '.join(new.labels)}]; " + SCALES
        )
    if old.not_sure != new.not_sure:
        found.append(f"{where}: the Not sure button was {'added' if new.not_sure else 'removed'}; " + SCALES)
    return found
