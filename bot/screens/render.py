"""Pure functions from core results to what a person reads: text (HTML) and buttons.

Short sentences, one idea per message, and always what happens next. Everything from the
definition or from people is escaped, because Telegram refuses malformed HTML.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot import callbacks as cb
from bot.screens import followup_text, item_text
from bot.screens.round_text import invitation, what_comes_next
from bot.text.catalogue import N_, Html, Words
from bot.text.reply import Button, Reply
from carework_core.answering.service import Ask, RoundDone, StoredAnswer
from carework_core.answering.vocabulary import DONT_KNOW, DONT_KNOW_LABEL, CatalogueWord, points, scale_for
from carework_core.answering.whereabouts import Elsewhere, Finished, RoundClosed, ToStart
from carework_core.definitions.local_text import LocalText
from carework_core.definitions.model import (
    ChoiceQuestion,
    Consultation,
    ExamplesQuestion,
    ItemRatingQuestion,
    RatingQuestion,
    TextQuestion,
)
from carework_core.people.onboarding import ConsentStep


def welcome(w: Words, c: Consultation, group_id: str) -> Reply:
    """Greets a newcomer: what the consultation is, who runs it, their group and how long rounds take."""
    minutes = sorted({r.minutes for r in c.rounds if group_id in r.groups} or {r.minutes for r in c.rounds})
    takes = (
        w.plural("about {count} minute", "about {count} minutes", minutes[0])
        if len(minutes) == 1
        else w("{low} to {high} minutes", low=minutes[0], high=minutes[-1])
    )
    return Reply(
        w("Welcome to <b>{title}</b>.", title=Html(w.text(c.title)))
        + f"\n\n{w.text(c.purpose)}\n\n"
        + w(
            "This is run by {run_by}. You are invited as part of the group <b>{group}</b>. "
            "There are a few short rounds of questions. Each takes {takes}, and you can answer whenever suits you.",
            run_by=Html(w.text(c.run_by)),
            group=Html(w.text(c.group(group_id).name)),
            takes=Html(takes),
        )
    )


def consent(w: Words, c: Consultation, step: ConsentStep) -> Reply:
    """Asks for the required statements together, then each optional one on its own."""
    if step.step == 0:
        lines = "\n".join(f"• {w.text(s.text)}" for s in step.statements)
        return Reply(
            f"{w.text(c.consent.intro)}\n\n{lines}\n\n" + w("Do you agree?"),
            ((Button(w("I agree"), cb.Consent(0, True)), Button(w("No thanks"), cb.Consent(0, False))),),
        )
    statement = step.statements[0]
    return Reply(
        w("One more question. You can say no and still take part.") + f"\n\n{w.text(statement.text)}",
        ((Button(w("Yes"), cb.Consent(step.step, True)), Button(w("No"), cb.Consent(step.step, False))),),
    )


def registered(w: Words, c: Consultation, group_id: str) -> Reply:
    """Confirms registration: the person's group, what happens next and who to contact."""
    return Reply(
        w(
            "Thank you. You are taking part as part of the group <b>{group}</b>.",
            group=Html(w.text(c.group(group_id).name)),
        )
        + "\n\n"
        + w(
            "We will send you a message here when a round of questions opens. "
            "You can stop at any time. To ask anything, contact {contact}.",
            contact=Html(w.text(c.contact)),
        )
    )


def welcome_back(
    w: Words, where: Ask | Elsewhere, c: Consultation, closes: datetime | None = None
) -> tuple[Reply, ...]:
    """Greets a registered person who sent /start again and takes them back to where they are;
    `closes` is the planned closing time of the round waiting for them, if a coordinator changed it."""
    if isinstance(where, Ask):
        return Reply(w("Welcome back. Here is where you left off.")), step(w, where, c)
    if isinstance(where, ToStart):
        return Reply(w("Welcome back.")), invitation(w, where.round, where.round_number, c, closes)
    if isinstance(where, Finished):
        return (
            Reply(
                w("Welcome back. You have answered round {number}. Thank you.", number=where.round_number)
                + " "
                + what_comes_next(w, where.coming)
            ),
        )
    return (
        Reply(
            w(
                "Welcome back. No round of questions is open right now. "
                "We will message you here when the next one opens."
            )
        ),
    )


def nothing_waiting(w: Words, where: Elsewhere) -> Reply:
    """Says what to do when someone typed while no question of theirs is waiting."""
    if isinstance(where, ToStart):
        return Reply(
            w(
                "Thank you. To answer round {number}, tap Start first. Then the questions come one at a time.",
                number=where.round_number,
            ),
            ((Button(w("Start"), cb.Begin(where.round.id)),),),
        )
    if isinstance(where, RoundClosed):
        said = w(
            "Round {number} has closed, so it cannot take answers now. Thank you for your time.",
            number=where.round_number,
        )
        return Reply(f"{said} {what_comes_next(w, where.coming)}")
    if isinstance(where, Finished):
        said = w("Thank you. You have answered every question in round {number}.", number=where.round_number)
        return Reply(f"{said} {what_comes_next(w, where.coming)}")
    return Reply(w("Thank you. No round of questions is open right now. We will message you here when one opens."))


