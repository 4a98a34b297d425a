"""Kinds of idea rated on their own criteria, and a criterion the team scores that participants never see:
loaded with `items import`, walked card by card on the emulator, listed in /review."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook, load_workbook

from carework_core.answering.vocabulary import DONT_KNOW
from carework_core.research.codebook import STAT_COLUMNS
from carework_core.storage.answers import all_answers
from tests.bot.test_cli import carework
from tests.conftest import MINI

STAT_NAMES = [column.name for column in STAT_COLUMNS]
TEAM = """  - id: lasting
    name: Lasting
    question: Will it last?
    rated_by: team
    scale:
      labels: [Unlikely, Perhaps, Likely]
consent:"""
BY_KIND = """        criteria: [evidence]
        criteria_by_kind:
          innovation: [evidence, newness, lasting]
          solution: [evidence, lasting]"""


def kinds_survey(folder):
    """Returns mini.yaml with a team-scored criterion and r2 rating innovations and solutions on their own."""
    text = MINI.read_text(encoding="utf-8").replace("consent:", TEAM, 1)
    text = text.replace("        criteria: [evidence, newness]", BY_KIND)
    path = folder / "kinds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def kinds(make_stack, tmp_path):
    return await make_stack(kinds_survey(tmp_path))


def item_book(path, kind_of_first: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "items"
    sheet.append(["id", "title", "kind", "score_lasting"])
    sheet.append(["I1", "Shift swaps in an app", kind_of_first, 3])
    sheet.append(["I2", "Paid travel time", "solution", 1])
    sheet.append(["I3", "Peer circles", "", None])
    book.save(path)


async def test_each_kind_is_rated_on_its_own_criteria_and_the_team_criterion_never_shows(kinds):
    stack = kinds
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(stack.folder / "kinds.yaml")}
    path = stack.folder / "items.xlsx"
    item_book(path, "inovation")
    refused = carework("items", "import", str(path), "--into", "r2", env=env)
    assert refused.returncode == 1
    assert "items.xlsx: sheet items, cell C2: kind 'inovation' is not one question 'rate' rates" in refused.stderr
    item_book(path, "innovation")
    loaded = carework("items", "import", str(path), "--into", "r2", env=env)
    assert loaded.returncode == 0, loaded.stderr

    ann = await stack.joined("Ann")
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.tap("Care worker")
    walk = [
        ("Idea 1 of 3", "Shift swaps in an app", "How much evidence", "A lot"),
        ("Idea 1 of 3", "Shift swaps in an app", "How new is this?", "Quite new"),
        ("Idea 2 of 3", "Paid travel time", "How much evidence", "Some"),  # a solution: evidence only
        ("Idea 3 of 3", "Peer circles", "How much evidence", "Some"),  # no kind: the question's criteria
    ]
    for progress, title, asks, label in walk:
        card = (await ann.wait_for(lambda c, w=(progress, title, asks): all(x in c[-1].text for x in w)))[-1]
        assert "Will it last?" not in card.text  # the team's criterion is never a card
        await ann.tap(label)
    await ann.wait_for(lambda c: any("Thank you" in m.text for m in c))

    # /review lists the four cards rated; Change asks the innovation's own card again.
    await ann.send("/review")
    listed = (await ann.wait_for(lambda c: c[-1].text.startswith("Your answers in round 2")))[-1]
    assert listed.buttons == [["Change 1", "Change 2", "Change 3"], ["Change 4", "Change 5"]]  # role + 4 cards
    assert "Will it last?" not in listed.text
    await ann.tap("Change 3")  # the innovation's newness: a criterion the question's own list lacks
    asked = await ann.wait_for(lambda c: "Your answer now: Quite new" in c[-1].text)
    assert "Shift swaps in an app" in asked[-1].text and "How new is this?" in asked[-1].text
    await ann.tap("Very new")
    await ann.wait_for(lambda c: any("Your answer: Very new" in m.text for m in c))
    async with stack.services.env.db.reading() as tx:
        rated = [(a.item_id, a.criterion_id, a.value) for a in await all_answers(tx) if a.question_id == "rate"]
    assert rated == [("I1", "evidence", "3"), ("I1", "newness", "3"), ("I2", "evidence", "2"), ("I3", "evidence", "2")]

    # The export and the figures follow each item's own criteria; the team's scores sit beside them.
    out = stack.folder / "export.xlsx"
    assert carework("export", str(out), env=env).returncode == 0
    book = load_workbook(out)
    header = next(book["Round r2"].iter_rows(values_only=True))
    assert [h for h in header if h.startswith("I")] == ["I1_evidence", "I1_newness", "I2_evidence", "I3_evidence"]
    stats = [
        dict(zip(STAT_NAMES, row, strict=True))
        for row in book["Item statistics"].iter_rows(min_row=2, values_only=True)
    ]
    assert {(s["item_id"], s["criterion"], s["group"]) for s in stats} == {
        *((i, k, g) for i, k in [("I1", "evidence"), ("I1", "newness"), ("I2", "evidence"), ("I3", "evidence")]
          for g in ("all", "workforce")),
        ("I1", "lasting", "team"),
        ("I2", "lasting", "team"),
    }  # fmt: skip
    assert [(s["item_id"], s["team_score"]) for s in stats if s["group"] == "team"] == [("I1", 3), ("I2", 1)]
    described = {row[1] for row in book["About"].iter_rows(values_only=True) if row[0] == "Round r2"}
    assert {"I1_newness", "I2_evidence"} <= described and "I2_newness" not in described
    assert not any("lasting" in str(column) for column in described)

    csv_path = stack.folder / "r2.csv"
    assert carework("summary", "stats", "r2", str(csv_path), env=env).returncode == 0
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [(r["item_id"], r["criterion"], r["team_score"]) for r in rows if r["group"] == "team"] == [
        ("I1", "lasting", "3"),
        ("I2", "lasting", "1"),
    ]
    assert {r["item_id"] + "_" + r["criterion"] for r in rows if r["group"] == "all"} == {
        "I1_evidence", "I1_newness", "I2_evidence", "I3_evidence"
    }  # fmt: skip

    # "I don't know this idea" passes the innovation's own criteria only: never the team's.
    bea = await stack.joined("Bea")
    await bea.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await bea.tap("Start")
    await bea.wait_for_reply()
    await bea.tap("Care worker")
    await bea.wait_for(lambda c: "Shift swaps in an app" in c[-1].text and "How much evidence" in c[-1].text)
    await bea.tap("I don't know this idea")
    await bea.wait_for(lambda c: "Paid travel time" in c[-1].text and "How much evidence" in c[-1].text)
    async with stack.services.env.db.reading() as tx:
        passed = [(a.item_id, a.criterion_id) for a in await all_answers(tx) if a.value == DONT_KNOW]
    assert passed == [("I1", "evidence"), ("I1", "newness")]
