"""Review and change: /review lists a person's answers in the open round, and Change replaces one."""

import zipfile
from random import Random

import pytest
from openpyxl import load_workbook

from botapi_emulator import ButtonNotFound
from carework_core.answering.service import Item
from carework_core.research.export import export_workbook
from rehearsal.bank import TextSource
from rehearsal.participant import VirtualParticipant
from tests.e2e import test_followups
from tests.e2e.test_followups import answers_sheet, reach_the_choices, says
from tests.e2e.test_forged_taps import GONE, toasts

fstack = test_followups.fstack  # the stack on followups.yaml, whose choices have an Other option


async def answer_round_1(stack, ann, finish=True):
    """Answers round 1: two examples, a text answer, Big, and Home care (when `finish`)."""
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.send("Buddy scheme for new starters")
    await ann.wait_for_reply()
    await ann.tap("Add another example")
    await ann.wait_for_reply()
    await ann.send("Paid time for wellbeing walks")
    await ann.wait_for_reply()
    await ann.tap("Next question")
    await ann.wait_for_reply()
    await ann.send("More staff on nights")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"))
    await ann.tap("Big")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    if finish:
        await ann.tap("Home care")
        await ann.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
        await ann.tap("Done")
        await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)


async def review(ann):
    await ann.send("/review")
    return await ann.wait_for_reply()


async def test_review_lists_the_answers_with_change_buttons(stack):
    ann = await stack.joined("Ann")
    assert (await review(ann)).text.startswith("You have no answers to change right now.")
    await answer_round_1(stack, ann)
    listed = await review(ann)
    assert listed.text.startswith("Your answers in round 1")
    for words in ("Buddy scheme for new starters", "Paid time for wellbeing walks", "More staff on nights"):
        assert words in listed.text
    assert "Question 3: How big a problem is staff wellbeing?\nBig" in listed.text
    assert "Question 4: Where do you work?\nHome care" in listed.text
    assert listed.buttons == [["Change 1", "Change 2", "Change 3"], ["Change 4", "Change 5"]]


async def test_change_a_rating_keeps_the_earlier_one_and_counts_the_new_one_once(stack, tmp_path):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann)
    await review(ann)
    await ann.tap("Change 4")
    asked = await ann.wait_for_reply()
    assert "How big a problem is staff wellbeing?" in asked.text and "Your answer now: Big" in asked.text
    assert asked.buttons == [["Small"], ["Medium"], ["Big"], ["Not sure"], ["Keep my answer"]]
    await ann.tap("Small")
    chat = await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)
    assert "Your answer: Small" in chat[-2].text and chat[-2].buttons == []
    assert [a for a in await stack.answers() if a[1] == "size"] == [("P-0001", "size", "1")]
    assert "Question 3: How big a problem is staff wellbeing?\nSmall" in (await review(ann)).text
    await stack.services.rounds.close_round("r1", actor="test")
    cell = (await stack.services.results.round_stats("r1")).cell(("size", None, None))
    assert cell.n == 1  # the new value only, once
    person = await stack.services.onboarding.participant(ann.user_id)
    digest = await stack.services.results.digest("r1", person.id)
    assert [(line.key, line.yours) for line in digest.lines] == [(("size", None, None), "Small")]
    path = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, path)
    sheet = load_workbook(path)["Earlier answers"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:8] == [
        "participant",
        "group",
        "round",
        "question_id",
        "item_id",
        "criterion",
        "answer",
        "answer_code",
    ]
    assert [r[:8] for r in rows[1:]] == [["P-0001", "Social care workforce", "r1", "size", None, None, "Big", "3"]]
    assert rows[1][8] is not None and rows[1][9] is not None  # answered_at and replaced_at
    zipped = tmp_path / "export.zip"
    await export_workbook(stack.services.env, zipped, format="csv")
    with zipfile.ZipFile(zipped) as archive:
        lines = archive.read("earlier_answers.csv").decode("utf-8-sig").splitlines()
    assert lines[1].startswith("P-0001,Social care workforce,r1,size,,,Big,3,")


