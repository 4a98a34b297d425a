"""What a person reads for follow-ups about an example, for Other's words, and "I have no example"."""

from __future__ import annotations

from bot import callbacks as cb
from bot.text.catalogue import Html, Words
from bot.text.reply import Button, Reply
from carework_core.answering.steps import Ask, Step
from carework_core.definitions.model import ChoiceQuestion, ExamplesQuestion, Option


def example_saved(w: Words, s: Ask) -> Reply:
    """Confirms a saved example and offers another or the next question."""
    return Reply(
        w("Saved. Thank you."),
        (
            (
                Button(w("Add another example"), cb.AddExample(s.round.id, s.number)),
                Button(w("Next question"), cb.NextQuestion(s.round.id, s.number)),
            ),
        ),
    )


def waits(step: Step) -> bool:
    """Says whether the step asks a follow-up or Other's words rather than a question."""
    return isinstance(step, Ask) and step.waiting is not None


def asked(w: Words, s: Ask, saved: bool = False) -> Reply:
    """Asks the follow-up waiting about an example (with a Skip button), or the words for Other."""
    assert s.waiting is not None
    thanks = w("Saved. Thank you.") + "\n\n" if saved else ""
    if not isinstance(s.question, ExamplesQuestion):
        return Reply(thanks + w("In a few words, what is it? Type your answer in one message."))
    waiting = s.waiting
    text = w("<b>{question}</b>\n\nType your answer in a few words, or tap Skip.", question=Html(w.text(waiting.text)))
    skip = cb.SkipFollowup(s.round.id, s.number, waiting.nth, waiting.index)
    return Reply(thanks + text, ((Button(w("Skip"), skip),),))


def no_example_row(w: Words, s: Ask) -> tuple[tuple[Button, ...], ...]:
    """Offers a way past a required examples question for someone with no example to give."""
    if not isinstance(s.question, ExamplesQuestion) or not s.question.required or s.examples_given:
        return ()
    return ((Button(w("I have no example"), cb.NoExample(s.round.id, s.number)),),)


def tick_data(s: Ask, place: int, option: Option, mask: int) -> cb.Callback:
    """Returns what ticking an option carries: ticking Other asks for its words first."""
    if option.other and not mask >> place & 1:
        return cb.OtherTick(s.round.id, s.number, mask)
    return cb.Toggle(s.round.id, s.number, mask ^ (1 << place))


def ticked_mask(s: Ask) -> int:
    """Returns the ticks of a multiple choice shown again after Other's words (0 when none)."""
    q = s.question
    if not s.ticked or not isinstance(q, ChoiceQuestion):
        return 0
    chosen = set(s.ticked.split(","))
    return sum(1 << n for n, o in enumerate(q.options) if o.id in chosen)


def after_example(w: Words, s: Ask) -> Reply:
    """Offers another example or the next question, once an example (and its follow-ups) is done."""
    assert isinstance(s.question, ExamplesQuestion)
    if not s.question.followups:
        return example_saved(w, s)
    return Reply(
        w("Thank you. You can add another example, or go on to the next question."),
        (
            (
                Button(w("Add another example"), cb.AddExample(s.round.id, s.number)),
                Button(w("Next question"), cb.NextQuestion(s.round.id, s.number)),
            ),
        ),
    )
