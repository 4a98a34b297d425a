"""A reminder says what is left in the words of what is left: ideas to rate, questions, or both."""

from bot.screens import round_text
from bot.text.catalogue import ENGLISH, words
from carework_core.definitions.loading import load_definition
from carework_core.people.model import Participant, ParticipantStatus
from carework_core.rounds.plans import ReminderTarget
from tests.conftest import MINI

C = load_definition(MINI)
ANN = Participant(1, "P-0001", "workforce", ParticipantStatus.CONSENTED, 11, True)


def target(questions: int, ideas: int = 0, share: float = 1.0, started: bool = False) -> ReminderTarget:
    return ReminderTarget(ANN, C.rounds[1], 2, questions, None, 1, started, ideas, share)


def test_the_ideas_left_come_first_then_the_questions_after_them_in_english_and_welsh():
    minutes = C.rounds[1].minutes
    only = round_text.reminder(ENGLISH, target(0, ideas=1, share=0.2), C).text
    assert f"You have 1 idea left, about {max(1, round(minutes * 0.2))} minute" in only
    both = round_text.reminder(ENGLISH, target(2, ideas=4, share=0.9), C)
    assert "You have 4 ideas left and 2 more questions, about" in both.text
    assert [[b.label for b in row] for row in both.buttons] == [["Continue"]]  # some of the round is done
    fresh = round_text.reminder(ENGLISH, target(3), C)
    assert "You have 3 questions left, about" in fresh.text and fresh.buttons[0][0].label == "Start"
    welsh = round_text.reminder(words("cy"), target(1, ideas=4, share=0.9), C).text
    assert "Mae gennych 4 syniad ar ôl a 1 cwestiwn arall," in welsh
