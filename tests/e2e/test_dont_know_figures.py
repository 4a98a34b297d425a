""" "I don't know this idea" in the figures: -8 in the export, left out of every statistic, counted per item
and group, and said in the summary. The figures are checked against a recomputation from the export file."""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from random import Random

import pytest
from openpyxl import load_workbook

from carework_core.answering.vocabulary import DONT_KNOW, NOT_SURE
from carework_core.results.summary import ALL_GROUPS
from tests.bot.test_cli import carework
from tests.conftest import MINI
from tests.e2e import test_summaries
from tests.e2e.test_summaries import IDEAS

two_groups_rate = test_summaries.two_groups_rate  # mini.yaml, both groups rate r2, min_group_size 3
CRITERIA = ("evidence", "newness")  # evidence has Not sure; both scales have three points
PEOPLE = [*((f"W{n}", "workforce") for n in range(6)), *((f"L{n}", "lived") for n in range(4))]


def plan(rng: Random) -> list[list[str]]:
    """Returns a person's taps on each idea: don't know at once, one rating then don't know, or two ratings."""
    taps = []
    for _ in IDEAS:
        r = rng.random()
        if r < 0.3:
            taps.append([DONT_KNOW])
        elif r < 0.45:
            taps.append([rng.choice(["1", "2", "3"]), DONT_KNOW])
        else:
            taps.append([rng.choice(["1", "2", "3", NOT_SURE]), rng.choice(["1", "2", "3"])])
    return taps


@pytest.fixture
async def rated(two_groups_rate):
    """Ten people of two groups rate three ideas in r2 with many "don't know"s; r2 closes."""
    stack = two_groups_rate
    return stack, await everyone_rates(stack, Random(8), len(IDEAS))


async def everyone_rates(stack, rng: Random, cards: int) -> list:
    """PEOPLE join and rate their first `cards` ideas of r2 by plan (through the core); r2 closes."""
    await stack.services.answering.load_items("ideas", IDEAS)
    users = [(name, await stack.joined(name, group)) for name, group in PEOPLE]
    await stack.open_round("r2")
    answering = stack.services.answering
    for name, user in users:
        await answering.begin(user.user_id, "r2")
        await answering.tap(user.user_id, "r2", 1, "carer", f"role{name}")
        for place, taps in enumerate(plan(rng)[:cards]):
            for criterion, value in enumerate(taps):
                await answering.tap(user.user_id, "r2", 2, value, f"{name}{place}{criterion}", (place, criterion))
    await stack.services.rounds.close_round("r2", actor="test")
    return users


def recomputed(path) -> dict[tuple[str, str, str], dict]:
    """Recomputes each item x criterion x group (and all) from the round's wide sheet, leaving out -8 and -9."""
    sheet = load_workbook(path)["Round r2"]
    header = [c.value for c in sheet[1]]
    values: dict[tuple, list] = defaultdict(list)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        person = dict(zip(header, row, strict=True))
        for item in IDEAS:
            for k in CRITERIA:
                for group in (person["group"], "all"):
                    values[item.id, k, group].append(person[f"{item.id}_{k}"])
    found = {}
    for key, said in values.items():
        ratings = [v for v in said if v not in (-8, -9, None)]
        found[key] = {
            "n": len(ratings),
            "not_sure": said.count(-9),
            "dont_know": said.count(-8),
            "median": statistics.median(ratings) if ratings else None,
            "top2_share": round(sum(v >= 2 for v in ratings) / len(ratings), 4) if ratings else None,
        }
    return found


async def test_the_figures_leave_dont_know_out_and_count_it_as_the_export_shows(rated, tmp_path):
    stack, _ = rated
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(stack.bot.settings.survey)}
    book, stats = tmp_path / "export.xlsx", tmp_path / "r2.csv"
    assert carework("export", str(book), env=env).returncode == 0
    result = carework("summary", "stats", "r2", str(stats), env=env)
    assert result.returncode == 0, result.stderr
    expected = recomputed(book)
    rows = list(csv.DictReader(stats.open()))
    assert sum(r["dont_know"] != "0" for r in rows if r["group"] == "all") >= 4  # the plan holds many
    compared = 0
    for r in rows:
        want = expected[r["item_id"], r["criterion"], r["group"]]
        if r["suppressed"] == "1":
            assert want["n"] < 3 or r["group"] != "all"  # the same small-group folding as every figure
            assert r["dont_know"] == r["n"] == ""
            continue
        got = {k: r[k] for k in ("n", "not_sure", "dont_know")}
        assert got == {k: str(want[k]) for k in got}, r
        if want["n"]:
            assert float(r["median"]) == want["median"] and float(r["top2_share"]) == want["top2_share"], r
        compared += 1
    assert compared >= 2 * 3 + 2  # everyone's row on every card, and groups' rows shown
    workbook = load_workbook(book)
    item_stats = workbook["Item statistics"]
    header = [c.value for c in item_stats[1]]
    for row in (dict(zip(header, r, strict=True)) for r in item_stats.iter_rows(min_row=2, values_only=True)):
        if not row["suppressed"]:
            assert row["dont_know"] == expected[row["item_id"], row["criterion"], row["group"]]["dont_know"]
    answers = workbook["Answers"]
    header = [c.value for c in answers[1]]
    said = {(r["answer_code"], r["answer"]) for r in (dict(zip(header, v, strict=True)) for v in answers.values)}
    assert (DONT_KNOW, "I don't know this idea") in said  # the stored value, and its words beside it
    about = [tuple(r) for r in workbook["About"].iter_rows(values_only=True)]
    assert any(r[0] == "dont_know_code" and str(r[1]).startswith("-8") for r in about)
    assert any("-8" in map(str, r) and "I don't know this idea" in map(str, r) for r in about)  # the codebook


