"""Why some people rated it differently: a coordinator picks reasons in /summary, participants read only those."""

from __future__ import annotations

import pytest

from carework_core.storage.reasons import Card, give_reason, offer_reason
from tests.conftest import MINI
from tests.e2e import test_summaries
from tests.e2e.test_summaries import IDEAS, rate_everything, team
from tests.e2e.test_withdraw import all_processed, vacuumed_bytes, withdrawn

summed = test_summaries.summed  # the stack whose rating round's summary time is long past

CHOSEN = "Our agency tried it and nobody used it after the first week."
UNCHOSEN = "It depends so much on the manager that it is hard to judge."
PRIVATE = "I only rated it low because my own team had a bad time with it."


async def joined_without_quotes(stack, name: str):
    """Returns a person who agreed to take part but said No to being quoted."""
    user = await stack.person(name)
    await user.send(f"/start {await stack.link()}")
    await user.wait_for_reply()
    await user.tap("I agree")
    await user.wait_for(lambda chat: chat[-1].buttons == [["Yes", "No"]])
    await user.tap("No")
    await user.wait_for(lambda chat: "You are taking part" in chat[-1].text)
    return user


async def gave_reason(stack, user, item_id: str, text: str) -> None:
    """Stores a reason as the card walk does when the person stands apart from their group and types why."""
    person = await stack.services.onboarding.participant(user.user_id)
    card = Card("r2", "rate", item_id, "evidence")
    at = stack.services.env.stamp()
    async with stack.services.env.db.transaction() as tx:
        await offer_reason(tx, person.id, card, "1", at)
        offer = await tx.fetchone(
            "SELECT id FROM reasons WHERE participant_id = ? AND item_id = ?", (person.id, item_id)
        )
        await give_reason(tx, offer[0], text, f"m{person.id}{item_id}", at)


async def test_chosen_reasons_reach_participants_and_others_never_do(summed):
    stack = summed
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    dan = await joined_without_quotes(stack, "Dan")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    for user in (ann, bob, dan):
        await rate_everything(stack, user, user.user_id)
    await gave_reason(stack, ann, "i1", CHOSEN)
    await gave_reason(stack, bob, "i1", UNCHOSEN)
    await gave_reason(stack, dan, "i1", PRIVATE)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.bot.reconcile_now()
    await cora.wait_for(lambda c: "/summary r2" in c[-1].text)

    await cora.send("/summary r2")
    review = await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons)
    listed = next(m for m in review if CHOSEN in m.text)
    assert UNCHOSEN in listed.text and "Rota apps" in listed.text
    assert not any(PRIVATE in m.text for m in review)  # Dan does not allow quoting: never offered
    assert len(listed.buttons) == 2 and all(row[0].startswith("Show R") for row in listed.buttons)
    show_ann = listed.buttons[0][0]
    await cora.tap(show_ann, message_id=listed.message_id)
    number = show_ann.removeprefix("Show R")
    again = await cora.wait_for(
        lambda c: c[-1].text == f"Reason R{number} is shown. Send /summary r2 to see the summary as people will."
    )
    edited = next(m for m in again if m.message_id == listed.message_id)
    assert [f"Hide R{number}"] in edited.buttons and f"R{number} (chosen)" in edited.text  # redrawn in place
    await cora.tap("Send now")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r2 goes out now.")

    await stack.bot.reconcile_now()
    for user in (ann, bob, dan):
        chat = await user.wait_for(lambda c: any("Thank you for taking part in round 2" in m.text for m in c))
        summary = "\n".join(m.text for m in chat if m.from_bot)
        assert f"Why some people rated it differently\n• “{CHOSEN}”" in summary
        assert UNCHOSEN not in summary and PRIVATE not in summary


async def test_a_reason_from_someone_who_stops_allowing_quotes_is_withheld(summed):
    stack = summed
    cora = await team(stack)
    ann = await stack.joined("Ann")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await rate_everything(stack, ann, ann.user_id)
    await gave_reason(stack, ann, "i1", CHOSEN)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    (choice,) = await stack.services.summaries.reasons.choices("r2")
    await stack.services.summaries.reasons.show("r2", choice.reason.reason_id, "test")

    await ann.send("/consent")
    await ann.wait_for(lambda c: "Your consent choices" in c[-1].text)
    await ann.tap("3: change to no")
    await ann.wait_for(lambda c: any("3: change to yes" in row for row in c[-1].buttons))
    assert await stack.services.summaries.reasons.choices("r2") == []  # no longer offered either

    await cora.send("/summary r2")
    await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons)
    await cora.tap("Send now")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r2 goes out now.")
    await stack.bot.reconcile_now()
    chat = await ann.wait_for(lambda c: any("Thank you for taking part in round 2" in m.text for m in c))
    summary = "\n".join(m.text for m in chat if m.from_bot)
    assert "Rota apps" in summary and CHOSEN not in summary and "Why some people" not in summary


async def test_a_shown_reason_leaves_the_sent_summary_and_the_database_file_when_its_writer_withdraws(summed):
    stack = summed
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    for user in (ann, bob):
        await rate_everything(stack, user, user.user_id)
    await gave_reason(stack, ann, "i1", CHOSEN)
    await gave_reason(stack, bob, "i2", UNCHOSEN)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    for choice in await stack.services.summaries.reasons.choices("r2"):
        await stack.services.summaries.reasons.show("r2", choice.reason.reason_id, "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    await stack.bot.reconcile_now()
    await bob.wait_for(lambda c: any(CHOSEN in m.text for m in c))  # Bob was sent Ann's reason

    await withdrawn(ann)
    await all_processed(stack)
    held = await stack.services.summaries.stored("r2")
    assert [r.text for r in held.summary.chosen_reasons] == [UNCHOSEN]
    on_disk = vacuumed_bytes(stack)
    assert CHOSEN.encode() not in on_disk and UNCHOSEN.encode() in on_disk


@pytest.fixture
async def one_reason_each(tmp_path, make_stack):
    """The summed stack with summaries: {reasons_per_idea: 1} in its definition."""
    survey = tmp_path / "mini.yaml"
    text = MINI.read_text().replace(
        "timezone: Europe/London\n", "timezone: Europe/London\nsummaries:\n  reasons_per_idea: 1\n"
    )
    survey.write_text(
        text.replace(
            "    groups: [workforce]\n", "    groups: [workforce]\n    schedule:\n      summary: 2026-01-01 12:00\n"
        )
    )
    return await make_stack(survey)


async def test_the_definition_sets_how_many_reasons_an_idea_shows(one_reason_each):
    stack = one_reason_each
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    for user, text in ((ann, CHOSEN), (bob, UNCHOSEN)):
        await rate_everything(stack, user, user.user_id)
        await gave_reason(stack, user, "i1", text)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.bot.reconcile_now()
    await cora.wait_for(lambda c: "/summary r2" in c[-1].text)
    await cora.send("/summary r2")
    review = await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons)
    assert any("Choose up to 1 per idea" in m.text for m in review)
    listed = next(m for m in review if CHOSEN in m.text)
    first, second = (row[0] for row in listed.buttons)
    await cora.tap(first, message_id=listed.message_id)
    await cora.wait_for(lambda c: c[-1].text.startswith(f"Reason {first.removeprefix('Show ')} is shown."))
    await cora.tap(second, message_id=listed.message_id)
    refused = await cora.wait_for(lambda c: "reasons_per_idea is 1" in c[-1].text)
    assert "hide one of them first" in refused[-1].text
    held = await stack.services.summaries.stored("r2")
    assert [r.text for r in held.summary.chosen_reasons] == [CHOSEN]
