"""Looking again at the item card waiting for a tap: "More about this idea" and Back change nothing stored."""

from __future__ import annotations

from carework_core.answering.followups import Walk
from carework_core.answering.steps import Ask
from carework_core.errors import StaleAction
from carework_core.storage import answers as store


class CardViews:
    """The card a button names, taken by Answering (which supplies the guards and the walk)."""

    async def card(self: Walk, telegram_user_id: int, round_id: str, number: int, card: tuple[int, int]) -> Ask:
        """Returns the card a button names while it is still the one waiting; otherwise raises StaleAction."""
        async with self.env.db.reading() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            step = await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id), keep=False)
        if not isinstance(step, Ask) or step.waiting is not None or (step.number, step.card) != (number, card):
            raise StaleAction(f"card {card} of question {number} in round {round_id} is no longer the one waiting")
        return await self._carry.onto(person, step)
