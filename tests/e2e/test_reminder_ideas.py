"""A reminder for a round whose next question rates ideas counts the ideas left for that person (their share
only, an idea left while any of its criteria waits), and the questions after it in their own words."""

from __future__ import annotations

import pytest

from tests.conftest import MINI
from tests.e2e.test_coordinators import ask

IDEAS = ["Shift swaps", "Paid travel", "Peer circles", "Night buddies", "Rota app"]
ITEMS = "\nitem_sets:\n  ideas:\n" + "".join(f"    - id: I{n}\n      title: {t}\n" for n, t in enumerate(IDEAS, 1))
AFTER = (
    "        criteria: [evidence, newness]\n        items_per_person: 3\n"
    "      - id: after\n        type: text\n        text: Anything more to add?\n        required: false\n"
)
REMINDER = "A reminder: Round 2"


@pytest.fixture
async def rating(make_stack, tmp_path):
    text = MINI.read_text(encoding="utf-8").replace("        criteria: [evidence, newness]\n", AFTER)
    survey = tmp_path / "reminded.yaml"
    survey.write_text(text + ITEMS, encoding="utf-8")
    return await make_stack(survey)


async def on_first_idea(person):
    await person.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await person.tap("Start")
    await person.wait_for_reply()
    await person.tap("Care worker")
    await person.wait_for(lambda c: "Idea 1 of 3" in c[-1].text and "How much evidence" in c[-1].text)


def reminder_of(chat):
    return next(m for m in chat if m.from_bot and m.text.startswith(REMINDER))


async def test_a_reminder_counts_the_ideas_of_a_persons_share_left_then_the_questions_after(rating):
    stack = rating
    ann, bob, cat, dan = [await stack.joined(name) for name in ("Ann", "Bob", "Cat", "Dan")]
    await stack.open_round("r2")
    await on_first_idea(ann)
    await ann.tap("Some")  # idea 1 still waits for its newness: three ideas are left
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await on_first_idea(bob)
    await bob.tap("Some")
    await bob.wait_for(lambda c: "How new is this?" in c[-1].text)
    await bob.tap("Quite new")
    await bob.wait_for(lambda c: "Idea 2 of 3" in c[-1].text)
    await on_first_idea(dan)  # Dan passes every idea of his share and stops at the question after
    for cue in ("Idea 2 of 3", "Idea 3 of 3", "Anything more to add?"):
        await dan.tap("I don't know this idea")
        await dan.wait_for(lambda c, cue=cue: cue in c[-1].text)
    await cat.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))  # Cat has not started

    await ask(stack.coordinator, "/remind r2")
    await stack.coordinator.tap("Send reminder")
    for person in (ann, bob, cat, dan):
        await person.wait_for(lambda c: any(m.from_bot and m.text.startswith(REMINDER) for m in c))
    anns = reminder_of(await ann.chat())
    assert "You have 3 ideas left and 1 more question, about" in anns.text and anns.buttons == [["Continue"]]
    assert "You have 2 ideas left and 1 more question, about" in reminder_of(await bob.chat()).text
    cats = reminder_of(await cat.chat())
    assert "You have 3 questions left, about" in cats.text and cats.buttons == [["Start"]]
    assert "You have 1 question left, about" in reminder_of(await dan.chat()).text
