"""The report of an emulator-run consultation, opened in headless Chromium: it fetches nothing, every figure
in it is the figure `carework summary stats` writes for the same round, and folded groups appear nowhere.

Chromium's own command line, not Playwright: Debian's package is all it needs (no browser download, no
new dependency). `--log-net-log` records every request the browser makes; the page's own requests are
told from the browser's background ones (its clock, its account checks) by their initiator and the
network isolation key of the file:// page. The first screen is kept as an artifact (see README, Development).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import pytest

from rehearsal.run import rehearse
from tests.bot.test_cli import carework
from tests.conftest import MINI

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("CAREWORK_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "carework-test-artifacts")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does it as root)"
)
FIGURES = ("n", "not_sure", "dont_know", "median", "q1", "q3", "top2_share", "consensus")


def headless(page: Path, work: Path, *mode: str) -> tuple[str, list[str]]:
    """Opens a page in headless Chromium; returns what it printed and every URL the page itself requested."""
    log = work / f"net-{len(list(work.glob('net-*')))}.json"
    flags = ["--headless", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={work / 'profile'}"]
    flags += ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium refuses root without it
    done = subprocess.run(
        [CHROMIUM, *flags, f"--log-net-log={log}", *mode, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, page_requests(log)


def page_requests(net_log: Path) -> list[str]:
    """Returns the URLs of requests a file:// page started (the browser's own background requests left out)."""
    found = json.loads(net_log.read_text())
    start = found["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in found["events"]:
        p = event.get("params", {})
        if event["type"] != start or "url" not in p or p["url"].startswith("file:"):  # the end of a job has no url
            continue
        if p.get("initiator") != "not an origin" or "file://" in p.get("network_isolation_key", ""):
            urls.append(p["url"])
    return urls


def shown_figures(dom: str) -> dict[tuple[str, str, str, str], dict[str, str]]:
    """Returns each figure cell of the page as the browser built it: exact value by (round, item, criterion,
    group) and figure name; the text shown must read as that value."""
    found: dict = {}
    for marks, text in re.findall(r"<td ([^>]*data-figure[^>]*)>([^<]*)</td>", dom):
        a = {k: unescape(v) for k, v in re.findall(r'data-([a-z]+)="([^"]*)"', marks)}
        found.setdefault((a["round"], a["item"], a["criterion"], a["group"]), {})[a["figure"]] = a["value"]
        assert unescape(text) == as_shown(a["figure"], a["value"]), (a, text)
    return found


def as_shown(figure: str, value: str) -> str:
    if value == "" or figure in ("n", "not_sure", "dont_know", "consensus"):
        return value
    return f"{float(value) * 100:.0f}%" if figure == "top2_share" else f"{float(value):g}"


@needs_chromium
def test_the_check_notices_a_page_that_fetches(tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<p>hi</p><img src="http://example.invalid/x.png"><link rel="stylesheet" href="https://f.invalid/a.css">'
    )
    _, requested = headless(leaky, tmp_path, "--dump-dom")
    assert sorted(requested) == ["http://example.invalid/x.png", "https://f.invalid/a.css"]


@needs_chromium
async def test_the_report_of_a_rehearsal_in_chromium(tmp_path):
    survey = tmp_path / "survey.yaml"
    survey.write_text(MINI.read_text() + "min_group_size: 2\n")  # six people: some groups shown, some folded
    done = await rehearse(survey, 6, tmp_path / "run", seed=4, think=(0.0, 0.1))
    assert done.ok, done
    env = {"CAREWORK_DATABASE": str(tmp_path / "run" / "carework.db"), "CAREWORK_SURVEY": str(survey)}
    page = tmp_path / "report.html"
    result = carework("report", str(page), env=env)
    assert result.returncode == 0, result.stderr
    dom, requested = headless(page, tmp_path, "--dump-dom")
    assert requested == [] and "Who took part" in dom
    expected, folded = {}, set()
    for round_id in ("r1", "r2"):
        out = tmp_path / f"{round_id}.csv"
        assert carework("summary", "stats", round_id, str(out), env=env).returncode == 0
        for r in csv.DictReader(out.open()):
            key = (r["round"], r["item_id"], r["criterion"], r["group"])
            if r["suppressed"] == "1":
                folded.add(key)
            elif r["group"] != "team":
                expected[key] = {f: r[f] for f in FIGURES}
    shown = shown_figures(dom)
    assert shown == expected
    assert folded and not folded & set(shown)  # a folded cell has no figure of its own anywhere
    assert any(k[3] != "all" for k in shown)  # and some group is shown, so the test can tell the two apart
    _, requested = headless(page, tmp_path, "--screenshot=" + str(tmp_path / "first.png"), "--window-size=1280,900")
    assert requested == [] and (tmp_path / "first.png").stat().st_size > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "first.png", ARTIFACTS / "report-first-screen.png")
    shutil.copy(page, ARTIFACTS / "report.html")
