"""Each person rates a share of the ideas (items_per_person): chosen when they reach the question so that every
idea x group gets as even a number of raters as possible, and the same share after the bot restarts."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from openpyxl import load_workbook

from carework_core.research.codebook import STAT_COLUMNS
from carework_core.storage.answers import coded_answers
from tests.bot.test_cli import carework
from tests.conftest import MINI

IDEAS = ["Shift swaps", "Paid travel", "Peer circles", "Night buddies", "Rota app"]
ITEMS = "\nitem_sets:\n  ideas:\n" + "".join(f"    - id: I{n}\n      title: {t}\n" for n, t in enumerate(IDEAS, 1))


def shares_survey(folder):
    """Returns mini.yaml with both groups rating r2's five ideas on evidence, two ideas a person."""
    text = MINI.read_text(encoding="utf-8").replace("    groups: [workforce]\n", "    groups: [workforce, lived]\n")
    text = text.replace(
        "        criteria: [evidence, newness]", "        criteria: [evidence]\n        items_per_person: 2"
    )
    path = folder / "shares.yaml"
    path.write_text(text + ITEMS, encoding="utf-8")
    return path


@pytest.fixture
async def shared(make_stack, tmp_path):
    return await make_stack(shares_survey(tmp_path))


async def reach_ideas(person):
    await person.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await person.tap("Start")
    await person.wait_for_reply()
    await person.tap("Care worker")
    return (await person.wait_for(lambda c: "Idea 1 of 2" in c[-1].text))[-1]


def title_on(card) -> str:
    return next(t for t in IDEAS if t in card.text)


async def test_each_person_rates_two_ideas_balanced_by_group_and_the_same_after_a_restart(shared):
    stack = shared
    people = [await stack.joined(f"W{n}") for n in range(3)] + [await stack.joined(f"L{n}", "lived") for n in range(3)]
    await stack.open_round("r2")
    ann, *others = people
    first = title_on(await reach_ideas(ann))

    await stack.restart(reopen=True)  # the share is in SQLite: a new bot asks the same card
    await ann.send("/start")  # welcome back: the card waiting is shown again
    again = (await ann.wait_for(lambda c: "Idea 1 of 2" in c[-1].text and first in c[-1].text))[-1]
    await ann.tap("Some")
    second = title_on((await ann.wait_for(lambda c: "Idea 2 of 2" in c[-1].text))[-1])
    assert second != title_on(again)

    await ann.send("/review")  # the rated idea keeps its place in the person's share
    await ann.wait_for(lambda c: c[-1].text.startswith("Your answers in round 2"))
    await ann.tap("Change 2")
    changing = (await ann.wait_for(lambda c: "Your answer now: Some" in c[-1].text))[-1]
    assert first in changing.text
    await ann.tap("A lot")  # changed; the card waiting comes back
    await ann.wait_for(lambda c: "Idea 2 of 2" in c[-1].text and second in c[-1].text)
    await ann.tap("A lot")
    await ann.wait_for(lambda c: any("Thank you" in m.text for m in c))

    for person in others:
        await reach_ideas(person)
        await person.tap("Some")
        await person.wait_for(lambda c: "Idea 2 of 2" in c[-1].text)
        await person.tap("Some")
        await person.wait_for(lambda c: any("Thank you" in m.text for m in c))

    async with stack.services.env.db.reading() as tx:
        rated = [a async for a in coded_answers(tx) if a.answer.question_id == "rate"]
        groups = dict(await tx.fetchall("SELECT code, group_id FROM participants"))
        anns = await tx.fetchall(
            "SELECT item_id, value FROM answers WHERE question_id = 'rate' AND participant_id = (SELECT MIN(id)"
            " FROM participants) ORDER BY id"
        )
    assert [tuple(r) for r in anns] == [(f"I{IDEAS.index(first) + 1}", "3"), (f"I{IDEAS.index(second) + 1}", "3")]
    assert Counter(a.code for a in rated) == {groups_code: 2 for groups_code in {a.code for a in rated}}
    assert len({a.code for a in rated}) == 6
    for group in ("workforce", "lived"):
        per_idea = Counter(a.answer.item_id for a in rated if groups[a.code] == group)
        counts = [per_idea.get(f"I{n}", 0) for n in range(1, 6)]
        assert sum(counts) == 6 and max(counts) - min(counts) <= 1, (group, counts)

    # The export lists each person's share, and the figures count only those who rated each idea.
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(stack.folder / "shares.yaml")}
    out = stack.folder / "export.xlsx"
    assert carework("export", str(out), env=env).returncode == 0
    book = load_workbook(out)
    given = [row for row in book["Shares"].iter_rows(min_row=2, values_only=True)]
    names = {"workforce": "Social care workforce", "lived": "People with lived experience of care"}
    assert sorted((r[0], r[1], r[2], r[3], r[5]) for r in given) == sorted(
        (a.code, names[groups[a.code]], "r2", "rate", a.answer.item_id) for a in rated
    )
    assert {(r[0], r[4]) for r in given} == {(code, place) for code in groups for place in (1, 2)}
    names_of = [column.name for column in STAT_COLUMNS]
    stats = [
        dict(zip(names_of, row, strict=True)) for row in book["Item statistics"].iter_rows(min_row=2, values_only=True)
    ]
    counted = Counter(a.answer.item_id for a in rated)
    assert {s["item_id"]: s["n"] for s in stats if s["group"] == "all"} == dict(counted)
    csv_path = stack.folder / "r2.csv"
    assert carework("summary", "stats", "r2", str(csv_path), env=env).returncode == 0
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert {r["item_id"]: int(r["n"]) for r in rows if r["group"] == "all"} == dict(counted)
