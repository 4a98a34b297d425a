"""Follow-ups about an example, Other options, and "I have no example", through the real bot."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from carework_core.research.export import export_workbook
from tests.conftest import ROOT
from tests.e2e.conftest import caught_up
from tests.e2e.test_withdraw import all_processed, vacuumed_bytes

SURVEY = ROOT / "tests" / "fixtures" / "followups.yaml"
HINT = "One example per message. Please leave out names."


@pytest.fixture
async def fstack(make_stack):
    return await make_stack(SURVEY)


async def start_round(stack, user):
    await stack.open_round("r1")
    await user.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await user.tap("Start")
    return await user.wait_for_reply()


async def says(user, words: str):
    """Waits until the bot's latest message contains these words, and returns it."""
    chat = await user.wait_for(lambda c: c[-1].from_bot and words in c[-1].text)
    return chat[-1]


async def skip_follow_ups(user, asked=("Where is this happening?", "Who does it help?", "What shows it works?")):
    """Taps Skip on each follow-up in turn, once it has been asked."""
    for question in asked:
        message = await says(user, question)
        await user.tap("Skip", message_id=message.message_id)


async def give_example(user, text: str):
    await user.send(text)
    return await says(user, "Where is this happening?")


def shown(chat) -> list:
    """Each message of the bot as the person sees it (words and buttons), and what the person sent."""
    return [(m.message_id, m.text, m.buttons) if m.from_bot else m.text for m in chat]


