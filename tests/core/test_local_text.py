"""Definition texts written per language: read, kept, written back and checked against `languages`."""

from pathlib import Path

import pytest
import yaml

from bot.text.catalogue import words
from carework_core.definitions.languages import missing_texts
from carework_core.definitions.loading import load_definition, translation_problems
from carework_core.definitions.local_text import LocalText
from carework_core.errors import DefinitionError
from carework_core.people.consents import wording_version
from carework_core.rounds.service import snapshot_of
from tests.conftest import MINI

BILINGUAL = Path(__file__).parent.parent / "fixtures" / "cymraeg.yaml"


def test_a_text_per_language_reads_as_its_first_language_and_keeps_the_others():
    c = load_definition(BILINGUAL)
    question = c.rounds[0].questions[0]
    assert question.text == "How big a problem is staff wellbeing?"  # every q.text keeps working
    assert isinstance(question.text, LocalText)
    assert question.text.in_language("cy") == "Pa mor fawr yw problem llesiant staff?"
    assert words("cy").text(c.title) == "Gofalu&#x27;n dda"
    assert words("en").text(c.title) == "Caring well"
    assert words("cy").label(c.rounds[0].questions[1].options[0].label) == "Gofal cartref"


def test_a_plain_text_is_the_same_in_every_language():
    c = load_definition(MINI)
    assert words("cy").text(c.title) == "Mini consultation"
    assert list(missing_texts(c)) == []  # mini declares only English


def test_a_round_snapshot_keeps_every_language():
    c = load_definition(BILINGUAL)
    snapshot = snapshot_of(c, c.rounds[0])
    again = type(snapshot).model_validate_json(snapshot.model_dump_json())
    assert again == snapshot
    assert again.round.questions[0].hint.in_language("cy") == "Meddyliwch am y mis diwethaf."


def test_the_bilingual_fixture_has_every_welsh_text():
    assert translation_problems(BILINGUAL) == []


def test_a_missing_welsh_text_is_named_with_its_place_and_line(tmp_path):
    data = yaml.safe_load(BILINGUAL.read_text(encoding="utf-8"))
    data["rounds"][0]["questions"][0]["hint"] = "Think of the last month."
    data["rounds"][0]["questions"][1]["options"][1]["label"] = {"en": "Care home"}
    file = tmp_path / "half.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = [f"{p.path}: {p.reason}" for p in translation_problems(file)]
    assert problems == [
        "rounds[0].questions[0].hint: no cy text",
        "rounds[0].questions[1].options[1].label: no cy text",
    ]
    assert all(p.line > 1 for p in translation_problems(file))


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ({"english": "Hello"}, "'english' is not a language code such as en or cy"),
        ({"en": ""}, "the text must not be empty"),
        ({}, "write a text, or one text per language"),
    ],
)
def test_a_badly_written_text_is_refused(tmp_path, title, reason):
    data = yaml.safe_load(BILINGUAL.read_text(encoding="utf-8"))
    data["title"] = title
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(file)
    assert reason in str(caught.value)


def test_consent_is_versioned_by_the_words_shown_in_the_persons_language():
    c = load_definition(BILINGUAL)
    statement = c.consent.statements[0]
    english, welsh = wording_version(c.consent, statement, "en"), wording_version(c.consent, statement, "cy")
    assert english == wording_version(c.consent, statement)  # the first language, as before languages
    assert welsh != english
    reworded = statement.model_copy(
        update={"text": LocalText(str(statement.text), {**statement.text.translations, "cy": "Rwyf wedi darllen hyn."})}
    )
    assert wording_version(c.consent, reworded, "en") == english  # English readers read the same words
    assert wording_version(c.consent, reworded, "cy") != welsh  # Welsh readers are asked again
