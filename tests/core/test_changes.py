"""What changed between rounds, checked against figures worked out by hand in the comments.

Two rounds (a, then b) rate the same ideas on Evidence (None=1, Some=2, A lot=3, and Not sure).
Three groups; groups of fewer than 3 ratings are folded; a card is stable below 20% moving.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from carework_core.answering.service import Item
from carework_core.answering.vocabulary import DONT_KNOW, NOT_SURE
from carework_core.bootstrap import Services
from carework_core.definitions.loading import load_definition
from carework_core.errors import DefinitionError
from carework_core.report.changes import STABLE_BELOW, Answered, CardPair, card_changes
from carework_core.report.changes_service import Changes
from carework_core.research.export import export_workbook
from carework_core.results.summary import ALL_GROUPS
from tests.conftest import ROOT, join

CARRY = ROOT / "tests" / "fixtures" / "carry.yaml"
DEFINITION = (
    CARRY.read_text()
    .replace("groups:\n  - id: workforce\n", "groups:\n  - id: family\n    name: Unpaid carers\n  - id: workforce\n")
    .replace("groups: [workforce, lived]", "groups: [workforce, lived, family]")
    .replace("consent:\n  intro:", "consent:\n  quotes: quote\n  intro:")
    + "min_group_size: 3\nreport: {stable_below: 0.2}\n"
)
CHANGE_COLUMNS = (
    "round_from round_to item_id criterion group n_both kept moved_1 moved_2plus moved_share median_shift stable"
    " suppressed unsure_once reasons"
).split()
NS = NOT_SURE
# Each person's Evidence ratings of (i1, i2) in round a, then in round b.
PEOPLE = {
    "w1": ("workforce", ("1", "3"), ("1", "1")),  # i1 kept; i2 moved 2 (and says why, quoting allowed)
    "w2": ("workforce", ("2", "3"), ("2", "1")),  # i1 kept; i2 moved 2 (says why, quoting declined)
    "w3": ("workforce", ("2", "3"), ("3", "3")),  # i1 moved 1
    "w4": ("workforce", ("1", "3"), ("3", "3")),  # i1 moved 2
    "w5": ("workforce", ("3", "3"), (NS, "3")),  # i1 rated once, Not sure once: not among n_both
    "f1": ("family", ("2", "2"), ("2", "2")),
    "f2": ("family", ("2", "2"), ("2", "2")),
    "f3": ("family", ("2", "2"), ("2", "2")),
    "f4": ("family", ("3", "2"), ("2", "2")),  # i1 moved 1
    "f5": ("family", ("2", "2"), ("2", "2")),
    "l1": ("lived", ("3", "2"), ("3", "2")),
    "l2": ("lived", ("3", "2"), ("1", "2")),  # i1 moved 2
    "l3": ("lived", (NS, "2"), ("2", "2")),  # i1 Not sure once, rated once
}
REASONS = {"w1": "Nobody checks it; write to ann@example.org", "w2": "It never reached our team"}


async def rate(services: Services, round_id: str, user: int, values: tuple[str, str]) -> None:
    await services.answering.begin(user, round_id)
    for position, value in enumerate(values):
        await services.answering.tap(user, round_id, 1, value, f"{round_id}-{user}-{position}", (position, 0))


@pytest.fixture
async def two_rounds(tmp_path, clock):
    """Returns services whose rounds a (closed) and b (open) hold PEOPLE's ratings and REASONS."""
    survey = tmp_path / "carry.yaml"
    survey.write_text(DEFINITION)
    services = await Services.open(tmp_path / "c.db", survey, clock)
    await services.answering.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    for n, (name, (group, _, _)) in enumerate(PEOPLE.items()):
        await join(services, 100 + n, group, quote=name != "w2")
    await services.rounds.open_round("a", actor="test")
    for n, (_, _, before, _) in enumerate((k, *v) for k, v in PEOPLE.items()):
        await rate(services, "a", 100 + n, before)
    await services.rounds.close_round("a", actor="test")
    await services.rounds.open_round("b", actor="test")
    for n, (name, (_, _, after)) in enumerate(PEOPLE.items()):
        await rate(services, "b", 100 + n, after)
        if name in REASONS:  # two points from the group's median in a (A lot): the bot asks why
            await services.answering.receive_text(100 + n, REASONS[name], f"why-{name}")
    yield services
    await services.close()


