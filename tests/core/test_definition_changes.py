"""Which edits a definition may make once a round has opened: wording yes, meaning no."""

from __future__ import annotations

import copy
from collections.abc import Callable

import yaml

from carework_core.definitions.changes import RoundSnapshot, changes, definition_changes, snapshot_of
from carework_core.definitions.model import Consultation
from tests.conftest import MINI

DATA = yaml.safe_load(MINI.read_text())
SCALES = "a round that has opened cannot change its scales (fix the wording only)"


def edited(edit: Callable[[dict], None]) -> Consultation:
    data = copy.deepcopy(DATA)
    edit(data)
    return Consultation.model_validate(data)


def question(data: dict, round_index: int, question_id: str) -> dict:
    return next(q for q in data["rounds"][round_index]["questions"] if q["id"] == question_id)


def changed(edit: Callable[[dict], None], round_id: str = "r1") -> list[str]:
    before, after = Consultation.model_validate(DATA), edited(edit)
    return changes(snapshot_of(before, before.round(round_id)), snapshot_of(after, after.round(round_id)))


def test_wording_fixes_are_allowed():
    def fix(data):
        data["rounds"][0]["title"] = "Wellbeing at work"
        question(data, 0, "size")["text"] = "How big a problem is wellbeing among staff?"
        question(data, 0, "size")["scale"]["labels"] = ["Small", "Medium", "Large"]  # same place, new spelling
        question(data, 0, "where")["options"][2]["label"] = "Elsewhere"
        data["criteria"][0]["question"] = "How much evidence is there?"

    assert changed(fix) == []
    assert changed(fix, "r2") == []


def test_reversed_labels_are_named_with_both_orders():
    def reverse(data):
        question(data, 0, "size")["scale"]["labels"] = ["Big", "Medium", "Small"]

    assert changed(reverse) == [
        "round r1, question size: scale labels changed from [Small, Medium, Big] to [Big, Medium, Small]; " + SCALES
    ]


def test_a_shorter_scale_or_a_new_not_sure_button_is_refused():
    def shorten(data):
        question(data, 0, "size")["scale"] = {"labels": ["Small", "Big"]}

    assert changed(shorten) == [
        "round r1, question size: scale labels changed from [Small, Medium, Big] to [Small, Big]; " + SCALES,
        "round r1, question size: the Not sure button was removed; " + SCALES,
    ]


def test_a_new_type_new_options_and_moved_questions_are_refused():
    def retype(data):
        question(data, 0, "size").update(type="text")
        del question(data, 0, "size")["scale"]
        question(data, 0, "where")["options"].pop(1)
        question(data, 0, "where")["multiple"] = False

    assert changed(retype) == [
        "round r1, question size: type changed from rating to text; "
        "a round that has opened cannot change a question's type",
        "round r1, question where: options changed from [home, res, other] to [home, other]; "
        "a round that has opened cannot change its options' ids or order (fix the labels' wording only)",
        "round r1, question where: multiple changed from true to false; "
        "a round that has opened cannot change how many options people may pick",
    ]

    def swap(data):
        qs = data["rounds"][0]["questions"]
        qs[0], qs[1] = qs[1], qs[0]

    assert changed(swap) == [
        "round r1: questions moved from [examples, more, size, where] to "
        "[more, examples, size, where]; a round that has opened keeps its question order"
    ]


def test_follow_ups_and_the_other_option_are_fixed_once_a_round_opened():
    def ask_more(data):
        question(data, 0, "examples")["followups"] = [{"id": "where", "text": "Where is this happening?"}]
        question(data, 0, "where")["options"][2]["other"] = True

    assert changed(ask_more) == [
        "round r1, question examples: follow-ups changed from [] to [where]; a round that has opened keeps "
        "its follow-ups, or earlier answers would lack them or lose them (fix their wording only)",
        "round r1, question where: the Other option changed from none to other; a round that has opened "
        "keeps which option asks for words",
    ]
    opened = edited(ask_more)

    def reword(data):
        ask_more(data)
        question(data, 0, "examples")["followups"][0]["text"] = "Where is it done?"

    after = edited(reword)
    assert changes(snapshot_of(opened, opened.round("r1")), snapshot_of(after, after.round("r1"))) == []


def test_criteria_scales_are_compared_for_item_ratings():
    def reverse(data):
        data["criteria"][1]["scale"]["labels"] = ["Very new", "Quite new", "Not new"]

    assert changed(reverse, "r2") == [
        "round r2, question rate, criterion newness: scale labels changed from [Not new, Quite new, Very new] to "
        "[Very new, Quite new, Not new]; " + SCALES
    ]


def test_removed_and_added_questions_and_rounds_are_named():
    def drop(data):
        data["rounds"][0]["questions"].pop(1)
        data["rounds"][0]["questions"].append({"id": "extra", "type": "text", "text": "More?"})

    assert changed(drop) == [
        "round r1: question more was removed; a round that has opened keeps its questions",
        "round r1: question extra was added; a round that has opened cannot gain questions (ask it in a new round)",
    ]
    before = Consultation.model_validate(DATA)
    opened = {"r2": snapshot_of(before, before.round("r2"))}
    assert definition_changes(opened, edited(lambda d: d["rounds"].pop())) == [
        "round r2 has opened, so it cannot be removed from the definition"
    ]


def test_a_snapshot_survives_its_json():
    c = Consultation.model_validate(DATA)
    snapshot = snapshot_of(c, c.round("r2"))
    assert [k.id for k in snapshot.criteria] == ["evidence", "newness"]
    assert RoundSnapshot.model_validate_json(snapshot.model_dump_json()) == snapshot


def test_an_opened_round_keeps_each_kinds_criteria_and_who_rates_them():
    def by_kind(data):
        question(data, 1, "rate")["criteria_by_kind"] = {"solution": ["evidence"]}

    def team(data):
        data["criteria"][1]["rated_by"] = "team"

    assert changed(by_kind, "r2") == [
        "round r2, question rate: criteria_by_kind changed; a round that has opened keeps each kind's criteria"
    ]
    assert changed(team, "r2") == [
        "round r2, question rate, criterion newness: rated_by changed from participants to team; "
        "a round that has opened keeps who rates each criterion"
    ]


def test_an_opened_round_keeps_its_items_per_person():
    def shared(data):
        question(data, 1, "rate")["items_per_person"] = 1

    assert changed(shared, "r2") == [
        "round r2, question rate: items_per_person changed from every item to 1; "
        "a round that has opened keeps the share each person rates"
    ]
