"""A person answering a round is answered at once, even while a big broadcast is going out."""

import asyncio

from tests.conftest import join

INVITED = 250


async def test_replies_overtake_a_broadcast_of_invitations(stack):
    ann = await stack.joined("Ann")  # joined first, so her invitation is the first of the round
    others = await asyncio.gather(*(stack.person(f"P{n}") for n in range(INVITED)))
    await asyncio.gather(*(person.send("hello") for person in others))  # they wrote to the bot once, long ago
    await asyncio.gather(*(person.wait_for_reply(timeout=60) for person in others))
    for person in others:
        await join(stack.services, person.user_id)
    before = stack.emulator.stats()["messages_sent"]

    await stack.open_round("r1")  # queues INVITED + 1 invitations at once
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c), timeout=30)
    sent_when_answered = []
    for act in (lambda: ann.tap("Start"), lambda: ann.send("x"), lambda: ann.tap("Next question")):
        await act()
        await ann.wait_for_reply(settle=0)
        sent_when_answered.append(stack.emulator.stats()["messages_sent"] - before)

    for person in others:
        await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c), timeout=60)
    everything = stack.emulator.stats()["messages_sent"] - before
    assert everything >= INVITED + 1
    # Each reply went out while most of the broadcast was still waiting; in id order it came after it all.
    assert max(sent_when_answered) < everything / 2, (sent_when_answered, everything)
