"""Pure functions from core results to what a person reads: text (HTML) and buttons.

Short sentences, one idea per message, and always what happens next. Everything from the
definition or from people is escaped, because Telegram refuses malformed HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from bot import callbacks as cb
from bot.catalogue import ENGLISH
from carework_core.answering import Ask, RoundDone, StoredAnswer
from carework_core.definitions import (
    ChoiceQuestion,
    Consultation,
    ExamplesQuestion,
    ItemRatingQuestion,
    RatingQuestion,
    Round,
    TextQuestion,
)
from carework_core.onboarding import ConsentStep
from carework_core.plans import ReminderTarget
from carework_core.vocabulary import points, scale_for
from carework_core.whereabouts import Elsewhere, Finished, RoundClosed, ToStart


@dataclass(frozen=True)
class Button:
    label: str
    data: cb.Callback


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def params(self) -> dict[str, Any]:
        """Returns the sendMessage/editMessageText parameters for this reply."""
        out: dict[str, Any] = {"text": self.text, "parse_mode": "HTML"}
        if self.buttons:
            out["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.label, "callback_data": cb.pack(b.data)} for b in row] for row in self.buttons
                ]
            }
        return out


def welcome(c: Consultation, group_id: str) -> Reply:
    minutes = sorted({r.minutes for r in c.rounds if group_id in r.groups} or {r.minutes for r in c.rounds})
    takes = f"about {minutes[0]} minutes" if len(minutes) == 1 else f"{minutes[0]} to {minutes[-1]} minutes"
    return Reply(
        f"Welcome to <b>{escape(c.title)}</b>.\n\n{escape(c.purpose)}\n\n"
        f"This is run by {escape(c.run_by)}. You are invited as part of the group "
        f"<b>{escape(c.group(group_id).name)}</b>. There are a few short rounds of questions. "
        f"Each takes {takes}, and you can answer whenever suits you."
    )


def consent(c: Consultation, step: ConsentStep) -> Reply:
    if step.step == 0:
        lines = "\n".join(f"• {escape(s.text)}" for s in step.statements)
        return Reply(
            f"{escape(c.consent.intro)}\n\n{lines}\n\nDo you agree?",
            ((Button("I agree", cb.Consent(0, True)), Button("No thanks", cb.Consent(0, False))),),
        )
    statement = step.statements[0]
    return Reply(
        f"One more question. You can say no and still take part.\n\n{escape(statement.text)}",
        ((Button("Yes", cb.Consent(step.step, True)), Button("No", cb.Consent(step.step, False))),),
    )


def registered(c: Consultation, group_id: str) -> Reply:
    return Reply(
        f"Thank you. You are taking part as part of the group <b>{escape(c.group(group_id).name)}</b>.\n\n"
        "We will send you a message here when a round of questions opens. "
        f"You can stop at any time. To ask anything, contact {escape(c.contact)}."
    )


def invitation(rnd: Round, number: int, c: Consultation, closes: datetime | None = None) -> Reply:
    """Returns a round's invitation: its title, size, time, closing date and a Start button.

    `closes` is the round's planned closing time when a coordinator changed it (else the definition's)."""
    count = len(rnd.questions)
    text = (
        f"<b>Round {number}: {escape(rnd.title)}</b> - {count} question{'s' * (count != 1)}, "
        f"about {rnd.minutes} minutes."
    )
    if closes or rnd.schedule.closes:
        text += f" Open until {open_until(rnd, c, closes)}."
    if rnd.intro:
        text += f"\n\n{escape(rnd.intro)}"
    return Reply(text + "\n\nTap Start when you are ready.", ((Button("Start", cb.Begin(rnd.id)),),))


def open_until(rnd: Round, c: Consultation, closes: datetime | None = None) -> str:
    """Returns when a round closes in the consultation's timezone, e.g. "Friday 6 March, 17:00"."""
    closes = closes or rnd.schedule.closes
    assert closes is not None
    local = closes.replace(tzinfo=c.zone) if closes.tzinfo is None else closes.astimezone(c.zone)
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def reminder(target: ReminderTarget, c: Consultation) -> Reply:
    """Reminds someone who has not finished a round: how much is left and when it closes."""
    rnd, left = target.round, target.questions_left
    started = target.started or left < len(rnd.questions)
    minutes = max(1, round(rnd.minutes * left / len(rnd.questions)))
    text = f"A reminder: <b>Round {target.number}: {escape(rnd.title)}</b> is still open"
    if target.closes or rnd.schedule.closes:
        text += f" until {open_until(rnd, c, target.closes)}"
    text += (
        f". You have {left} question{'s' * (left != 1)} left, about {minutes} minute{'s' * (minutes != 1)}."
        f"\n\nTap {'Continue' if started else 'Start'} when you have a moment."
    )
    return Reply(text, ((Button("Continue" if started else "Start", cb.Begin(rnd.id)),),))


