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
# Names also used for something else: they count only when called (`db.reading()`); a definition's `reading:` limits
# and the rehearsal's reading figures are not the database.
CALLED_NAMES = {"reading"}


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
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name in DATABASE_NAMES and (name not in CALLED_NAMES or id(node) in called):
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
        "    async with env.reading() as tx:\n        return c.reading\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert sql_outside_storage(tmp_path) == ["bad.py:3"]
        assert sorted(h.split(": ")[1] for h in database_reach(tmp_path / "bad.py")) == ["db", "reading", "transaction"]
    finally:
        ROOT = saved


SHELL = ("bot", "rehearsal", "bench")
# Core modules that only decide: they never reach storage or the environment, even through another module.
PURE = (
    "carework_core/definitions",
    "carework_core/answering/steps.py",
    "carework_core/answering/vocabulary.py",
    "carework_core/rounds/lifecycle.py",
    "carework_core/rounds/schedule.py",
    "carework_core/results/summary.py",
    "carework_core/results/scrub.py",
    "carework_core/messaging/messages.py",
    "carework_core/people/model.py",
)
NOT_PURE = ("carework_core.storage", "carework_core.env", "carework_core.bootstrap")


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def file_of(module: str) -> Path | None:
    """Returns a module's file (a package's __init__.py), or None when the name is not a module of ours."""
    base = ROOT / module.replace(".", "/")
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.exists()), None)


def core_imports(path: Path) -> set[str]:
    """Returns the carework_core modules a file imports (a package's name when it imports one of its modules)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("carework_core"):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("carework_core")}
    return {name for name in found if file_of(name) is not None}


def reaches(start: str, forbidden: tuple[str, ...]) -> list[str]:
    """Returns a chain of imports from `start` to a forbidden module, or [] when there is none."""
    seen, paths = {start}, [[start]]
    while paths:
        chain = paths.pop()
        for name in core_imports(file_of(chain[-1])):
            if name.startswith(forbidden):
                return [*chain, name]
            if name not in seen:
                seen.add(name)
                paths.append([*chain, name])
    return []


def service_classes() -> set[str]:
    """Returns the names of the classes bootstrap.py builds the services from."""
    tree = ast.parse((ROOT / "carework_core" / "bootstrap.py").read_text())
    services = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Services")
    return {
        n.annotation.id
        for n in services.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.annotation, ast.Name) and n.annotation.id != "Env"
    }


def past_the_seam(path: Path, services: set[str]) -> list[str]:
    """Returns where a shell module goes round the services: the environment, the database, storage, or a
    service it builds itself instead of taking the one bootstrap.py built."""
    hits, tree = database_reach(path), ast.parse(path.read_text(), filename=str(path))
    ours = {  # names this module takes from the core (rich's Progress is not our Progress)
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("carework_core")
        for a in n.names
    }
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute) and node.attr == "env":
            hits.append(f"{where}: .env")
        if isinstance(node, ast.ImportFrom) and node.module in ("carework_core.env",):
            hits.append(f"{where}: imports {node.module}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in services & ours:
            hits.append(f"{where}: builds {node.func.id}")
    return hits


def test_the_shell_reaches_the_core_only_through_the_services_bootstrap_built():
    services = service_classes()
    assert {"Answering", "Outbox", "Summaries", "Exports", "VoiceNotes"} <= services
    hits = [
        h for folder in SHELL for path in sorted((ROOT / folder).rglob("*.py")) for h in past_the_seam(path, services)
    ]
    assert hits == []


def test_services_are_built_only_in_bootstrap():
    services = service_classes()
    # The export reads on a connection of its own in a worker thread, so it builds its own Results there.
    allowed = {"carework_core/research/workbook_sources.py: Results"}
    built = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}"
        for path in sorted((ROOT / "carework_core").rglob("*.py"))
        if path.name != "bootstrap.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in services
    ]
    assert [b for b in built if b.split(":")[0] + ":" + b.split(":")[2] not in allowed] == []


def test_pure_modules_never_reach_storage_and_storage_never_imports_a_service():
    pure = [p for name in PURE for p in ([ROOT / name] if name.endswith(".py") else (ROOT / name).rglob("*.py"))]
    assert len(pure) > 10
    assert {module_of(p): reaches(module_of(p), NOT_PURE) for p in pure if reaches(module_of(p), NOT_PURE)} == {}
    service_modules = {
        module_of(p)
        for p in (ROOT / "carework_core").rglob("*.py")
        if "storage" not in p.parts and any(n.startswith("carework_core.storage") for n in core_imports(p))
    }
    storage = sorted((ROOT / "carework_core" / "storage").rglob("*.py"))
    assert {str(p.relative_to(ROOT)): sorted(core_imports(p) & service_modules) for p in storage} == {
        str(p.relative_to(ROOT)): [] for p in storage
    }


def test_the_seam_checks_notice_a_planted_violation(tmp_path):
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        (tmp_path / "carework_core" / "storage").mkdir(parents=True)
        (tmp_path / "carework_core" / "pure.py").write_text("from carework_core.middle import x\n")
        (tmp_path / "carework_core" / "middle.py").write_text("from carework_core.storage.db import Tx\n")
        (tmp_path / "carework_core" / "storage" / "db.py").write_text("Tx = 1\n")
        assert reaches("carework_core.pure", NOT_PURE) == [
            "carework_core.pure",
            "carework_core.middle",
            "carework_core.storage.db",
        ]
        (tmp_path / "handler.py").write_text(
            "from carework_core.messaging.outbox import Outbox\n\n"
            "async def h(context):\n    zone = context.services.env.consultation.zone\n"
            "    outbox = Outbox(context.services.env)\n"
        )
        found = [h.split(": ")[1] for h in past_the_seam(tmp_path / "handler.py", {"Outbox"})]
        assert sorted(found) == [".env", ".env", "builds Outbox"]
    finally:
        ROOT = saved


def our_imports(path: Path) -> set[str]:
    """Returns the modules of carework_core and bot a file imports, type-only imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("carework_core", "bot"):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in ("carework_core", "bot")}
    return {name for name in found if file_of(name) is not None and not file_of(name).name == "__init__.py"}


def circles(modules: list[str]) -> list[list[str]]:
    """Returns the import circles among modules (each as the chain that closes it), depth first."""
    graph = {m: sorted(our_imports(file_of(m))) for m in modules}
    found, state = [], {}

    def visit(module: str, chain: list[str]) -> None:
        state[module] = "open"
        for name in graph.get(module, []):
            if state.get(name) == "open":
                found.append([*chain[chain.index(name) :], name])
            elif name not in state:
                visit(name, [*chain, name])
        state[module] = "done"

    for module in modules:
        if module not in state:
            visit(module, [module])
    return found


def test_no_import_circles():
    modules = [module_of(p) for folder in ("carework_core", "bot") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert circles([m for m in modules if not m.endswith("__init__")]) == []


def test_the_circle_check_notices_one(tmp_path):
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        (tmp_path / "bot").mkdir()
        (tmp_path / "bot" / "a.py").write_text("from bot.b import x\n")
        (tmp_path / "bot" / "b.py").write_text(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.a import y\n"
        )
        assert circles(["bot.a", "bot.b"]) == [["bot.a", "bot.b", "bot.a"]]
    finally:
        ROOT = saved
