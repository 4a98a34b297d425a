"""Whatever a person does, in whatever order, the stored answers stay consistent."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carework_core.answering.service import Ask, RoundDone
from carework_core.bootstrap import Services
from carework_core.clock import ManualClock
from carework_core.errors import CareworkError
from carework_core.storage.answers import all_answers, round_progress
from tests.conftest import MINI, join

actions = st.lists(
    st.one_of(
        st.tuples(st.just("text"), st.sampled_from(["an example", "=1+1", "😀 & <b>", "x" * 500])),
        st.tuples(
            st.just("pick"),
            st.integers(1, 5),
            st.sampled_from(["0", "1", "2", "3", "4", "not_sure", "1,2", "0,4", "home", "nope", ""]),
        ),
        st.tuples(st.just("next"), st.integers(1, 5)),
        st.tuples(st.just("skip"), st.integers(1, 5)),
        st.tuples(st.just("replay"), st.integers(0, 30)),
        st.tuples(st.just("sensible")),  # what a person following the prompts would do
    ),
    max_size=30,
)


SENSIBLE = {
    "examples": ("text", "a sensible example"),
    "more": ("skip",),
    "size": ("pick", "2"),
    "where": ("pick", "0"),
}


async def play(script) -> Ask | RoundDone:
    services = await Services.open(":memory:", MINI, ManualClock())
    try:
        person = await join(services, 1)
        await services.rounds.open_round("r1", actor="test")
        a = services.answering
        step = await a.begin(1, "r1")
        sources: list[tuple] = []
        furthest = step.number
        for n, action in enumerate(script):
            kind, *args = action
            if kind == "replay" and sources:
                action, source = sources[args[0] % len(sources)]
                kind, *args = action
            else:
                source = f"s{n}"
            if kind == "sensible" and isinstance(step, Ask):
                kind, *args = SENSIBLE[step.question.id]
                if kind == "pick" or (kind == "skip"):
                    args = [step.number, *args]
                if kind == "text" and step.examples_given:
                    kind, args = "next", [step.number]
            try:
                if kind == "text":
                    await a.receive_text(1, args[0], source)
                elif kind == "pick":
                    await a.tap(1, "r1", args[0], args[1], source)
                elif kind in ("next", "skip"):
                    await a.finish_question(1, "r1", args[0], skip=kind == "skip")
            except CareworkError:
                pass  # refused answers are allowed; anything else fails the test
            if kind != "replay":
                sources.append((action, source))
            step = await a.current(1, "r1")
            number = step.number if isinstance(step, Ask) else 99
            assert number >= furthest  # nobody is ever sent back to an earlier question
            furthest = number
        async with services.env.db.reading() as tx:
            rows, progress = await all_answers(tx), await round_progress(tx, person.id, "r1")
        assert len(rows) == len({a.source for a in rows})  # no source stored twice
        assert sum(a.question_id == "examples" for a in rows) <= 3  # the definition's max_examples
        if isinstance(step, RoundDone):
            assert progress.done == {"examples", "more", "size", "where"}
        return step
    finally:
        await services.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_any_sequence_of_actions_keeps_answers_consistent(script):
    asyncio.run(play(script))