async def test_change_a_choice_with_its_ticks(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann)
    await review(ann)
    await ann.tap("Change 5")
    asked = await ann.wait_for_reply()
    assert "Your answer now: Home care" in asked.text
    assert asked.buttons[:3] == [["✓ Home care"], ["Care home"], ["Somewhere else"]]
    await ann.tap("Care home")
    await ann.wait_for(lambda c: ["✓ Care home"] in c[-1].buttons)
    await ann.tap("✓ Home care")
    await ann.wait_for(lambda c: ["Home care"] in c[-1].buttons)
    await ann.tap("Done")
    await ann.wait_for(lambda c: "That is the end of round 1" in c[-1].text)
    assert [a for a in await stack.answers() if a[1] == "where"] == [("P-0001", "where", "res")]


async def test_change_a_text_answer_and_one_example(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann)
    await review(ann)
    await ann.tap("Change 3")
    asked = await ann.wait_for_reply()
    assert "Your answer now: “More staff on nights”" in asked.text and "Type your new answer" in asked.text
    await ann.send("Fewer split shifts")
    done = await ann.wait_for(lambda c: "You have answered every question in round 1" in c[-1].text)
    assert done[-2].text == "Changed. Thank you."
    await review(ann)
    await ann.tap("Change 2")  # the second example, not the first
    await ann.wait_for_reply()
    await ann.send("Paid time for walks together")
    await ann.wait_for(lambda c: "You have answered every question in round 1" in c[-1].text)
    assert await stack.answers() == [
        ("P-0001", "examples", "Buddy scheme for new starters"),
        ("P-0001", "examples", "Paid time for walks together"),
        ("P-0001", "more", "Fewer split shifts"),
        ("P-0001", "size", "3"),
        ("P-0001", "where", "home"),
    ]
    data = await stack.services.their_data.held(ann.user_id)
    earlier = [a.words for a in data.answers if a.kind == "earlier"]
    assert earlier == [("More staff on nights",), ("Paid time for wellbeing walks",)]


async def test_keep_my_answer_changes_nothing_and_goes_back_to_the_round(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann, finish=False)
    await review(ann)
    await ann.tap("Change 1")
    await ann.wait_for_reply()
    await ann.tap("Keep my answer")
    chat = await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    assert chat[-2].text == "Your answer stays as it was."
    await ann.send("words")  # not taken as a change: the question waiting wants a button
    assert (await ann.wait_for_reply()).text.startswith("Please tap one of the buttons")
    assert ("P-0001", "examples", "Buddy scheme for new starters") in await stack.answers()


async def test_a_tapped_answer_can_be_kept_from_its_change_screen_too(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann)
    before = await stack.answers()
    for change in ("Change 4", "Change 5"):  # a rating, then a choice with ticks
        await review(ann)
        await ann.tap(change)
        asked = await ann.wait_for_reply()
        assert asked.buttons[-1] == ["Keep my answer"]
        await ann.tap("Keep my answer")
        chat = await ann.wait_for(lambda c: "You have answered every question in round 1" in c[-1].text)
        assert chat[-2].text == "Your answer stays as it was."
    assert await stack.answers() == before


async def test_a_tap_on_an_older_questions_button_changes_it_and_a_closed_round_refuses(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann, finish=False)  # question 4 waits
    await review(ann)
    await ann.tap("Change 4")
    older = await ann.wait_for_reply()
    await review(ann)
    await ann.tap("Change 4")
    newer = await ann.wait_for_reply()
    await ann.tap("Small", message_id=older.message_id)  # a copy of the question asked again: only the newest acts
    await ann.tap("Medium", message_id=newer.message_id)
    chat = await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))  # back where she was
    assert "Your answer: Medium" in next(m for m in chat if m.message_id == newer.message_id).text
    assert "Your answer:" not in next(m for m in chat if m.message_id == older.message_id).text
    assert await toasts(ann, 1) == [GONE]
    assert ("P-0001", "size", "2") in await stack.answers()
    await review(ann)
    await ann.tap("Change 4")
    newest = await ann.wait_for_reply()
    await stack.services.rounds.close_round("r1", actor="test")
    await ann.tap("Small", message_id=newest.message_id)
    assert (await ann.wait_for_reply()).text.startswith("This round has closed")
    assert (await ann.toasts())[-1]["text"].startswith("This round has closed")
    assert ("P-0001", "size", "2") in await stack.answers()
    assert ("P-0001", "size", "1") not in await stack.answers()