async def answers_sheet(stack, tmp_path) -> list[dict]:
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    rows = list(load_workbook(out)["Answers"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def test_an_example_is_followed_by_each_follow_up_answered_or_skipped(fstack):
    ann = await fstack.joined("Ann")
    first = await start_round(fstack, ann)
    assert first.text.startswith("Question 1 of 4") and HINT in first.text
    asked = await give_example(ann, "Buddy scheme for new starters")
    assert asked.text.startswith("Saved. Thank you.") and asked.buttons == [["Skip"]]
    await ann.send("In Leeds")
    asked = await says(ann, "Who does it help?")
    assert asked.buttons == [["Skip"]]
    await skip_follow_ups(ann, ["Who does it help?"])
    await says(ann, "What shows it works?")
    await ann.send("Fewer people leave")
    done = await says(ann, "add another example")
    assert done.buttons == [["Add another example", "Next question"]]
    await ann.tap("Add another example")
    prompt = await ann.wait_for_reply()
    assert "Type your next example" in prompt.text
    await give_example(ann, "Paid wellbeing walks")
    await skip_follow_ups(ann)
    # Two examples is this question's most: the last follow-up moves on to the next question.
    nxt = await says(ann, "Question 2 of 4")
    assert nxt.buttons[0] == ["Care worker"]
    assert [a[2] for a in await fstack.answers()] == ["Buddy scheme for new starters", "Paid wellbeing walks"]


async def test_the_export_shows_follow_ups_beside_their_example_in_xlsx_and_csv(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    await give_example(ann, "=Buddy scheme")
    await ann.send("In Leeds")
    await says(ann, "Who does it help?")
    await skip_follow_ups(ann, ["Who does it help?"])
    await says(ann, "What shows it works?")
    await ann.send("-fewer leave")
    await says(ann, "add another example")
    rows = await answers_sheet(fstack, tmp_path)
    assert rows[0]["answer"] == "=Buddy scheme"
    assert rows[0]["followups"] == "where: In Leeds\nwho: (skipped)\nevidence: -fewer leave"
    wide = list(load_workbook(tmp_path / "export.xlsx")["Round r1"].iter_rows(values_only=True))
    line = dict(zip(wide[0], wide[1], strict=True))
    assert (line["examples_1"], line["examples_1_where"], line["examples_1_who"]) == ("=Buddy scheme", "In Leeds", None)
    assert line["examples_1_evidence"] == "-fewer leave" and line["examples_2_where"] is None
    with zipfile.ZipFile(tmp_path / "export.xlsx") as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not [x for x in sheets if "<f>" in x or 't="e"' in x]  # typed text is never a formula
    out = tmp_path / "export.zip"
    await export_workbook(fstack.services.env, out, format="csv")
    with zipfile.ZipFile(out) as archive:
        table = list(csv.DictReader(io.StringIO(archive.read("round_r1.csv").decode("utf-8-sig"))))
        answers = list(csv.DictReader(io.StringIO(archive.read("answers.csv").decode("utf-8-sig"))))
    assert table[0]["examples_1_where"] == "In Leeds" and table[0]["examples_1_evidence"].endswith("-fewer leave")
    assert answers[0]["followups"].startswith("where: In Leeds")


async def test_a_replayed_follow_up_answer_is_stored_once_and_answers_nothing_else(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    await give_example(ann, "Buddy scheme")
    message_id = await ann.send("In Leeds")
    await says(ann, "Who does it help?")
    again = {
        "message": {
            "message_id": message_id,
            "date": 1767600000,
            "text": "In Leeds",
            "chat": {"id": ann.user_id, "type": "private", "first_name": "Ann"},
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
        }
    }
    await fstack.client.raw_update(again)  # the same Telegram message in a new update
    await ann.send("Night staff")  # handled after the copy: a person's updates are handled in order
    await says(ann, "What shows it works?")
    rows = await answers_sheet(fstack, tmp_path)
    assert rows[0]["followups"] == "where: In Leeds\nwho: Night staff"


async def test_a_replayed_skip_skips_only_once(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    asked = await give_example(ann, "Buddy scheme")
    await ann.tap("Skip", message_id=asked.message_id)
    await says(ann, "Who does it help?")
    chat = await ann.chat()
    tap = {
        "callback_query": {
            "id": "replayed-1",
            "chat_instance": "1",
            "data": "fs|r1|1|1|0",
            "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
            "message": {
                "message_id": asked.message_id,
                "date": 1767600000,
                "chat": {"id": ann.user_id, "type": "private"},
                "text": asked.text,
            },
        }
    }
    fstack.expected_refusals = 1  # the emulator never issued this query id, so its answer is refused
    await fstack.client.raw_update(tap)  # a Skip for the follow-up already skipped: stale, not the next one
    await caught_up(ann)  # the replayed tap came as Ann's, so it was handled before her /help
    assert shown(await ann.chat())[:-1] == shown(chat) + ["/help"]  # nothing changed; then the help
    await ann.send("Night staff")
    await says(ann, "What shows it works?")
    rows = await answers_sheet(fstack, tmp_path)
    assert rows[0]["followups"] == "where: (skipped)\nwho: Night staff"


async def test_after_a_restart_the_person_is_asked_the_follow_up_they_had_reached(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    await give_example(ann, "Buddy scheme")
    await ann.send("In Leeds")
    await says(ann, "Who does it help?")
    await fstack.restart(reopen=True)
    await ann.send("/start")
    back = await says(ann, "Who does it help?")
    assert back.buttons == [["Skip"]]
    await ann.send("Night staff")
    await says(ann, "What shows it works?")
    rows = await answers_sheet(fstack, tmp_path)
    assert rows[0]["followups"] == "where: In Leeds\nwho: Night staff"


async def reach_the_choices(stack, user):
    await start_round(stack, user)
    await give_example(user, "Buddy scheme")
    await skip_follow_ups(user)
    await says(user, "add another example")
    await user.tap("Next question")
    return await says(user, "Question 2 of 4")


async def test_other_on_a_single_choice_asks_what_it_is_then_moves_on(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await reach_the_choices(fstack, ann)
    await ann.tap("Something else")
    asked = await says(ann, "In a few words, what is it?")
    assert asked.buttons == []
    await ann.send("Volunteer driver")
    nxt = await says(ann, "Question 3 of 4")
    assert "Tick all that apply" in nxt.text
    rows = await answers_sheet(fstack, tmp_path)
    assert (rows[1]["answer_code"], rows[1]["other_words"]) == ("other", "Volunteer driver")


async def test_other_on_a_multiple_choice_returns_to_the_ticks_with_other_ticked(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await reach_the_choices(fstack, ann)
    await ann.tap("Care worker")
    await says(ann, "Question 3 of 4")
    await ann.tap("Home care")
    await ann.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
    await ann.tap("Somewhere else")
    await says(ann, "In a few words, what is it?")
    await ann.send("Day centre")
    ticks = await says(ann, "Tick all that apply")
    assert ticks.buttons[:4] == [["✓ Home care"], ["Care home"], ["✓ Somewhere else"], ["Done"]]
    assert HINT not in ticks.text
    await ann.tap("Done")
    await says(ann, "Question 4 of 4")
    rows = await answers_sheet(fstack, tmp_path)
    assert [(r["question_id"], r["answer_code"], r["other_words"]) for r in rows[1:]] == [
        ("role", "carer", None),
        ("where", "home,other", "Day centre"),
    ]


async def test_a_required_examples_question_can_be_passed_with_no_example(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await reach_the_choices(fstack, ann)
    await ann.tap("Manager")
    await says(ann, "Question 3 of 4")
    await ann.tap("Care home")
    await ann.wait_for(lambda c: ["✓ Care home"] in c[-1].buttons)
    await ann.tap("Done")
    last = await says(ann, "Question 4 of 4")
    assert last.buttons == [["I have no example"]]
    await ann.tap("I have no example")
    await says(ann, "That is the end of round 1")
    passed = next(m for m in await ann.chat() if m.message_id == last.message_id)
    # The passed question no longer asks for typing, so nobody types into it thinking it still waits.
    assert passed.text.endswith("Your answer: I have no example") and "Type your" not in passed.text
    assert passed.buttons == []
    out = tmp_path / "export.xlsx"
    await export_workbook(fstack.services.env, out)
    wide = list(load_workbook(out)["Round r1"].iter_rows(values_only=True))
    line = dict(zip(wide[0], wide[1], strict=True))
    assert (line["problems_none"], line["examples_none"]) == (1, 0)


async def test_the_hint_is_shown_once_not_on_every_return_to_the_question(fstack):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    await give_example(ann, "Buddy scheme")
    await skip_follow_ups(ann)
    await ann.send("/start")
    back = await says(ann, "You have added 1 so far")
    assert back.text.startswith("Question 1 of 4") and HINT not in back.text
    assert sum(HINT in m.text for m in await ann.chat()) == 1


async def test_mydata_shows_follow_ups_and_withdraw_removes_them(fstack, tmp_path):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    await give_example(ann, "Buddy scheme")
    await ann.send("In Leeds")
    await says(ann, "Who does it help?")
    await ann.send("/mydata")
    held = await says(ann, "What we hold about you")
    assert "Where is this happening?" in held.text and "In Leeds" in held.text
    await ann.send("/withdraw")
    await says(ann, "Do you want to withdraw?")
    await ann.tap("Yes, withdraw")
    await says(ann, "You have withdrawn")
    await all_processed(fstack)
    assert await answers_sheet(fstack, tmp_path) == []
    assert b"In Leeds" not in vacuumed_bytes(fstack)
