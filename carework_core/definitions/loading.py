"""Reads a consultation definition file and reports every problem with its file and line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from carework_core.definitions.checks import consensus_problems, item_set_problems, schedule_problems
from carework_core.definitions.info_sheet import sheet_problems
from carework_core.definitions.kind_checks import item_kind_problems, question_criteria_problems
from carework_core.definitions.languages import missing_texts
from carework_core.definitions.model import ChoiceQuestion, Consultation, ItemRatingQuestion
from carework_core.definitions.reading_checks import reading_findings
from carework_core.definitions.report_rules import rank_problems
from carework_core.errors import DefinitionError, Problem

Loc = tuple[str | int, ...]
# A single choice's button carries "p|<round id>|<question number>|<option id>" in Telegram's 64 bytes.
CHOICE_BUTTON_IDS = 56
MAX_VALUES = 100_000  # values once aliases are expanded; surveys/carework.yaml has about 900
TOO_MANY_VALUES = (
    f"the definition expands to more than {MAX_VALUES} values through its aliases (*name); "
    "write it out with fewer aliases"
)


def load_definition(path: str | Path) -> Consultation:
    """Loads and validates a definition; raises DefinitionError listing every problem."""
    consultation, problems = _read(Path(path))
    if problems:
        raise DefinitionError(problems)
    assert consultation is not None
    return consultation


def check_definition(path: str | Path) -> list[Problem]:
    """Returns every problem in a definition file, or an empty list when it is valid."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple[Consultation | None, list[Problem]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [Problem(name, 1, "", f"cannot read the file: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [Problem(name, 1, "", "cannot read the file: it is not utf-8 text (save it as UTF-8)")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if _expanded_size(node, {}) > MAX_VALUES:
            return None, [Problem(name, _first_alias_line(text), "", TOO_MANY_VALUES)]
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [Problem(name, _error_line(exc, text), "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    except RecursionError:
        return None, [Problem(name, 1, "", "nested too deeply to be a consultation definition")]
    if not isinstance(data, dict):
        return None, [Problem(name, 1, "", "the file must be a mapping of keys such as title, groups, rounds")]
    lines = _LineMap(node)
    repeated = list(_repeated_keys(node, ()))
    if repeated:
        why = "written twice; the second would replace the first"
        return None, [Problem(name, line, _dotted(list(loc)), why) for loc, line in repeated]
    try:
        consultation = Consultation.model_validate(data)
    except ValidationError as exc:
        return None, [lines.problem(name, err["loc"], _reason(err)) for err in exc.errors()]
    consultation._folder = path.resolve().parent  # the information sheet sits beside the definition
    found = [*reference_problems(consultation), *sheet_problems(consultation)]
    return consultation, [lines.problem(name, loc, why) for loc, why in found]


def _expanded_size(node: yaml.Node | None, sizes: dict[int, int]) -> int:
    """Counts the values a node stands for once every alias is written out, stopping past MAX_VALUES.

    An alias repeats a node rather than copying it, so a few lines of "billion laughs" stand for
    billions of values; each node is counted once (sizes), so this takes time in the file's size."""
    if node is None or id(node) in sizes:
        return sizes.get(id(node), 0)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    total = 1
    for child in children:
        total = min(total + _expanded_size(child, sizes), MAX_VALUES + 1)
    sizes[id(node)] = total
    return total


def _first_alias_line(text: str) -> int:
    """Returns the line of the first alias (*name), where the expansion starts."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1
    return 1


def _error_line(exc: yaml.YAMLError, text: str) -> int:
    """Returns the line of a YAML syntax error, inside the file even when the file ends early."""
    last = max(1, len(text.splitlines()))
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return 1
    if mark.line + 1 > last and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # where the unclosed bracket or quote began
    return min(mark.line + 1, last)


def _repeated_keys(node: yaml.Node | None, loc: Loc) -> Iterator[tuple[Loc, int]]:
    """Yields where every mapping key written a second time is (YAML would keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                yield (*loc, key.value), key.start_mark.line + 1
            seen.add(key.value)
            yield from _repeated_keys(value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _repeated_keys(item, (*loc, index))


def _reason(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key (check the spelling)"
    if err["type"] == "missing":
        return "is required"
    ctx = err.get("ctx") or {}
    if err["type"] == "too_short":
        return f"must have at least {ctx.get('min_length')} entries"
    if err["type"] == "too_long":
        return f"must have at most {ctx.get('max_length')} entries"
    if err["type"] == "string_pattern_mismatch" and err["loc"][:1] == ("item_sets",) and err["loc"][-1:] == ("id",):
        return "item ids use letters, digits, - and _ (at most 32 characters), e.g. I1"
    if err["type"] == "string_pattern_mismatch":
        return "ids use lower-case letters, digits, - and _ (at most 32 characters)"
    if err["type"] == "string_type" and isinstance(err.get("input"), bool):
        return (
            "YAML reads unquoted yes, no, on, off, true and false as true or false; "
            'put the value in quotes, e.g. id: "yes"'
        )
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return f"type must be one of {ctx.get('expected_tags', 'the question types')}"
    message = str(err["msg"])
    return message.removeprefix("Value error, ")


def reference_problems(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields problems that span several parts of a definition: duplicates and dangling names."""
    for key in ("groups", "themes", "criteria", "rounds"):
        yield from _duplicates(getattr(c, key), (key,))
    yield from _duplicates(c.consent.statements, ("consent", "statements"))
    statements = [s.id for s in c.consent.statements]
    if c.consent.quotes is not None and c.consent.quotes not in statements:
        yield (
            ("consent", "quotes"),
            f"no consent statement called {c.consent.quotes!r}; statements are {', '.join(statements)}",
        )
    groups, themes = {g.id for g in c.groups}, {t.id for t in c.themes}
    for r_index, rnd in enumerate(c.rounds):
        here: Loc = ("rounds", r_index)
        yield from _repeated(rnd.groups, (*here, "groups"))
        rated = [(i, q) for i, q in enumerate(rnd.questions) if isinstance(q, ItemRatingQuestion)]
        for index, question in rated:
            if any(other.item_set == question.item_set for i, other in rated if i < index):
                yield (
                    (*here, "questions", index, "item_set"),
                    f"item set {question.item_set!r} is already rated in this round; the export would give "
                    "both questions the same columns, so rate it once (with all its criteria)",
                )
        if rnd.theme not in themes:
            yield (*here, "theme"), f"no theme called {rnd.theme!r}; themes are {', '.join(sorted(themes))}"
        for g_index, group in enumerate(rnd.groups):
            if group not in groups:
                yield (*here, "groups", g_index), f"no group called {group!r}; groups are {', '.join(sorted(groups))}"
        yield from _duplicates(rnd.questions, (*here, "questions"))
        for q_index, question in enumerate(rnd.questions):
            if isinstance(question, ChoiceQuestion):
                yield from _option_problems(question, (*here, "questions", q_index, "options"))
                yield from _button_problems(rnd.id, question, (*here, "questions", q_index, "options"))
            if isinstance(question, ItemRatingQuestion):
                yield from question_criteria_problems(c, question, (*here, "questions", q_index))
    yield from consensus_problems(c)
    yield from schedule_problems(c)
    yield from item_set_problems(c)
    yield from item_kind_problems(c)
    yield from rank_problems(c.report, [k.id for k in c.criteria])


def _option_problems(question: ChoiceQuestion, where: Loc) -> Iterator[tuple[Loc, str]]:
    """Yields repeated option ids (a tap would store one id twice) and labels (no one could tell them apart)."""
    yield from _duplicates(question.options, where)
    seen: set[str] = set()
    for index, option in enumerate(question.options):
        if option.label in seen:
            yield (
                (*where, index, "label"),
                f"duplicate label {option.label!r}; people could not tell these options apart",
            )
        seen.add(option.label)


def _button_problems(round_id: str, question: ChoiceQuestion, where: Loc) -> Iterator[tuple[Loc, str]]:
    """Yields a single choice's options whose button could not carry their ids: it names the round and the
    option, and Telegram keeps at most 64 bytes of a button's data."""
    if question.multiple:  # its buttons carry a tick per option, not ids
        return
    for index, option in enumerate(question.options):
        if len(round_id) + len(option.id) > CHOICE_BUTTON_IDS:
            yield (
                (*where, index, "id"),
                f"option id {option.id!r} and round id {round_id!r} are {len(round_id) + len(option.id)} "
                f"characters together; a button carries both, so keep them to {CHOICE_BUTTON_IDS}",
            )


def _duplicates(things: list[Any], where: Loc) -> Iterator[tuple[Loc, str]]:
    counts = Counter(t.id for t in things)
    seen: set[str] = set()
    for index, thing in enumerate(things):
        if counts[thing.id] > 1 and thing.id in seen:
            yield (*where, index, "id"), f"duplicate id {thing.id!r}; each id must be used once"
        seen.add(thing.id)


def line_of(path: str | Path, loc: Loc) -> int:
    """Returns the line of a readable definition that a location such as ("groups",) reaches."""
    node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    return _LineMap(node).resolve(loc)[1]


def _repeated(ids: list[str], where: Loc) -> Iterator[tuple[Loc, str]]:
    """Yields each id a list names a second time (a criterion rated twice, a group invited twice)."""
    for index, name in enumerate(ids):
        if name in ids[:index]:
            yield (*where, index), f"duplicate id {name!r}; each id must be used once"


class _LineMap:
    """Maps a validation location such as ('rounds', 2, 'scale') to a YAML line number."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def problem(self, file: str, loc: Loc, reason: str) -> Problem:
        path, line = self.resolve(loc)
        return Problem(file, line, path, reason)

    def resolve(self, loc: Loc) -> tuple[str, int]:
        """Returns the dotted path and the 1-based line of the deepest node the location reaches."""
        node, parts = self.root, []
        line = node.start_mark.line + 1 if node is not None else 1
        for index, key in enumerate(loc):
            if index and isinstance(loc[index - 1], int) and _question_type(node) == key:
                continue  # pydantic's union tag (e.g. "text"), not the question's own key
            if index and loc[index - 1] == "consensus" and _question_type(node, "rule") == key:
                continue  # the consensus rule's union tag (e.g. "median")
            child = _child(node, key)
            if child is None:
                # A union tag or validator name in the location is not part of the file;
                # a final missing key is reported at its parent.
                if index == len(loc) - 1:
                    parts.append(key)
                continue
            key_line, node = child
            line = key_line
            parts.append(key)
        return _dotted(parts), line


def _question_type(node: yaml.Node | None, tag: str = "type") -> str | None:
    if isinstance(node, yaml.MappingNode):
        return next((v.value for k, v in node.value if k.value == tag and isinstance(v, yaml.ScalarNode)), None)
    return None


def _child(node: yaml.Node | None, key: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if k.value == key:
                return k.start_mark.line + 1, v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item.start_mark.line + 1, item
    return None


def _dotted(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def translation_problems(path: str | Path) -> list[Problem]:
    """Returns every text a valid definition lacks in one of its declared languages, with its line."""
    consultation, problems = _read(Path(path))
    if problems or consultation is None:
        return []
    lines = _LineMap(yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader))
    return [lines.problem(str(path), loc, why) for loc, why in missing_texts(consultation)]


def reading_problems(path: str | Path) -> list[Problem]:
    """Returns each participant-facing text of a valid definition over its reading limits, with its line."""
    consultation, problems = _read(Path(path))
    if problems or consultation is None:
        return []
    lines = _LineMap(yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader))
    return [lines.problem(str(path), loc, why) for loc, why in reading_findings(consultation)]