async def test_a_restart_between_change_and_the_new_words_keeps_the_change(stack):
    ann = await stack.joined("Ann")
    await answer_round_1(stack, ann)
    await review(ann)
    await ann.tap("Change 1")
    await ann.wait_for_reply()
    await stack.restart(reopen=True)
    await ann.send("Mentors for new starters")
    chat = await ann.wait_for(lambda c: "You have answered every question in round 1" in c[-1].text)
    assert chat[-2].text == "Changed. Thank you."
    assert (await stack.answers())[0] == ("P-0001", "examples", "Mentors for new starters")


async def test_change_an_item_rating_card_and_a_late_repeat_tap_still_answers_only_its_card(stack):
    ann = await stack.joined("Ann")
    await stack.services.answering.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer support")])
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.tap("Care worker")
    card = (await ann.wait_for(lambda c: "Rota apps" in c[-1].text))[-1]
    await ann.tap("Some")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    with pytest.raises(ButtonNotFound):  # the card moved on; its old buttons are gone
        await ann.tap("A lot", message_id=card.message_id)
    await ann.tap("Quite new")
    await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    listed = await review(ann)
    assert "Rota apps (Evidence)\nSome" in listed.text and "Rota apps (Newness)\nQuite new" in listed.text
    await ann.tap("Change 2")  # 1 is the role; 2 is Rota apps on Evidence
    asked = await ann.wait_for_reply()
    assert "Rota apps" in asked.text and "Your answer now: Some" in asked.text
    await ann.tap("A lot")
    await ann.wait_for(lambda c: "Peer support" in c[-1].text and "How much evidence" in c[-1].text)
    rated = [a for a in await stack.answers() if a[1] == "rate"]
    assert rated == [("P-0001", "rate", "3"), ("P-0001", "rate", "2")]  # Peer support is not rated yet


async def at_the_last_question(fstack):
    """Returns Ann at question 4, having answered the choices as a care worker in home care."""
    ann = await fstack.joined("Ann")
    await reach_the_choices(fstack, ann)
    await ann.tap("Care worker")
    await says(ann, "Question 3 of 4")
    await ann.tap("Home care")
    await ann.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
    await ann.tap("Done")
    await says(ann, "Question 4 of 4")
    return ann


async def test_other_in_a_change_asks_what_it_is_and_keeps_the_words(fstack, tmp_path):
    ann = await at_the_last_question(fstack)
    for change, other, words in (
        ("Change 3", "Somewhere else", "Day centre"),
        ("Change 2", "Something else", "Driver"),
    ):
        await review(ann)
        await ann.tap(change)
        asked = await says(ann, "Your answer now:")
        await ann.tap(other, message_id=asked.message_id)
        await says(ann, "In a few words, what is it?")
        await ann.send(words)
        chat = await ann.wait_for(
            lambda c: c[-1].text.startswith("Question 4 of 4") and c[-2].text == "Changed. Thank you."
        )
        assert not any("already been answered" in m.text for m in chat)
    listed = await review(ann)
    assert "Question 2: What is your role?\nSomething else" in listed.text
    assert "Question 3: Where do you work?\nHome care, Somewhere else" in listed.text
    rows = await answers_sheet(fstack, tmp_path)
    assert [(r["question_id"], r["answer_code"], r["other_words"]) for r in rows[1:]] == [
        ("role", "other", "Driver"),
        ("where", "home,other", "Day centre"),
    ]


class PicksOther(Random):
    """Chooses Change 3 in /review, then Other, wherever they are offered: what a rehearsal meets at random."""

    def choice(self, seq):
        return next((s for s in seq if s in ("Change 3", "Somewhere else")), seq[0])


async def test_a_rehearsals_virtual_person_finishes_a_change_through_other(fstack):
    ann = await at_the_last_question(fstack)
    person = VirtualParticipant(ann, "workforce", PicksOther(1), TextSource(Random(1), ["Day centre"]), patience=15)
    await person.change_an_answer("wellbeing")
    assert person.changed == 1
    assert ("P-0001", "where", "home,other") in await fstack.answers()