def round_closed(number: int) -> Reply:
    """Tells someone who had not finished that a round has closed."""
    return Reply(
        f"Round {number} has closed. Thank you for your time. We will message you here when the next round opens."
    )


def welcome_back(where: Ask | Elsewhere, c: Consultation, closes: datetime | None = None) -> tuple[Reply, ...]:
    """Greets a registered person who sent /start again and takes them back to where they are;
    `closes` is the planned closing time of the round waiting for them, if a coordinator changed it."""
    if isinstance(where, Ask):
        return Reply("Welcome back. Here is where you left off."), step(where, c)
    if isinstance(where, ToStart):
        return Reply("Welcome back."), invitation(where.round, where.round_number, c, closes)
    if isinstance(where, Finished):
        return (
            Reply(
                f"Welcome back. You have answered round {where.round_number}. Thank you. "
                "We will message you here when the next round opens."
            ),
        )
    return (
        Reply(
            "Welcome back. No round of questions is open right now. We will message you here when the next one opens."
        ),
    )


def nothing_waiting(where: Elsewhere) -> Reply:
    """Says what to do when someone typed while no question of theirs is waiting."""
    if isinstance(where, ToStart):
        return Reply(
            f"Thank you. To answer round {where.round_number}, tap Start first. Then the questions come one at a time.",
            ((Button("Start", cb.Begin(where.round.id)),),),
        )
    if isinstance(where, RoundClosed):
        return Reply(
            f"Round {where.round_number} has closed, so it cannot take answers now. "
            "Thank you for your time. We will message you here when the next round opens."
        )
    if isinstance(where, Finished):
        return Reply(
            f"Thank you. You have answered every question in round {where.round_number}. "
            "We will message you here when the next round opens."
        )
    return Reply("Thank you. No round of questions is open right now. We will message you here when one opens.")


def step(s: Ask | RoundDone, c: Consultation) -> Reply:
    """Returns the next question, or the thank-you when the round is finished."""
    if isinstance(s, RoundDone):
        return Reply(f"That is the end of round {s.round_number}. {escape(c.thank_you)}")
    if s.waiting is not None:  # a follow-up about an example, or Other's words
        return followup_text.asked(ENGLISH, s)
    q = s.question
    head = f"<b>Question {s.number} of {s.total}</b>"
    if isinstance(q, ItemRatingQuestion) and s.item and s.criterion:
        head += f"\nIdea {s.item_index + 1} of {s.items_total}"
        body = f"{escape(q.text)}\n\n<i>{escape(s.item.text)}</i>\n\n{escape(s.criterion.question)}"
        return Reply(f"{head}\n\n{body}{_last_time(s)}", _scale_buttons(s))
    shown_before = s.examples_given or s.ticked  # the hint is shown once, when the question is first asked
    body = escape(q.text) + (f"\n\n<i>{escape(q.hint)}</i>" if q.hint and not shown_before else "")
    if isinstance(q, RatingQuestion):
        return Reply(f"{head}\n\n{body}{_last_time(s)}", _scale_buttons(s))
    if isinstance(q, ChoiceQuestion):
        return choice(s, head, body, followup_text.ticked_mask(s))
    return Reply(f"{head}\n\n{body}\n\n{_typing_prompt(s)}", _typing_buttons(s))


def choice(s: Ask, head: str, body: str, mask: int) -> Reply:
    q = s.question
    assert isinstance(q, ChoiceQuestion)
    if not q.multiple:
        rows = tuple((Button(o.label, cb.Pick(s.round.id, s.number, str(i))),) for i, o in enumerate(q.options))
        return Reply(f"{head}\n\n{body}", rows + _skip_row(s))
    rows = tuple(
        (Button(("✓ " if mask >> i & 1 else "") + o.label, followup_text.tick_data(s, i, o, mask)),)
        for i, o in enumerate(q.options)
    )
    done = ((Button("Done", cb.Submit(s.round.id, s.number, mask)),),) if mask else ()
    return Reply(f"{head}\n\n{body}\n\nTick all that apply, then tap Done.", rows + done + _skip_row(s))


