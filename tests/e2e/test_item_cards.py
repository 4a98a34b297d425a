"""Items written in the definition, loaded when the bot starts, rated on cards with enough to judge by:
the start of the description on the card, the whole of it and the evidence under "More about this idea"."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from carework_core.storage.answers import all_answers
from tests.bot.test_cli import carework
from tests.conftest import MINI
from tests.e2e.conftest import toasts

LONG = (
    "Care workers offer and take shifts in an app on their phones, and the manager approves each swap "
    "with one tap. Nobody phones round at night any more, and the rota stays fair because the app shows "
    "who has swapped most this month, so the same people are not asked every time."
)
ITEMS = f"""
item_sets:
  ideas:
    - id: I1
      title: Shift swaps in an app
      description: "{LONG}"
      evidence: Two trusts have used it since 2024; sickness absence fell.
      kind: innovation
    - id: I2
      title: Peer circles
      description: Care workers meet monthly to talk about hard shifts.
"""
STALE = "That question has already been answered."
GONE = "Sorry, that button does not work any more. Please use the newest message, or send /help."


@pytest.fixture
async def listed(make_stack, tmp_path):
    survey = tmp_path / "with-items.yaml"
    survey.write_text(MINI.read_text(encoding="utf-8") + ITEMS, encoding="utf-8")
    return await make_stack(survey)


async def first_card(stack, ann):
    await stack.open_round("r2")  # refused without items: the bot stored the definition's when it started
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.tap("Care worker")
    return (await ann.wait_for(lambda c: "Shift swaps in an app" in c[-1].text))[-1]


async def test_more_about_this_idea_and_back_to_the_same_card(listed):
    stack = listed
    ann = await stack.joined("Ann")
    card = await first_card(stack, ann)
    shown = LONG[:199].rsplit(" ", 1)[0].rstrip(",. ") + "…"
    assert f"Shift swaps in an app\n{shown}\n\nHow much evidence" in card.text
    assert LONG not in card.text and "Two trusts" not in card.text
    assert card.buttons == [
        ["None"],
        ["Some"],
        ["A lot"],
        ["Not sure"],
        ["I don't know this idea"],
        ["More about this idea"],
    ]

    await ann.tap("More about this idea")
    more = await ann.wait_for(lambda c: LONG in c[-1].text)
    assert more[-1].message_id == card.message_id  # the card itself changed: the chat does not grow
    assert (
        more[-1].text
        == f"Shift swaps in an app\n\n{LONG}\n\nEvidence\nTwo trusts have used it since 2024; sickness absence fell."
    )
    assert more[-1].buttons == [["Back"]]

    await ann.tap("Back")
    back = await ann.wait_for(lambda c: "How much evidence" in c[-1].text)
    assert (back[-1].message_id, back[-1].text, back[-1].buttons) == (card.message_id, card.text, card.buttons)

    await ann.tap("A lot")  # the card still rates what it showed
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap("More about this idea")
    await ann.wait_for(lambda c: LONG in c[-1].text)
    await ann.tap_data("mb|r2|2|0|0")  # Back to the card already rated: an earlier version's button
    await ann.tap_data("mi|r2|2|7|0")  # a button this message never had
    await ann.tap_data("mi|r2|two|0|1")  # data the bot never packs
    assert await toasts(ann, 3) == [STALE, GONE, GONE]
    await ann.tap("Back")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text and c[-1].buttons[-1] == ["More about this idea"])
    await ann.tap("Quite new")
    second = await ann.wait_for(lambda c: "Peer circles" in c[-1].text)
    assert "Care workers meet monthly to talk about hard shifts." in second[-1].text
    assert ["More about this idea"] not in second[-1].buttons  # the card shows all there is
    async with stack.services.env.db.reading() as tx:
        rated = [(a.item_id, a.criterion_id, a.value) for a in await all_answers(tx) if a.question_id == "rate"]
    assert rated == [("I1", "evidence", "3"), ("I1", "newness", "2")]


async def test_a_list_loaded_with_items_import_is_what_people_rate(stack):
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(MINI)}
    ann = await stack.joined("Ann")
    book = Workbook()
    sheet = book.active
    sheet.title = "items"
    sheet.append(["id", "title", "description", "evidence", "score_evidence"])
    sheet.append(["I1", "Shift swaps in an app", LONG, "Two trusts use it.", 3])
    sheet.append(["I2", "", "Care workers meet monthly.", "", 9])
    path = stack.folder / "items.xlsx"
    book.save(path)
    refused = carework("items", "import", str(path), "--into", "r2", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[1:] == [
        "items.xlsx: sheet items, cell B3: the title is empty; write what participants will read",
        "items.xlsx: sheet items, cell E3: score '9' for evidence is off its scale: a whole number from 1 to 3, or empty",
    ]
    sheet["B3"], sheet["E3"] = "Peer circles", 1
    book.save(path)
    loaded = carework("items", "import", str(path), "--into", "r2", env=env)
    assert loaded.returncode == 0, loaded.stderr

    card = await first_card(stack, ann)
    assert "Idea 1 of 2" in card.text and LONG[:100] in card.text and LONG not in card.text
    await ann.tap("More about this idea")
    more = await ann.wait_for(lambda c: LONG in c[-1].text)
    assert more[-1].text.endswith("Evidence\nTwo trusts use it.")


async def test_a_change_card_shows_the_idea_as_the_round_did_and_more_about_it_comes_back_to_it(listed):
    stack = listed
    ann = await stack.joined("Ann")
    card = await first_card(stack, ann)
    await ann.tap("A lot")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap("Quite new")
    await ann.wait_for(lambda c: "Peer circles" in c[-1].text)

    await ann.send("/review")
    await ann.wait_for(lambda c: c[-1].text.startswith("Your answers in round 2"))
    await ann.tap("Change 2")  # 1 is the role; 2 is the first idea's evidence
    changing = (await ann.wait_for(lambda c: "Your answer now: A lot" in c[-1].text))[-1]
    teaser = card.text.split("\n\n")[2]  # the title and the start of the description, as on the round's card
    assert teaser.startswith("Shift swaps in an app\n") and teaser.endswith("…")
    assert f"\n\n{teaser}\n\nHow much evidence" in changing.text and LONG not in changing.text
    assert changing.buttons[-2:] == [["More about this idea"], ["Keep my answer"]]

    await ann.tap("More about this idea")
    more = await ann.wait_for(lambda c: any(m.message_id == changing.message_id and LONG in m.text for m in c))
    shown = next(m for m in more if m.message_id == changing.message_id)
    assert shown.text.endswith("Evidence\nTwo trusts have used it since 2024; sickness absence fell.")
    assert shown.buttons == [["Back"]]
    await ann.tap("Back")
    back = await ann.wait_for(lambda c: any(m.message_id == changing.message_id and m.buttons != [["Back"]] for m in c))
    again = next(m for m in back if m.message_id == changing.message_id)
    assert (again.text, again.buttons) == (changing.text, changing.buttons)

    await ann.tap("Some")  # the Change card still changes the answer it showed
    await ann.wait_for(lambda c: "Peer circles" in c[-1].text and c[-1].message_id != card.message_id)
    async with stack.services.env.db.reading() as tx:
        rated = [(a.item_id, a.criterion_id, a.value) for a in await all_answers(tx) if a.question_id == "rate"]
    assert rated == [("I1", "evidence", "2"), ("I1", "newness", "2")]
