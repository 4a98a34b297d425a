"""One vocabulary for answers: a tap is checked, stored and read back in the same words everywhere."""

import pytest

from carework_core.answering.vocabulary import NOT_SURE, checked_value, labels_of, points, scale_for
from carework_core.definitions.loading import load_definition
from carework_core.errors import AnswerRejected, ButtonOutOfDate
from tests.conftest import MINI

C = load_definition(MINI)
EXAMPLES, MORE, SIZE, WHERE = C.rounds[0].questions
ROLE, RATE = C.rounds[1].questions
EVIDENCE = C.criteria[0]


def test_the_scale_is_the_question_s_own_or_the_criterion_s():
    assert scale_for(SIZE, None) is SIZE.scale
    assert scale_for(RATE, EVIDENCE) is EVIDENCE.scale
    assert scale_for(WHERE, None) is None and scale_for(EXAMPLES, None) is None
    assert points(SIZE.scale) == [("Small", "1"), ("Medium", "2"), ("Big", "3"), ("Not sure", NOT_SURE)]


def test_a_tap_is_checked_and_stored_as_the_definition_names_it():
    assert checked_value(SIZE, None, "3") == "3" and checked_value(SIZE, None, NOT_SURE) == NOT_SURE
    assert checked_value(WHERE, None, "2,0") == "home,other"  # options by place, stored in the question's order
    assert checked_value(ROLE, None, "manager") == "manager"  # a single choice's button carries the id stored
    for question, tapped in ((SIZE, "0"), (SIZE, "4"), (SIZE, "01"), (WHERE, "3"), (WHERE, "")):
        with pytest.raises(AnswerRejected):
            checked_value(question, None, tapped)
    for tapped in ("1", "carer,manager", "nurse"):  # a place (as buttons before ids carried), two, none offered
        with pytest.raises(ButtonOutOfDate):
            checked_value(ROLE, None, tapped)


def test_a_stored_value_reads_as_its_labels():
    assert labels_of(SIZE, None, "2") == ["Medium"] and labels_of(SIZE, None, NOT_SURE) == ["Not sure"]
    assert labels_of(WHERE, None, "home,other") == ["Home care", "Somewhere else"]
    assert labels_of(RATE, EVIDENCE, NOT_SURE) == ["Not sure"]
    assert labels_of(EXAMPLES, None, "typed words") == ["typed words"]
    assert labels_of(WHERE, None, "gone") == ["gone"]  # an option no longer in the file shows its id
