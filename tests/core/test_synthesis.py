"""The synthesis round trip in the core: examples out with suggested clusters, filled items back in."""

import json
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from carework_core.bootstrap import Services
from carework_core.definitions.loading import load_definition
from carework_core.errors import DefinitionError, ItemsLocked, SynthesisRejected
from carework_core.items.synthesis import answer_id_of, clustered_examples, example_id
from carework_core.storage.audit import audit_entries
from carework_core.storage.examples import StoredExample
from carework_core.storage.items import ItemDetail, item_details, items_fed_by
from tests.conftest import MINI, join

HEADER = ["item_id", "title", "description", "theme", "source_examples", "evidence_notes"]


async def examples_typed(services, texts_by_person: dict[int, list[str]]) -> None:
    """People join, round 1 opens, and each types their examples."""
    for user in texts_by_person:
        await join(services, user)
    await services.rounds.open_round("r1", actor="t")
    for user, texts in texts_by_person.items():
        await services.answering.begin(user, "r1")
        for n, text in enumerate(texts):
            await services.answering.receive_text(user, text, f"m{user}-{n}")


async def exported(services, tmp_path, texts_by_person=None) -> tuple:
    await examples_typed(services, texts_by_person or {1: ["Rota app for swapping shifts", "=SUM(A1)"], 2: ["#N/A"]})
    path = tmp_path / "synthesis-r1.xlsx"
    await services.synthesis.export_examples("r1", path)
    rows = list(load_workbook(path)["Examples"].iter_rows(values_only=True))
    return path, rows


def fill(path, rows: list[list], header: list[str] | None = None) -> None:
    """Fills the Items sheet as a researcher would, below its header (or over it, when given)."""
    book = load_workbook(path)
    sheet = book["Items"]
    if header is not None:
        for n, name in enumerate(header, start=1):
            sheet.cell(1, n, name)
    for r, row in enumerate(rows, start=2):
        for n, value in enumerate(row, start=1):
            sheet.cell(r, n).value = value  # None empties a cell a researcher cleared
    book.save(path)


async def details(services, item_set="ideas") -> list[ItemDetail]:
    async with services.env.db.reading() as tx:
        return await item_details(tx, item_set)


def test_example_ids_are_parsed_and_written_in_one_form():
    assert example_id(42) == "E42"
    assert answer_id_of("E42") == 42 and answer_id_of(" e7 ") == 7
    assert [answer_id_of(t) for t in ("42", "E", "E0", "X12", "E1.5", "")] == [None] * 6


