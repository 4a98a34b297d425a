"""A round of examples as the summary reads it: people and examples per group, and quotable answers."""

from carework_core.results.summary import ALL_GROUPS, ExamplesTally
from carework_core.storage.examples import examples_tallies, quotable_examples

AT = "2026-01-20T10:00:00Z"


async def seed(db, people: list[tuple[int, str, str, bool]], answers: list[tuple[int, str, str]]) -> None:
    """Stores people (id, group, status, agreed to be quoted) and their answers to round r1, in order."""
    async with db.transaction() as tx:
        for pid, group, status, quoted in people:
            await tx.execute(
                "INSERT INTO participants (id, code, group_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
                (pid, f"P{pid}", group, status, AT),
            )
            await tx.execute(
                "INSERT INTO consents (participant_id, statement_id, agreed, at) VALUES (?, 'quote', ?, ?)",
                (pid, int(quoted), AT),
            )
        for n, (pid, question, text) in enumerate(answers):
            await tx.execute(
                "INSERT INTO answers (participant_id, round_id, question_id, value, source, created_at)"
                " VALUES (?, 'r1', ?, ?, ?, ?)",
                (pid, question, text, f"m{n}", AT),
            )


async def test_tallies_count_people_and_examples_per_group_and_fold_a_small_group_into_everyone(services):
    db = services.env.db
    workers = [(n, "workforce", "consented", True) for n in range(1, 4)]
    await seed(
        db,
        [*workers, (9, "lived", "consented", False)],
        [
            (1, "ex", "a"),
            (1, "ex", "b"),
            (2, "ex", "c"),
            (3, "ex", "d"),
            (9, "ex", "e"),
            (9, "ex", "f"),
            (1, "other", "x"),
        ],
    )
    async with db.reading() as tx:
        tallies = await examples_tallies(tx, "r1", ["ex", "none"], ["workforce", "lived"], min_group_size=2)
        wider = await examples_tallies(tx, "r1", ["ex"], ["workforce", "lived"], min_group_size=1)
        nothing = await examples_tallies(tx, "r2", ["ex"], ["workforce"], min_group_size=1)
    assert tallies == (
        ExamplesTally("ex", "workforce", 0, 0, suppressed=True),  # else everyone minus workforce is lived
        ExamplesTally("ex", "lived", 0, 0, suppressed=True),  # one person: shown only within everyone
        ExamplesTally("ex", ALL_GROUPS, 4, 6),
        ExamplesTally("none", "workforce", 0, 0, suppressed=True),
        ExamplesTally("none", "lived", 0, 0, suppressed=True),
        ExamplesTally("none", ALL_GROUPS, 0, 0),
    )
    assert wider[:2] == (ExamplesTally("ex", "workforce", 3, 4), ExamplesTally("ex", "lived", 1, 2))
    assert nothing == (ExamplesTally("ex", "workforce", 0, 0, suppressed=True), ExamplesTally("ex", ALL_GROUPS, 0, 0))


async def test_only_people_who_agreed_to_be_quoted_and_have_not_withdrawn_are_quotable(services):
    db = services.env.db
    people = [(1, "workforce", "consented", True), (2, "lived", "consented", False), (3, "lived", "withdrawn", True)]
    people.append((4, "lived", "consented", True))
    answers = [
        (4, "ex", "first"),
        (1, "ex", "second"),
        (2, "ex", "not agreed"),
        (3, "ex", "gone"),
        (1, "more", "third"),
    ]
    await seed(db, people, answers)
    async with db.reading() as tx:
        quotable = await quotable_examples(tx, "r1", ["ex", "more"], "quote")
        assert await quotable_examples(tx, "r1", ["ex"], "other_statement") == []
        assert await quotable_examples(tx, "r1", [], "quote") == []
    assert [q[:3] for q in quotable] == [
        ("lived", "ex", "first"),
        ("workforce", "ex", "second"),
        ("workforce", "more", "third"),
    ]
    assert all(q.answer_id for q in quotable)  # what a summary quotes keeps its answer, to read consent again
