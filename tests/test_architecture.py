"""The core stays free of I/O frameworks, modules stay small, and the docs stay honest."""

import ast
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"telegram", "apscheduler", "typer", "click", "rich", "aiohttp", "httpx"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_io_framework():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN)
        for path in (ROOT / "carework_core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_guard_notices_a_forbidden_import(tmp_path):
    leaky = tmp_path / "leaky.py"
    leaky.write_text("import os\nfrom telegram.ext import Application\n")
    assert imported_roots(leaky) & FORBIDDEN == {"telegram"}


def test_modules_stay_small():
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for folder in ("bot", "carework_core", "botapi_emulator", "rehearsal")
        for p in (ROOT / folder).rglob("*.py")
    }
    assert {k: n for k, n in sizes.items() if n > 400} == {}


def test_readme_documents_every_command_and_setting():
    readme = (ROOT / "README.md").read_text()
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    commands += [g.name for g in app.registered_groups]
    assert "init" in commands and "run" in commands
    for command in commands:
        assert f"`carework {command}" in readme, command
    for name in Settings.model_fields:
        assert f"`CAREWORK_{name.upper()}`" in readme, name
    assert "make test" in readme and "make demo" in readme


def test_cli_help_lists_the_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "emulator", "invite", "round", "export", "rehearse", "demo"):
        assert command in result.output


def test_shipped_survey_validates_through_the_cli():
    result = CliRunner().invoke(app, ["validate", str(ROOT / "surveys" / "carework.yaml")])
    assert result.exit_code == 0, result.output
    assert "ok (" in result.output