def figures(cell) -> tuple:
    return (cell.n_both, cell.kept, cell.moved_1, cell.moved_2plus, cell.unsure_once, cell.median_shift, cell.stable)


async def test_the_change_between_rounds_matches_the_hand_worked_figures(two_rounds):
    report = await Changes(two_rounds.env, two_rounds.results).between()
    assert report.stable_below == 0.2 and report.round_pairs == [("a", "b")]
    i1, i2 = (c.pair for c in report.everyone("a", "b"))
    assert (i1.item_id, i1.title, i2.item_id, i2.title) == ("i1", "Rota apps", "i2", "Peer support")
    cells = {(c.pair.item_id, c.group_id): c for c in report.cells}

    # i1, workforce: w1, w2 kept; w3 2->3 moved one; w4 1->3 moved two; w5 rated then Not sure: apart.
    # Before 1 2 2 1 -> median 1.5; after 1 2 3 3 -> median 2.5: shift +1. Moved 2 of 4 = 50%: not stable.
    assert figures(cells["i1", "workforce"]) == (4, 2, 1, 1, 1, 1.0, False)
    assert cells["i1", "workforce"].moved_share == 0.5
    # Family: 5 people rated i1 in both rounds, enough on its own, but round a folded it (lived had 2 ratings
    # and a Not sure, the only hidden group, so the smallest shown group, family at 5 beside workforce's 5,
    # went with it) while round b shows it: folded here too, or its shift beside round b's figures would give
    # round a's back. Lived: l1 kept, l2 3->1, l3 Not sure once: 2 in both, too few. With lived and family
    # folded, two hidden groups keep each other's figures: workforce (4, the smallest) stays shown.
    assert cells["i1", "family"].suppressed and cells["i1", "family"].n_both == 0
    assert cells["i1", "lived"].suppressed and cells["i1", "lived"].median_shift is None
    summary_a = await two_rounds.results.round_stats("a")
    summary_b = await two_rounds.results.round_stats("b")
    assert summary_a.cell(("rate", "i1", "evidence"), "family").suppressed  # as the summaries fold it
    assert not summary_b.cell(("rate", "i1", "evidence"), "family").suppressed
    # Everyone: 11 rated in both; kept 2+4+1 = 7, moved one 1+1 = 2, moved two 1+1 = 2; Not sure once: w5, l3.
    # Before 1 1 2 2 2 2 2 2 3 3 3 -> 2; after 1 1 2 2 2 2 2 2 3 3 3 -> 2: shift 0. 4 of 11 moved: not stable.
    assert figures(cells["i1", ALL_GROUPS]) == (11, 7, 2, 2, 2, 0.0, False)

    # i2: workforce 3 3 3 3 3 -> 1 1 3 3 3: 2 of 5 moved two (40%), median 3 -> 3; both said why.
    assert figures(cells["i2", "workforce"]) == (5, 3, 0, 2, 0, 0.0, False) and cells["i2", "workforce"].reasons == 2
    assert figures(cells["i2", "family"]) == (5, 5, 0, 0, 0, 0.0, True)
    assert figures(cells["i2", "lived"]) == (3, 3, 0, 0, 0, 0.0, True)
    # Everyone: 2 of 13 moved = 15.4%, under the definition's 20% (the default 15% would call it unstable).
    # Before eight 2s and five 3s -> 2; after 1 1, eight 2s, 3 3 3 -> 2.
    assert figures(cells["i2", ALL_GROUPS]) == (13, 11, 0, 2, 0, 0.0, True)
    assert cells["i2", ALL_GROUPS].moved_share == pytest.approx(2 / 13) and cells["i2", ALL_GROUPS].reasons == 2

    # w2 declined quoting: counted above, never quoted; w1's address is scrubbed.
    assert [(r.pair.item_id, r.text) for r in report.reasons] == [
        ("i2", "Nobody checks it; write to [contact removed]")
    ]


def csv_table(path, name: str) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


