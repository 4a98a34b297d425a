"""Consultation definitions: the shipped survey, every question type, and the file checks.

Broken files are made by editing one line of SMALL, a small valid definition, so every
expected line number is known. Files are real files under pytest's tmp_path.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from carework_core.definitions import model as d
from carework_core.definitions.loading import check_definition, load_definition
from carework_core.errors import DefinitionError, Problem

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SHIPPED = SURVEYS / "carework.yaml"
README = SURVEYS / "README.md"

# Line numbers matter: the broken cases below name lines of this text.
SMALL = """\
id: demo
title: Demo consultation
run_by: Test team
purpose: To test the definition checks.
contact: test@example.org
timezone: Europe/London
groups:
  - id: workforce
    name: People who work in care
  - id: policy
    name: Policy makers
themes:
  - id: wellbeing
    name: Wellbeing
criteria:
  - id: evidence
    name: How much evidence there is
    question: How much evidence is there?
    scale:
      labels: [None, Some, A lot]
      not_sure: true
consent:
  intro: Please read this first.
  statements:
    - id: agree
      text: I agree to take part.
    - id: quote
      text: My words may be quoted.
      required: false
rounds:
  - id: r1
    title: First round
    theme: wellbeing
    groups: [workforce, policy]
    minutes: 5
    schedule:
      opens: 2026-01-12 09:00
      reminders: [2026-01-15 18:00]
      closes: 2026-01-19 21:00
      summary: 2026-01-23 12:00
    questions:
      - id: new_ways
        type: examples
        text: Tell us about a new way of working.
        max_examples: 3
      - id: support
        type: rating
        text: How well supported do you feel?
        scale:
          labels: [Not at all, A little, Very]
      - id: change
        type: choice
        text: What would help most?
        options:
          - id: pay
            label: Better pay
          - id: hours
            label: Better hours
      - id: other
        type: text
        text: Anything else?
        required: false
  - id: r2
    title: Second round
    theme: wellbeing
    groups: [workforce]
    questions:
      - id: check
        type: item_rating
        text: Rate each idea.
        item_set: r2-items
        criteria: [evidence]
"""
SMALL_LINES = SMALL.count("\n")


def edit(text: str, line: int, old: str, new: str | None) -> str:
    """Returns the text with line `line` (which must read `old`) replaced, or deleted if new is None."""
    lines = text.split("\n")
    assert lines[line - 1] == old, f"line {line} is {lines[line - 1]!r}, not {old!r}"
    lines[line - 1 : line] = [] if new is None else [new]
    return "\n".join(lines)


def write(folder: Path, text: str, name: str = "demo.yaml") -> Path:
    """Writes a definition file and returns its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def found(path: Path) -> list[tuple[int, str, str]]:
    """Returns (line, path, reason) for every problem in the file, in line order."""
    return sorted((p.line, p.path, p.reason) for p in check_definition(path))


# --- the shipped survey ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def carework() -> d.Consultation:
    return load_definition(SHIPPED)


def test_shipped_survey_has_the_seed_groups_themes_and_criteria(carework):
    assert check_definition(SHIPPED) == []
    assert [g.id for g in carework.groups] == ["providers", "lived_experience", "workforce", "policy"]
    assert [t.id for t in carework.themes] == ["supply", "wellbeing", "work_design", "data_tech"]
    assert [k.id for k in carework.criteria] == ["evidence", "major_issue", "newness", "transfer", "lasting"]
    assert carework.run_by == "the Centre for Health Services Studies, University of Kent"
    assert carework.timezone == "Europe/London" and carework.languages == ["en"]
    assert all(3 <= len(k.scale.labels) <= 5 for k in carework.criteria)


def test_each_theme_has_a_first_round_and_a_rating_round(carework):
    def rates(rnd: d.Round) -> bool:
        return any(isinstance(q, d.ItemRatingQuestion) for q in rnd.questions)

    themes = [t.id for t in carework.themes]
    assert [r.theme for r in carework.rounds] == themes + themes
    assert [rates(r) for r in carework.rounds] == [False] * 4 + [True] * 4


def test_every_round_goes_to_every_group_and_is_short(carework):
    everyone = {g.id for g in carework.groups}
    for rnd in carework.rounds:
        assert set(rnd.groups) == everyone, rnd.id
        assert 3 <= len(rnd.questions) <= 5, rnd.id
        assert rnd.minutes <= 10, rnd.id


