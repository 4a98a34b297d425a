"""A second rating round shows each person what they said last time, and asks why when they stand apart."""

import pytest
from openpyxl import load_workbook

from carework_core.answering.service import Item
from carework_core.research.export import export_workbook
from carework_core.storage.answers import all_answers
from tests.conftest import ROOT
from tests.e2e.conftest import caught_up

CARRY = ROOT / "tests" / "fixtures" / "carry.yaml"
IDEAS = [Item("i1", "Rota apps"), Item("i2", "Peer support"), Item("i3", "Shared notes")]
REASON = "Nobody has measured it yet"


@pytest.fixture
async def stack(make_stack):
    return await make_stack(CARRY)


async def rated_in(stack, round_id: str) -> list[tuple]:
    async with stack.services.env.db.reading() as tx:
        return [(a.question_id, a.item_id, a.value) for a in await all_answers(tx) if a.round_id == round_id]


async def colleague_rates_round_a(stack, user) -> None:
    """A colleague answers round a "A lot" and "Big" throughout (through the core: the chat is not the point)."""
    answering = stack.services.answering
    await answering.begin(user.user_id, "a")
    for position in range(len(IDEAS)):
        await answering.tap(user.user_id, "a", 1, "3", f"a{user.user_id}-{position}", (position, 0))
    await answering.tap(user.user_id, "a", 2, "3", f"a{user.user_id}-size")


async def ann_rates_round_a(stack, ann) -> None:
    """Ann says Some, Some, A lot to the three ideas, and Medium to the size of the problem."""
    await stack.open_round("a")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1: First ratings") for m in c))
    await ann.tap("Start")
    await ann.wait_for(lambda c: "Rota apps" in c[-1].text)
    for label, next_card in (("Some", "Peer support"), ("Some", "Shared notes"), ("A lot", "staff wellbeing")):
        await ann.tap(label)
        await ann.wait_for(lambda c, text=next_card: text in c[-1].text)
    await ann.tap("Medium")
    await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)


async def round_a_rated(stack):
    """Ann rates round a in the chat and four colleagues through the core; round a closes."""
    ann = await stack.joined("Ann")
    colleagues = [await stack.joined(f"Worker{n}") for n in range(4)]
    await stack.services.answering.load_items("ideas", IDEAS)
    await ann_rates_round_a(stack, ann)
    for user in colleagues:
        await colleague_rates_round_a(stack, user)
    await stack.services.rounds.close_round("a", actor="test")
    return ann, colleagues


async def round_b_begins(stack):
    """Ann and four colleagues rate round a; it closes, Bob joins, and round b opens."""
    ann, _ = await round_a_rated(stack)
    bob = await stack.joined("Bob")  # joined after round a: nothing to carry forward
    await stack.open_round("b")
    for person in (ann, bob):
        await person.wait_for(lambda c: any(m.text.startswith("Round 2: Second ratings") for m in c))
    return ann, bob


async def test_carry_forward_keep_reason_and_skip(stack, tmp_path):
    ann, bob = await round_b_begins(stack)
    await ann.tap("Start")
    card = (await ann.wait_for(lambda c: "Rota apps" in c[-1].text))[-1]
    assert "Last time you said Some (your group: A lot). Keep or change?" in card.text
    assert card.buttons == [["Keep"], ["None"], ["Some"], ["A lot"], ["Not sure"], ["I don't know this idea"]]

    await ann.tap("Keep")
    second = (await ann.wait_for(lambda c: "Peer support" in c[-1].text))[-1]
    assert second.message_id == card.message_id  # Keep is a normal answer: the card moves on
    assert await rated_in(stack, "b") == [("rate", "i1", "2")]

    await ann.tap("None")  # her group said A lot: two points apart
    chat = await ann.wait_for(lambda c: "say why, in a line" in c[-1].text)
    assert chat[-1].text == (
        "You see this differently from most of your group. Would you like to say why, in a line? You can skip this."
    )
    assert chat[-1].buttons == [["Skip"]] and "Your answer: None" in chat[-2].text
    reason_id = await ann.send(REASON)
    chat = await ann.wait_for(lambda c: "Shared notes" in c[-1].text)
    assert chat[-2].text == "Thank you. We have noted that."
    assert "Last time you said A lot (your group: A lot)." in chat[-1].text

    await ann.tap("None")
    await ann.wait_for(lambda c: c[-1].buttons == [["Skip"]])
    await ann.tap("Skip")
    size = (await ann.wait_for(lambda c: "staff wellbeing" in c[-1].text))[-1]
    assert "Last time you said Medium (your group: Big)." in size.text and size.buttons[0] == ["Keep"]
    await ann.tap("Keep")
    await ann.wait_for(lambda c: "That is the end of round 2" in c[-1].text)
    assert await rated_in(stack, "b") == [
        ("rate", "i1", "2"),
        ("rate", "i2", "1"),
        ("rate", "i3", "1"),
        ("size", None, "2"),
    ]

    again = {
        "message": {
            "message_id": reason_id,
            "date": 1767600000,
            "text": REASON,
            "chat": {"id": ann.user_id, "type": "private", "first_name": "Ann"},
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
        }
    }
    await stack.client.raw_update(again)  # the reason's message delivered a second time
    await ann.wait_for_reply()
    await caught_up(ann)  # the copy was handled before her /help: anything it stored is in the export
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    sheet = load_workbook(out)["Answers"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    explained = [
        (r["participant"], r["round"], r["item_id"], r["criterion"], r["answer"], r["reason"])
        for r in rows
        if r["reason"]
    ]
    assert explained == [("P-0001", "b", "i2", "Evidence", "None", REASON)]  # stored once, beside its rating

    await bob.tap("Start")
    bobs = (await bob.wait_for(lambda c: "Rota apps" in c[-1].text))[-1]
    assert "Last time" not in bobs.text and ["Keep"] not in bobs.buttons
