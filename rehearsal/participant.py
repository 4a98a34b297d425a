"""A virtual participant: reads the newest bot message and does what a person would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from bot.text.telegram_html import utf16_units
from botapi_emulator import ChatMessage, VirtualUser
from botapi_emulator.telegram_text import MAX_TEXT_UNITS
from rehearsal.bank import TextSource

REGISTERED = "You are taking part"
ROUND_END = "That is the end of round"
REMINDER = "A reminder: "
ALL_ANSWERED = "You have answered every question in round"
WITHDRAWN = "You have withdrawn."
JOINED = "I have added that to your answer above."
HELD = "What we hold about you"
WELCOME_BACK = "Welcome back."
# Buttons that answer nothing: "More about this idea" only reads on (the burden benchmark counts answering taps).
NOT_ACTIONS = {"Skip this question", "More about this idea"}
# How often a virtual person says they cannot answer: a chosen rate, not a uniform pick among the buttons
# (which would make "Not sure" one answer in four on a three-point scale).
DONT_KNOW, DONT_KNOW_CHANCE = "I don't know this idea", 0.03  # a card's chance: most people know most ideas
NOT_SURE, NOT_SURE_CHANCE = "Not sure", 0.1
KEEP_OR_DONE = {"Keep my answer", "Done"}
OTHER_WORDS = "In a few words, what is it?"


@dataclass
class VirtualParticipant:
    user: VirtualUser
    group_id: str
    rng: Random
    texts: TextSource
    think: tuple[float, float] = (0.2, 0.8)
    transcript: list[str] = field(default_factory=list)
    _logged: dict[int, tuple] = field(default_factory=dict)
    token: str = ""
    paused: set[int] = field(default_factory=set)  # rounds left half-way, by number
    finished: dict[int, int] = field(default_factory=dict)  # round number -> newest message id at its end
    invitation: ChatMessage | None = None  # kept by await_invitation
    patience: float = 60.0  # seconds to wait for each reply; a crowd of thousands queues for longer
    voice_share: float = 0.1  # how often a typed answer is spoken instead, as a voice note
    spoken: int = 0  # voice notes sent
    changed: int = 0  # answers changed through /review
    # Every version of every bot message seen, for the reading figures. Documents are excepted, and so is /mydata's
    # account of what is held about the person: a record of their data, sent as a document once it is long.
    read: list[str] = field(default_factory=list)

    async def join(self, token: str) -> None:
        """Opens the invite link and agrees to everything asked."""
        message = await self._say(f"/start {token}")
        while REGISTERED not in message.text:
            choice = next(label for label in ("I agree", "Yes") if _has(message, label))
            message = await self._tap(choice, message)

    async def answer_round(
        self, number: int, theme_id: str, timeout: float = 120, pause_after: int | None = None
    ) -> None:
        """Waits for a round's invitation, taps Start and answers until the round's end (or a pause)."""
        chat = await self.user.wait_for(lambda c: _invitation(c, number) is not None, timeout=timeout)
        invitation = _invitation(chat, number)
        self._saw(invitation)
        await self._answer(await self._tap("Start", invitation), number, theme_id, pause_after)

    async def await_invitation(self, number: int, timeout: float = 600) -> None:
        """Waits until the invitation to round `number` has arrived, and keeps it."""
        chat = await self.user.wait_for(lambda c: _invitation(c, number) is not None, timeout=timeout)
        self.invitation = _invitation(chat, number)

    async def tap_start_and_type(self, number: int, text: str) -> None:
        """Taps Start on the kept invitation and types an answer at once, without waiting for the bot."""
        if self.invitation is None:
            raise RuntimeError("await_invitation first")
        await self.user.tap("Start", message_id=self.invitation.message_id)
        await self.user.send(text)

    async def receive_summary(self, title: str) -> None:
        """Waits for the summary of the round with this title."""
        heading = f"{title}: what we heard"
        await self.user.wait_for(lambda c: any(m.from_bot and m.text.startswith(heading) for m in c), self.patience)

    async def note_chat(self) -> None:
        """Adds to the transcript every bot message not seen yet (a summary, a digest, a chart)."""
        for message in await self.user.chat():
            self._saw(message)

    async def wait_for_reminder(self, number: int, count: int, timeout: float = 60) -> ChatMessage:
        """Waits until this round's reminders number `count` and returns the newest."""
        chat = await self.user.wait_for(lambda c: len(reminders_in(c, number)) >= count, timeout=timeout)
        for shown in chat:
            self._saw(shown)
        return reminders_in(chat, number)[-1]

    async def resume(self, number: int, theme_id: str, reminder: ChatMessage) -> None:
        """Picks the round up again from a reminder and answers until its end."""
        label = next(b for row in reminder.buttons for b in row)  # Start or Continue
        await self._answer(await self._tap(label, reminder), number, theme_id, None)

    async def wait_for_closing(self, number: int, timeout: float = 60) -> None:
        """Waits for the notice that a round this person left unfinished has closed."""
        closed = f"Round {number} has closed"
        chat = await self.user.wait_for(lambda c: any(m.from_bot and closed in m.text for m in c), timeout=timeout)
        for shown in chat:
            self._saw(shown)

    async def _answer(self, message: ChatMessage, number: int, theme_id: str, pause_after: int | None) -> None:
        examples = steps = 0
        while ROUND_END not in message.text:
            if pause_after is not None and steps >= pause_after and not _has(message, "Add another example"):
                self.paused.add(number)
                return  # stops half-way, on a fresh question, as someone called away would
            steps += 1
            await asyncio.sleep(self.rng.uniform(*self.think))
            if _has(message, "Add another example"):
                examples += 1
                more = examples < 3 and self.rng.random() < 0.3
                message = await self._tap("Add another example" if more else "Next question", message)
                examples = examples if more else 0
            elif "Type your" in message.text:
                message = await self._type_or_pass(message, theme_id)
            elif "Tick all that apply" in message.text:
                message = await self._tick(message, theme_id)
            else:
                message = await self._tap(self._pick(message), message)
        self.paused.discard(number)
        self.finished[number] = max((m.message_id for m in await self.user.chat()), default=0)

    def _pick(self, message: ChatMessage) -> str:
        """Chooses a button: now and then "I don't know this idea" or "Not sure", else any other at random."""
        for label, chance in ((DONT_KNOW, DONT_KNOW_CHANCE), (NOT_SURE, NOT_SURE_CHANCE)):
            if _has(message, label) and self.rng.random() < chance:
                return label
        return self.rng.choice(
            [b for row in message.buttons for b in row if b not in NOT_ACTIONS | {DONT_KNOW, NOT_SURE}]
        )

    async def _type_or_pass(self, message: ChatMessage, theme_id: str) -> ChatMessage:
        """Types an answer; now and then skips a follow-up, or says they have no example."""
        for way_past, chance in (("Skip", 0.4), ("I have no example", 0.1)):
            if _has(message, way_past) and self.rng.random() < chance:
                return await self._tap(way_past, message)
        if self.rng.random() < self.voice_share:
            return await self._speak()
        return await self._say(self.texts.answer(theme_id))

    async def change_an_answer(self, theme_id: str) -> None:
        """Sends /review, taps Change on one answer, and gives a new one (a typed or tapped one)."""
        listing = await self._say("/review")
        changes = [b for row in listing.buttons for b in row if b.startswith("Change ")]
        if not changes:
            return
        asked = await self._tap(self.rng.choice(changes), listing, wait=False)
        asked = await self._until(lambda m: "Your answer now:" in m.text)
        if "Tick all that apply" in asked.text:  # ticks one more option, then Done
            unticked = [b for row in asked.buttons for b in row if not b.startswith("✓ ") and b not in KEEP_OR_DONE]
            if not unticked:
                return
            asked = await self._tap(self.rng.choice(unticked), asked, wait=False)
            asked = await self._until(lambda m: _has(m, "Done") or OTHER_WORDS in m.text)
            if OTHER_WORDS not in asked.text:
                await self._tap("Done", asked, wait=False)
        elif "Type your new answer" in asked.text:
            self.transcript.append(f"> typed: {(words := self.texts.answer(theme_id))}")
            if not await self._type(words):  # the change came with the first piece, before the bot's "added"
                await self.note_chat()
                self.changed += 1
                return
        else:
            now = asked.text.split("Your answer now:", 1)[1].split("\n", 1)[0].strip()
            options = [b for row in asked.buttons for b in row if b not in NOT_ACTIONS | KEEP_OR_DONE | {now}]
            await self._tap(self.rng.choice(options), asked, wait=False)
        after = (
            asked if OTHER_WORDS in asked.text else await self._until(lambda m: OTHER_WORDS in m.text or _changed(m))
        )
        if OTHER_WORDS in after.text:  # Other chosen: its words finish the change
            self.transcript.append(f"> typed: {(words := self.texts.answer(theme_id))}")
            await self._type(words)
            await self._until(_changed)
        self.changed += 1

    async def read_their_data(self) -> None:
        """Sends /mydata and waits for the account of everything held: a message, or a file when long."""
        self.transcript.append("> typed: /mydata")
        sent = await self.user.send("/mydata")
        chat = await self.user.wait_for(
            lambda c: any(m.from_bot and m.message_id > sent and (HELD in m.text or m.document) for m in c),
            self.patience,
        )
        for shown in chat:
            self._saw(shown)

    async def withdraw(self) -> None:
        """Sends /withdraw, reads what it means, and confirms."""
        asked = await self._say("/withdraw")
        await self._tap("Yes, withdraw", asked, wait=False)
        await self._until(lambda m: WITHDRAWN in m.text)

    async def _speak(self) -> ChatMessage:
        seconds = self.rng.randint(4, 45)
        self.transcript.append(f"> spoke: a voice note of {seconds} s")
        self.spoken += 1
        await self.user.send_voice(seconds)
        return await self._reply()

    async def _until(self, wanted: Callable[[ChatMessage], bool]) -> ChatMessage:
        """Returns the bot's next message that `wanted` accepts, noting every message on the way."""
        while True:
            message = await self.user.wait_for_reply(timeout=self.patience, settle=0.05)
            for shown in await self.user.chat():
                self._saw(shown)
            if wanted(message):
                return message

    async def _tick(self, message: ChatMessage, theme_id: str) -> ChatMessage:
        options = [b for row in message.buttons for b in row if b not in NOT_ACTIONS | {"Done"}]
        ticked = await self._tap(self.rng.choice(options), message)
        while "Type your" in ticked.text:  # Other: what it is, in a few words, before the ticks come back
            ticked = await self._say(self.texts.answer(theme_id))  # asked again after a command ("/start xyz")
        return await self._tap("Done", ticked)

    async def _say(self, text: str) -> ChatMessage:
        self.transcript.append(f"> typed: {text}")
        if await self._type(text):
            return await self._reply()
        chat = await self.user.chat()
        for shown in chat:
            self._saw(shown)
        return _newest_asking(chat)

    async def _type(self, text: str) -> bool:
        """Sends typed text as the app does; True when it went as one message. A text too long for one
        goes as pieces, one straight after another, and the bot says it added the rest to the first."""
        first, *rest = app_pieces(text)
        sent = await self.user.send(first)
        for piece in rest:
            await self.user.send(piece)
        if rest:
            await self.user.wait_for(lambda c: _pieces_answered(c, sent, len(rest)), self.patience)
        return not rest

    async def _tap(self, label: str, message: ChatMessage, wait: bool = True) -> ChatMessage:
        self.transcript.append(f"> tapped: {label}")
        await self.user.tap(label, message_id=message.message_id)
        return await self._reply() if wait else message

    async def _reply(self) -> ChatMessage:
        """Returns the bot's next message that asks for something (an edit alone may not)."""
        return await self._until(_asks)

    def _saw(self, message: ChatMessage) -> ChatMessage:
        """Adds a bot message to the transcript the first time it, or a new version of it, is seen."""
        if not message.from_bot or self._logged.get(message.message_id) == (message.text, message.buttons):
            return message
        edited = message.message_id in self._logged
        self._logged[message.message_id] = (message.text, message.buttons)
        if not message.document and not message.text.startswith(HELD):
            self.read.append(message.text)
        buttons = " | ".join(b for row in message.buttons for b in row)
        who = "bot (edited)" if edited else "bot (photo)" if message.photo else "bot"
        who += f" (file {message.document})" if message.document else ""
        self.transcript.append(f"{who}: {message.text}" + (f"\n     [{buttons}]" if buttons else ""))
        return message


