"""The person-keyed update processor: a bound on updates at once, each person's in order."""

import asyncio
import random

import pytest
from telegram import Update

from bot.transport.update_order import PersonalOrder


def update_from(user_id: int, number: int) -> Update:
    chat = {"id": user_id, "type": "private"}
    sender = {"id": user_id, "is_bot": False, "first_name": "P"}
    message = {"message_id": number, "date": 0, "chat": chat, "from": sender, "text": str(number)}
    return Update.de_json({"update_id": number, "message": message}, None)


async def test_each_persons_updates_run_in_order_and_people_at_once_within_the_bound():
    order = PersonalOrder(max_concurrent_updates=3)
    done: dict[int, list[int]] = {}
    running, most = set(), 0
    rng = random.Random(11)

    async def work(person: int, number: int) -> None:
        nonlocal most
        running.add(person)
        most = max(most, len(running))
        await asyncio.sleep(rng.random() / 100)
        running.discard(person)
        done.setdefault(person, []).append(number)

    sent = [(rng.randrange(6), n) for n in range(200)]
    await asyncio.gather(*(order.process_update(update_from(p, n), work(p, n)) for p, n in sent))
    for person, numbers in done.items():
        assert numbers == [n for p, n in sent if p == person]
    assert most == 3  # people ran side by side, never more than the bound


async def test_after_a_failure_the_persons_later_updates_are_left_for_the_replay():
    order = PersonalOrder()
    done = []
    gate = asyncio.Event()

    async def fails() -> None:
        await gate.wait()
        raise OSError("disk full")

    async def works(n: int) -> None:
        done.append(n)

    first = asyncio.create_task(order.process_update(update_from(1, 1), fails()))
    await asyncio.sleep(0)
    await order.process_update(update_from(1, 2), works(2))  # queued behind the first
    await order.process_update(update_from(2, 3), works(3))  # someone else: runs at once
    assert done == [3]
    gate.set()
    with pytest.raises(OSError):
        await first
    assert done == [3]  # the update after the failed one never started