# vocabulary.DONT_KNOW_LABEL as the catalogue knows it: /review and digests show the stored value in these words.
DONT_KNOW_WORDS = N_("I don't know this idea")
assert DONT_KNOW_WORDS == DONT_KNOW_LABEL

# The definition's thank_you when it writes none (carework_core/definitions/model.py): translated here.
THANK_YOU = N_("Thank you. We will send you a short summary when this round has closed.")


def step(w: Words, s: Ask | RoundDone, c: Consultation) -> Reply:
    """Returns the next question, or the thank-you when the round is finished."""
    if isinstance(s, RoundDone):
        thanks = w.text(c.thank_you) if isinstance(c.thank_you, LocalText) else escape(w(THANK_YOU))
        return Reply(w("That is the end of round {number}.", number=s.round_number) + f" {thanks}")
    if s.waiting is not None:  # a follow-up about an example, or Other's words
        return followup_text.asked(w, s)
    q = s.question
    head = w("<b>Question {number} of {total}</b>", number=s.number, total=s.total)
    if isinstance(q, ItemRatingQuestion) and s.item and s.criterion:
        head += "\n" + w("Idea {number} of {total}", number=s.item_index + 1, total=s.items_total)
        idea = f"<i>{w.text(s.item.text)}</i>{item_text.teaser(w, s)}"
        body = f"{w.text(q.text)}\n\n{idea}\n\n{w.text(s.criterion.question)}"
        return Reply(f"{head}\n\n{body}{_last_time(w, s)}", _scale_buttons(w, s) + item_text.more_row(w, s))
    shown_before = s.examples_given or s.ticked  # the hint is shown once, when the question is first asked
    body = w.text(q.text) + (f"\n\n<i>{w.text(q.hint)}</i>" if q.hint and not shown_before else "")
    if isinstance(q, RatingQuestion):
        return Reply(f"{head}\n\n{body}{_last_time(w, s)}", _scale_buttons(w, s))
    if isinstance(q, ChoiceQuestion):
        return choice(w, s, head, body, followup_text.ticked_mask(s))
    return Reply(f"{head}\n\n{body}\n\n{_typing_prompt(w, s)}", _typing_buttons(w, s))


def choice(w: Words, s: Ask, head: str, body: str, mask: int) -> Reply:
    """Returns a choice question's buttons: one tap for a single choice, ticks and Done for several."""
    q = s.question
    assert isinstance(q, ChoiceQuestion)
    if not q.multiple:
        rows = tuple((Button(w.label(o.label), cb.Pick(s.round.id, s.number, o.id)),) for o in q.options)
        return Reply(f"{head}\n\n{body}", rows + _skip_row(w, s))
    rows = tuple(
        (Button(("✓ " if mask >> i & 1 else "") + w.label(o.label), followup_text.tick_data(s, i, o, mask)),)
        for i, o in enumerate(q.options)
    )
    done = ((Button(w("Done"), cb.Submit(s.round.id, s.number, mask)),),) if mask else ()
    tick = w("Tick all that apply, then tap Done.")
    return Reply(f"{head}\n\n{body}\n\n{tick}", rows + done + _skip_row(w, s))


def _last_time(w: Words, s: Ask) -> str:
    """Says what the person answered to this card in an earlier round, and their group, if shown."""
    if s.carried is None:
        return ""
    if s.carried.value == DONT_KNOW:  # no Keep: the row "I don't know this idea" says it again
        return "\n\n" + w("Last time you did not know this idea. Rate it if you know it now.")
    said = Html(escape(_point_label(w, s.carried.label)))
    if s.carried.group_label:
        group = Html(escape(_point_label(w, s.carried.group_label)))
        return "\n\n" + w(
            "Last time you said <b>{said}</b> (your group: {group}). Keep or change?", said=said, group=group
        )
    return "\n\n" + w("Last time you said <b>{said}</b>. Keep or change?", said=said)


def _scale_buttons(w: Words, s: Ask) -> tuple[tuple[Button, ...], ...]:
    scale = scale_for(s.question, s.criterion)
    assert scale is not None
    keep = ((Button(w("Keep"), _point(s, s.carried.value)),),) if s.carried and s.carried.value != DONT_KNOW else ()
    points_row = tuple((Button(_point_label(w, label), _point(s, value)),) for label, value in points(scale))
    return keep + points_row + _dont_know_row(w, s) + _skip_row(w, s)


