"""Which messages the code asks the catalogue for, and which of them a language lacks.

The code is the source of the catalogue: every `w("...")`, `w.plural("...", "...", n)`,
`context.words("...")` and `N_("...")` with a literal English text is a message. A test checks
each shipped .po has them all, and `carework validate` names what a declared language lacks.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

from bot.text.catalogue import catalogue_file
from carework_core.definitions.loading import load_definition

BOT_DIR = Path(__file__).parent.parent  # every module of the bot, not only the texts
Message = str | tuple[str, str]  # a plain message, or a plural's (singular, plural)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def is_catalogue(node: ast.expr) -> bool:
    """`w` or `<anything>.words`: the names a catalogue goes by in render functions and handlers."""
    return (isinstance(node, ast.Name) and node.id == "w") or (isinstance(node, ast.Attribute) and node.attr == "words")


def _message(call: ast.Call) -> Message | None:
    func, args = call.func, call.args
    texts = [_literal(a) for a in args[:2]]
    if isinstance(func, ast.Attribute) and func.attr == "plural" and is_catalogue(func.value):
        return (texts[0], texts[1]) if len(texts) == 2 and None not in texts else None  # type: ignore[return-value]
    if is_catalogue(func) or (isinstance(func, ast.Name) and func.id == "N_"):
        return texts[0] if texts else None
    return None


def messages_in(source: str) -> set[Message]:
    """Returns the catalogue messages written in one module's source."""
    found = {_message(node) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)}
    return {m for m in found if m}


def messages_in_code(root: Path = BOT_DIR) -> set[Message]:
    """Returns every catalogue message written anywhere in the bot's code."""
    out: set[Message] = set()
    for path in sorted(root.rglob("*.py")):
        out |= messages_in(path.read_text(encoding="utf-8"))
    return out


def untranslated(lang: str, messages: set[Message] | None = None) -> list[Message] | None:
    """Returns the messages a language's catalogue lacks (sorted), or None when it has no catalogue."""
    if lang == "en":
        return []  # the code's own language
    path = catalogue_file(lang)
    if not path.exists():
        return None
    with path.open("rb") as po:
        catalog = read_po(po)
    have: set[Message] = set()
    for m in catalog:
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.id, tuple) else m.string):
            have.add(tuple(m.id) if isinstance(m.id, tuple) else m.id)  # type: ignore[arg-type]
    wanted = messages_in_code() if messages is None else messages
    return sorted(wanted - have, key=str)


def catalogue_problems(file: Path) -> list[str]:
    """Returns, for a definition's declared languages, each one with no catalogue and each message one lacks."""
    problems = []
    for lang in load_definition(file).languages:
        lacking = untranslated(lang)
        if lacking is None:
            problems.append(f"{file}: languages: {lang} has no message catalogue (bot/locale/{lang}.po)")
            continue
        for message in lacking:
            shown = message[0] if isinstance(message, tuple) else message
            problems.append(f"{file}: languages: the catalogue has no {lang} for {_short(shown)!r}")
    return problems


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