async def test_the_csv_export_holds_the_same_figures_and_the_codebook_explains_them(two_rounds, tmp_path):
    out = tmp_path / "export.zip"
    await export_workbook(two_rounds.env, out, format="csv")
    rows = {(r["item_id"], r["group"]): r for r in csv_table(out, "changes.csv")}
    assert list(next(iter(rows.values()))) == CHANGE_COLUMNS
    assert [(r["round_from"], r["round_to"], r["criterion"]) for r in rows.values()] == [("a", "b", "evidence")] * 8
    # The hand-worked figures of the test above, as R, SPSS and Stata read them.
    expected = ["4", "2", "1", "1", "0.5", "1.0", "0", "0", "1", "0"]
    assert [rows["i1", "workforce"][name] for name in CHANGE_COLUMNS[5:]] == expected
    folded = rows["i1", "family"]
    assert folded["suppressed"] == "1" and {folded[k] for k in CHANGE_COLUMNS[5:12] + ["unsure_once"]} == {""}
    everyone = rows["i2", "all"]
    assert (everyone["n_both"], everyone["moved_share"], everyone["stable"], everyone["reasons"]) == (
        "13",
        "0.1538",
        "1",
        "2",
    )
    explained = {(r["sheet"], r["column"]) for r in csv_table(out, "codebook.csv")}
    assert {("Changes", name) for name in CHANGE_COLUMNS} <= explained
    (sheets,) = [r["value"] for r in csv_table(out, "about.csv") if r["field"] == "sheets"]
    assert sheets.endswith("; Audit; Changes")


async def test_only_rounds_asked_for_are_compared(two_rounds):
    assert (await Changes(two_rounds.env, two_rounds.results).between(["b"])).round_pairs == [("a", "b")]
    assert (await Changes(two_rounds.env, two_rounds.results).between(["nothing"])).cells == ()


# --- the pure counting -----------------------------------------------------------------------------

PAIR = CardPair("a", "b", "rate", "rate", "i1", "evidence")


def test_dont_know_once_is_apart_and_not_sure_twice_still_makes_a_group_present():
    people = {
        1: Answered("g", "2", DONT_KNOW),  # rated, then did not know the idea: unsure once
        2: Answered("g", NOT_SURE, NOT_SURE),  # Not sure twice: neither counted nor a move
        3: Answered("g", "2", "2"),
        4: Answered("h", "1", "2"),
        5: Answered("h", "1", "2"),
        6: Answered("h", "2", "2"),
    }
    cells = {c.group_id: c for c in card_changes(PAIR, people, ["g", "h"], (), 2)}
    # g has one rating in both rounds (< 2) and respondents; the only hidden group, so h goes with it.
    assert cells["g"].suppressed and cells["h"].suppressed
    everyone = cells[ALL_GROUPS]
    # People 3 to 6: before 2 1 1 2 -> 1.5, after 2 2 2 2 -> 2: shift +0.5; 2 of 4 moved one; person 1 apart.
    assert figures(everyone) == (4, 2, 2, 0, 1, 0.5, False)


def test_nobody_in_both_rounds_has_no_share_and_no_flag():
    (everyone, group) = card_changes(PAIR, {}, ["g"], (), 1)
    assert (everyone.n_both, everyone.moved_share, everyone.stable, everyone.median_shift) == (0, None, None, None)
    assert group.suppressed  # no ratings: under any min_group_size


def test_the_threshold_is_strictly_below():
    people = {n: Answered("g", "1", "2" if n < 3 else "1") for n in range(20)}  # 3 of 20 = 15% moved
    (everyone, _) = card_changes(PAIR, people, ["g"], (), 1, STABLE_BELOW)
    assert everyone.moved_share == 0.15 and everyone.stable is False
    (looser, _) = card_changes(PAIR, people, ["g"], (), 1, 0.16)
    assert looser.stable is True


@pytest.mark.parametrize("value", ["0", "1.5", "-0.1", "'often'"])
def test_a_definition_gives_a_share_between_0_and_1(tmp_path, value):
    bad = tmp_path / "bad.yaml"
    bad.write_text(CARRY.read_text() + f"report: {{stable_below: {value}}}\n")
    with pytest.raises(DefinitionError, match="stable_below"):
        load_definition(bad)
    good = tmp_path / "good.yaml"
    good.write_text(CARRY.read_text() + "report: {stable_below: 0.1}\n")
    assert load_definition(good).report.stable_below == 0.1
    assert load_definition(CARRY).report.stable_below == STABLE_BELOW
