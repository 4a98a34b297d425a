"""What a person reads for follow-ups, Other's words and "I have no example": pure rendering, no bot."""

from bot import callbacks as cb
from bot.screens import followup_text, render
from bot.text.catalogue import ENGLISH
from carework_core.answering.steps import Ask, Waiting
from carework_core.definitions.loading import load_definition
from tests.conftest import ROOT

C = load_definition(ROOT / "tests" / "fixtures" / "followups.yaml")
(R1,) = C.rounds
EXAMPLES, ROLE, WHERE, PROBLEMS = R1.questions

W = ENGLISH


def labels(reply):
    return [[b.label for b in row] for row in reply.buttons]


def test_a_follow_up_names_its_example_and_follow_up_on_its_skip_button():
    waiting = Waiting(7, "who", "Who & why does it help?", nth=2, index=1, of=3)
    reply = render.step(W, Ask(R1, 1, EXAMPLES, 1, 4, examples_given=2, waiting=waiting), C)
    assert reply.text.startswith("<b>Who &amp; why does it help?</b>")  # escaped once, not twice
    assert labels(reply) == [["Skip"]] and reply.buttons[0][0].data == cb.SkipFollowup("r1", 1, 2, 1)


def test_other_asks_for_a_few_words_with_no_buttons():
    reply = render.step(W, Ask(R1, 1, ROLE, 2, 4, waiting=Waiting(8, "other")), C)
    assert reply.text == "In a few words, what is it? Type your answer in one message." and reply.buttons == ()


def test_the_tick_list_comes_back_with_other_ticked_and_the_hint_left_out():
    first = render.step(W, Ask(R1, 1, WHERE, 3, 4), C)
    assert first.buttons[2][0].data == cb.OtherTick("r1", 3, 0)  # ticking Other asks what it is first
    again = render.step(W, Ask(R1, 1, WHERE, 3, 4, ticked="home,other"), C)
    assert labels(again)[:4] == [["✓ Home care"], ["Care home"], ["✓ Somewhere else"], ["Done"]]
    assert again.buttons[2][0].data == cb.Toggle("r1", 3, 0b001)  # a ticked Other unticks like any option


def test_a_required_examples_question_offers_no_example_only_before_the_first():
    assert labels(render.step(W, Ask(R1, 1, PROBLEMS, 4, 4), C)) == [["I have no example"]]
    assert followup_text.no_example_row(ENGLISH, Ask(R1, 1, PROBLEMS, 4, 4, examples_given=1)) == ()
    assert "A sentence or two" not in render.step(W, Ask(R1, 1, PROBLEMS, 4, 4, examples_given=1), C).text
