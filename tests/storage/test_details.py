"""Details of an answer (follow-ups, Other's words): stored once per field and source, gone with the answer."""

from carework_core.storage import details
from carework_core.storage.their_data import erase_answers

AT = "2026-01-20T10:00:00Z"


async def an_answer(db, pid: int = 1) -> int:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO participants (id, code, group_id, status, created_at) VALUES (?, ?, 'workforce', 'consented', ?)",
            (pid, f"P{pid}", AT),
        )
        return await tx.insert(
            "INSERT INTO answers (participant_id, round_id, question_id, value, source, created_at)"
            " VALUES (?, 'r1', 'examples', 'Buddy scheme', 'm1', ?)",
            (pid, AT),
        )


async def test_a_detail_is_stored_once_and_its_source_is_known_only_for_its_person(services):
    db = services.env.db
    answer_id = await an_answer(db)
    async with db.transaction() as tx:
        await details.give(tx, answer_id, "where", "In Leeds", "m2", AT)
        await details.give(tx, answer_id, "where", "Replayed", "m2", AT)  # a replay keeps the first
        await details.give(tx, answer_id, "who", None, "q7", AT)  # skipped
    async with db.reading() as tx:
        assert await details.fields_of(tx, answer_id) == {"where": "In Leeds", "who": None}
        assert await details.detail_from(tx, 1, "m2") and not await details.detail_from(tx, 2, "m2")
        assert await details.details_of(tx, 1) == [
            ("r1", "examples", "where", "In Leeds"),
            ("r1", "examples", "who", None),
        ]


async def test_erasing_a_persons_answers_erases_their_details(services):
    db = services.env.db
    answer_id = await an_answer(db)
    async with db.transaction() as tx:
        await details.give(tx, answer_id, "where", "In Leeds", "m2", AT)
        await erase_answers(tx, 1)
    async with db.reading() as tx:
        assert await details.details_of(tx, 1) == []
        assert await tx.fetchall("SELECT * FROM answer_details") == []


async def test_deleting_an_answer_cascades_to_its_details(services):
    db = services.env.db
    answer_id = await an_answer(db)
    async with db.transaction() as tx:
        await details.give(tx, answer_id, "where", "In Leeds", "m2", AT)
        await tx.execute("DELETE FROM answers WHERE id = ?", (answer_id,))
    async with db.reading() as tx:
        assert await tx.fetchall("SELECT * FROM answer_details") == []
