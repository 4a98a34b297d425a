"""What a person reads when they review and change their answers (/review)."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.screens import item_text, render
from bot.screens.render import Button, Reply
from bot.text.catalogue import Html, Words
from carework_core.answering.review import Changing, Entry, Listing, NothingToReview
from carework_core.answering.steps import Ask, Step
from carework_core.definitions.model import ChoiceQuestion, Consultation, ItemRatingQuestion

QUESTION_CHARS = 70  # a question's text in the list, cut short so the screen stays short
ANSWER_CHARS = 200  # a typed answer in the list
BUTTONS_PER_ROW = 3
QUOTED = "“{}”"  # a person's own words, marked as the summaries' quotes are (the rehearsal's reading figures skip them)


def listing(w: Words, shown: Listing | NothingToReview) -> Reply:
    """Returns one page of the person's answers, each with a Change button, or what to do instead."""
    if isinstance(shown, NothingToReview):
        return Reply(w("You have no answers to change right now. Send /start to see what is waiting for you."))
    head = w("<b>Your answers in round {number}</b>", number=shown.round_number)
    if shown.pages > 1:
        head += " " + w("(page {page} of {pages})", page=shown.page + 1, pages=shown.pages)
    lines = [_entry(w, place, e) for place, e in enumerate(shown.entries, start=shown.first)]
    tail = w("To change an answer, tap Change and its number.")
    changes = [
        Button(w("Change {place}", place=place), cb.Change(shown.round.id, e.answer_id))
        for place, e in enumerate(shown.entries, start=shown.first)
    ]
    rows = [tuple(changes[i : i + BUTTONS_PER_ROW]) for i in range(0, len(changes), BUTTONS_PER_ROW)]
    turn = []
    if shown.page > 0:
        turn.append(Button(w("Previous"), cb.ReviewPage(shown.round.id, shown.page - 1)))
    if shown.page + 1 < shown.pages:
        turn.append(Button(w("More answers"), cb.ReviewPage(shown.round.id, shown.page + 1)))
    return Reply("\n\n".join([head, *lines, tail]), tuple(rows) + ((tuple(turn),) if turn else ()))


def _entry(w: Words, place: int, e: Entry) -> str:
    if e.item_text is not None:  # the idea and the criterion say what was asked: the question is the round's card
        criterion = w.label(e.criterion.name) if e.criterion else ""
        item = _short(w.label(e.item_text), QUESTION_CHARS)
        text = w("{place}. {item} ({criterion})", place=place, item=item, criterion=criterion)
    else:
        question = _short(w.label(e.question.text), QUESTION_CHARS)
        text = w("{place}. Question {number}: {question}", place=place, number=e.number, question=question)
    return text + "\n" + w("<i>{answer}</i>", answer=_answer(e))


def _answer(e: Entry) -> Html:
    """Returns an answer as shown: typed words inside quotation marks (the person's own words), labels as they are."""
    words = escape(_short(", ".join(e.words), ANSWER_CHARS))
    return Html(QUOTED.format(words) if e.typed else words)


def changing(w: Words, shown: Changing, c: Consultation) -> Reply:
    """Asks a question again to change its answer, showing the answer it has now."""
    ask, entry = shown.ask, shown.entry
    head = w("<b>Question {number} of {total}</b>", number=ask.number, total=ask.total)
    body = w.text(ask.question.text)
    if isinstance(ask.question, ItemRatingQuestion) and ask.item and ask.criterion:
        idea = w("<i>{item}</i>", item=w.label(ask.item.text)) + item_text.teaser(w, ask)  # as the round's card
        body += "\n\n" + idea + "\n\n" + w.text(ask.criterion.question)
    now = w("Your answer now: <b>{answer}</b>", answer=_answer(entry))
    keep = ((Button(w("Keep my answer"), cb.Change(ask.round.id, entry.answer_id, True)),),)
    if entry.typed:
        return Reply(f"{head}\n\n{body}\n\n{now}\n\n{w('Type your new answer in one message.')}", keep)
    if isinstance(ask.question, ChoiceQuestion) and ask.question.multiple:
        shown = _unskippable(render.choice(w, ask, head, Html(f"{body}\n\n{now}"), _mask(ask, entry)))
    else:
        asked = render.step(w, ask, c)
        shown = _unskippable(Reply(f"{head}\n\n{body}\n\n{now}\n\n{w('Tap your new answer.')}", asked.buttons))
        more = item_text.more_row(w, ask, cb.ChangeMore(ask.round.id, entry.answer_id))  # Back comes here
        shown = Reply(shown.text, _without(shown.buttons, cb.MoreAbout) + more)
    return Reply(shown.text, shown.buttons + keep)  # tapping the answer it has already changes nothing


def more_about(w: Words, shown: Changing) -> Reply:
    """Returns the whole description and evidence of the idea on a Change card, with Back to that card."""
    ask = shown.ask
    return item_text.more_about(w, ask, cb.ChangeMore(ask.round.id, shown.entry.answer_id, back=True))


def changed(w: Words, step: Step, c: Consultation) -> tuple[Reply, ...]:
    """Thanks the person for a typed change and takes them back to where they were in the round."""
    done = Reply(w("Changed. Thank you."))
    if isinstance(step, Ask):
        return done, render.step(w, step, c)
    return done, Reply(
        w(
            "You have answered every question in round {number}. Send /review to see your answers.",
            number=step.round_number,
        )
    )


def kept(w: Words) -> Reply:
    """Says an answer stays as it was."""
    return Reply(w("Your answer stays as it was."))


def _unskippable(reply: Reply) -> Reply:
    """Drops "Skip this question": a change replaces an answer, it cannot take it back."""
    return Reply(reply.text, _without(reply.buttons, cb.Skip))


def _without(rows: tuple, kind: type[cb.Callback]) -> tuple:
    return tuple(row for row in rows if not any(isinstance(b.data, kind) for b in row))


def _mask(ask: Ask, entry: Entry) -> int:
    """Returns the ticks of the options chosen now, one bit per option."""
    q = ask.question
    assert isinstance(q, ChoiceQuestion)
    chosen = set(entry.value.split(","))
    return sum(1 << i for i, o in enumerate(q.options) if o.id in chosen)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
