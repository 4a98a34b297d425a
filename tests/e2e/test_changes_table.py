"""A carry-forward round run through the emulator and the real bot, then its change table in the csv export."""

import csv
import io
import zipfile

import pytest

from bot.report.page import report_page
from carework_core.answering.vocabulary import NOT_SURE
from carework_core.research.export import export_workbook
from tests.e2e.conftest import caught_up
from tests.e2e.test_carry_forward import CARRY, REASON, round_a_rated


@pytest.fixture
async def stack(make_stack):
    return await make_stack(CARRY)


async def round_b_opens(stack):
    """Ann rates round a Some, Some, A lot and Medium in the chat, four colleagues A lot and Big; b opens."""
    ann, colleagues = await round_a_rated(stack)
    await stack.open_round("b")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2: Second ratings") for m in c))
    return ann, colleagues


async def colleague_rates_round_b(stack, user, ideas: tuple[str, str, str]) -> None:
    """A colleague rates round b through the core: the three ideas, then the size of the problem (Big)."""
    answering = stack.services.answering
    await answering.begin(user.user_id, "b")
    for position, value in enumerate(ideas):
        await answering.tap(user.user_id, "b", 1, value, f"b{user.user_id}-{position}", (position, 0))
    await answering.tap(user.user_id, "b", 2, "3", f"b{user.user_id}-size")


async def ann_rates_round_b(ann) -> None:
    """Ann keeps Some on Rota apps, moves Peer support Some -> None (and says why), Shared notes A lot -> None."""
    await ann.tap("Start")
    await ann.wait_for(lambda c: "Rota apps" in c[-1].text)
    await ann.tap("Keep")
    await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    await ann.tap("None")
    await ann.wait_for(lambda c: "say why, in a line" in c[-1].text)
    await ann.send(REASON)
    await ann.wait_for(lambda c: "Shared notes" in c[-1].text)
    await ann.tap("None")
    await ann.wait_for(lambda c: c[-1].buttons == [["Skip"]])
    await ann.tap("Skip")
    await ann.wait_for(lambda c: "staff wellbeing" in c[-1].text)
    await ann.tap("Keep")
    await ann.wait_for(lambda c: "That is the end of round 2" in c[-1].text)
    await caught_up(ann)


async def test_the_change_table_of_a_carry_forward_round(stack, tmp_path):
    ann, workers = await round_b_opens(stack)
    await ann_rates_round_b(ann)
    for worker, ideas in zip(
        workers, [("3", "3", "3"), ("3", "3", "3"), ("2", "3", "3"), (NOT_SURE, "3", "3")], strict=True
    ):
        await colleague_rates_round_b(stack, worker, ideas)
    out = tmp_path / "export.zip"
    await export_workbook(stack.services.env, out, format="csv")
    with zipfile.ZipFile(out) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("changes.csv").decode("utf-8-sig"))))
    table = {(r["item_id"], r["group"]): [r[k] for k in list(r)[5:]] for r in rows}
    assert {(r["round_from"], r["round_to"]) for r in rows} == {("a", "b")}
    #                 n_both kept moved_1 moved_2plus moved_share median_shift stable suppressed unsure_once reasons
    assert table == {
        # Ann 2->2, two colleagues 3->3, one 3->2, one 3->Not sure (apart). Medians 3 -> 2.5.
        ("i1", "all"): ["4", "3", "1", "0", "0.25", "-0.5", "0", "0", "1", "0"],
        ("i1", "workforce"): ["", "", "", "", "", "", "", "1", "", ""],  # 4 in both: fewer than 5
        ("i1", "lived"): ["", "", "", "", "", "", "", "1", "", ""],  # nobody
        # Ann 2->1 and said why; four colleagues 3->3. 1 of 5 = 20%: not stable under 15%.
        ("i2", "all"): ["5", "4", "1", "0", "0.2", "0.0", "0", "0", "0", "1"],
        ("i2", "workforce"): ["5", "4", "1", "0", "0.2", "0.0", "0", "0", "0", "1"],
        ("i2", "lived"): ["", "", "", "", "", "", "", "1", "", ""],
        # Ann 3->1 and skipped saying why; four colleagues 3->3.
        ("i3", "all"): ["5", "4", "0", "1", "0.2", "0.0", "0", "0", "0", "0"],
        ("i3", "workforce"): ["5", "4", "0", "1", "0.2", "0.0", "0", "0", "0", "0"],
        ("i3", "lived"): ["", "", "", "", "", "", "", "1", "", ""],
        # A rating question carried forward too: everyone kept (Ann Medium, colleagues Big).
        ("size", "all"): ["5", "5", "0", "0", "0.0", "0.0", "1", "0", "0", "0"],
        ("size", "workforce"): ["5", "5", "0", "0", "0.0", "0.0", "1", "0", "0", "0"],
        ("size", "lived"): ["", "", "", "", "", "", "", "1", "", ""],
    }

    # The report shows the same change table, in its own section, with the stability rule in its method.
    page = report_page(await stack.services.reports.report())
    changed = page.split('id="what-changed"')[1].split('id="method"')[0]
    assert "Not stable" in changed and "Stable" in changed and 'id="changes-1"' in changed
    assert "changes-title" not in changed  # no heading of its own: the page wraps it as every other section
    method = page.split('id="method"')[1]
    assert "stable when fewer than 15%" in method
