"""What a round sends to everyone it is for: the invitation, reminders and the closing notice."""

from __future__ import annotations

from datetime import datetime

from bot import callbacks as cb
from bot.text.catalogue import N_, Html, Words
from bot.text.reply import Button, Reply
from carework_core.definitions.model import Consultation, Round
from carework_core.rounds.next_round import Coming, NextRound
from carework_core.rounds.plans import ReminderTarget


def _round_head(w: Words, number: int, rnd: Round) -> Html:
    return Html(w("<b>Round {number}: {title}</b>", number=number, title=Html(w.text(rnd.title))))


def invitation(w: Words, rnd: Round, number: int, c: Consultation, closes: datetime | None = None) -> Reply:
    """Returns a round's invitation: its title, size, time, closing date and a Start button.

    `closes` is the round's planned closing time when a coordinator changed it (else the definition's)."""
    count = len(rnd.questions)
    text = w.plural(
        "{head} - {count} question, about {minutes} minutes.",
        "{head} - {count} questions, about {minutes} minutes.",
        count,
        head=_round_head(w, number, rnd),
        minutes=rnd.minutes,
    )
    if closes or rnd.schedule.closes:
        text += " " + w("Open until {when}.", when=open_until(w, rnd, c, closes))
    if rnd.intro:
        text += f"\n\n{w.text(rnd.intro)}"
    start = w("Start")
    return Reply(text + "\n\n" + w("Tap Start when you are ready."), ((Button(start, cb.Begin(rnd.id)),),))


DAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


def open_until(w: Words, rnd: Round, c: Consultation, closes: datetime | None = None) -> str:
    """Returns when a round closes in the consultation's timezone, e.g. "Friday 6 March, 17:00"."""
    closes = closes or rnd.schedule.closes
    assert closes is not None
    return f"{day_of(w, closes, c)}, {_local(closes, c):%H:%M}"


def day_of(w: Words, when: datetime, c: Consultation) -> str:
    """Returns a day in the consultation's timezone, e.g. "Friday 6 March"."""
    return _day(w, _local(when, c))


def _day(w: Words, local: datetime) -> str:
    return w("{day} {date} {month}", day=w(DAYS[local.weekday()]), date=local.day, month=w(MONTHS[local.month - 1]))


def _local(when: datetime, c: Consultation) -> datetime:
    """Returns a time in the consultation's timezone (a time without one is taken to be there already)."""
    return when.replace(tzinfo=c.zone) if when.tzinfo is None else when.astimezone(c.zone)


def reminder(w: Words, target: ReminderTarget, c: Consultation) -> Reply:
    """Reminds someone who has not finished a round: how much is left and when it closes."""
    rnd = target.round
    started = target.started or target.share_left < 1
    minutes = max(1, round(rnd.minutes * target.share_left))
    head = _round_head(w, target.number, rnd)
    if target.closes or rnd.schedule.closes:
        text = w(
            "A reminder: {head} is still open. It closes on {when}.",
            head=head,
            when=open_until(w, rnd, c, target.closes),
        )
    else:
        text = w("A reminder: {head} is still open.", head=head)
    text += " " + _what_is_left(w, target)
    text += " " + w.plural("about {count} minute.", "about {count} minutes.", minutes)
    text += "\n\n" + (w("Tap Continue when you have a moment.") if started else w("Tap Start when you have a moment."))
    return Reply(text, ((Button(w("Continue") if started else w("Start"), cb.Begin(rnd.id)),),))


def _what_is_left(w: Words, target: ReminderTarget) -> str:
    """Says how many ideas are left to rate (when the person is on them) and how many questions besides."""
    ideas, more = target.ideas_left, target.questions_left
    if not ideas:
        return w.plural("You have {count} question left,", "You have {count} questions left,", more)
    if not more:
        return w.plural("You have {count} idea left,", "You have {count} ideas left,", ideas)
    return (
        w.plural("You have {count} idea left", "You have {count} ideas left", ideas)
        + " "
        + w.plural("and {count} more question,", "and {count} more questions,", more)
    )


def round_closed(w: Words, number: int, coming: Coming | None = None) -> Reply:
    """Tells someone who had not finished that a round has closed, and what comes next for their group."""
    return Reply(
        w("Round {number} has closed. Thank you for your time.", number=number) + " " + what_comes_next(w, coming)
    )


def what_comes_next(w: Words, coming: Coming | None) -> str:
    """Says what comes next for the reader's group: its next round and when it opens, or that the last is over."""
    if coming is None:
        return w("We will message you here when the next round opens.")
    if not isinstance(coming, NextRound):
        return w("That was the last round. Thank you for all you have given to this consultation.")
    if coming.open_now:
        when = w("It is open now.")
    elif coming.opens:
        when = w("It opens on {day}.", day=_day(w, coming.opens))  # already in the consultation's zone
    else:
        when = w("We will tell you when it opens.")
    title = Html(w.text(coming.round.title))
    return w("Next comes round {number}, {title}.", number=coming.number, title=title) + f" {when}"
