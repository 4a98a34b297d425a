"""What a summary feeds back besides ratings and examples: who took part, by group, and how each group
answered the round's choice questions. A group under min_group_size is folded into everyone's figures
(hidden_groups decides, as for ratings): it keeps no count of its own.
"""

from __future__ import annotations

from collections import Counter

from carework_core.definitions.model import ChoiceQuestion, Consultation, Round
from carework_core.results.summary import ALL_GROUPS, ChoiceTally, GroupCount, hidden_groups
from carework_core.storage.db import Tx
from carework_core.storage.tallies import choices_by_group, people_by_group


async def took_part(tx: Tx, rnd: Round, c: Consultation) -> tuple[GroupCount, ...]:
    """Returns how many people of each of the round's groups answered anything, then everyone."""
    return group_counts(await people_by_group(tx, rnd.id, list(rnd.groups)), list(rnd.groups), c.min_group_size)


def group_counts(sizes: dict[str, int], groups: list[str], min_group_size: int) -> tuple[GroupCount, ...]:
    """Returns each group's count, small ones folded into everyone's."""
    full = {g: sizes.get(g, 0) for g in groups}
    hidden = hidden_groups(full, min_group_size)
    counts = [GroupCount(g, 0, bool(n)) if g in hidden else GroupCount(g, n) for g, n in full.items()]
    return (*counts, GroupCount(ALL_GROUPS, sum(full.values())))


async def choice_tallies(tx: Tx, rnd: Round, c: Consultation) -> tuple[ChoiceTally, ...]:
    """Returns, for each choice question of the round, each group's answers and then everyone's."""
    tallies: list[ChoiceTally] = []
    for question in rnd.questions:
        if isinstance(question, ChoiceQuestion):
            answers = await choices_by_group(tx, rnd.id, question.id, list(rnd.groups))
            tallies += tally_choices(question, answers, list(rnd.groups), c.min_group_size)
    return tuple(tallies)


def tally_choices(
    question: ChoiceQuestion, answers: list[tuple[str, str]], groups: list[str], min_group_size: int
) -> list[ChoiceTally]:
    """Returns one question's tallies: per group (small ones folded and never counted alone), then everyone."""
    options = [o.id for o in question.options]
    people: Counter[str] = Counter()
    picked: dict[str, Counter[str]] = {g: Counter() for g in [*groups, ALL_GROUPS]}
    for group_id, value in answers:
        chosen = {v for v in value.split(",") if v in options}
        if group_id not in picked or not chosen:
            continue
        people[group_id] += 1
        people[ALL_GROUPS] += 1
        for option in chosen:
            picked[group_id][option] += 1
            picked[ALL_GROUPS][option] += 1
    hidden = hidden_groups({g: people[g] for g in groups}, min_group_size)
    out = []
    for group_id in [*groups, ALL_GROUPS]:
        if group_id in hidden:  # a group nobody of answered has nothing to fold
            out.append(ChoiceTally(question.id, group_id, 0, (), people[group_id] > 0))
            continue
        counts = tuple((o, picked[group_id][o]) for o in options)
        out.append(ChoiceTally(question.id, group_id, people[group_id], counts))
    return out
