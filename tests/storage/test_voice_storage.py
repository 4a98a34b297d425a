"""Voice notes in storage: kept against the answer or reason their message stored, numbered per person and question."""

import sqlite3

import pytest

from carework_core.storage import voice

AT = "2026-01-20T10:00:00Z"


async def seed(db) -> None:
    """P1 answered examples twice in r1 (m1, m2) and q in r2 (m3); P2 gave a reason in r2 (m4)."""
    async with db.transaction() as tx:
        for pid in (1, 2):
            await tx.execute(
                "INSERT INTO participants (id, code, group_id, status, created_at) VALUES (?, ?, 'w', 'consented', ?)",
                (pid, f"P-000{pid}", AT),
            )
        for source, round_id, question in (("m1", "r1", "examples"), ("m2", "r1", "examples"), ("m3", "r2", "q")):
            await tx.execute(
                "INSERT INTO answers (participant_id, round_id, question_id, value, source, created_at)"
                " VALUES (1, ?, ?, '[voice note, 3 s]', ?, ?)",
                (round_id, question, source, AT),
            )
        await tx.execute(
            "INSERT INTO reasons (participant_id, round_id, question_id, item_id, criterion_id, rating, status, text,"
            " source, offered_at) VALUES (2, 'r2', 'rate', 'i1', 'evidence', '1', 'given', '[voice note, 8 s]', 'm4', ?)",
            (AT,),
        )


async def test_notes_are_kept_once_against_their_answer_or_reason_and_numbered(services):
    db = services.env.db
    await seed(db)
    async with db.transaction() as tx:
        for pid, source in ((1, "m1"), (1, "m2"), (1, "m3"), (2, "m4"), (1, "m1"), (1, "no-such-message")):
            await voice.keep(tx, pid, source, f"file-{source}", f"u-{source}", 3)
    async with db.reading() as tx:
        every = await voice.voice_notes(tx)
        r2 = await voice.voice_notes(tx, "r2")
    assert [(v.code, v.round_id, v.question_id, v.number, v.file_id) for v in every] == [
        ("P-0001", "r1", "examples", 1, "file-m1"),  # m1 replayed: still one
        ("P-0001", "r1", "examples", 2, "file-m2"),
        ("P-0001", "r2", "q", 1, "file-m3"),
        ("P-0002", "r2", "rate", 1, "file-m4"),
    ]
    assert [(v.answer_id is None, v.item_id, v.criterion_id) for v in r2] == [
        (False, None, None),
        (True, "i1", "evidence"),
    ]
    async with db.transaction() as tx:
        await voice.mark_saved(tx, every[0].id, "P-0001_examples_1.ogg")
        await voice.forget_voice_notes(tx, 2)
    async with db.reading() as tx:
        left = await voice.voice_notes(tx)
    assert [v.saved_file for v in left] == ["P-0001_examples_1.ogg", None, None]


async def test_a_note_belongs_to_exactly_one_answer_or_reason(services):
    await seed(services.env.db)
    with pytest.raises(sqlite3.IntegrityError):
        async with services.env.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO voice_notes (participant_id, answer_id, reason_id, file_id, duration) VALUES (1, 1, 1, 'f', 3)"
            )
