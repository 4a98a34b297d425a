"""A virtual participant: reads the newest bot message and does what a person would."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from random import Random

from botapi_emulator import ChatMessage, VirtualUser
from rehearsal.bank import TextSource

REGISTERED = "You are taking part"
ROUND_END = "That is the end of round"
NOT_ACTIONS = {"Skip this question"}


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

    async def join(self, token: str) -> None:
        """Opens the invite link and agrees to everything asked."""
        message = await self._say(f"/start {token}")
        while REGISTERED not in message.text:
            choice = next(label for label in ("I agree", "Yes") if _has(message, label))
            message = await self._tap(choice, message)

    async def answer_round(self, number: int, theme_id: str, timeout: float = 120) -> None:
        """Waits for a round's invitation, taps Start and answers until the round's end."""
        chat = await self.user.wait_for(lambda c: _invitation(c, number) is not None, timeout=timeout)
        invitation = _invitation(chat, number)
        self._saw(invitation)
        message = await self._tap("Start", invitation)
        examples = 0
        while ROUND_END not in message.text:
            await asyncio.sleep(self.rng.uniform(*self.think))
            if _has(message, "Add another example"):
                examples += 1
                more = examples < 3 and self.rng.random() < 0.3
                message = await self._tap("Add another example" if more else "Next question", message)
                examples = examples if more else 0
            elif "Type your" in message.text:
                message = await self._say(self.texts.answer(theme_id))
            elif "Tick all that apply" in message.text:
                message = await self._tick(message)
            else:
                labels = [b for row in message.buttons for b in row if b not in NOT_ACTIONS]
                message = await self._tap(self.rng.choice(labels), message)

    async def _tick(self, message: ChatMessage) -> ChatMessage:
        options = [b for row in message.buttons for b in row if b not in NOT_ACTIONS | {"Done"}]
        ticked = await self._tap(self.rng.choice(options), message)
        return await self._tap("Done", ticked)

    async def _say(self, text: str) -> ChatMessage:
        self.transcript.append(f"> typed: {text}")
        await self.user.send(text)
        return await self._reply()

    async def _tap(self, label: str, message: ChatMessage) -> ChatMessage:
        self.transcript.append(f"> tapped: {label}")
        await self.user.tap(label, message_id=message.message_id)
        return await self._reply()

    async def _reply(self) -> ChatMessage:
        """Returns the bot's next message that asks for something (an edit alone may not)."""
        while True:
            message = await self.user.wait_for_reply(timeout=60, settle=0.05)
            for shown in await self.user.chat():
                self._saw(shown)
            if message.buttons or any(cue in message.text for cue in (REGISTERED, ROUND_END, "Type your")):
                return message

    def _saw(self, message: ChatMessage) -> ChatMessage:
        """Adds a bot message to the transcript the first time it, or a new version of it, is seen."""
        if not message.from_bot or self._logged.get(message.message_id) == (message.text, message.buttons):
            return message
        edited = message.message_id in self._logged
        self._logged[message.message_id] = (message.text, message.buttons)
        buttons = " | ".join(b for row in message.buttons for b in row)
        who = "bot (edited)" if edited else "bot"
        self.transcript.append(f"{who}: {message.text}" + (f"\n     [{buttons}]" if buttons else ""))
        return message


def _has(message: ChatMessage, label: str) -> bool:
    return any(label in row for row in message.buttons)


def _invitation(chat: list[ChatMessage], number: int) -> ChatMessage | None:
    return next((m for m in chat if m.from_bot and m.text.startswith(f"Round {number}:") and _has(m, "Start")), None)