def test_first_rounds_collect_examples_of_new_ways_and_challenges(carework):
    for rnd in carework.rounds[:4]:
        examples = [q for q in rnd.questions if isinstance(q, d.ExamplesQuestion)]
        assert len(examples) == 2, rnd.id
        # The question stays short; where, who and what shows it works are asked one at a time after.
        assert all(len(q.text.split()) <= 22 for q in examples), rnd.id
        asks = " ".join(f.text for f in examples[0].followups).lower()
        assert all(word in asks for word in ("where", "who", "works")), rnd.id
        assert any(isinstance(q, (d.RatingQuestion, d.ChoiceQuestion)) for q in rnd.questions), rnd.id


def test_each_choice_with_a_list_has_an_other_option(carework):
    choices = [q for r in carework.rounds for q in r.questions if isinstance(q, d.ChoiceQuestion)]
    assert any(q.multiple for q in choices)
    assert all(sum(o.other for o in q.options) == 1 for q in choices)


def test_a_choice_has_at_most_one_other_option_and_follow_ups_have_their_own_ids():
    option = {"id": "x", "label": "Something else", "other": True}
    with pytest.raises(ValidationError, match="at most one option"):
        d.ChoiceQuestion(id="c", type="choice", text="Pick", options=[option, {**option, "id": "y"}])
    where = {"id": "where", "text": "Where?"}
    with pytest.raises(ValidationError, match="its own id"):
        d.ExamplesQuestion(id="e", type="examples", text="Tell us", followups=[where, where])
    with pytest.raises(ValidationError):
        d.ExamplesQuestion(
            id="e", type="examples", text="Tell us", followups=[{"id": f"f{n}", "text": "?"} for n in range(6)]
        )


def test_the_seed_rates_innovations_on_every_criterion_and_solutions_on_two(carework):
    criteria = {k.id for k in carework.criteria}
    rating = [q for r in carework.rounds for q in r.questions if isinstance(q, d.ItemRatingQuestion)]
    assert len(rating) == 4
    for q in rating:
        assert set(q.criteria_by_kind["innovation"]) == criteria
        assert q.criteria == q.criteria_by_kind["solution"] == ["evidence", "major_issue"]  # and ideas of no kind
        assert q.items_per_person == 10


def test_rounds_are_scheduled_one_at_a_time_in_early_2026(carework):
    schedules = [r.schedule for r in carework.rounds]
    for s in schedules:
        assert s.opens and s.closes and s.summary and s.reminders
        assert all(t.tzinfo is None for t in (s.opens, s.closes, s.summary, *s.reminders))
        assert s.opens.year == 2026 and s.summary.month <= 3
    for before, after in itertools.pairwise(schedules):
        assert before.closes < after.opens


def participant_text(c: d.Consultation) -> list[str]:
    """Returns every piece of text a participant reads."""
    texts = [c.title, c.purpose, c.contact, c.thank_you, c.consent.intro]
    texts += [s.text for s in c.consent.statements]
    texts += [g.description for g in c.groups] + [t.description for t in c.themes]
    for k in c.criteria:
        texts += [k.question, *k.scale.labels]
    for rnd in c.rounds:
        texts += [rnd.title, rnd.intro]
        for q in rnd.questions:
            texts += [q.text, q.hint]
            texts += getattr(getattr(q, "scale", None), "labels", [])
            texts += [o.label for o in getattr(q, "options", [])]
    return [t for t in texts if t]


def test_participant_text_is_plain(carework):
    for text in participant_text(carework):
        assert not re.search(r"\b[A-Z]{2,}\b", text), f"acronym in {text!r}"
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert len(sentence.split()) <= 25, f"long sentence: {sentence!r}"


# --- a valid file and every question type ---------------------------------------------------


