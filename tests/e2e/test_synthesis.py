"""The synthesis round trip as the team meets it: people type examples to the bot, a researcher exports
them with `carework synthesis export`, fills the Items sheet, imports it, and people rate those items."""

from openpyxl import load_workbook

from carework_core.storage.items import item_details
from tests.bot.test_cli import carework
from tests.conftest import MINI


async def typed_examples(stack, user, texts):
    await user.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await user.tap("Start")
    await user.wait_for_reply()
    for n, text in enumerate(texts):
        if n:
            await user.tap("Add another example")
            await user.wait_for(lambda c: "Type your next example" in c[-1].text)
        await user.send(text)
        await user.wait_for(lambda c: c[-1].text == "Saved. Thank you.")


async def test_examples_typed_to_the_bot_become_the_items_people_rate(stack):
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(MINI)}
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await stack.open_round("r1")
    await typed_examples(
        stack, ann, ["A rota app so care workers can swap shifts", "Peer support circles after hard shifts"]
    )
    await typed_examples(stack, bob, ["Swapping shifts with a rota app on the phone"])
    await stack.services.rounds.close_round("r1", actor="test")

    book_path = stack.folder / "synthesis-r1.xlsx"
    exported = carework("synthesis", "export", "r1", str(book_path), env=env)
    assert exported.returncode == 0, exported.stderr
    assert "wrote 3 examples of round r1 in 2 suggested clusters" in exported.stdout
    rows = list(load_workbook(book_path)["Examples"].iter_rows(min_row=2, values_only=True))
    by_text = {r[4]: r for r in rows}
    rota = by_text["A rota app so care workers can swap shifts"]
    swap = by_text["Swapping shifts with a rota app on the phone"]
    peer = by_text["Peer support circles after hard shifts"]
    assert rota[5] == swap[5] != peer[5] and rota[6] == swap[0]  # near-duplicates share a suggested cluster

    book = load_workbook(book_path)  # a researcher fills the Items sheet, one item per cluster
    items = book["Items"]
    items.append(["I1", "Swap shifts in a rota app", "Workers swap shifts", "tech", f"{rota[0]};{swap[0]}", "", 2, 3])
    items.append(["I2", "Peer support circles", "", "wellbeing", peer[0], "One trust", 1, ""])
    items["B3"] = "x" * 130  # a first try with one title too long
    book.save(book_path)
    refused = carework("synthesis", "import", str(book_path), "--into", "r2", env=env)
    assert refused.returncode == 1
    assert "Items!B3: the title is 130 characters long; at most 120 fit on a card" in refused.stderr
    items["B3"] = "Peer support circles"
    book.save(book_path)
    loaded = carework("synthesis", "import", str(book_path), "--into", "r2", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 2 items from 3 examples into ideas for round r2" in loaded.stdout

    await stack.open_round("r2")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 2:") for m in c))
    await ann.tap("Start")
    await ann.wait_for_reply()
    await ann.tap("Care worker")
    first = await ann.wait_for(lambda c: "Swap shifts in a rota app" in c[-1].text)
    assert "Idea 1 of 2" in first[-1].text
    await ann.tap("A lot")
    await ann.wait_for(lambda c: "How new is this?" in c[-1].text)
    await ann.tap("Quite new")
    second = await ann.wait_for(lambda c: "Peer support circles" in c[-1].text)
    assert "Idea 2 of 2" in second[-1].text

    async with stack.services.env.db.reading() as tx:
        details = await item_details(tx, "ideas")
    assert [(d.item_id, d.sources, d.scores, d.theme) for d in details] == [
        ("I1", (rota[0], swap[0]), {"evidence": 2, "newness": 3}, "tech"),
        ("I2", (peer[0],), {"evidence": 1}, "wellbeing"),
    ]
    assert [a for a in await stack.answers() if a[1] == "rate"] == [("P-0001", "rate", "3"), ("P-0001", "rate", "2")]
    again = carework("synthesis", "import", str(book_path), "--into", "r2", env=env)
    assert again.returncode == 1 and "the items of round r2 are locked: it has opened" in again.stderr
