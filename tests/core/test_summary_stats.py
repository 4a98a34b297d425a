"""The figures of a rating round, checked against values worked out by hand in the comments."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carework_core.answering.vocabulary import DONT_KNOW, NOT_SURE
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import MedianRule, TopShareRule
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus, Rating, RoundStats, hidden_groups
from carework_core.results.summary_stats import cell_stats, digest_of, hide_few_ratings, phrase, quantiles, round_stats
from tests.conftest import MINI

TOP = TopShareRule(rule="top_share", top_share=0.7, max_iqr=1)
RAND = MedianRule(rule="median", agree_at_least=7, disagree_at_most=3, max_iqr=3)
KEY = ("q", "i1", "k")
EVIDENCE, NEWNESS = ("rate", "i1", "evidence"), ("rate", "i1", "newness")
LATER = ("rate", "i2", "evidence"), ("rate", "i2", "newness")


# --- quantiles -------------------------------------------------------------------------------


def test_quartiles_of_an_even_count_interpolate_between_ratings():
    # 1 2 3 4: q1 at (4-1)*0.25 = 0.75 -> 1.75; median at 1.5 -> 2.5; q3 at 2.25 -> 3.25.
    assert quantiles({1: 1, 2: 1, 3: 1, 4: 1}) == (1.75, 2.5, 3.25)


def test_quartiles_of_an_odd_count_with_ties():
    # 2 2 4: q1 at 0.5 -> 2; median at 1 -> 2; q3 at 1.5 -> halfway from 2 to 4 = 3.
    assert quantiles({2: 2, 4: 1}) == (2.0, 2.0, 3.0)
    assert quantiles({3: 5, 1: 0}) == (3.0, 3.0, 3.0)  # everyone the same; an empty point changes nothing
    assert quantiles({1: 1}) == (1.0, 1.0, 1.0)


def test_quartiles_of_nothing_are_refused():
    with pytest.raises(ValueError):
        quantiles({2: 0})


@given(st.dictionaries(st.integers(1, 11), st.integers(0, 40), min_size=1).filter(lambda h: sum(h.values()) >= 2))
def test_quartiles_agree_with_the_inclusive_method_on_the_sorted_ratings(histogram):
    ratings = sorted(point for point, n in histogram.items() for _ in range(n))
    assert quantiles(histogram) == pytest.approx(
        tuple(statistics.quantiles(ratings, n=4, method="inclusive")), abs=1e-9
    )


# --- one cell --------------------------------------------------------------------------------


def test_not_sure_is_counted_but_left_out_of_the_figures():
    cell = cell_stats(KEY, "workforce", {2: 1, 3: 1}, 3, 5, TOP, False)
    assert (cell.n, cell.not_sure, cell.median, cell.q1, cell.q3) == (2, 3, 2.5, 2.25, 2.75)


def test_top_share_agreement_and_its_mirror():
    # 2 3 4 4 4 4 5 5 5 5: q1 at 2.25 -> 4, q3 at 6.75 -> 5, iqr 1; top two (4, 5) hold 8 of 10.
    agree = cell_stats(KEY, ALL_GROUPS, {5: 4, 4: 4, 3: 1, 2: 1}, 0, 5, TOP, False)
    assert (agree.top2_share, agree.iqr, agree.consensus) == (0.8, 1.0, Consensus.AGREEMENT)
    # 1 1 1 1 2 2 2 2 3 4: q1 1, q3 2; bottom two hold 8 of 10.
    against = cell_stats(KEY, ALL_GROUPS, {1: 4, 2: 4, 3: 1, 4: 1}, 0, 5, TOP, False)
    assert (against.bottom2_share, against.iqr, against.consensus) == (0.8, 1.0, Consensus.AGAINST)


def test_top_share_counts_a_share_and_an_iqr_exactly_at_the_thresholds():
    # 3 3 3 4 4 4 4 5 5 5: top two hold 7 of 10 = 0.7; q1 at 2.25 -> 3.25, q3 at 6.75 -> 4.75, iqr 1.5.
    counts = {5: 3, 4: 4, 3: 3}
    assert cell_stats(KEY, ALL_GROUPS, counts, 0, 5, TOP, False).consensus == Consensus.NONE  # iqr 1.5 > 1
    wider = TopShareRule(rule="top_share", top_share=0.7, max_iqr=1.5)
    assert cell_stats(KEY, ALL_GROUPS, counts, 0, 5, wider, False).consensus == Consensus.AGREEMENT
    stricter = TopShareRule(rule="top_share", top_share=0.71, max_iqr=1.5)
    assert cell_stats(KEY, ALL_GROUPS, counts, 0, 5, stricter, False).consensus == Consensus.NONE


def test_median_rule_agreement_its_mirror_and_a_split():
    # 7 7 8 8 9: median 8, q1 7, q3 8.
    assert cell_stats(KEY, ALL_GROUPS, {7: 2, 8: 2, 9: 1}, 0, 9, RAND, False).consensus == Consensus.AGREEMENT
    # 1 2 2 3 3: median 2, q1 2, q3 3.
    assert cell_stats(KEY, ALL_GROUPS, {1: 1, 2: 2, 3: 2}, 0, 9, RAND, False).consensus == Consensus.AGAINST
    # 1 1 9 9 9: median 9 but q1 1, q3 9: an iqr of 8 is no consensus.
    assert cell_stats(KEY, ALL_GROUPS, {1: 2, 9: 3}, 0, 9, RAND, False).consensus == Consensus.NONE
    # 6 8: the median of an even count is 7, which is agreement (q1 6.5, q3 7.5).
    even = cell_stats(KEY, ALL_GROUPS, {6: 1, 8: 1}, 0, 9, RAND, False)
    assert (even.median, even.iqr, even.consensus) == (7.0, 1.0, Consensus.AGREEMENT)


def test_a_suppressed_cell_keeps_no_figures_and_an_unrated_one_has_none():
    hidden = cell_stats(KEY, "lived", {1: 2}, 1, 5, TOP, True)
    assert hidden == CellStats(*KEY, "lived", n=0, not_sure=0, suppressed=True)
    unsure = cell_stats(KEY, ALL_GROUPS, {}, 4, 5, TOP, False)
    assert (unsure.n, unsure.not_sure, unsure.median, unsure.consensus) == (0, 4, None, None)


# --- a round ---------------------------------------------------------------------------------


def mini(min_group_size: int = 5):
    """Returns mini.yaml with a median rule that fits its 3-point scales, and its rating round r2."""
    c = load_definition(MINI).model_copy(
        update={
            "consensus": MedianRule(rule="median", agree_at_least=3, disagree_at_most=1, max_iqr=1),
            "min_group_size": min_group_size,
        }
    )
    return c, c.round("r2")


# Round r2 of mini.yaml (workforce only in the file; lived people answered before a change of plan).
# i1 on evidence: workforce 3 3 3 2 and one Not sure (5 people); lived 1 1 (2 people).
ROWS = [
    ("rate", "i1", "evidence", "workforce", "3", 3),
    ("rate", "i1", "evidence", "workforce", "2", 1),
    ("rate", "i1", "evidence", "workforce", NOT_SURE, 1),
    ("rate", "i1", "evidence", "lived", "1", 2),
    ("rate", "i1", "newness", "workforce", NOT_SURE, 1),
    ("role", None, None, "workforce", "carer", 5),  # a choice, not a rating: no figures
]


def test_a_small_group_is_folded_into_all_groups_and_an_unrated_item_still_has_a_cell():
    c, rnd = mini()
    stats = round_stats(rnd, c, ROWS, keys=[EVIDENCE, NEWNESS, *LATER])
    # workforce 2 3 3 3: q1 at 0.75 -> 2.75, median 3, q3 at 2.25 -> 3; median 3 with iqr 0.25 is agreement.
    # lived: 2 people < 5, so no figures of its own...
    assert stats.cell(EVIDENCE, "lived") == CellStats(*EVIDENCE, "lived", n=0, not_sure=0, suppressed=True)
    # ...nor workforce's: with only one other group, all groups minus workforce would be lived's.
    assert stats.cell(EVIDENCE, "workforce") == CellStats(*EVIDENCE, "workforce", n=0, not_sure=0, suppressed=True)
    # ...but all groups counts them: 1 1 2 3 3 3: q1 at 1.25 -> 1.25, median at 2.5 -> 2.5, q3 at 3.75 -> 3.
    everyone = stats.cell(EVIDENCE)
    assert (everyone.n, everyone.not_sure, everyone.q1, everyone.median, everyone.q3) == (6, 1, 1.25, 2.5, 3.0)
    assert everyone.consensus == Consensus.NONE  # iqr 1.75 > 1
    unrated = stats.cell(LATER[0])
    assert (unrated.n, unrated.not_sure, unrated.median, unrated.consensus) == (0, 0, None, None)
    assert stats.cell(LATER[0], "workforce").suppressed  # nobody of the group answered: 0 < 5
    assert stats.cell(("role", None, None)) is None
    assert [c.key for c in stats.cells if c.group_id == ALL_GROUPS] == [EVIDENCE, NEWNESS, *LATER]
    assert stats.disagreements == frozenset()  # no group is shown, so none can disagree


def test_a_lone_small_group_hides_the_smallest_shown_group_with_it():
    c, rnd = mini()
    # providers: 5 ratings of 2; workforce as in ROWS and two more 3s (6 ratings, 1 Not sure); lived 2 ratings.
    more = [("rate", "i1", "evidence", "workforce", "3", 2), ("rate", "i1", "evidence", "providers", "2", 5)]
    stats = round_stats(rnd, c, [*ROWS, *more])
    # workforce 2 3 3 3 3 3 (+1 Not sure) is shown: q1 at 1.25 -> 3, median 3, q3 at 3.75 -> 3; agreement.
    work = stats.cell(EVIDENCE, "workforce")
    assert (work.n, work.not_sure, work.q1, work.median, work.q3) == (6, 1, 3.0, 3.0, 3.0)
    assert work.consensus == Consensus.AGREEMENT and not work.suppressed
    # providers (5, the smallest shown) is hidden with lived (2), so subtraction gives only both together.
    assert stats.cell(EVIDENCE, "providers").suppressed and stats.cell(EVIDENCE, "lived").suppressed
    # all groups 1 1 2 2 2 2 2 2 3 3 3 3 3: q1 at 3 -> 2, median at 6 -> 2, q3 at 9 -> 3.
    everyone = stats.cell(EVIDENCE)
    assert (everyone.n, everyone.q1, everyone.median, everyone.q3) == (13, 2.0, 2.0, 3.0)


def test_a_group_is_shown_by_its_ratings_not_by_how_many_said_not_sure():
    c, rnd = mini()
    # lived: 2 ratings (1 and 3) and 3 Not sure: five people answered, but q1 and q3 would be the two ratings.
    rows = [
        ("rate", "i1", "evidence", "workforce", "3", 6),
        ("rate", "i1", "evidence", "providers", "2", 5),
        ("rate", "i1", "evidence", "providers", NOT_SURE, 4),
        ("rate", "i1", "evidence", "lived", "1", 1),
        ("rate", "i1", "evidence", "lived", "3", 1),
        ("rate", "i1", "evidence", "lived", NOT_SURE, 3),
    ]
    stats = round_stats(rnd, c, rows)
    assert stats.cell(EVIDENCE, "lived") == CellStats(*EVIDENCE, "lived", n=0, not_sure=0, suppressed=True)
    # The lone hidden group takes the group with the fewest ratings with it: providers (5 ratings, 9
    # answers) rather than workforce (6 ratings, 6 answers).
    assert stats.cell(EVIDENCE, "providers").suppressed and not stats.cell(EVIDENCE, "workforce").suppressed
    assert stats.cell(EVIDENCE).n == 13


def test_a_group_that_only_said_not_sure_still_counts_as_a_lone_hidden_group():
    c, rnd = mini()
    rows = [
        ("rate", "i1", "evidence", "workforce", "3", 6),
        ("rate", "i1", "evidence", "providers", "2", 5),
        ("rate", "i1", "evidence", "lived", NOT_SURE, 2),  # all groups' Not sure minus the others' is theirs
    ]
    stats = round_stats(rnd, c, rows)
    assert stats.cell(EVIDENCE, "lived").suppressed and stats.cell(EVIDENCE, "providers").suppressed
    assert not stats.cell(EVIDENCE, "workforce").suppressed


def test_hidden_groups_never_leave_one_group_to_subtraction():
    assert hidden_groups({"a": 9, "b": 6, "c": 2}, 5) == {"b", "c"}
    assert hidden_groups({"a": 9, "b": 6, "c": 2, "d": 1}, 5) == {"c", "d"}  # two hidden already
    assert hidden_groups({"a": 9, "b": 6, "c": 0}, 5) == {"c"}  # nobody to give away
    assert hidden_groups({"a": 3}, 5) == {"a"}
    assert hidden_groups({"a": 9, "b": 6}, 5) == set()
    assert hidden_groups({"a": 9, "b": 6, "c": 0}, 5, answered={"c"}) == {"b", "c"}  # c said only Not sure


def test_groups_whose_medians_are_two_points_apart_disagree():
    c, rnd = mini(min_group_size=2)
    stats = round_stats(rnd, c, ROWS)
    # workforce median 3, lived median 1 (both shown now that groups of 2 are): 3 - 1 = 2.
    assert (stats.cell(EVIDENCE, "workforce").median, stats.cell(EVIDENCE, "lived").median) == (3.0, 1.0)
    assert stats.disagreements == frozenset({EVIDENCE})
    closer = [row for row in ROWS if row[3] != "lived"] + [("rate", "i1", "evidence", "lived", "2", 2)]
    assert round_stats(rnd, c, closer).disagreements == frozenset()  # 3 - 2 = 1


# --- a person's digest -----------------------------------------------------------------------


def test_the_digest_of_someone_who_skipped_an_item_and_was_not_sure_of_another():
    c, rnd = mini()
    stats = round_stats(rnd, c, ROWS, keys=[EVIDENCE, NEWNESS, *LATER])
    mine = [Rating(7, "lived", "rate", "i1", "newness", NOT_SURE), Rating(7, "lived", "rate", "i1", "evidence", "1")]
    digest = digest_of(7, "lived", mine, stats, c, rnd, {"i1": "Rota apps", "i2": "Peer support"})
    assert [line.key for line in digest.lines] == [EVIDENCE, NEWNESS]  # nothing for i2, which they skipped
    evidence, newness = digest.lines
    # All groups: q1 1.25 rounds to 1 (None), q3 3 is A lot; the person's 1 is 1.5 from the median 2.5.
    assert (evidence.title, evidence.criterion, evidence.yours) == ("Rota apps", "Evidence", "None")
    assert (evidence.group, evidence.everyone, evidence.distance) == ("", "None to A lot", 1.5)  # lived suppressed
    assert (newness.yours, newness.group, newness.everyone, newness.distance) == ("Not sure", "", "", 0.0)


def test_the_digest_sorts_by_distance_then_keeps_the_rounds_order():
    c, rnd = mini(min_group_size=1)
    rows = [("rate", item, k, "workforce", "2", 1) for item in ("i1", "i2") for k in ("evidence", "newness")]
    rows.append(("rate", "i2", "newness", "workforce", "3", 1))  # i2 newness: 2 3 -> median 2.5
    stats = round_stats(rnd, c, rows)
    mine = [Rating(1, "workforce", "rate", i, k, "2") for i in ("i1", "i2") for k in ("evidence", "newness")]
    digest = digest_of(1, "workforce", mine, stats, c, rnd, {})
    assert [(line.key[1:], line.distance) for line in digest.lines] == [
        (("i2", "newness"), 0.5),
        (("i1", "evidence"), 0.0),
        (("i1", "newness"), 0.0),
        (("i2", "evidence"), 0.0),
    ]
    assert digest.lines[1].group == "mostly Some" and digest.lines[0].everyone == "Quite new to Very new"


def test_a_phrase_rounds_half_a_point_up():
    labels = ["None", "Some", "A lot"]
    assert phrase(CellStats(*KEY, ALL_GROUPS, 4, 0, median=2, q1=1.5, q3=2.5), labels) == "Some to A lot"
    assert phrase(CellStats(*KEY, ALL_GROUPS, 4, 0, median=2, q1=1.5, q3=2.49), labels) == "mostly Some"
    assert phrase(CellStats(*KEY, "lived", 0, 0, suppressed=True), labels) == ""


def test_figures_stored_before_suppression_counted_ratings_are_hidden_again():
    c, rnd = mini()
    fresh = round_stats(rnd, c, [*ROWS, ("rate", "i1", "evidence", "providers", "2", 6)])
    assert hide_few_ratings(fresh, 5) == fresh  # drafted under today's rule: unchanged
    # As an older version stored it: workforce shown on 4 ratings and 1 Not sure, lived hidden.
    shown = cell_stats(EVIDENCE, "workforce", {2: 1, 3: 3}, 1, 3, c.consensus, False)
    old = RoundStats(
        "r2",
        tuple(shown if (x.key, x.group_id) == (EVIDENCE, "workforce") else x for x in fresh.cells),
        frozenset({EVIDENCE}),
    )
    again = hide_few_ratings(old, 5)
    assert again.cell(EVIDENCE, "workforce").suppressed and again.cell(EVIDENCE, "lived").suppressed
    assert not again.cell(EVIDENCE, "providers").suppressed  # two groups hidden: none left to subtract
    assert again.cell(EVIDENCE) == fresh.cell(EVIDENCE) and again.disagreements == frozenset()
    assert hide_few_ratings(None, 5) is None


def test_dont_know_is_counted_apart_from_not_sure_and_left_out_of_the_figures():
    c, rnd = mini()
    rows = [
        ("rate", "i1", "evidence", "workforce", "3", 4),
        ("rate", "i1", "evidence", "workforce", "1", 1),
        ("rate", "i1", "evidence", "workforce", NOT_SURE, 1),
        ("rate", "i1", "evidence", "workforce", DONT_KNOW, 5),
        ("rate", "i1", "evidence", "providers", "2", 5),
        ("rate", "i1", "evidence", "providers", DONT_KNOW, 2),
    ]
    stats = round_stats(rnd, c, rows)
    everyone, workforce = stats.cell(EVIDENCE), stats.cell(EVIDENCE, "workforce")
    assert (everyone.n, everyone.not_sure, everyone.dont_know) == (10, 1, 7)
    assert (workforce.n, workforce.not_sure, workforce.dont_know, workforce.median) == (5, 1, 5, 3.0)
    assert workforce.top2_share == 0.8  # 4 of the 5 ratings: the five who did not know are not among them


def test_a_group_that_only_did_not_know_is_hidden_like_one_that_said_not_sure():
    c, rnd = mini()
    rows = [
        ("rate", "i1", "evidence", "workforce", "3", 6),
        ("rate", "i1", "evidence", "providers", "2", 5),
        ("rate", "i1", "evidence", "lived", DONT_KNOW, 2),  # all groups' count minus the others' is theirs
    ]
    stats = round_stats(rnd, c, rows)
    assert stats.cell(EVIDENCE, "lived") == CellStats(*EVIDENCE, "lived", n=0, not_sure=0, suppressed=True)
    assert stats.cell(EVIDENCE, "providers").suppressed and not stats.cell(EVIDENCE, "workforce").suppressed
    assert stats.cell(EVIDENCE).dont_know == 2
