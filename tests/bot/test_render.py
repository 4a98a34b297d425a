from dataclasses import replace
from datetime import UTC, datetime

from bot import callbacks as cb
from bot.screens import followup_text, render
from bot.text.catalogue import ENGLISH as W
from carework_core.answering.service import Ask, Item, RoundDone, StoredAnswer
from carework_core.answering.steps import Carried
from carework_core.answering.whereabouts import NoRoundOpen, RoundClosed, ToStart
from carework_core.definitions.loading import load_definition
from carework_core.definitions.model import Schedule
from tests.conftest import MINI

C = load_definition(MINI)
R1, R2 = C.rounds


def labels(reply):
    return [[b.label for b in row] for row in reply.buttons]


def test_invitation_says_round_title_count_and_time():
    reply = render.invitation(W, R1, 1, C)
    assert reply.text.startswith("<b>Round 1: Wellbeing examples</b> - 4 questions, about 5 minutes.")
    assert "Open until" not in reply.text  # r1 has no closing date
    assert labels(reply) == [["Start"]] and reply.buttons[0][0].data == cb.Begin("r1")


def test_invitation_gives_the_closing_time_in_the_consultation_s_timezone():
    naive = R2.model_copy(update={"schedule": Schedule(closes=datetime(2026, 3, 6, 17, 0))})
    assert "about 5 minutes. Open until Friday 6 March, 17:00." in render.invitation(W, naive, 2, C).text
    utc = R2.model_copy(update={"schedule": Schedule(closes=datetime(2026, 7, 3, 16, 0, tzinfo=UTC))})
    assert "Open until Friday 3 July, 17:00." in render.invitation(W, utc, 2, C).text  # British Summer Time


def test_welcome_gives_the_rounds_own_minutes():
    assert "Each takes about 5 minutes" in render.welcome(W, C, "workforce").text
    longer = C.model_copy(update={"rounds": [R1, R2.model_copy(update={"minutes": 12})]})
    assert "Each takes 5 to 12 minutes" in render.welcome(W, longer, "workforce").text
    assert "Each takes about 5 minutes" in render.welcome(W, longer, "lived").text  # r2 is not for them


def test_rating_question_has_progress_and_scale_buttons():
    reply = render.step(W, Ask(R1, 1, R1.questions[2], 3, 4), C)
    assert "<b>Question 3 of 4</b>" in reply.text
    assert labels(reply) == [["Small"], ["Medium"], ["Big"], ["Not sure"]]
    assert reply.buttons[3][0].data == cb.Pick("r1", 3, "not_sure")


def test_examples_question_offers_next_only_after_an_example():
    first = render.step(W, Ask(R1, 1, R1.questions[0], 1, 4), C)
    assert "Type your example in one message." in first.text
    assert labels(first) == [["I have no example"]]  # a required question still has a way past it
    later = render.step(W, Ask(R1, 1, R1.questions[0], 1, 4, examples_given=2), C)
    assert "You have added 2 so far." in later.text and labels(later) == [["Next question"]]
    assert labels(followup_text.example_saved(W, Ask(R1, 1, R1.questions[0], 1, 4, 1))) == [
        ["Add another example", "Next question"]
    ]


def test_optional_question_can_be_skipped():
    reply = render.step(W, Ask(R1, 1, R1.questions[1], 2, 4), C)
    assert labels(reply) == [["Skip this question"]]


def test_a_single_choice_button_carries_the_option_id_that_is_stored():
    single = R1.questions[3].model_copy(update={"multiple": False})
    reply = render.choice(W, Ask(R1, 1, single, 4, 4), "h", "b", 0)
    assert [row[0].data for row in reply.buttons[:3]] == [
        cb.Pick("r1", 4, option.id) for option in R1.questions[3].options
    ]


def test_multiple_choice_ticks_and_done():
    ask = Ask(R1, 1, R1.questions[3], 4, 4)
    reply = render.choice(W, ask, "h", "b", 0b101)
    assert labels(reply) == [["✓ Home care"], ["Care home"], ["✓ Somewhere else"], ["Done"]]
    assert reply.buttons[0][0].data == cb.Toggle("r1", 4, 0b100)
    assert reply.buttons[3][0].data == cb.Submit("r1", 4, 0b101)
    assert labels(render.choice(W, ask, "h", "b", 0))[-1] == ["Somewhere else"]  # nothing ticked: no Done