def test_small_definition_parses_every_question_type(tmp_path):
    c = load_definition(write(tmp_path, SMALL))
    first, second = c.rounds
    examples, rating, choice, text = first.questions
    assert isinstance(examples, d.ExamplesQuestion) and examples.max_examples == 3
    assert isinstance(rating, d.RatingQuestion)
    assert rating.scale.labels == ["Not at all", "A little", "Very"] and not rating.scale.not_sure
    assert isinstance(choice, d.ChoiceQuestion) and not choice.multiple
    assert [(o.id, o.label) for o in choice.options] == [("pay", "Better pay"), ("hours", "Better hours")]
    assert isinstance(text, d.TextQuestion) and text.required is False and text.hint == ""
    (check,) = second.questions
    assert isinstance(check, d.ItemRatingQuestion)
    assert (check.item_set, check.criteria) == ("r2-items", ["evidence"])
    assert c.round("r1").question("change") is choice
    assert c.consent.statements[1].required is False


def test_times_without_an_offset_are_kept_naive(tmp_path):
    c = load_definition(write(tmp_path, SMALL))
    s = c.rounds[0].schedule
    assert (s.opens, s.closes) == (datetime(2026, 1, 12, 9, 0), datetime(2026, 1, 19, 21, 0))
    assert s.opens.tzinfo is None and c.zone.key == "Europe/London"
    assert c.rounds[1].schedule == d.Schedule() and c.rounds[1].minutes == 5


# --- broken copies: (line, old text, new text) -> every (line, path, reason) ----------------

BROKEN = {
    "unknown key": (
        35,
        "    minutes: 5",
        "    minuets: 5",
        [(35, "rounds[0].minuets", "unknown key (check the spelling)")],
    ),
    "misspelt top-level key": (
        2,
        "title: Demo consultation",
        "titel: Demo consultation",
        [(1, "title", "is required"), (2, "titel", "unknown key (check the spelling)")],
    ),
    "duplicate group id": (
        10,
        "  - id: policy",
        "  - id: workforce",
        [
            (10, "groups[1].id", "duplicate id 'workforce'; each id must be used once"),
            (34, "rounds[0].groups[1]", "no group called 'policy'; groups are workforce"),
        ],
    ),
    "duplicate question id": (
        51,
        "      - id: change",
        "      - id: support",
        [(51, "rounds[0].questions[2].id", "duplicate id 'support'; each id must be used once")],
    ),
    "round names an unknown group": (
        34,
        "    groups: [workforce, policy]",
        "    groups: [workforce, carers]",
        [(34, "rounds[0].groups[1]", "no group called 'carers'; groups are policy, workforce")],
    ),
    "round names an unknown theme": (
        65,
        "    theme: wellbeing",
        "    theme: wellness",
        [(65, "rounds[1].theme", "no theme called 'wellness'; themes are wellbeing")],
    ),
    "closes before opens": (
        39,
        "      closes: 2026-01-19 21:00",
        "      closes: 2026-01-10 21:00",
        [(36, "rounds[0].schedule", "closes must be after opens")],
    ),
    "reminder after closing": (
        38,
        "      reminders: [2026-01-15 18:00]",
        "      reminders: [2026-01-25 18:00]",
        [(36, "rounds[0].schedule", "each reminder must fall between opens and closes")],
    ),
    "scale with one label": (
        50,
        "          labels: [Not at all, A little, Very]",
        "          labels: [Not at all]",
        [(50, "rounds[0].questions[1].scale.labels", "must have at least 2 entries")],
    ),
    "unknown question type": (
        60,
        "        type: text",
        "        type: essay",
        [(59, "rounds[0].questions[3]", "type must be one of 'examples', 'text', 'rating', 'choice', 'item_rating'")],
    ),
    "missing round title": (
        32,
        "    title: First round",
        None,
        [(31, "rounds[0].title", "is required")],
    ),
    "missing top-level contact": (
        5,
        "contact: test@example.org",
        None,
        [(1, "contact", "is required")],
    ),
    "unknown criterion": (
        72,
        "        criteria: [evidence]",
        "        criteria: [evidence, cost]",
        [(72, "rounds[1].questions[0].criteria[1]", "no criterion called 'cost'; criteria are evidence")],
    ),
    "id with capitals and a space": (
        42,
        "      - id: new_ways",
        "      - id: New Ways",
        [(42, "rounds[0].questions[0].id", "ids use lower-case letters, digits, - and _ (at most 32 characters)")],
    ),
    "no required consent statement": (
        26,
        "      text: I agree to take part.",
        "      text: I agree to take part.\n      required: false",
        [(22, "consent", "at least one statement must be required")],
    ),
    "unknown timezone": (
        6,
        "timezone: Europe/London",
        "timezone: Europe/Londn",
        [(6, "timezone", "unknown timezone 'Europe/Londn'; use a name such as Europe/London")],
    ),
    "invalid YAML: colon in text": (
        44,
        "        text: Tell us about a new way of working.",
        "        text: Tell us: a new way of working.",
        [(44, "", "not valid YAML: mapping values are not allowed here")],
    ),
    "invalid YAML: tab indent": (
        8,
        "  - id: workforce",
        "\t- id: workforce",
        [(8, "", "not valid YAML: found character '\\t' that cannot start any token")],
    ),
}


