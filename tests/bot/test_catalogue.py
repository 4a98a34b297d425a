"""The message catalogue: every sentence in the code is in every shipped language, and lookups fit."""

import ast
import logging
import re

import pytest

from bot.text.catalogue import LOCALE_DIR, Html, speaking, words
from bot.text.catalogue_check import BOT_DIR, is_catalogue, messages_in, messages_in_code, untranslated

SHIPPED = sorted(p.stem for p in LOCALE_DIR.glob("*.po"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?\w+>")


def test_welsh_is_shipped():
    assert SHIPPED == ["cy"]


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_in_the_code_is_translated(lang):
    assert untranslated(lang) == []


def test_a_new_sentence_without_a_translation_is_caught():
    source = 'def f(w):\n    return w("A sentence nobody translated.") + w.plural("{count} cat", "{count} cats", 2)'
    found = messages_in(source)
    assert found == {"A sentence nobody translated.", ("{count} cat", "{count} cats")}
    assert untranslated("cy", found) == [("{count} cat", "{count} cats"), "A sentence nobody translated."]
    assert untranslated("fr", found) is None  # no catalogue at all


def test_the_code_asks_for_the_sentences_people_read():
    found = messages_in_code()
    assert "Saved. Thank you." in found and "Welcome back." in found
    assert ("{count} person", "{count} people") in found


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_placeholders_and_tags(lang):
    w = words(lang)
    for message, translated in w.singular.items():
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(message)), message
        assert sorted(TAG.findall(translated)) == sorted(TAG.findall(message)), message
    for singular, forms in w.plurals.items():
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(singular)) | {"count"}, singular


def test_welsh_speaks_welsh_with_six_plural_forms():
    cy = words("cy-GB")
    assert cy is words("cy")
    assert cy("Saved. Thank you.") == "Wedi cadw. Diolch."
    assert cy.plural("{count} person", "{count} people", 1) == "1 person"
    assert cy.plural("{count} person", "{count} people", 2) == "2 o bobl"
    assert all(len(forms) == 6 for forms in cy.plurals.values())
    assert [cy.plural_index(n) for n in (0, 1, 2, 3, 6, 7)] == [0, 1, 2, 3, 4, 5]


def test_values_are_escaped_unless_html():
    cy = words("cy")
    assert cy("Your code: {code}", code="<b>") == "Eich cod: &lt;b&gt;"
    assert cy("Your code: {code}", code=Html("<b>x</b>")) == "Eich cod: <b>x</b>"


def test_a_missing_message_falls_back_to_english_and_is_logged_once_without_its_text(caplog):
    cy = words("cy")
    with caplog.at_level(logging.WARNING, logger="bot.text.catalogue"):
        assert cy("Nobody wrote this in Welsh, {name}.", name="Ann") == "Nobody wrote this in Welsh, Ann."
        cy("Nobody wrote this in Welsh, {name}.", name="Bob")
    told = [r for r in caplog.records if r.message == "message not translated"]
    assert len(told) == 1 and told[0].language == "cy"
    assert "Nobody" not in str(told[0].__dict__)


def test_english_and_unknown_languages_speak_english():
    assert words(None)("Saved. Thank you.") == "Saved. Thank you."
    assert words("de")("Saved. Thank you.") == "Saved. Thank you."
    assert words("en").plural("{count} person", "{count} people", 2) == "2 people"


def test_no_message_is_built_before_it_is_looked_up():
    """w(f"...") or w("a" + b) could never be in a catalogue: values go in as {placeholders}."""
    built = []
    for path in sorted(BOT_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and is_catalogue(node.func):
                if isinstance(node.args[0], ast.JoinedStr | ast.BinOp):
                    built.append(f"{path.relative_to(BOT_DIR)}:{node.lineno}")
    assert built == []


def test_a_person_reads_their_language_while_the_definition_has_it():
    assert speaking("cy", ["en", "cy"]).lang == "cy"
    assert speaking(None, ["cy", "en"]).lang == "cy"  # joined before languages were kept: the first
    assert speaking("cy", ["en"]).lang == "en"  # Welsh was taken out of the definition
    assert speaking("cy-GB", ["en", "cy"]).lang == "cy"  # joined before choices were kept: Telegram's code