async def test_export_lists_every_example_with_its_id_group_question_and_text(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    assert list(rows[0]) == [
        "example_id",
        "group",
        "question_id",
        "question",
        "text",
        "suggested_cluster",
        "cluster_members",
    ]
    texts = {r[4]: r for r in rows[1:]}
    assert set(texts) == {"Rota app for swapping shifts", "=SUM(A1)", "#N/A"}  # text, never a formula or an error
    assert all(r[0].startswith("E") and r[1] == "Social care workforce" and r[2] == "examples" for r in rows[1:])
    book = load_workbook(path)
    assert {c.data_type for row in book["Examples"].iter_rows(min_row=2, max_col=5) for c in row} == {"s"}
    assert [c.value for c in book["Items"][1]] == [*HEADER, "score_evidence", "score_newness"]
    assert "1 = None, 2 = Some, 3 = A lot" in book["Items"]["G1"].comment.text
    about = [r[:3] for r in book["About"].iter_rows(values_only=True)]
    assert ("round", "r1", None) in about and ("title_max", 120, None) in about
    assert [r for r in about if r[0] == "score_evidence"] == [
        ("score_evidence", 1, "None"),
        ("score_evidence", 2, "Some"),
        ("score_evidence", 3, "A lot"),
    ]


async def test_a_filled_sheet_loads_items_with_sources_notes_and_scores(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    ids = [r[0] for r in rows[1:]]
    fill(path, [["I1", "Rota apps", "Swap shifts by app", "Wellbeing", f"{ids[0]}; {ids[1]}", "Two trusts", 2, 3]])
    done = await services.synthesis.import_items(path, "r2", actor="researcher")
    assert (done.items, done.examples, done.item_sets) == (1, 2, ("ideas",))
    assert await details(services) == [
        ItemDetail("I1", "Rota apps", "Swap shifts by app", "wellbeing", (ids[0], ids[1]), "Two trusts",
                   {"evidence": 2, "newness": 3}),
    ]  # fmt: skip
    async with services.env.db.reading() as tx:
        assert await items_fed_by(tx) == {ids[0]: ["I1"], ids[1]: ["I1"]}
        (entry,) = [e for e in await audit_entries(tx) if e[1] == "synthesis_import"]
    assert entry[:3] == ("researcher", "synthesis_import", "r2") and json.loads(entry[3])["items"] == 1


async def test_importing_again_replaces_the_draft_items(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    ids = [r[0] for r in rows[1:]]
    fill(path, [["I1", "Rota apps", "", "", ids[0], "", 3], ["I2", "Peer support", "", "", ids[1], "", 1]])
    await services.synthesis.import_items(path, "r2")
    fill(path, [["J1", "Shift swaps", "", "", ids[2], "", "", ""], [None] * 8])
    await services.synthesis.import_items(path, "r2")
    assert await details(services) == [ItemDetail("J1", "Shift swaps", sources=(ids[2],))]
    async with services.env.db.reading() as tx:
        assert await items_fed_by(tx) == {ids[2]: ["J1"]}


async def test_import_is_refused_once_the_rating_round_has_opened(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    fill(path, [["I1", "Rota apps", "", "", rows[1][0]]])
    await services.synthesis.import_items(path, "r2")
    await services.rounds.close_round("r1", actor="t")
    await services.rounds.open_round("r2", actor="t")
    fill(path, [["I1", "Rota apps, renamed", "", "", rows[1][0]]])
    with pytest.raises(ItemsLocked, match="round r2 are locked: it has opened"):
        await services.synthesis.import_items(path, "r2")
    assert [d.title for d in await details(services)] == ["Rota apps"]


def problem(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# One row (or header) per kind of mistake, and the one line each must produce.
MISTAKES = {
    "unknown example id": ([["I1", "Rota", "", "", "E9999"]], "Items!E2: unknown example id E9999"),
    "bad example id": ([["I1", "Rota", "", "", "12"]], "Items!E2: '12' is not an example id"),
    "title too long": ([["I1", "x" * 121, "", "", ""]], "Items!B2: the title is 121 characters long; at most 120"),
    "empty title": ([["I1", "", "notes only", "", ""]], "Items!B2: the title is empty"),
    "missing item id": ([["", "Rota", "", "", ""]], "Items!A2: the item id is missing"),
    "bad item id": ([["I 1", "Rota", "", "", ""]], "Items!A2: item id 'I 1' is not usable"),
    "duplicate item id": (
        [["I1", "Rota", "", "", ""], ["I1", "Peer", "", "", ""]],
        "Items!A3: item id I1 is used twice (also on row 2)",
    ),
    "score outside the scale": ([["I1", "Rota", "", "", "", "", 4]], "Items!G2: score '4' for evidence is outside"),
    "score not a number": ([["I1", "Rota", "", "", "", "", "", "lots"]], "Items!H2: score 'lots' for newness"),
    "unknown theme": ([["I1", "Rota", "", "pay", ""]], "Items!D2: unknown theme 'pay'; use one of: wellbeing, tech"),
}


@pytest.mark.parametrize("kind", list(MISTAKES))
async def test_each_mistake_is_named_by_sheet_and_cell(services, tmp_path, kind):
    path, _ = await exported(services, tmp_path)
    rows, expected = MISTAKES[kind]
    fill(path, rows)
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    (said,) = problem(excinfo)
    assert said.startswith(expected), said
    assert await details(services) == []


async def test_an_example_of_another_round_is_named(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    book = load_workbook(path)
    book["About"]["B2"] = "r2"  # as if the file listed round 2's examples
    book.save(path)
    fill(path, [["I1", "Rota", "", "", rows[1][0]]])
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    assert problem(excinfo) == [f"Items!E2: example {rows[1][0]} is from round r1, not r2 which this file lists"]


async def test_every_problem_is_listed_at_once_and_nothing_loads(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    fill(path, [["I1", "", "", "", "E9999"], ["I1", "Fine", "", "", rows[1][0], "", 9], ["I2", "Good", "", "", ""]])
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    assert [p.split(":")[0] for p in problem(excinfo)] == ["Items!B2", "Items!E2", "Items!A3", "Items!G3"]
    assert "4 problem(s), nothing was imported" in str(excinfo.value)
    assert await details(services) == []


async def test_a_title_column_for_a_language_the_consultation_lacks_is_named(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    header = ["item_id", "title", "title_cy", "description", "theme", "source_examples"]
    fill(path, [["I1", "Rota", "Rota", "", "", rows[1][0]]], header=header)
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    assert problem(excinfo) == [
        "Items!C1: title_cy names no further language of this consultation (it speaks en only); "
        "delete the column, or add cy to the definition's languages"
    ]


async def test_a_missing_column_or_sheet_is_named(services, tmp_path):
    path, _ = await exported(services, tmp_path)
    fill(path, [["I1", "Rota"]], header=["item_id", "name", "x", "x", "x", "x", "score_cost"])
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    said = problem(excinfo)
    assert said[0].startswith("Items!1: the column title is missing") and said[1].startswith(
        "Items!1: the column source"
    )
    assert said[2].startswith("Items!G1: score_cost names no criterion")
    book = load_workbook(path)
    del book["Items"]
    book.save(path)
    with pytest.raises(SynthesisRejected) as excinfo:
        await services.synthesis.import_items(path, "r2")
    assert problem(excinfo) == ["Items: the sheet is missing"]


def with_title_max(tmp_path, limit) -> Path:
    definition = yaml.safe_load(MINI.read_text(encoding="utf-8")) | {"synthesis": {"title_max": limit}}
    path = tmp_path / f"title-{limit}.yaml"
    path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    return path


async def test_the_definition_sets_the_title_limit_up_to_what_a_phone_shows(tmp_path, clock):
    services = await Services.open(tmp_path / "short.db", with_title_max(tmp_path, 20), clock)
    try:
        path, _ = await exported(services, tmp_path)
        fill(path, [["I1", "Rota apps for swapping", "", "", ""]])
        with pytest.raises(SynthesisRejected) as excinfo:
            await services.synthesis.import_items(path, "r2")
        assert problem(excinfo) == ["Items!B2: the title is 22 characters long; at most 20 fit on a card"]
        assert ("title_max", 20) in [r[:2] for r in load_workbook(path)["About"].iter_rows(values_only=True)]
    finally:
        await services.close()
    with pytest.raises(DefinitionError, match="synthesis.title_max"):
        load_definition(with_title_max(tmp_path, 201))


def test_one_idea_given_to_two_questions_is_one_suggested_cluster():
    stored = [
        StoredExample(3, "workforce", "r1", "new_ways", "Pool cars for rural home care visits"),
        StoredExample(5, "lived", "r1", "challenges", "Peer support circles after hard shifts"),
        StoredExample(8, "lived", "r1", "challenges", "Pool cars for rural home care visits"),
    ]
    rows = clustered_examples(stored, {"new_ways": "New ways?", "challenges": "Problems?"}, {"workforce": "Workforce"})
    assert [(r.example_id, r.cluster, r.members, r.group, r.question) for r in rows] == [
        ("E3", 1, ("E8",), "Workforce", "New ways?"),
        ("E8", 1, ("E3",), "lived", "Problems?"),
        ("E5", 2, (), "lived", "Problems?"),
    ]