@pytest.mark.parametrize(("line", "old", "new", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_copy_reports_line_path_and_reason(tmp_path, line, old, new, expected):
    path = write(tmp_path, edit(SMALL, line, old, new))
    assert found(path) == expected
    with pytest.raises(DefinitionError) as raised:
        load_definition(path)
    assert str(raised.value) == "\n".join(str(p) for p in raised.value.problems)


def test_a_single_choice_whose_button_could_not_carry_its_ids_is_named(tmp_path):
    long_round = "r1-" + "x" * 29  # 32 characters, the most an id may have
    text = edit(SMALL, 31, "  - id: r1", f"  - id: {long_round}")
    text = edit(text, 55, "          - id: pay", "          - id: " + "p" * 25)
    assert found(write(tmp_path, text)) == [
        (
            55,
            "rounds[0].questions[2].options[0].id",
            f"option id {'p' * 25!r} and round id {long_round!r} are 57 characters together; "
            "a button carries both, so keep them to 56",
        )
    ]


def test_problem_reads_file_line_path_reason(tmp_path):
    path = write(tmp_path, edit(SMALL, 35, "    minutes: 5", "    minuets: 5"))
    (problem,) = check_definition(path)
    assert problem == Problem(str(path), 35, "rounds[0].minuets", "unknown key (check the spelling)")
    assert str(problem) == f"{path}:35: rounds[0].minuets: unknown key (check the spelling)"


@pytest.mark.parametrize("text", ["- a list\n- of things\n", "just a sentence\n", "", "# only a comment\n"])
def test_file_that_is_not_a_mapping(tmp_path, text):
    path = write(tmp_path, text)
    (problem,) = check_definition(path)
    assert (problem.line, problem.path) == (1, "")
    assert problem.reason == "the file must be a mapping of keys such as title, groups, rounds"
    assert str(problem) == f"{path}:1: {problem.reason}"


def test_unreadable_files(tmp_path):
    missing = tmp_path / "missing.yaml"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(SMALL.replace("Demo", "Démo").encode("latin-1"))
    for path in (missing, tmp_path, latin):
        (problem,) = check_definition(path)
        assert (problem.file, problem.line, problem.path) == (str(path), 1, "")
        assert problem.reason.startswith("cannot read the file: ")
    assert "No such file" in check_definition(missing)[0].reason
    assert "utf-8" in check_definition(latin)[0].reason


# --- properties over single-line corruptions -------------------------------------------------

KEYED = [(n, line) for n, line in enumerate(SMALL.split("\n"), start=1) if re.match(r"^\s*(- )?\w+:", line)]
INLINE = [(n, line) for n, line in KEYED if not line.endswith(":")]


def enclosing(lines: list[str], line: int) -> set[int]:
    """Returns the line and the lines of every entry that contains it."""

    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    out, limit = {line}, indent(lines[line - 1])
    for n in range(line - 1, 0, -1):
        if indent(lines[n - 1]) < limit:
            out.add(n)
            limit = indent(lines[n - 1])
    return out


def misspell(line: str, suffix: str) -> str:
    return re.sub(r"(\w+):", rf"\1{suffix}:", line, count=1)


def blank_value(line: str, _: str) -> str:
    return re.sub(r":\s.*$", ": ''", line)


def tab_indent(line: str, _: str) -> str:
    return "\t" + line


CORRUPTIONS = st.one_of(
    st.tuples(st.sampled_from(KEYED), st.sampled_from([misspell, tab_indent])),
    st.tuples(st.sampled_from(INLINE), st.just(blank_value)),
)


@settings(max_examples=150, deadline=None)
@given(corruption=CORRUPTIONS, suffix=st.text("abcxyz_", min_size=1, max_size=4))
def test_any_single_line_corruption_is_reported_near_it(tmp_path_factory, corruption, suffix):
    (line, old), corrupt = corruption
    path = write(tmp_path_factory.mktemp("c"), edit(SMALL, line, old, corrupt(old, suffix)))
    problems = check_definition(path)
    assert problems, f"no problem for line {line} -> {corrupt(old, suffix)!r}"
    assert all(1 <= p.line <= SMALL_LINES for p in problems)
    assert any(p.line in enclosing(SMALL.split("\n"), line) for p in problems)


@settings(max_examples=150, deadline=None)
@given(line=st.integers(1, SMALL_LINES), text=st.text(" -:#[]{}'\"&*!|>%@`,?\tab01", max_size=12))
def test_any_line_replacement_is_reported_not_raised(tmp_path_factory, line, text):
    lines = SMALL.split("\n")
    path = write(tmp_path_factory.mktemp("f"), edit(SMALL, line, lines[line - 1], text))
    for p in check_definition(path):
        assert p.file == str(path) and p.reason
        # A syntax error at the very end of the file is reported one line past it; see
        # test_syntax_error_at_end_of_file_is_within_the_file.
        assert 1 <= p.line <= SMALL_LINES + 1


# --- problems found in review, now fixed -------------------------------------------------------


def test_problem_in_a_text_question_names_the_question(tmp_path):
    colour = "        required: false\n        colour: red"
    path = write(tmp_path, edit(SMALL, 62, "        required: false", colour))
    assert found(path) == [(63, "rounds[0].questions[3].colour", "unknown key (check the spelling)")]


def test_times_with_and_without_offsets_are_a_problem_not_a_crash(tmp_path):
    offset = "      opens: 2026-01-12 09:00:00+00:00"
    path = write(tmp_path, edit(SMALL, 37, "      opens: 2026-01-12 09:00", offset))
    assert [(line, where) for line, where, _ in found(path)] == [(36, "rounds[0].schedule")]


def test_duplicate_key_is_a_problem(tmp_path):
    path = write(tmp_path, edit(SMALL, 3, "run_by: Test team", "run_by: Test team\nrun_by: Other team"))
    assert [(line, where) for line, where, _ in found(path)] == [(4, "run_by")]


def test_syntax_error_at_end_of_file_is_within_the_file(tmp_path):
    path = write(tmp_path, edit(SMALL, 72, "        criteria: [evidence]", "        criteria: [evidence"))
    assert [line for line, _, _ in found(path)] == [72]


# --- the README stays honest -----------------------------------------------------------------


def readme_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_full_example_loads_and_question_examples_parse(tmp_path):
    blocks = [yaml.safe_load(block) for block in readme_blocks()]
    full = [b for b in blocks if isinstance(b, dict) and "rounds" in b]
    assert len(full) == 1
    load_definition(write(tmp_path, yaml.safe_dump(full[0])))
    questions = [q for b in blocks if isinstance(b, list) for q in b if "type" in q]
    adapter = TypeAdapter(d.Question)
    assert sorted(adapter.validate_python(q).type for q in questions) == sorted(
        ["examples", "text", "rating", "choice", "item_rating"]
    )


def test_readme_names_every_key():
    text = README.read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [
        d.Consultation,
        d.Group,
        d.Theme,
        d.Criterion,
        d.Scale,
        d.Consent,
        d.ConsentStatement,
        d.Round,
        d.Schedule,
        d.ExamplesQuestion,
        d.Followup,
        d.TextQuestion,
        d.RatingQuestion,
        d.ChoiceQuestion,
        d.Option,
        d.ItemRatingQuestion,
        d.SynthesisRules,
        d.ReportRules,
        d.ListedItem,
    ]
    missing = {f for m in models for f in m.model_fields if f"`{f}`" not in text and f"{f}:" not in text}
    assert not missing


def test_readme_sample_output_is_what_the_checker_says(tmp_path):
    said = set()
    for line, old, new, _ in BROKEN.values():
        path = write(tmp_path, edit(SMALL, line, old, new))
        said |= {str(p).replace(str(path), "demo.yaml") for p in check_definition(path)}
    samples = re.search(
        r"in the form `FILE:LINE: path.to.field: reason`:\n\n```\n(.*?)```",
        README.read_text(encoding="utf-8"),
        flags=re.S,
    )
    assert samples and set(samples.group(1).splitlines()) <= said
