"""A Telegram id is kept only while there is a reason: a participant, a coordinator, a message still to
send. Strangers, people who declined and people who write after withdrawing are forgotten once the
bot's hourly pruning finds them older than a week."""

from __future__ import annotations

from carework_core.people.their_data import KEEP_IDLE_IDS
from tests.e2e.conftest import held_on_disk as held
from tests.e2e.test_withdraw import all_processed, vacuumed_bytes, withdrawn

STRANGER_REPLY = "To take part you need an invite link"


async def test_ids_with_no_reason_leave_the_database_file_after_a_week(stack):
    sam = await stack.person("Sam")  # a stranger
    await sam.send("hello")
    await sam.wait_for(lambda c: c[-1].text.startswith(STRANGER_REPLY))
    dee = await stack.person("Dee")  # declines the consent questions
    await dee.send(f"/start {await stack.link()}")
    await dee.wait_for_reply()
    await dee.tap("No thanks")
    await dee.wait_for(lambda c: "We will not send you anything more" in c[-1].text)
    ann = await stack.joined("Ann")  # withdraws, then writes again
    await withdrawn(ann)
    await ann.send("Hello again")
    await ann.wait_for(lambda c: c[-1].text.startswith(STRANGER_REPLY))
    bea = await stack.joined("Bea")  # takes part: kept
    assert (await ask_status(stack)).startswith("No round is open")  # Cora, a coordinator: kept
    await all_processed(stack)
    gone = [sam, dee, ann]
    await stack.bot.reconcile_now()  # pruning now finds nothing old enough
    on_disk = vacuumed_bytes(stack)
    assert all(held(on_disk, p.user_id) for p in gone), "the test must see the ids before"
    stack.services.env.clock.advance(days=KEEP_IDLE_IDS.days + 1)
    await stack.bot.reconcile_now()
    on_disk = vacuumed_bytes(stack)
    assert [p.first_name for p in gone if held(on_disk, p.user_id)] == []
    assert held(on_disk, bea.user_id)
    async with stack.services.env.db.reading() as tx:  # Cora's id (10001) is too short to look for in the file
        (cora,) = await tx.fetchone("SELECT COUNT(*) FROM outbox WHERE chat_id = ?", (stack.coordinator.user_id,))
    assert cora > 0
    await bea.send("/mydata")  # Bea is still a participant
    assert (await bea.wait_for_reply()).text.startswith("What we hold")


async def ask_status(stack) -> str:
    await stack.coordinator.send("/status")
    return (await stack.coordinator.wait_for_reply()).text