async def test_the_summary_says_how_many_did_not_know_each_idea(rated):
    stack, users = rated
    await stack.services.summaries.draft("r2", "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    await stack.bot.reconcile_now()
    user = users[0][1]
    got = await user.wait_for(lambda c: c[-1].text.startswith("Your answers"))  # the digest comes last
    first = next(m for m in got if ["See each idea"] in m.buttons)
    await user.tap("See each idea", message_id=first.message_id)
    pages = []
    for number in range(1, len(IDEAS) + 1):  # each idea's page, in place of the first screen
        chat = await user.wait_for(
            lambda c, n=number: any(m.message_id == first.message_id and m.text.startswith(f"Idea {n} of") for m in c)
        )
        pages.append(next(m.text for m in chat if m.message_id == first.message_id))
        if number < len(IDEAS):
            await user.tap("Next idea", message_id=first.message_id)
    summary = "\n\n".join(pages)
    stats = (await stack.services.summaries.stored("r2")).summary.stats
    said = 0
    for item in IDEAS:
        count = max(c.dont_know for c in stats.cells if c.item_id == item.id and c.group_id == ALL_GROUPS)
        block = summary.split(f"{item.text}\n")[1].split("\n\n")[0]
        if count:
            assert f"{count} {'person' if count == 1 else 'people'} did not know this idea." in block
            said += 1
        else:
            assert "did not know this idea" not in block
    assert said >= 2


@pytest.fixture
async def rated_in_shares(tmp_path, make_stack):
    """Ten people of two groups each rate two of r2's three ideas (items_per_person), with many "don't know"s."""
    survey = tmp_path / "shares.yaml"
    text = MINI.read_text().replace("timezone: Europe/London\n", "timezone: Europe/London\nmin_group_size: 3\n")
    text = text.replace("    groups: [workforce]\n", "    groups: [workforce, lived]\n")
    survey.write_text(
        text.replace("criteria: [evidence, newness]", "criteria: [evidence, newness]\n        items_per_person: 2")
    )
    stack = await make_stack(survey)
    await everyone_rates(stack, Random(11), 2)  # a share is two cards long
    return stack


async def test_the_figures_of_a_round_in_shares_agree_with_the_export(rated_in_shares, tmp_path):
    stack = rated_in_shares
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(stack.bot.settings.survey)}
    book, stats = tmp_path / "export.xlsx", tmp_path / "r2.csv"
    assert carework("export", str(book), env=env).returncode == 0
    assert carework("summary", "stats", "r2", str(stats), env=env).returncode == 0
    expected = recomputed(book)
    given: Counter = Counter()  # the Shares sheet: who was given which idea
    shares = load_workbook(book)["Shares"]
    header = [c.value for c in shares[1]]
    for row in (dict(zip(header, r, strict=True)) for r in shares.iter_rows(min_row=2, values_only=True)):
        given[row["item_id"]] += 1
    assert sum(given.values()) == 2 * len(PEOPLE) and max(given.values()) - min(given.values()) <= 1  # balanced
    compared = 0
    for r in csv.DictReader(stats.open()):
        want = expected[r["item_id"], r["criterion"], r["group"]]
        if r["group"] == "all":  # everyone given the idea answered each of its cards once, in some way
            assert want["n"] + want["not_sure"] + want["dont_know"] == given[r["item_id"]], r
        if r["suppressed"] == "1":
            assert r["n"] == "" and r["group"] != "all"
            continue
        assert {k: r[k] for k in ("n", "not_sure", "dont_know")} == {
            k: str(want[k]) for k in ("n", "not_sure", "dont_know")
        }
        if want["n"]:
            assert float(r["median"]) == want["median"] and float(r["top2_share"]) == want["top2_share"], r
        compared += 1
    assert compared >= len(IDEAS) * len(CRITERIA)