def test_item_card_shows_item_and_criterion():
    ask = Ask(
        R2,
        2,
        R2.questions[1],
        2,
        2,
        item=Item("i1", "Rota <apps> & more"),
        criterion=C.criteria[0],
        item_index=1,
        items_total=6,
    )
    reply = render.step(W, ask, C)
    assert "Rota &lt;apps&gt; &amp; more" in reply.text and C.criteria[0].question in reply.text
    assert reply.text.startswith("<b>Question 2 of 2</b>\nIdea 2 of 6")
    assert labels(reply)[-2:] == [["Not sure"], ["I don't know this idea"]]  # its own row, under the scale
    assert reply.buttons[1][0].data == cb.Rate("r2", 2, 1, 0, "2")  # the button names its card
    assert reply.buttons[-1][0].data == cb.DontKnow("r2", 2, 1, 0)


def test_people_s_and_definition_text_is_escaped():
    assert render.answered(W, "a < b & c", "<Yes>").text == "a &lt; b &amp; c\n\nYour answer: <b>&lt;Yes&gt;</b>"


def test_typing_with_nothing_waiting_says_what_to_do():
    to_start = render.nothing_waiting(W, ToStart(R2, 2))
    assert "To answer round 2, tap Start first." in to_start.text and to_start.buttons[0][0].data == cb.Begin("r2")
    assert render.nothing_waiting(W, RoundClosed(R1, 1)).text.startswith("Round 1 has closed")
    assert "No round of questions is open" in render.nothing_waiting(W, NoRoundOpen()).text


def test_round_done_thanks_and_says_what_next():
    assert "We will send you a short summary" in render.step(W, RoundDone(R1, 1), C).text


def test_every_button_packs_within_64_bytes():
    for reply in (render.step(W, Ask(R1, 1, q, n, 4), C) for n, q in enumerate(R1.questions, 1)):
        params = reply.params()
        for row in params.get("reply_markup", {}).get("inline_keyboard", []):
            assert all(len(b["callback_data"].encode()) <= 64 for b in row)


def test_fixed_messages_are_short_and_never_mention_errors():
    for text in render.TEXT.values():
        assert len(text) < 200 and "error" not in text.lower() and "exception" not in text.lower()


def test_a_stored_answer_is_shown_back_in_its_words():
    assert (
        render.chosen_label(W, StoredAnswer("home,other", ("Home care", "Somewhere else")))
        == "Home care, Somewhere else"
    )


def test_a_card_rated_before_says_so_and_offers_keep():
    card = Ask(R2, 2, R2.questions[1], 2, 2, item=Item("i1", "Rota apps"), criterion=C.criteria[0])
    fresh = render.step(W, card, C)
    assert "Last time" not in fresh.text and ["Keep"] not in labels(fresh)
    reply = render.step(W, replace(card, carried=Carried("r0", "2", "Some", 3.0, "A lot")), C)
    assert reply.text.endswith("\n\nLast time you said <b>Some</b> (your group: A lot). Keep or change?")
    assert labels(reply) == [["Keep"], ["None"], ["Some"], ["A lot"], ["Not sure"], ["I don't know this idea"]]
    assert reply.buttons[0][0].data == cb.Rate("r2", 2, 0, 0, "2")  # Keep is the same tap as "Some"


def test_a_group_too_small_to_show_is_left_out_of_the_carried_line():
    card = Ask(R1, 1, R1.questions[2], 3, 4, carried=Carried("r0", "not_sure", "Not sure", None, ""))
    reply = render.step(W, card, C)
    assert reply.text.endswith("Last time you said <b>Not sure</b>. Keep or change?")
    assert reply.buttons[0][0].data == cb.Pick("r1", 3, "not_sure")


def test_the_reason_offer_can_be_skipped():
    reply = render.reason_offer(W, "r2")
    assert "say why, in a line" in reply.text and labels(reply) == [["Skip"]]
    assert reply.buttons[0][0].data == cb.NoReason("r2")


def test_not_sure_is_told_by_its_kind_not_by_its_words():
    # The "Not sure" every scale may add is the catalogue's; a definition whose own scale says
    # "Not sure" as a point keeps its own words, in any reader's language.
    from bot.text.catalogue import speaking
    from carework_core.answering.vocabulary import NOT_SURE, CatalogueWord, points
    from carework_core.definitions.model import Scale

    welsh = speaking("cy", ["en", "cy"])
    scale = Scale(labels=["No", "Not sure", "Yes"], not_sure=True)
    shown = [render._point_label(welsh, label) for label, _ in points(scale)]
    assert shown[:3] == ["No", "Not sure", "Yes"]  # the definition's own words, untranslated
    assert shown[3] == welsh("Not sure") != "Not sure"  # the added one, from the Welsh catalogue
    assert points(scale)[3][1] == NOT_SURE and isinstance(points(scale)[3][0], CatalogueWord)
    assert not any(isinstance(label, CatalogueWord) for label, _ in points(scale)[:3])
