"""Taps the bot did not offer: forged callback data, buttons on someone else's message, older copies of a
question. Each gets the stale button's toast and changes or shows nothing; the real buttons still work."""

from __future__ import annotations

from tests.e2e import test_summaries
from tests.e2e.conftest import caught_up, toasts
from tests.e2e.test_round import reach_the_rating
from tests.e2e.test_summaries import IDEAS, rate_everything, team

summed = test_summaries.summed  # the stack whose rating round's summary time is long past
GONE = "Sorry, that button does not work any more. Please use the newest message, or send /help."
FIGURES = "Your answers beside everyone's"


async def settled_chat(user):
    """Returns the person's chat once everything queued for them before now has arrived."""
    await caught_up(user)
    return await user.chat()


async def rated_round_2(stack):
    """Ann rates every card of round 2 (open); Bob, of the same group, rates nothing; Cai is of another group."""
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    cai = await stack.joined("Cai", group="lived")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any("Round 2" in m.text for m in c))
    await rate_everything(stack, ann, ann.user_id)
    return ann, bob, cai


async def test_a_digest_button_shows_figures_only_once_the_summary_went_out_and_only_where_it_was_sent(summed):
    stack = summed
    cora = await team(stack)
    ann, bob, cai = await rated_round_2(stack)
    for data in ("dg|r2|0", "dg|r1|0", "dg|nosuch|0"):  # the open round, a round with no summary, no round
        await ann.tap_data(data)
    assert await toasts(ann, 3) == [GONE] * 3
    assert not any(FIGURES in m.text for m in await settled_chat(ann))

    await stack.services.rounds.close_round("r2", actor="test")
    await stack.bot.reconcile_now()
    await cora.wait_for(lambda c: "/summary r2" in c[-1].text)
    await ann.tap_data("dg|r2|0")  # closed, summary drafted but not sent
    assert await toasts(ann, 4) == [GONE] * 4
    assert not any(FIGURES in m.text for m in await settled_chat(ann))
    await cora.send("/summary r2")
    await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons)
    await cora.tap("Approve")  # its time is long past: it goes out now
    await cora.wait_for(lambda c: c[-1].text.startswith("Approved."))
    await stack.bot.reconcile_now()
    digest = (await ann.wait_for(lambda c: c[-1].text.startswith(FIGURES)))[-1]
    assert digest.buttons == []  # three ideas fit on one page: it offers no button
    summary = next(m for m in await ann.chat() if ["See each idea"] in m.buttons)
    await ann.tap_data("sp|r2|1", message_id=digest.message_id)  # a real button's data, on another message
    await ann.tap_data("dg|r2|1", message_id=digest.message_id)  # a page the message offers no button for
    assert await toasts(ann, 6) == [GONE] * 6
    await ann.tap("See each idea", message_id=summary.message_id)  # the real button still works
    await ann.wait_for(lambda c: any(m.message_id == summary.message_id and m.text.startswith("Idea 1") for m in c))

    bob_chat = await bob.wait_for(lambda c: any("Thank you for taking part in round 2" in m.text for m in c))
    assert not any(FIGURES in m.text for m in bob_chat)  # he rated nothing: no digest, and none by forging
    await bob.tap_data("dg|r2|0")
    await cai.tap_data("dg|r2|0")  # round 2 is not for Cai's group
    assert await toasts(bob, 1) == [GONE] and await toasts(cai, 1) == [GONE]
    assert not any(FIGURES in m.text for m in await settled_chat(bob) + await settled_chat(cai))


async def test_only_the_newest_copy_of_a_question_takes_a_tap(stack):
    ann = await stack.joined("Ann")
    older = await reach_the_rating(stack, ann)
    await ann.tap("Start")  # the invitation's Start, tapped again, asks the same question again
    newer = (await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4") and c[-1] != older))[-1]
    assert newer.message_id != older.message_id and newer.buttons == older.buttons
    await ann.tap("Big", message_id=newer.message_id)
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    await ann.tap("Small", message_id=older.message_id)
    assert await toasts(ann, 1) == [GONE]
    chat = await settled_chat(ann)
    copies = [m for m in chat if m.text.startswith("Question 3 of 4")]
    assert [m.text.rsplit("\n", 1)[-1] for m in copies if "Your answer:" in m.text] == ["Your answer: Big"]
    assert [a for a in await stack.answers() if a[1] == "size"] == [("P-0001", "size", "3")]


async def test_a_summary_button_with_an_unknown_action_approves_nothing(summed):
    stack = summed
    cora = await team(stack)
    await rated_round_2(stack)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.bot.reconcile_now()
    await cora.send("/summary r2")
    draft = (await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons))[-1]
    for data in ("sm|r2|bogus|0", "sm|r2|approved|0", "sm|r1|now|0"):  # the last: real action, no such button
        await cora.tap_data(data, message_id=draft.message_id)
    assert await toasts(cora, 3) == [GONE] * 3
    await cora.send("/summary r2")
    told = await cora.wait_for(lambda c: c[-1].text.startswith("This is a draft: nobody has received it."))
    assert ["Approve", "Send now"] in told[-1].buttons
    assert (await stack.services.summaries.stored("r2")).summary.status.value == "draft"