def _last_time(s: Ask) -> str:
    """Says what the person answered to this card in an earlier round, and their group, if shown."""
    if s.carried is None:
        return ""
    group = f" (your group: {escape(s.carried.group_label)})" if s.carried.group_label else ""
    return f"\n\nLast time you said <b>{escape(s.carried.label)}</b>{group}. Keep or change?"


def _scale_buttons(s: Ask) -> tuple[tuple[Button, ...], ...]:
    scale = scale_for(s.question, s.criterion)
    assert scale is not None
    keep = ((Button("Keep", _point(s, s.carried.value)),),) if s.carried else ()
    return keep + tuple((Button(label, _point(s, value)),) for label, value in points(scale)) + _skip_row(s)


def _point(s: Ask, value: str) -> cb.Callback:
    """An item card's buttons name the card, so a late repeat tap cannot answer the next one."""
    if s.card is None:
        return cb.Pick(s.round.id, s.number, value)
    return cb.Rate(s.round.id, s.number, *s.card, value)


def _typing_prompt(s: Ask) -> str:
    if isinstance(s.question, ExamplesQuestion) and s.examples_given:
        return f"You have added {s.examples_given} so far. Type another one, or tap Next question."
    return (
        "Type your answer in one message."
        if isinstance(s.question, TextQuestion)
        else "Type your example in one message."
    )


def _typing_buttons(s: Ask) -> tuple[tuple[Button, ...], ...]:
    if isinstance(s.question, ExamplesQuestion) and s.examples_given:
        return ((Button("Next question", cb.NextQuestion(s.round.id, s.number)),),)
    return _skip_row(s) or followup_text.no_example_row(ENGLISH, s)


def _skip_row(s: Ask) -> tuple[tuple[Button, ...], ...]:
    return () if s.question.required else ((Button("Skip this question", cb.Skip(s.round.id, s.number)),),)


def example_saved(s: Ask) -> Reply:
    """Confirms a saved example and offers another or the next question."""
    return Reply(
        "Saved. Thank you.",
        (
            (
                Button("Add another example", cb.AddExample(s.round.id, s.number)),
                Button("Next question", cb.NextQuestion(s.round.id, s.number)),
            ),
        ),
    )


def reason_offer(round_id: str) -> Reply:
    """Offers to hear, in a line, why someone sees a card differently from most of their group."""
    return Reply(
        "You see this differently from most of your group. Would you like to say why, in a line? You can skip this.",
        ((Button("Skip", cb.NoReason(round_id)),),),
    )


def reason_saved() -> Reply:
    """Thanks someone for their reason, before the round goes on."""
    return Reply("Thank you. We have noted that.")


def type_next() -> Reply:
    """Turns the "Saved" message into the prompt for another example."""
    return Reply(f"Saved. Thank you.\n\n{escape(TEXT['type_next'])}")


def answered(original_text: str, label: str) -> Reply:
    """Returns a tapped question with its buttons removed and the chosen answer shown."""
    return Reply(f"{escape(original_text)}\n\nYour answer: <b>{escape(label)}</b>")


def chosen_label(stored: StoredAnswer) -> str:
    """Returns the words of a tapped answer, for showing it back."""
    return ", ".join(stored.labels)


TEXT = {
    "invite_unknown": "Sorry, this link does not work. Please ask the research team for a new link.",
    "invite_used_up": "Sorry, this link has already been used. Please ask the research team for a new link.",
    "declined": "Thank you for letting us know. We will not send you anything more. "
    "If you change your mind, ask the research team for a new link.",
    "type_next": "Type your next example in one message.",
    "buttons_expected": "Please tap one of the buttons above to answer this question.",
    "not_registered": "To take part you need an invite link from the research team. Please ask them for one.",
    "stale": "That question has already been answered.",
    "round_closed": "This round has closed, so it cannot take answers now. Thank you for your time.",
    "typed_only": "Sorry, I can only read typed messages. Please type your answer.",
    "edited": "I have kept your first answer. To add something, please send it as a new message.",
    "oops": "Sorry, something went wrong on our side. Your answers so far are saved. Please try again in a few minutes.",
    "example_first": "Please type an example first, or tap Skip this question.",
    "needs_answer": "This question needs an answer before you move on.",
    "paused": "Reminders are paused. You will still hear when a new round opens. Send /resume to get them again.",
    "already_paused": "Reminders are already paused. Send /resume to get them again.",
    "resumed": "Reminders are back on.",
    "not_paused": "Reminders are already on. Send /pause to stop them for a while.",
}


def plain(key: str) -> Reply:
    """Returns one of the fixed messages above."""
    return Reply(escape(TEXT[key]))


from bot import followup_text  # noqa: E402  (at the end: it builds on Reply and Button above)
