"""The Results service over answers stored through the core: figures, digests, medians and the CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from carework_core.answering.service import Item
from carework_core.bootstrap import Services
from carework_core.errors import ExportRefused, NotFound, SummaryError
from carework_core.results.figures import STATS_COLUMNS
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus
from tests.conftest import MINI, SURVEY, join

EVIDENCE, NEWNESS = ("rate", "i1", "evidence"), ("rate", "i1", "newness")
LATER = ("rate", "i2", "evidence"), ("rate", "i2", "newness")
# mini.yaml with round r2 for both groups, groups of 3 shown, and a median rule for 3-point scales.
DEFINITION = MINI.read_text().replace("    groups: [workforce]\n", "    groups: [workforce, lived]\n") + (
    "min_group_size: 3\nconsensus: {rule: median, agree_at_least: 3, disagree_at_most: 1, max_iqr: 1}\n"
)
# Each person's ratings, card by card: i1 evidence, i1 newness, i2 evidence, i2 newness.
# w3 and l2 stop after the first item. Evidence: None, Some, A lot (+ Not sure); newness: Not new, Quite new, Very new.
RATINGS = {
    "w1": ("workforce", ["3", "1", "3", "2"]),
    "w2": ("workforce", ["3", "2", "2", "2"]),
    "w3": ("workforce", ["2", "1"]),
    "l1": ("lived", ["1", "3", "not_sure", "3"]),
    "l2": ("lived", ["not_sure", "3"]),
}
CARDS = [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.fixture
async def rated(tmp_path, clock):
    """Returns services whose round r2 holds RATINGS, and each person's participant id."""
    survey = tmp_path / "mini.yaml"
    survey.write_text(DEFINITION)
    services = await Services.open(tmp_path / "c.db", survey, clock)
    await services.answering.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    ids = {name: (await join(services, 100 + n, group)).id for n, (name, (group, _)) in enumerate(RATINGS.items())}
    ids["nobody"] = (await join(services, 999, "workforce")).id
    await services.rounds.open_round("r2", actor="test")
    for n, (name, (_, values)) in enumerate(RATINGS.items()):
        user = 100 + n
        await services.answering.begin(user, "r2")
        await services.answering.tap(user, "r2", 1, "carer", f"{name}-role")
        for value, card in zip(values, CARDS, strict=False):
            await services.answering.tap(user, "r2", 2, value, f"{name}-{card}", card)
    yield services, ids
    await services.close()


async def test_figures_fold_small_groups_into_all_groups(rated):
    services, _ = rated
    stats = await services.results.round_stats("r2")
    # lived: one rating and one Not sure is 2 people < 3: suppressed, but counted in all groups:
    # 1 2 3 3: q1 at 0.75 -> 1.75, median 2.5, q3 at 2.25 -> 3.
    assert stats.cell(EVIDENCE, "lived").suppressed
    everyone = stats.cell(EVIDENCE)
    assert (everyone.n, everyone.not_sure, everyone.q1, everyone.median, everyone.q3) == (4, 1, 1.75, 2.5, 3.0)
    # workforce (3 people) would be shown, but all groups minus workforce would give lived's figures
    # back, so the only other group is hidden with it.
    assert stats.cell(EVIDENCE, "workforce") == CellStats(*EVIDENCE, "workforce", n=0, not_sure=0, suppressed=True)
    # i1 newness, all groups 1 1 2 3 3: median 2, iqr 2: no consensus.
    newness = stats.cell(NEWNESS)
    assert (newness.median, newness.q1, newness.q3, newness.consensus) == (2.0, 1.0, 3.0, Consensus.NONE)
    # i2 newness: workforce 2 2 and lived 3 are both too small; all groups 2 2 3 has median 2.
    assert stats.cell(LATER[1], "workforce").suppressed and stats.cell(LATER[1], "lived").suppressed
    assert stats.cell(LATER[1]).median == 2.0
    assert [c.key for c in stats.cells if c.group_id == ALL_GROUPS] == [EVIDENCE, NEWNESS, *LATER]
    assert await services.results.item_titles("r2") == {"i1": "Rota apps", "i2": "Peer support"}


async def test_the_digest_of_someone_who_stopped_after_the_first_item(rated):
    services, ids = rated
    digest = await services.results.digest("r2", ids["w3"])
    # w3: Some on evidence (0.5 from the median 2.5), Not new on newness (1 from all groups' median 2: 1 1 2 3 3).
    assert [(line.key, line.yours, line.distance) for line in digest.lines] == [
        (NEWNESS, "Not new", 1.0),
        (EVIDENCE, "Some", 0.5),
    ]
    newness = digest.lines[0]
    # workforce is hidden with lived (see above), so no group line; all groups 1 1 2 3 3: q1 1, q3 3.
    assert (newness.title, newness.group, newness.everyone) == ("Rota apps", "", "Not new to Very new")
    assert await services.results.digest("r2", ids["nobody"]) is None
    everyone = await services.results.digests("r2")
    assert [d.participant_id for d in everyone] == sorted(ids[name] for name in RATINGS)
    l1 = next(d for d in everyone if d.participant_id == ids["l1"])
    assert all(line.group == "" for line in l1.lines)  # lived is too small on every card
    assert next(line for line in l1.lines if line.key == LATER[0]).yours == "Not sure"


