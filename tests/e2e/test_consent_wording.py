"""Consent that can be proven: reworded statements are asked again, and /consent changes optional choices."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from carework_core.answering.service import Item
from carework_core.people.consents import wording_version
from carework_core.research.export import export_workbook
from carework_core.storage.participants import consent_versions, consents_of
from tests.conftest import MINI

QUOTE_OLD = "My words may be quoted anonymously."
QUOTE_NEW = "My words may be quoted anonymously in reports and talks."
READ_OLD = "I have read what this is about."
READ_NEW = "I have read what this is about, including the new data sharing."


@pytest.fixture
async def editable(tmp_path, make_stack):
    """The stack on a copy of mini.yaml that a test may edit and restart with."""
    survey = tmp_path / "survey.yaml"
    survey.write_text(MINI.read_text())
    return await make_stack(survey), survey


async def _stored(stack, user) -> tuple[dict, dict]:
    """Returns the person's consent answers and wording versions, by statement id."""
    person = await stack.services.onboarding.participant(user.user_id)
    async with stack.services.env.db.reading() as tx:
        return await consents_of(tx, person.id), await consent_versions(tx, person.id)


async def test_a_reworded_statement_is_asked_again_before_the_next_round(editable):
    stack, survey = editable
    ann = await stack.joined("Ann")
    survey.write_text(MINI.read_text().replace(QUOTE_OLD, QUOTE_NEW))
    await stack.restart(survey)
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1") for m in c))
    await ann.tap("Start")
    asked = await ann.wait_for(lambda c: QUOTE_NEW in c[-1].text)
    assert "changed" in asked[-1].text
    await ann.tap("No")
    await ann.wait_for(lambda c: QUOTE_NEW not in c[-1].text)  # the round's first question
    answers, versions = await _stored(stack, ann)
    assert answers["quote"] is False and answers["read"] is True
    consent = stack.services.env.consultation.consent
    assert versions["quote"] == wording_version(consent, consent.statements[2])
    assert await stack.services.consents.changed_wording(ann.user_id) == ()

    # The researchers' workbook proves which wording each answer was given under.
    out = stack.folder / "export.xlsx"
    await export_workbook(stack.services.env, out)
    book = load_workbook(out)
    header, row = list(book["Participants"].iter_rows(values_only=True))[:2]
    person = dict(zip(header, row, strict=True))
    assert person["consent_quote"] == 0 and person["consent_quote_wording"] == versions["quote"]
    assert person["consent_read_wording"] == wording_version(consent, consent.statements[0])
    meanings = {r[1]: r[2] for r in book["About"].iter_rows(values_only=True) if r and r[0] == "Participants"}
    assert f"the wording now is {versions['quote']} (en)" in meanings["consent_quote_wording"]


async def test_consent_shows_the_choices_and_changes_an_optional_one(stack):
    ann = await stack.joined("Ann")
    before, versions_before = await _stored(stack, ann)
    assert before["quote"] is True and versions_before["quote"] is not None
    await ann.send("/consent")
    shown = await ann.wait_for(lambda c: "Your consent choices" in c[-1].text)
    assert QUOTE_OLD in shown[-1].text
    await ann.tap("3: change to no")
    await ann.wait_for(lambda c: any("3: change to yes" in row for row in c[-1].buttons))
    after, versions_after = await _stored(stack, ann)
    assert after == {**before, "quote": False}
    consent = stack.services.env.consultation.consent
    assert versions_after["quote"] == wording_version(consent, consent.statements[2])


async def test_a_required_statement_cannot_be_changed_from_consent(stack):
    ann = await stack.joined("Ann")
    await ann.send("/consent")
    shown = await ann.wait_for(lambda c: "Your consent choices" in c[-1].text)
    labels = [label for row in shown[-1].buttons for label in row]
    assert labels == ["3: change to no"]


async def test_refusing_a_reworded_required_statement_says_what_happens_to_earlier_answers(editable):
    stack, survey = editable
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await stack.services.answering.begin(ann.user_id, "r1")
    await stack.services.answering.receive_text(ann.user_id, "Buddy scheme", "m1")
    survey.write_text(MINI.read_text().replace(READ_OLD, READ_NEW))
    await stack.restart(survey)
    await stack.services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await stack.open_round("r2")
    invited = await ann.wait_for(lambda c: any(m.text.startswith("Round 2") for m in c))
    await ann.tap("Start", message_id=next(m for m in invited if m.text.startswith("Round 2")).message_id)
    asked = await ann.wait_for(lambda c: READ_NEW in c[-1].text)
    assert asked[-1].buttons == [["I agree", "No thanks"]]
    await ann.tap("No thanks")
    told = await ann.wait_for(lambda c: "We will not send you anything more" in c[-1].text)
    # Their answers so far stay (given under the wording they agreed to), and they learn how to remove them.
    assert "/withdraw" in told[-1].text and "new link" not in told[-1].text
    assert len(await stack.answers()) == 1
    await ann.send("/withdraw")
    await ann.wait_for(lambda c: c[-1].buttons == [["Yes, withdraw"], ["No, stay"]])
    await ann.tap("Yes, withdraw")
    await ann.wait_for(lambda c: "You have withdrawn" in c[-1].text)
    assert await stack.answers() == []


async def test_a_required_statement_reworded_mid_round_is_asked_before_the_next_answer(editable):
    stack, survey = editable
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1") for m in c))
    await ann.tap("Start")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    await ann.send("Buddy scheme")
    await ann.wait_for(lambda c: c[-1].text == "Saved. Thank you.")
    survey.write_text(MINI.read_text().replace(READ_OLD, READ_NEW))
    await stack.restart(survey)
    await ann.send("Wellbeing walks")  # answered under the old words: not taken until she agrees again
    asked = await ann.wait_for(lambda c: READ_NEW in c[-1].text)
    assert asked[-1].buttons == [["I agree", "No thanks"]]
    assert [a[2] for a in await stack.answers()] == ["Buddy scheme"]
    await ann.tap("I agree")
    back = await ann.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    assert "You have added 1 so far" in back[-1].text
    await ann.send("Wellbeing walks")
    await ann.wait_for(lambda c: c[-1].text == "Saved. Thank you.")
    assert [a[2] for a in await stack.answers()] == ["Buddy scheme", "Wellbeing walks"]
