"""Who took part and how each group answered a choice question: small groups folded into everyone's."""

from __future__ import annotations

from carework_core.definitions.loading import load_definition
from carework_core.results.feedback import group_counts, tally_choices
from carework_core.results.summary import ALL_GROUPS, ChoiceTally, GroupCount
from tests.conftest import MINI

WHERE = load_definition(MINI).round("r1").question("where")


def test_each_group_is_counted_and_a_small_one_is_folded_with_the_smallest_shown():
    assert group_counts({"workforce": 6, "lived": 4}, ["workforce", "lived"], 3) == (
        GroupCount("workforce", 6),
        GroupCount("lived", 4),
        GroupCount(ALL_GROUPS, 10),
    )
    # One group too small: "everyone" minus the other would give it away, so both are folded.
    assert group_counts({"workforce": 6, "lived": 2}, ["workforce", "lived"], 3) == (
        GroupCount("workforce", 0, True),
        GroupCount("lived", 0, True),
        GroupCount(ALL_GROUPS, 8),
    )


def test_choices_are_tallied_per_person_and_option_and_small_groups_keep_no_counts():
    answers = [("workforce", "home,res"), ("workforce", "home"), ("workforce", "other"), ("lived", "res")]
    answers += [("lived", "nonsense")]  # an option the question no longer has: not an answer to count
    shown = tally_choices(WHERE, answers, ["workforce", "lived"], 1)
    assert shown == [
        ChoiceTally("where", "workforce", 3, (("home", 2), ("res", 1), ("other", 1))),
        ChoiceTally("where", "lived", 1, (("home", 0), ("res", 1), ("other", 0))),
        ChoiceTally("where", ALL_GROUPS, 4, (("home", 2), ("res", 2), ("other", 1))),
    ]
    folded = tally_choices(WHERE, answers, ["workforce", "lived"], 2)
    assert folded[1] == ChoiceTally("where", "lived", 0, (), True)
    assert folded[0].suppressed and folded[2].people == 4