async def test_group_medians_are_none_where_a_group_is_not_shown(rated):
    services, _ = rated
    assert await services.results.group_median("r2", EVIDENCE, "lived") is None  # 2 people < 3
    assert await services.results.group_median("r2", EVIDENCE, "workforce") is None  # hidden with lived
    assert await services.results.group_median("r2", EVIDENCE, ALL_GROUPS) == 2.5
    assert await services.results.group_median("r2", ("rate", "i9", "evidence"), ALL_GROUPS) is None


async def test_the_csv_has_a_row_per_card_and_group_and_hides_small_groups(rated, tmp_path):
    services, _ = rated
    out = tmp_path / "stats.csv"
    assert await services.results.write_stats_csv("r2", out) == 4 * 3  # 4 cards x (all, workforce, lived)
    rows = list(csv.reader(out.open()))
    assert rows[0] == STATS_COLUMNS
    by_group = {(r[1], r[2], r[3]): r for r in rows[1:]}
    assert by_group["i1", "evidence", "all"] == [
        "r2", "i1", "evidence", "all", "4", "1", "0", "2.5", "1.75", "3.0", "0.75", "no consensus", "0", ""
    ]  # fmt: skip
    assert by_group["i1", "evidence", "workforce"] == ["r2", "i1", "evidence", "workforce", *[""] * 8, "1", ""]
    assert by_group["i1", "evidence", "lived"] == ["r2", "i1", "evidence", "lived", *[""] * 8, "1", ""]
    assert by_group["i1", "evidence", "all"][4:6] == ["4", "1"]
    assert out.stat().st_mode & 0o777 == 0o600


async def test_a_bad_path_or_round_is_named(rated, tmp_path):
    services, _ = rated
    for path, words in {
        tmp_path: "is a folder",
        tmp_path / "no" / "s.csv": "does not exist",
        tmp_path / "s.xlsx": "CSV",
    }.items():
        with pytest.raises(ExportRefused, match=words) as refused:
            await services.results.write_stats_csv("r2", path)
        assert str(path) in str(refused.value)
    with pytest.raises(NotFound, match="no round called 'r9'"):
        await services.results.round_stats("r9")


async def test_a_round_without_rating_questions_has_no_statistics(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", SURVEY, clock)
    try:
        with pytest.raises(SummaryError, match="round r1-work has no rating questions"):
            await services.results.write_stats_csv("r1-work", tmp_path / "s.csv")
        assert not Path(tmp_path / "s.csv").exists()
    finally:
        await services.close()


async def test_figures_read_the_round_as_people_saw_it_when_it_opened(rated, tmp_path, clock):
    services, ids = rated
    # After the round opened, the file renames the criterion (wording may change) and drops the round's lived group.
    reworded = tmp_path / "reworded.yaml"
    reworded.write_text(
        DEFINITION.replace("name: Evidence", "name: Proof").replace("groups: [workforce, lived]", "groups: [workforce]")
    )
    later = await Services.open(tmp_path / "c.db", reworded, clock, create=False)
    try:
        digest = await later.results.digest("r2", ids["w3"])
        assert {line.criterion for line in digest.lines} == {"Evidence", "Newness"}
        stats = await later.results.round_stats("r2")
        assert stats.cell(EVIDENCE, "lived").suppressed  # the lived group was asked, so it keeps its (hidden) cell
    finally:
        await later.close()


async def test_the_csv_counts_agree_with_the_exported_answers(rated, tmp_path):
    from openpyxl import load_workbook

    from carework_core.research.export import export_workbook

    services, _ = rated
    await export_workbook(services.env, tmp_path / "answers.xlsx")
    await services.results.write_stats_csv("r2", tmp_path / "stats.csv")
    exported: dict[tuple, int] = {}
    sheet = load_workbook(tmp_path / "answers.xlsx")["Answers"]
    header = [c.value for c in sheet[1]]
    for row in (dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)):
        if row["item_id"] and row["answer"] != "Not sure":
            key = (row["item_id"], row["criterion"].lower())  # the criterion's name is its id in mini.yaml
            exported[key] = exported.get(key, 0) + 1
    rows = csv.DictReader((tmp_path / "stats.csv").open())
    counted = {(r["item_id"], r["criterion"]): int(r["n"]) for r in rows if r["group"] == ALL_GROUPS}
    assert counted == exported and len(counted) == 4  # every card, with as many ratings as the workbook holds
