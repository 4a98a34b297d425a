"""The storage seam holds: SQL lives only in carework_core/storage/, and bot/ never reaches the database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|BEGIN|COMMIT|ROLLBACK|WITH)\b|"
    r"\b(FROM|INTO|WHERE|SET)\s+[a-z_]+\b.*\b(WHERE|VALUES|ORDER BY|GROUP BY|JOIN|=)",
    re.S,
)
DATABASE_NAMES = {"db", "transaction", "reading", "Tx", "Database"}


def strings(path: Path) -> list[tuple[int, str]]:
    """Returns every string constant in a module with its line (docstrings included)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def sql_outside_storage(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        if "storage" in path.relative_to(ROOT).parts:
            continue
        found += [f"{path.relative_to(ROOT)}:{line}" for line, text in strings(path) if SQL.search(text)]
    return found


def database_reach(path: Path) -> list[str]:
    """Returns where a module touches the database connection, a transaction or a Tx."""
    tree = ast.parse(path.read_text(), filename=str(path))
    hits = []
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name in DATABASE_NAMES:
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("carework_core.storage"):
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {node.module}")
    return hits


def test_sql_lives_only_in_storage():
    assert sql_outside_storage(ROOT / "carework_core") == []
    assert sql_outside_storage(ROOT / "bot") == []


def test_the_bot_never_touches_the_database():
    assert [hit for path in sorted((ROOT / "bot").rglob("*.py")) for hit in database_reach(path)] == []


def test_the_checks_notice_what_they_look_for(tmp_path):
    (tmp_path / "bad.py").write_text(
        "async def f(env):\n    async with env.db.transaction() as tx:\n"
        '        await tx.execute("SELECT code FROM participants WHERE id = ?", (1,))\n'
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert sql_outside_storage(tmp_path) == ["bad.py:3"]
        assert [h.split(": ")[1] for h in database_reach(tmp_path / "bad.py")] == ["transaction", "db"]
    finally:
        ROOT = saved
