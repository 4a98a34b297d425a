"""Item sets written in the definition, and the same list through every way in: the same stored rows."""

from __future__ import annotations

import sqlite3

from openpyxl import Workbook

from carework_core.bootstrap import Services
from carework_core.definitions.loading import check_definition, translation_problems
from carework_core.storage.audit import audit_entries
from tests.conftest import MINI, ROOT
from tests.core.test_synthesis import exported, fill

CYMRAEG = ROOT / "tests" / "fixtures" / "cymraeg.yaml"
ITEMS = """
item_sets:
  ideas:
    - id: I1
      title: Shift swaps in an app
      description: Care workers swap shifts on their phones.
      evidence: Two trusts use it.
      theme: tech
      kind: innovation
    - id: I2
      title: Peer circles
"""


def definition(tmp_path, extra: str = ITEMS, base=MINI):
    path = tmp_path / "with-items.yaml"
    path.write_text(base.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def rows(db) -> tuple[list[tuple], list[tuple]]:
    """Every stored column of every item (sources apart), and the team's scores."""
    with sqlite3.connect(db) as con:
        items = con.execute("SELECT * FROM items ORDER BY item_set, position").fetchall()
        scores = con.execute("SELECT * FROM item_scores ORDER BY 1, 2, 3").fetchall()
    return items, scores


def test_validate_names_the_line_of_each_problem_in_an_item_set(tmp_path):
    path = definition(
        tmp_path,
        ITEMS
        + """    - id: I1
      title: Again
      theme: space
    - id: "bad id"
      title: Fine
  nobody:
    - id: X1
      title: Rated by no round
      description: "%s"
"""
        % ("x" * 1501),
    )
    lines = path.read_text().splitlines()
    problems = [(p.line, p.path, p.reason) for p in check_definition(path)]
    assert problems == [
        (
            lines.index('    - id: "bad id"') + 1,
            "item_sets.ideas[3].id",
            "item ids use letters, digits, - and _ (at most 32 characters), e.g. I1",
        )
    ]
    path.write_text(path.read_text().replace('"bad id"', "I4"))
    problems = [(p.line, p.path, p.reason) for p in check_definition(path)]
    assert problems == [
        (
            lines.index("    - id: I1", 90) + 1,
            "item_sets.ideas[2].id",
            "item id I1 is used twice in ideas; give each item its own id",
        ),
        (
            lines.index("      theme: space") + 1,
            "item_sets.ideas[2].theme",
            "no theme called 'space'; themes are tech, wellbeing",
        ),
        (
            lines.index("  nobody:") + 1,
            "item_sets.nobody",
            "item set 'nobody' is rated by no round; name it in an item_rating question's item_set",
        ),
        (len(lines), "item_sets.nobody[0].description", "the description is 1501 characters long; at most 1500 fit"),
    ]


def test_an_item_set_in_two_languages_needs_every_text_in_both(tmp_path):
    path = definition(
        tmp_path,
        """
item_sets:
  ideas:
    - id: I1
      title: {en: Rota apps, cy: Apiau rota}
      description: Swap shifts on the phone.
""",
        base=CYMRAEG,
    )
    assert check_definition(path) == []
    (missing,) = translation_problems(path)
    assert (missing.path, missing.reason) == ("item_sets.ideas[0].description", "no cy text")
    assert missing.line == path.read_text().splitlines().index("      description: Swap shifts on the phone.") + 1


async def test_the_definitions_sets_are_stored_once_and_kept_once_their_round_opens(tmp_path, clock):
    path = definition(tmp_path)
    services = await Services.open(tmp_path / "c.db", path, clock)
    try:
        assert [(d.item_set, d.items, d.outcome) for d in await services.item_lists.load_defined()] == [
            ("ideas", 2, "loaded")
        ]
        assert [(d.item_set, d.outcome) for d in await services.item_lists.load_defined()] == [("ideas", "unchanged")]
        await services.rounds.open_round("r2", actor="t")
    finally:
        await services.close()
    before = rows(tmp_path / "c.db")
    path.write_text(path.read_text().replace("Peer circles", "Peer support circles"))
    services = await Services.open(tmp_path / "c.db", path, clock)
    try:
        assert [(d.item_set, d.outcome, d.opened) for d in await services.item_lists.load_defined()] == [
            ("ideas", "kept", ("r2",))
        ]
        async with services.env.db.reading() as tx:
            assert [e[1] for e in await audit_entries(tx)].count("items_defined") == 1
    finally:
        await services.close()
    assert rows(tmp_path / "c.db") == before


async def test_the_same_list_through_synthesis_items_import_and_the_definition_gives_the_same_rows(tmp_path, clock):
    """A synthesis workbook, a plain item list and the definition's item_sets store one list alike (sources apart)."""
    synthesised = tmp_path / "synthesis"
    synthesised.mkdir()
    services = await Services.open(synthesised / "c.db", MINI, clock)
    try:
        book, examples = await exported(services, synthesised)
        fill(
            book,
            [
                ["I1", "Shift swaps in an app", "Care workers swap shifts on their phones.", "tech", examples[1][0]]
                + ["Two trusts use it.", 3],
                ["I2", "Peer circles", None, None, examples[2][0]],
            ],
        )
        await services.rounds.close_round("r1", actor="t")
        await services.synthesis.import_items(book, "r2")
    finally:
        await services.close()

    listed = tmp_path / "listed"
    listed.mkdir()
    sheet = Workbook()
    for row in [
        ["id", "title", "description", "theme", "evidence", "kind", "score_evidence"],
        [
            "I1",
            "Shift swaps in an app",
            "Care workers swap shifts on their phones.",
            "tech",
            "Two trusts use it.",
            None,
            3,
        ],
        ["I2", "Peer circles"],
    ]:
        sheet.active.append(row)
    sheet.save(listed / "items.xlsx")
    services = await Services.open(listed / "c.db", MINI, clock)
    try:
        await services.item_lists.import_file(listed / "items.xlsx", "r2")
    finally:
        await services.close()

    defined = tmp_path / "defined"
    defined.mkdir()
    services = await Services.open(
        defined / "c.db", definition(defined, ITEMS.replace("      kind: innovation\n", "")), clock
    )
    try:
        await services.item_lists.load_defined()
    finally:
        await services.close()

    (synthesis_items, synthesis_scores), (listed_items, listed_scores) = (
        rows(synthesised / "c.db"),
        rows(listed / "c.db"),
    )
    assert synthesis_items == listed_items == rows(defined / "c.db")[0]
    assert synthesis_scores == listed_scores == [("ideas", "I1", "evidence", 3)]
    assert [r[1] for r in listed_items] == ["I1", "I2"]