def app_pieces(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Returns the messages a Telegram app sends for typed text: one, or pieces of at most `limit`
    UTF-16 units cut at the last space that fits, as the app splits a text too long for one message."""
    pieces = []
    while utf16_units(text) > limit:
        room = text[:limit]
        while utf16_units(room) > limit:
            room = room[:-1]
        cut = room.rstrip().rfind(" ")
        head = room[:cut] if cut > 0 else room
        pieces.append(head)
        text = text[len(head) :].lstrip(" ")
    return [*pieces, text]


def _pieces_answered(chat: list[ChatMessage], first: int, rest: int) -> bool:
    """Says whether the bot has answered every piece of a split text: it said it added each of the rest,
    or, when the first piece was not taken ("tap one of the buttons above"), it said the same to each."""
    said = [m.text for m in chat if m.from_bot and m.message_id > first]
    return sum(JOINED in text for text in said) >= rest or len(said) > len(set(said))


def _asks(message: ChatMessage) -> bool:
    return bool(message.buttons) or any(cue in message.text for cue in (REGISTERED, ROUND_END, "Type your"))


def _newest_asking(chat: list[ChatMessage]) -> ChatMessage:
    """Returns the newest bot message that asks for something: the answer to a text sent in pieces."""
    return next(m for m in reversed(chat) if m.from_bot and _asks(m))


def _has(message: ChatMessage, label: str) -> bool:
    return any(label in row for row in message.buttons)


def reminders_in(chat: list[ChatMessage], number: int | None = None) -> list[ChatMessage]:
    """Returns the bot's reminders (about one round, if a number is given), oldest first."""
    start = f"{REMINDER}Round {number}:" if number is not None else REMINDER
    return [m for m in chat if m.from_bot and m.text.startswith(start)]


def _invitation(chat: list[ChatMessage], number: int) -> ChatMessage | None:
    return next((m for m in chat if m.from_bot and m.text.startswith(f"Round {number}:") and _has(m, "Start")), None)


def _changed(m: ChatMessage) -> bool:
    """Says a message follows a finished change: where the person was, or that all is answered."""
    return any(cue in m.text for cue in (ALL_ANSWERED, ROUND_END, WELCOME_BACK)) or bool(m.buttons)
