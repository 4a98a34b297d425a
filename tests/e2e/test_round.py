"""Answering a round through the real bot, and what happens when people do the unexpected."""

import zipfile

from openpyxl import load_workbook

from carework_core.research.export import export_workbook
from tests.e2e.conftest import caught_up, toasts


async def start_round(stack, user):
    await stack.open_round("r1")
    await user.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await user.tap("Start")
    return await user.wait_for_reply()


async def reach_the_rating(stack, ann):
    """Answers question 1 with "x", skips question 2, and returns the rating question."""
    await start_round(stack, ann)
    await ann.send("x")
    await ann.wait_for_reply()
    await ann.tap("Next question")
    await ann.wait_for_reply()
    await ann.tap("Skip this question")
    return (await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4")))[-1]


async def test_a_whole_round(stack):
    ann = await stack.joined("Ann")
    first = await start_round(stack, ann)
    assert first.text.startswith("Question 1 of 4") and "Type your example in one message." in first.text
    await ann.send("Buddy scheme for new starters")
    saved = await ann.wait_for_reply()
    assert saved.text == "Saved. Thank you." and saved.buttons == [["Add another example", "Next question"]]
    await ann.tap("Add another example")
    prompt = await ann.wait_for_reply()
    assert prompt.message_id == saved.message_id and prompt.buttons == []
    assert prompt.text == "Saved. Thank you.\n\nType your next example in one message."
    await ann.send("Paid time for wellbeing walks")
    await ann.wait_for_reply()
    await ann.tap("Next question")
    second = await ann.wait_for_reply()
    assert second.text.startswith("Question 2 of 4") and second.buttons == [["Skip this question"]]
    await ann.tap("Skip this question")
    third = (await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4")))[-1]
    assert third.buttons == [["Small"], ["Medium"], ["Big"], ["Not sure"]]
    skipped = next(m for m in await ann.chat() if m.message_id == second.message_id)
    # The skipped question says so, and no longer asks for typing or offers its button.
    assert skipped.text.endswith("Your answer: Skipped") and "Type your" not in skipped.text
    assert skipped.buttons == []
    await ann.tap("Big")
    fourth = await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    assert "Your answer: Big" in fourth[-2].text and fourth[-2].buttons == []
    await ann.tap("Home care")
    ticked = await ann.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
    assert ticked[-1].buttons[-1] == ["Done"]
    await ann.tap("Care home")
    await ann.wait_for(lambda c: ["✓ Care home"] in c[-1].buttons)
    await ann.tap("Done")
    end = await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)
    assert "We will send you a short summary" in end[-1].text
    assert await stack.answers() == [
        ("P-0001", "examples", "Buddy scheme for new starters"),
        ("P-0001", "examples", "Paid time for wellbeing walks"),
        ("P-0001", "size", "3"),
        ("P-0001", "where", "home,res"),
    ]


async def test_redelivered_message_is_stored_once(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    message_id = await ann.send("One example")
    await ann.wait_for_reply()
    chat_id = ann.user_id
    again = {
        "message": {
            "message_id": message_id,
            "date": 1767600000,
            "text": "One example",
            "chat": {"id": chat_id, "type": "private", "first_name": "Ann"},
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
        }
    }
    await stack.client.raw_update(again)  # the same Telegram message in a new update
    await ann.send("Second example")
    await caught_up(ann)  # Ann's updates are handled in order: the copy before her second example
    assert [a[2] for a in await stack.answers()] == ["One example", "Second example"]


async def test_malformed_update_is_set_aside_and_the_rest_processed(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await stack.client.raw_update({"message": {"message_id": "not a number", "chat": "nonsense"}})
    await stack.client.raw_update({"unusual_update_kind": {"x": 1}})
    await ann.send("Still heard")
    assert (await ann.wait_for_reply()).text == "Saved. Thank you."
    counts = await stack.services.inbox.counts()
    assert counts.get("set_aside") == 1 and counts.get("new", 0) == 0
    assert [a[2] for a in await stack.answers()] == ["Still heard"]


async def test_edited_message_never_becomes_a_second_answer(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    message_id = await ann.send("Frist example")
    await ann.wait_for_reply()
    await ann.edit(message_id, "First example")
    assert "I have kept your message as you first sent it" in (await ann.wait_for_reply()).text
    assert [a[2] for a in await stack.answers()] == ["Frist example"]


async def test_sticker_and_photo_get_a_kind_note(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    for send in (ann.send_sticker, ann.send_photo):  # voice notes are answers: see test_voice.py
        await send()
        assert "so I have not kept it. Please type your answer to question 1" in (await ann.wait_for_reply()).text
    assert await stack.answers() == []


async def test_stale_and_forged_buttons_change_nothing(stack):
    ann = await stack.joined("Ann")
    rating = await reach_the_rating(stack, ann)
    await ann.tap("Small", message_id=rating.message_id)
    await ann.tap("Small", message_id=rating.message_id)  # a second tap before the buttons go
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    assert await toasts(ann, 1) == ["That question has already been answered."]
    forged = {
        "callback_query": {
            "id": "forged-1",
            "chat_instance": "1",
            "data": "p|r1|9|3",  # a question round 1 does not have
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
            "message": {
                "message_id": rating.message_id,
                "date": 1767600000,
                "text": "x",
                "chat": {"id": ann.user_id, "type": "private"},
            },
        }
    }
    await stack.client.raw_update(forged)
    garbage = {**forged["callback_query"], "id": "forged-2", "data": "zz|garbage"}
    await stack.client.raw_update({"callback_query": garbage})
    stack.expected_refusals = 2  # Telegram refuses answers to queries it never issued
    await caught_up(ann)  # both forged taps came as Ann's, so they were handled before her /help
    assert await stack.answers() == [("P-0001", "examples", "x"), ("P-0001", "size", "1")]
    assert (await stack.services.inbox.counts()).get("new", 0) == 0


async def test_typing_when_nothing_is_waiting(stack):
    ann = await stack.joined("Ann")
    await ann.send("Hello?")
    assert "No round of questions is open right now" in (await ann.wait_for_reply()).text


async def test_tricky_text_is_kept_exactly_and_exported_as_text(stack, tmp_path):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    formula = '=HYPERLINK("http://example.org","click")'
    long = ("Carers <need> time & space 👩🏽‍⚕️ to talk. " * 30).strip()
    assert len(long) > 1000
    for text in (formula, long):
        await ann.send(text)
        assert (await ann.wait_for_reply()).text == "Saved. Thank you."
    assert [a[2] for a in await stack.answers()] == [formula, long]
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    cells = [row[10] for row in load_workbook(out)["Answers"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [formula, long]
    assert cells[0].data_type == "s"


async def test_error_codes_and_hidden_formulas_typed_in_the_chat_are_exported_as_text(stack, tmp_path):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    typed = ["#N/A", "#DIV/0!", '\x01=HYPERLINK("http://example.org")']
    for text in typed:  # the third fills the question's three examples
        await ann.send(text)
        await ann.wait_for_reply()
    assert [a[2] for a in await stack.answers()] == typed
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    cells = [row[10] for row in load_workbook(out)["Answers"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("#N/A", "s"),
        ("#DIV/0!", "s"),
        ('=HYPERLINK("http://example.org")', "s"),
    ]
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) > 1 and not [s for s in sheets if 't="e"' in s or "<f>" in s]


async def test_tapping_a_message_too_old_for_the_bot_to_read_still_works(stack):
    ann = await stack.joined("Ann")
    rating = await reach_the_rating(stack, ann)
    # Telegram sends an old message without its text (date 0): python-telegram-bot's InaccessibleMessage.
    old = {
        "callback_query": {
            "id": "old-1",
            "chat_instance": "1",
            "data": "p|r1|3|2",
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
            "message": {"message_id": rating.message_id, "date": 0, "chat": {"id": ann.user_id, "type": "private"}},
        }
    }
    await stack.client.raw_update(old)
    stack.expected_refusals = 1  # the emulator never issued this query id, so its answer is refused
    nxt = await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    assert nxt[-2].buttons == [["Small"], ["Medium"], ["Big"], ["Not sure"]]  # the old message was left alone
    assert await stack.answers() == [("P-0001", "examples", "x"), ("P-0001", "size", "2")]