def _dont_know_row(w: Words, s: Ask) -> tuple[tuple[Button, ...], ...]:
    """An item card's own row under the scale: one tap passes every criterion of an idea the person does not know."""
    if s.card is None:
        return ()
    return ((Button(w(DONT_KNOW_WORDS), cb.DontKnow(s.round.id, s.number, *s.card)),),)


def _point_label(w: Words, label: str) -> str:
    """A scale's labels come from the definition; the "Not sure" it adds comes from the catalogue."""
    return w(str(label)) if isinstance(label, CatalogueWord) else w.label(label)


def _point(s: Ask, value: str) -> cb.Callback:
    """An item card's buttons name the card, so a late repeat tap cannot answer the next one."""
    if s.card is None:
        return cb.Pick(s.round.id, s.number, value)
    return cb.Rate(s.round.id, s.number, *s.card, value)


def _typing_prompt(w: Words, s: Ask) -> str:
    if isinstance(s.question, ExamplesQuestion) and s.examples_given:
        return w.plural(
            "You have added {count} so far. Type another one, or tap Next question.",
            "You have added {count} so far. Type another one, or tap Next question.",
            s.examples_given,
        )
    if isinstance(s.question, TextQuestion):
        return w("Type your answer in one message.")
    return w("Type your example in one message.")


def _typing_buttons(w: Words, s: Ask) -> tuple[tuple[Button, ...], ...]:
    if isinstance(s.question, ExamplesQuestion) and s.examples_given:
        return ((Button(w("Next question"), cb.NextQuestion(s.round.id, s.number)),),)
    return _skip_row(w, s) or followup_text.no_example_row(w, s)


def _skip_row(w: Words, s: Ask) -> tuple[tuple[Button, ...], ...]:
    return () if s.question.required else ((Button(w("Skip this question"), cb.Skip(s.round.id, s.number)),),)


def reason_offer(w: Words, round_id: str) -> Reply:
    """Offers to hear, in a line, why someone sees a card differently from most of their group."""
    return Reply(
        w("You see this differently from most of your group. Would you like to say why, in a line? You can skip this."),
        ((Button(w("Skip"), cb.NoReason(round_id)),),),
    )


def reason_saved(w: Words) -> Reply:
    """Thanks someone for their reason, before the round goes on."""
    return Reply(w("Thank you. We have noted that."))


def type_next(w: Words) -> Reply:
    """Turns the "Saved" message into the prompt for another example."""
    return Reply(w("Saved. Thank you.") + "\n\n" + escape(w(TEXT["type_next"])))


def answered(w: Words, original_text: str, label: str) -> Reply:
    """Returns a tapped question with its buttons removed and the chosen answer shown.

    A closing request to type goes, so a question passed with a button no longer seems to wait for words.
    """
    for prompt in (w("Type your example in one message."), w("Type your answer in one message.")):
        original_text = original_text.removesuffix(f"\n\n{prompt}")
    return Reply(f"{escape(original_text)}\n\n" + w("Your answer: <b>{label}</b>", label=label))


def chosen_label(w: Words, stored: StoredAnswer) -> str:
    """Returns the words of a tapped answer, in the person's language, for showing it back."""
    return ", ".join(_point_label(w, label) for label in stored.labels)


# Fixed messages by key, in English: each is looked up in the person's language where it is shown.
TEXT = {
    "invite_unknown": N_("Sorry, this link does not work. Please ask the research team for a new link."),
    "invite_used_up": N_("Sorry, this link has already been used. Please ask the research team for a new link."),
    "declined": N_(
        "Thank you for letting us know. We will not send you anything more. "
        "If you change your mind, ask the research team for a new link."
    ),
    "type_next": N_("Type your next example in one message."),
    "buttons_expected": N_("Please tap one of the buttons above to answer this question."),
    "continued": N_("I have added that to your answer above."),
    "not_registered": N_("To take part you need an invite link from the research team. Please ask them for one."),
    "stale": N_("That question has already been answered."),
    "not_yours": N_("This round is not one of yours."),
    "round_closed": N_("This round has closed, so it cannot take answers now. Thank you for your time."),
    "typed_only": N_("Sorry, I can only read typed messages. Please type your answer."),
    "edited": N_("I have kept your first answer. To add something, please send it as a new message."),
    "oops": N_(
        "Sorry, something went wrong on our side. Your answers so far are saved. Please try again in a few minutes."
    ),
    "example_first": N_("Please type an example first, or tap Skip this question."),
    "needs_answer": N_("This question needs an answer before you move on."),
    "paused": N_("Reminders are paused. You will still hear when a new round opens. Send /resume to get them again."),
    "already_paused": N_("Reminders are already paused. Send /resume to get them again."),
    "resumed": N_("Reminders are back on."),
    "not_paused": N_("Reminders are already on. Send /pause to stop them for a while."),
}


def plain(w: Words, key: str) -> Reply:
    """Returns one of the fixed messages above, in the person's language."""
    return Reply(escape(w(TEXT[key])))
