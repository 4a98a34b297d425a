"""Whatever arrives, the bot copes: thousands of random but well-formed updates through the real bot.

Each example is a batch of updates from a handful of people (participants in an open round,
strangers), in a group and a channel: text (emoji, HTML-like, very long), commands, stickers,
photos, files, locations, contacts, polls, voice notes, edits, real taps and forged callback data.
After each batch: no unexpected error reached the bot's error handler or its logs, the emulator
refused nothing the bot sent, the outbox holds nothing pending or failed, `PRAGMA integrity_check`
passes, and every typed answer stored is a text someone sent as a new message (or, where voice
notes are answers, comes from someone who sent one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import callbacks as cb
from bot.errors import words_for
from bot.transport.pace import Bucket
from botapi_emulator import ButtonNotFound
from botapi_emulator.html_markup import utf16_units
from botapi_emulator.telegram_text import MAX_TEXT_UNITS
from carework_core.answering.continuations import CUT_NEAR
from carework_core.messaging.messages import OutboxStatus
from tests.e2e.test_withdraw import all_processed

pytestmark = pytest.mark.slow
EXAMPLES = 70  # about 28 updates each reach the bot: some 2,000 updates in all, in 20 to 40 s
TYPED_QUESTIONS = {"examples", "more"}

tricky = st.sampled_from(
    [
        "<b>bold</b>",
        "<script>alert(1)</script>",
        "a & b < c > d",
        "&amp; &lt; &#128512;",
        "</i> <a href='x'>",
        "👩🏽‍⚕️🧑‍🦽 care 💙",
        '=HYPERLINK("http://example.org")',
        "@carework_test_bot hello",
        "x",
    ]
)
long_text = st.integers(20, 140).map(lambda n: "Carers <need> time & space 👩🏽‍⚕️ to talk. " * n)
texts = st.one_of(tricky, st.text(min_size=1, max_size=80), long_text).filter(
    lambda t: t.strip() and utf16_units(t) <= MAX_TEXT_UNITS
)
commands = st.one_of(
    st.sampled_from(["/help", "/start", "/start nonsense", "/pause", "/resume", "/mydata", "/consent", "/withdraw"]),
    st.sampled_from(["/review", "/language", "/status", "/open r2", "/export"]),
    st.from_regex(r"/[a-zA-Z0-9_]{1,40}( [a-z<>&]{0,12})?", fullmatch=True),
)
values = st.sampled_from(["r1", "r2", "0", "1", "2", "3", "99", "x", "not_sure", "1,2", "", "<b>", "999999999"])
prefixes = st.sampled_from([*sorted(cb.KINDS), "zz"])  # every kind the bot sends (test_any_tap forges them in shape)
forged = st.one_of(
    st.builds(lambda p, rest: "|".join([p, *rest]), prefixes, st.lists(values, max_size=5)),
    st.text(max_size=70),
)
action = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("text"), commands),
    st.tuples(st.sampled_from(["sticker", "photo", "document", "location", "contact", "poll", "voice"]), st.none()),
    st.tuples(st.just("edit"), texts),
    st.tuples(st.just("tap"), st.integers(0, 10_000)),
    st.tuples(st.just("tap"), st.integers(0, 10_000)),
    st.tuples(st.just("forged"), forged),
    st.tuples(st.just("group"), texts),
    st.tuples(st.just("channel"), texts),
)
batches = st.lists(st.tuples(st.integers(0, 5), action), min_size=25, max_size=45)


class Crowd:
    """The people and places of one test, and what they have sent so far."""

    def __init__(self, stack, people, group, channel, sentinel):
        self.stack, self.people, self.group, self.channel, self.sentinel = stack, people, group, channel, sentinel
        self.typed: set[str] = set()  # texts sent as new messages: the only ones an answer may hold
        self.last_text: dict[int, int] = {}
        self.voiced: set[str] = set()  # codes of people who sent voice notes, which may be answers too
        self.errors: list[BaseException] = []
        # Each person's texts that a next text may be joined onto, as an app's pieces of one long text are
        # (carework_core/answering/continuations.py): (words so far, how many pieces they are).
        self.joinable: dict[int, list[tuple[str, int]]] = {}

    def _may_join(self, who: int, value: str) -> None:
        """Allows the join of a text onto the long text just before it, as one answer."""
        joined = [
            (f"{words} {value}", n + 1) for words, n in self.joinable.get(who, []) if utf16_units(words) >= CUT_NEAR * n
        ]
        self.typed.update(words for words, _ in joined)
        self.joinable[who] = [(value, 1), *joined]

    async def act(self, who: int, kind: str, value) -> None:
        """Carries out one action of one person."""
        person = self.people[who]
        if kind == "text":
            self.last_text[who] = await person.send(value)
            self.typed.add(value)
            self._may_join(who, value)
        elif kind == "edit" and who in self.last_text:
            await person.edit(self.last_text[who], value)
        elif kind == "tap":
            await self._tap(person, value)
        elif kind == "forged":
            if any(m.from_bot for m in await person.chat()):
                await person.tap_data(value)
        elif kind == "group":
            await self.group.post(person, value)
        elif kind == "channel":
            await self.channel.post(None, value)
        elif kind in ("sticker", "photo", "document", "location", "contact", "poll", "voice"):
            await getattr(person, f"send_{kind}")()
            if kind == "voice":
                self.voiced.add(await self.stack.services.onboarding.code_of(person.user_id))

    async def _tap(self, person, pick: int) -> None:
        labels = [
            (m.message_id, label) for m in await person.chat() if m.from_bot for row in m.buttons for label in row
        ]
        if labels:
            message_id, label = labels[pick % len(labels)]
            with contextlib.suppress(ButtonNotFound):  # the bot took the buttons away first: no tap is sent
                await person.tap(label, message_id=message_id)

    async def settle(self) -> None:
        """Waits until the bot has taken every update and sent every reply."""
        await self.sentinel.send("/help")  # updates are fetched in order: its reply means all were fetched
        await self.sentinel.wait_for_reply(timeout=60)
        await all_processed(self.stack, timeout=60)
        deadline = time.monotonic() + 60
        while (await self.stack.services.outbox.counts()).get(OutboxStatus.PENDING):
            assert time.monotonic() < deadline, "the outbox never emptied"
            await asyncio.sleep(0.05)


async def crowd_in(stack) -> Crowd:
    """Two participants in an open round (one started), one in another group, two strangers, a group, a channel."""
    ann, bob, cai = await stack.joined("Ann"), await stack.joined("Bob"), await stack.joined("Cai", group="lived")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.buttons == [["Start"]] for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    strangers = [await stack.person(name) for name in ("Sid", "Tia", "Zed")]
    group = await stack.client.new_group("Night shift")
    channel = await stack.client.new_group("Care news", kind="channel")
    return Crowd(stack, [ann, bob, cai, *strangers[:2], ann], group, channel, strangers[2])


def unhurried(stack) -> None:
    """Lifts the pacing on both sides, so thousands of replies take seconds; every other check stays."""
    stack.emulator.world.flood = None
    fast = Bucket(capacity=1e9, rate=1e9)
    stack.bot.sender.overall = fast
    stack.bot.sender._chat = lambda chat_id: fast


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same batches every run: a failure here is a bug to fix, not a flake
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=batches)
async def test_thousands_of_random_updates_change_nothing_wrongly(stack, caplog, batch):
    crowd = await gathered(stack, caplog)  # the same bot and people for every batch
    crowd.errors.clear()
    caplog.clear()
    refused_before = refusals(stack)
    for who, (kind, value) in batch:
        await crowd.act(who, kind, value)
    await crowd.settle()
    assert crowd.errors == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert refusals(stack) == refused_before, stack.emulator.stats()["refusal_descriptions"]
    assert not (await stack.services.outbox.counts()).get(OutboxStatus.FAILED)
    assert integrity(stack) == "ok"
    for code, question, value in await stack.answers():
        assert question not in TYPED_QUESTIONS or value in crowd.typed or code in crowd.voiced


def refusals(stack) -> int:
    """Counts the emulator's refusals, but for "message is not modified".

    A double tap on "Add another example" asks twice for the same edit; Telegram refuses the
    second, and the sender rightly takes that as done. The stack's own check is told to expect them.
    """
    stats = stack.emulator.stats()
    same = sum(n for text, n in stats["refusal_descriptions"].items() if "message is not modified" in text)
    stack.expected_refusals = same
    return stats["refusals"] - same


async def gathered(stack, caplog) -> Crowd:
    """Returns the test's crowd, made on the first batch, with unexpected errors captured."""
    if getattr(stack, "crowd", None) is None:
        caplog.set_level(logging.ERROR)
        unhurried(stack)
        crowd = await crowd_in(stack)

        async def unexpected(update, context) -> None:
            if words_for(context.error) == "oops":
                crowd.errors.append(context.error)

        stack.bot.app.add_error_handler(unexpected)
        stack.crowd = crowd
    return stack.crowd


def integrity(stack) -> str:
    conn = sqlite3.connect(stack.folder / "carework.db")
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
