"""Rating counts and ratings read straight from SQLite: only a person's latest answer to a card counts."""

import pytest

from carework_core.results.summary import Rating
from carework_core.storage import participants as people
from carework_core.storage.answers import Answer, record_answer
from carework_core.storage.db import Database
from carework_core.storage.ratings import rating_counts, ratings_of


@pytest.fixture
async def db(tmp_path):
    opened = await Database.open(tmp_path / "r.db")
    yield opened
    await opened.close()


async def test_a_changed_answer_replaces_the_one_before(db):
    async with db.transaction() as tx:
        await people.add_invites(tx, "workforce", ["tok"], 9, "t0", "test")
        invite = await people.invite_by_token(tx, "tok")
        ann = await people.add_participant(tx, 1, 1, "workforce", invite.id, "en", "t1")
        bob = await people.add_participant(tx, 2, 2, "lived", invite.id, "en", "t1")
        for who, value, source in [(ann, "1", "a1"), (ann, "3", "a2"), (bob, "3", "b1"), (bob, "not_sure", "b2")]:
            await record_answer(tx, who, Answer("r2", "rate", value, source, "i1", "evidence"), "t2")
        await record_answer(tx, ann, Answer("r2", "size", "2", "a3"), "t2")
        await record_answer(tx, ann, Answer("r1", "rate", "2", "a4", "i1", "evidence"), "t2")  # another round
    async with db.reading() as tx:
        counts = sorted(await rating_counts(tx, "r2", ["rate", "size"]))
        assert counts == [
            ("rate", "i1", "evidence", "lived", "not_sure", 1),
            ("rate", "i1", "evidence", "workforce", "3", 2 - 1),  # ann's 1 was replaced by her 3
            ("size", None, None, "workforce", "2", 1),
        ]
        assert await rating_counts(tx, "r2", ["rate"]) != counts and await rating_counts(tx, "r2", []) == []
        assert await ratings_of(tx, "r2", ann) == [
            Rating(ann, "workforce", "rate", "i1", "evidence", "3"),
            Rating(ann, "workforce", "size", None, None, "2"),
        ]
        assert len(await ratings_of(tx, "r2")) == 3
