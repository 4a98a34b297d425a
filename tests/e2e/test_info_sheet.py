"""The participant information sheet: sent before consent in the reader's language, again from /help,
named by version in the codebook, and a missing file named by validate."""

from __future__ import annotations

import pytest

from carework_core.definitions.info_sheet import sheet_versions
from carework_core.definitions.loading import load_definition
from carework_core.research.codebook import participant_sheet
from tests.bot.test_cli import carework
from tests.e2e.test_languages import BILINGUAL

SHEET = """consent:
  sheet:
    en: info-sheet-en.txt
    cy: info-sheet-cy.txt
"""


def with_sheet(folder, sheet: str = SHEET):
    """Writes the bilingual fixture with an information sheet per language, and the sheets beside it."""
    survey = folder / "cymraeg.yaml"
    survey.write_text(BILINGUAL.read_text().replace("consent:\n", sheet, 1))
    (folder / "info-sheet-en.txt").write_text("Who runs Care Work, what taking part means, and your data.\n")
    (folder / "info-sheet-cy.txt").write_text("Pwy sy'n cynnal Care Work, beth mae cymryd rhan yn ei olygu.\n")
    return survey


@pytest.fixture
async def stack(tmp_path, make_stack):
    return await make_stack(with_sheet(tmp_path))


def agree_position(chat, label: str) -> int:
    return next(n for n, m in enumerate(chat) if any(label in row for row in m.buttons))


async def test_the_sheet_comes_before_consent_in_the_readers_language(stack):
    ann = await stack.client.new_user("Ann", language_code="cy-GB")
    bob = await stack.client.new_user("Bob", language_code="en")
    for user, agree in ((ann, "Rwy'n cytuno"), (bob, "I agree")):
        await user.send(f"/start {await stack.link()}")
        await user.wait_for(lambda chat, agree=agree: any(agree in row for m in chat for row in m.buttons))

    ann_chat, bob_chat = await ann.chat(), await bob.chat()
    ann_sheet = next(n for n, m in enumerate(ann_chat) if m.document)
    assert ann_chat[ann_sheet].document == "info-sheet-cy.txt"
    assert ann_chat[ann_sheet].text == "Darllenwch y daflen wybodaeth hon am gymryd rhan cyn i chi gytuno."
    assert ann_sheet < agree_position(ann_chat, "Rwy'n cytuno")
    assert [m.document for m in bob_chat if m.document] == ["info-sheet-en.txt"]
    assert next(n for n, m in enumerate(bob_chat) if m.document) < agree_position(bob_chat, "I agree")


async def test_help_sends_the_sheet_again(stack):
    ann = await stack.client.new_user("Ann", language_code="cy-GB")
    await ann.send(f"/start {await stack.link()}")
    await ann.wait_for(lambda chat: any("Rwy'n cytuno" in row for m in chat for row in m.buttons))
    await ann.send("/help")
    helped = await ann.wait_for(lambda chat: chat[-1].buttons == [["Darllen y daflen wybodaeth"]])
    assert helped[-1].text.startswith("Dyma Gofalu'n dda")
    await ann.tap("Darllen y daflen wybodaeth")
    chat = await ann.wait_for(lambda c: sum(1 for m in c if m.document) == 2)
    assert chat[-1].document == "info-sheet-cy.txt"
    assert chat[-1].text == "Dyma'r daflen wybodaeth am gymryd rhan eto."


async def test_a_link_is_sent_as_words_before_consent(tmp_path, make_stack):
    link = "consent:\n  sheet: https://www.kent.ac.uk/care-work/information-sheet\n"
    stack = await make_stack(with_sheet(tmp_path, link))
    bob = await stack.client.new_user("Bob", language_code="en")
    await bob.send(f"/start {await stack.link()}")
    chat = await bob.wait_for(lambda c: any("I agree" in row for m in c for row in m.buttons))
    said = next(n for n, m in enumerate(chat) if "https://www.kent.ac.uk/care-work/information-sheet" in m.text)
    assert said < agree_position(chat, "I agree")
    assert chat[said].text.startswith("Please read this information sheet about taking part before you agree.")


def test_the_codebook_names_each_sheets_version(tmp_path):
    c = load_definition(with_sheet(tmp_path))
    versions = sheet_versions(c)
    assert set(versions) == {"en", "cy"} and versions["en"] != versions["cy"]
    note = participant_sheet(c).note
    assert f"{versions['en']} (en), {versions['cy']} (cy)" in note
    (tmp_path / "info-sheet-cy.txt").write_text("A new version of the Welsh sheet.\n")
    assert sheet_versions(c)["cy"] != versions["cy"] and sheet_versions(c)["en"] == versions["en"]


def test_validate_names_a_missing_sheet_by_file_and_line(tmp_path):
    survey = with_sheet(tmp_path)
    (tmp_path / "info-sheet-cy.txt").unlink()
    result = carework("validate", str(survey))
    assert result.returncode == 1
    line = survey.read_text().splitlines().index("    cy: info-sheet-cy.txt") + 1
    assert f"{survey}:{line}: consent.sheet.cy: no information sheet file 'info-sheet-cy.txt'" in result.stdout


async def test_a_reworded_statement_comes_after_the_sheet(tmp_path, make_stack):
    survey = with_sheet(tmp_path)
    stack = await make_stack(survey)
    bob = await stack.client.new_user("Bob", language_code="en")
    await bob.send(f"/start {await stack.link()}")
    await bob.wait_for(lambda c: any("I agree" in row for m in c for row in m.buttons))
    await bob.tap("I agree")
    await bob.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    await bob.tap("Yes")
    await bob.wait_for(lambda c: "You are taking part" in c[-1].text)
    reworded = "I have read the information sheet about this."
    survey.write_text(survey.read_text().replace('en: "I have read what this is about."', f'en: "{reworded}"'))
    await stack.restart(survey)
    await stack.open_round("r1")
    await bob.wait_for(lambda c: any(m.text.startswith("Round 1") for m in c))
    await bob.tap("Start")
    chat = await bob.wait_for(lambda c: reworded in c[-1].text)
    assert chat[-2].document == "info-sheet-en.txt"
