"""Items with the synthesis behind them: sources and scores stored, read back, and replaced together."""

import pytest

from carework_core.storage.answers import Answer, record_answer
from carework_core.storage.db import Database
from carework_core.storage.examples import answer_places, examples_in
from carework_core.storage.items import (
    ItemDetail,
    item_details,
    item_rows,
    items_fed_by,
    replace_item_details,
    replace_items,
)
from carework_core.storage.participants import add_participant


@pytest.fixture
async def db(tmp_path):
    opened = await Database.open(tmp_path / "i.db")
    yield opened
    await opened.close()


async def test_details_read_back_in_order_and_each_example_names_the_items_it_fed(db):
    async with db.transaction() as tx:
        pid = await add_participant(tx, 1, 1, "workforce", None, "en", "t0")
        for n, text in enumerate(["Rota app", "Shift swaps", "Peer circles"]):
            await record_answer(tx, pid, Answer("r1", "examples", text, f"m{n}"), "t1")
        await record_answer(tx, pid, Answer("r1", "size", "2", "tap"), "t1")
        stored = await examples_in(tx, "r1", ["examples"])
        assert [(e.text, e.group_id) for e in stored] == [
            ("Rota app", "workforce"),
            ("Shift swaps", "workforce"),
            ("Peer circles", "workforce"),
        ]
        ids = [f"E{e.answer_id}" for e in stored]
        assert await answer_places(tx, [e.answer_id for e in stored] + [999]) == {
            e.answer_id: ("r1", "examples") for e in stored
        }
        items = [
            ItemDetail("I2", "Rota apps", "Swap by app", "tech", (ids[1], ids[0]), "Two trusts", {"evidence": 3}),
            ItemDetail("I1", "Peer circles", sources=(ids[2], ids[0])),
        ]
        for item_set in ("ideas", "ideas-again"):
            await replace_item_details(tx, item_set, items)
        assert await item_details(tx, "ideas") == items
        assert await item_rows(tx, "ideas") == [("I2", "Rota apps"), ("I1", "Peer circles")]
        assert await items_fed_by(tx) == {ids[0]: ["I2", "I1"], ids[1]: ["I2"], ids[2]: ["I1"]}
        await replace_items(tx, "ideas", [("X1", "Typed in by hand")])  # the old way keeps no stale sources
        await replace_items(tx, "ideas-again", [])
        assert await item_details(tx, "ideas") == [ItemDetail("X1", "Typed in by hand")]
        assert await items_fed_by(tx) == {}
