"""`carework summary stats` as a researcher runs it, through the real CLI process, on answers the bot stored."""

from __future__ import annotations

import csv

from carework_core.answering.service import Item
from carework_core.bootstrap import Services
from tests.bot.test_cli import carework
from tests.conftest import MINI, join


async def rated_database(tmp_path, clock) -> dict:
    """Returns CLI settings for a database where four care workers rated idea i1 of round r2."""
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
        for user in range(1, 5):
            await join(services, user)
        await services.rounds.open_round("r2", actor="test")
        # Evidence 1 2 2 3; newness 3 3 3 3. Four people: fewer than min_group_size (5 by default).
        for user, evidence in zip(range(1, 5), ["1", "2", "2", "3"], strict=True):
            await services.answering.begin(user, "r2")
            await services.answering.tap(user, "r2", 1, "carer", f"role{user}")
            await services.answering.tap(user, "r2", 2, evidence, f"ev{user}", (0, 0))
            await services.answering.tap(user, "r2", 2, "3", f"new{user}", (0, 1))
    finally:
        await services.close()
    return {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}


async def test_summary_stats_writes_the_figures_of_a_rating_round(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    out = tmp_path / "r2.csv"
    result = carework("summary", "stats", "r2", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert f"wrote 4 rows of round r2's figures to {out}" in result.stdout  # 2 cards x (all, workforce)
    rows = {(r["item_id"], r["criterion"], r["group"]): r for r in csv.DictReader(out.open())}
    # Evidence 1 2 2 3: q1 at 0.75 -> 1.75, median 2, q3 at 2.25 -> 2.25; top two (Some, A lot) 3 of 4.
    evidence = rows["i1", "evidence", "all"]
    assert [evidence[k] for k in ("n", "not_sure", "median", "q1", "q3", "top2_share")] == [
        "4", "0", "2.0", "1.75", "2.25", "0.75"
    ]  # fmt: skip
    assert rows["i1", "newness", "all"]["consensus"] == "agreement"  # 3 3 3 3: all in the top two, iqr 0
    work = rows["i1", "evidence", "workforce"]  # 4 people < 5: the group is not shown on its own
    assert work["suppressed"] == "1" and work["n"] == "" and work["median"] == ""


async def test_summary_stats_names_a_wrong_round_or_path_in_one_line(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    wrong = {
        ("r9", str(tmp_path / "s.csv")): "there is no round called 'r9'",
        ("r2", str(tmp_path / "none" / "s.csv")): "does not exist",
        ("r2", str(tmp_path)): "is a folder",
    }
    for (round_id, path), words in wrong.items():
        result = carework("summary", "stats", round_id, path, env=env)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, result.stderr
    assert not (tmp_path / "s.csv").exists()


async def test_summary_stats_hides_a_group_whose_figures_would_rest_on_two_ratings(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
        await services.rounds.open_round("r2", actor="test")
        # Five care workers: evidence None, A lot and three Not sure (two ratings); newness three and two.
        for user, evidence in zip(range(1, 6), ["1", "3", "not_sure", "not_sure", "not_sure"], strict=True):
            await join(services, user)
            await services.answering.begin(user, "r2")
            await services.answering.tap(user, "r2", 1, "carer", f"role{user}")
            await services.answering.tap(user, "r2", 2, evidence, f"ev{user}", (0, 0))
            await services.answering.tap(user, "r2", 2, "3" if user < 4 else "2", f"new{user}", (0, 1))
    finally:
        await services.close()
    out = tmp_path / "r2.csv"
    result = carework(
        "summary",
        "stats",
        "r2",
        str(out),
        env={"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)},
    )
    assert result.returncode == 0, result.stderr
    rows = {(r["item_id"], r["criterion"], r["group"]): r for r in csv.DictReader(out.open())}
    evidence = rows["i1", "evidence", "workforce"]  # q1 and q3 of two ratings would be the two ratings
    assert evidence["suppressed"] == "1" and evidence["q1"] == evidence["q3"] == evidence["not_sure"] == ""
    assert rows["i1", "newness", "workforce"]["suppressed"] == "0"  # five ratings
    assert rows["i1", "newness", "workforce"]["median"] == "3.0"
