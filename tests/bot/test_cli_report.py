"""`carework report OUT.html`: one private, audited page holding the round's figures as summary stats writes them."""

from __future__ import annotations

import asyncio
import csv
import re
import stat

from tests.bot.test_cli import carework
from tests.bot.test_cli_exports_audited import audit_rows
from tests.bot.test_cli_summaries import rated_database


def audited(env: dict) -> list[tuple[str, str, str, str]]:
    """Returns (actor, action, subject, file) of every report in the audit log."""
    return [(a, b, c, d["file"]) for a, b, c, d in audit_rows(env) if b == "report"]


def figures_in(page: str) -> dict[tuple[str, str, str, str], dict[str, str]]:
    """Returns each figure cell's exact value by (round, item, criterion, group) and figure name."""
    found: dict = {}
    for marks in re.finditer(r"<td ([^>]*data-figure[^>]*)>", page):
        a = dict(re.findall(r'data-([a-z]+)="([^"]*)"', marks.group(1)))
        found.setdefault((a["round"], a["item"], a["criterion"], a["group"]), {})[a["figure"]] = a["value"]
    return found


async def test_report_writes_a_private_page_with_the_figures_of_summary_stats(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    page_path, stats_path = tmp_path / "report.html", tmp_path / "r2.csv"
    result = await asyncio.to_thread(carework, "report", str(page_path), "--round", "r2", env=env)
    assert result.returncode == 0, result.stderr
    assert f"wrote the report of rounds r2 to {page_path}" in result.stdout
    assert stat.S_IMODE(page_path.stat().st_mode) == 0o600  # readable by its owner only, as exports are
    assert (await asyncio.to_thread(carework, "summary", "stats", "r2", str(stats_path), env=env)).returncode == 0
    page = page_path.read_text()
    shown = figures_in(page)
    expected = {}
    for r in csv.DictReader(stats_path.open()):
        if r["suppressed"] == "0":
            keys = ("n", "not_sure", "dont_know", "median", "q1", "q3", "top2_share", "consensus")
            expected[(r["round"], r["item_id"], r["criterion"], r["group"])] = {k: r[k] for k in keys}
    assert shown == expected and len(shown) == 2  # evidence and newness of i1, all groups
    # Four care workers are under min_group_size: the group is named nowhere, its figures nowhere.
    assert "Social care workforce" not in page and 'data-group="workforce"' not in page
    assert "Rota apps" in page and "<script" not in page and "://" not in page
    # The first screen: turnout in a line, and the top idea with the value it was ranked on (7 of 8 ratings).
    assert re.search(r"<li>Round r2: 4 of \d+ invited finished", page)  # invitations are the running bot's
    assert "Ranked highest in round r2: 1. Rota apps (top two, all criteria: 88%)." in page
    assert "Ranking (carework&#x27;s default): ideas are ordered, highest first, by the share of ratings" in page


async def test_a_report_is_in_the_audit_log_and_a_wrong_path_or_round_is_one_line(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    wrong = {
        (str(tmp_path / "r.txt"),): "give a name ending in .html",
        (str(tmp_path / "r.html"), "--round", "r9"): "there is no round 'r9'",
        (str(tmp_path / "none" / "r.html"),): "does not exist",
    }
    for args, said in wrong.items():
        result = await asyncio.to_thread(carework, "report", *args, env=env)
        assert result.returncode == 1 and said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (await asyncio.to_thread(carework, "report", str(tmp_path / "all.html"), env=env)).returncode == 0
    assert await asyncio.to_thread(audited, env) == [("cli", "report", "all", "all.html")]


async def test_the_csv_export_holds_the_reports_ranking_with_the_figures_of_summary_stats(tmp_path, clock):
    import zipfile

    env = await rated_database(tmp_path, clock)
    out, stats_path = tmp_path / "book.zip", tmp_path / "r2.csv"
    assert (await asyncio.to_thread(carework, "export", str(out), "--format", "csv", env=env)).returncode == 0
    assert (await asyncio.to_thread(carework, "summary", "stats", "r2", str(stats_path), env=env)).returncode == 0
    with zipfile.ZipFile(out) as archive:
        ranking = list(csv.DictReader(archive.read("ranking.csv").decode("utf-8-sig").splitlines()))
        codebook = archive.read("codebook.csv").decode("utf-8-sig")
    stats = {(r["item_id"], r["criterion"], r["group"]): r for r in csv.DictReader(stats_path.open())}
    # i1 on evidence (1 2 2 3) and newness (3 3 3 3), all groups only: the four care workers are folded.
    assert [(r["round"], r["rank"], r["item_id"], r["criterion"], r["group"]) for r in ranking] == [
        ("r2", "1", "i1", "evidence", "all"),
        ("r2", "1", "i1", "newness", "all"),
    ]
    for r in ranking:
        same = stats[r["item_id"], r["criterion"], r["group"]]
        for figure in ("n", "not_sure", "dont_know", "median", "q1", "q3", "top2_share", "consensus"):
            assert r[figure] == same[figure], figure
    # Pooled top two: (3 + 4) / 8 ratings. Both criteria reach agreement: evidence has 3 of 4 (75%, at least
    # the default 70%) in the top two with IQR 0.5, newness 4 of 4 with IQR 0.
    assert (ranking[0]["rank_top2_share"], ranking[0]["rank_agreement"]) == ("0.875", "2.0")
    assert "Ranking,rank_top2_share" in codebook
