"""The research team's report as data: the ranking rule, folded groups, turnout and retention by hand."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from carework_core.definitions.loading import check_definition
from carework_core.definitions.report_rules import ReportRules
from carework_core.report.ranking import rank_round
from carework_core.report.turnout import retention, round_turnout
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus, RoundStats
from carework_core.storage.progress import GroupCounts
from tests.conftest import MINI

AGREE, NONE = Consensus.AGREEMENT, Consensus.NONE


def cell(item: str, crit: str, top2: float, median: float, n: int = 10, group=ALL_GROUPS, consensus=AGREE):
    return CellStats("rate", item, crit, group, n, 0, median, median, median, top2, 0.0, consensus)


def test_default_rule_ranks_by_pooled_top_two_share_then_agreement():
    stats = RoundStats(
        "r2",
        (
            cell("i1", "evidence", 0.5, 2, n=10),  # pooled (0.5*10 + 0.9*30) / 40 = 0.8
            cell("i1", "newness", 0.9, 3, n=30, consensus=NONE),
            cell("i2", "evidence", 0.8, 3, n=10),  # pooled 0.8 as well, but two criteria agree: first
            cell("i2", "newness", 0.8, 3, n=10),
            cell("i3", "evidence", 0.95, 3, n=4),  # highest share
            CellStats("rate", "i4", "evidence", ALL_GROUPS, 0, 2),  # nobody rated it on the scale: last
        ),
    )
    ranking = rank_round(stats, {"i1": "One"}, ReportRules().terms(), ["workforce"])
    assert [(i.item_id, i.rank) for i in ranking.ideas] == [("i3", 1), ("i2", 2), ("i1", 3), ("i4", 4)]
    assert ranking.ideas[2].key == (pytest.approx(0.8), 1.0) and ranking.ideas[2].title == "One"
    assert ranking.ideas[3].key == (None, None)


def test_a_criterion_term_ranks_by_that_criterion_first():
    stats = RoundStats(
        "r2",
        (
            cell("i1", "evidence", 0.9, 3),
            cell("i1", "newness", 0.2, 1),
            cell("i2", "evidence", 0.1, 1),
            cell("i2", "newness", 0.6, 2),
        ),
    )
    rules = ReportRules(rank_by=["newness", "evidence.median"])
    assert rules.terms() == [("newness", "top2_share"), ("evidence", "median")]
    assert [i.item_id for i in rank_round(stats, {}, rules.terms(), []).ideas] == ["i2", "i1"]


def test_folded_groups_have_no_cell_and_the_groups_differ_flag_is_kept():
    hidden = CellStats("rate", "i1", "evidence", "lived", 0, 0, suppressed=True)
    stats = RoundStats(
        "r2",
        (cell("i1", "evidence", 0.5, 2), cell("i1", "evidence", 0.2, 1, n=5, group="workforce"), hidden),
        frozenset({("rate", "i1", "evidence")}),
    )
    ranking = rank_round(stats, {}, ReportRules().terms(), ["workforce", "lived"], {("rate", "i1", "evidence"): 4})
    (idea,) = ranking.ideas
    assert [c.group_id for c in idea.cells] == [ALL_GROUPS, "workforce"]
    assert ranking.groups == ("workforce",) and idea.differ == ("evidence",) and idea.team == {"evidence": 4}


def test_a_rank_term_naming_no_criterion_is_refused_with_its_line(tmp_path):
    text = MINI.read_text() + "report:\n  rank_by: [top2_share, major_issue]\n"
    survey = tmp_path / "survey.yaml"
    survey.write_text(text)
    (problem,) = check_definition(survey)
    assert ":87: report.rank_by[1]:" in str(problem) and "no criterion or figure called 'major_issue'" in str(problem)
    with pytest.raises(ValidationError, match="one of top2_share, median, agreement"):
        ReportRules(rank_by=["evidence.mean"])


def test_turnout_folds_a_small_group_and_the_next_smallest_with_it():
    counts = {
        "a": GroupCounts("a", 10, 9, 8, 0),
        "b": GroupCounts("b", 7, 6, 6, 0),
        "c": GroupCounts("c", 5, 3, 2, 0),  # 2 finished, under 5: folded; alone, so b (the smallest shown) goes too
    }
    found = round_turnout("r1", ["a", "b", "c"], counts, min_size=5)
    assert [(t.group_id, t.invited, t.started, t.finished) for t in found.rows] == [
        ("a", 10, 9, 8),
        (ALL_GROUPS, 22, 18, 16),
    ]
    assert found.folded == 2 and found.rows[0].share == 0.8


def test_retention_counts_the_first_rounds_finishers_who_finished_later_rounds():
    finished = {
        "r1": {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "c"},
        "r2": {1: "a", 2: "a", 4: "b", 6: "c", 9: "a"},  # 9 did not finish r1: not counted
        "r3": {3: "a"},
    }
    kept = retention("r1", {"r2": ["a", "b", "c"], "r3": ["a", "b", "c"]}, finished, ["a", "b", "c"], min_size=2)
    # c has one finisher of r1, under 2: folded; b (2) is the smallest shown, so it is folded with c.
    assert [(k.round_id, k.group_id, k.kept, k.of) for k in kept.rows] == [
        ("r2", "a", 2, 3),
        ("r2", ALL_GROUPS, 4, 6),
        ("r3", "a", 1, 3),
        ("r3", ALL_GROUPS, 1, 6),
    ]
    assert kept.folded == 2


def test_retention_counts_only_the_groups_a_later_round_invites():
    finished = {"r1": {1: "a", 2: "a", 3: "b", 4: "b"}, "r2": {1: "a"}}
    kept = retention("r1", {"r2": ["a"]}, finished, ["a", "b"], min_size=1)
    assert [(k.group_id, k.kept, k.of) for k in kept.rows] == [("a", 1, 2), (ALL_GROUPS, 1, 2)]
