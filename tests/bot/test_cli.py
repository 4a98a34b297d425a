"""The `carework` command as a coordinator or researcher uses it, through the real CLI process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from tests import forked_cli
from tests.conftest import MINI, ROOT


def carework(
    *args: str, env: dict | None = None, cwd: Path = ROOT, answer: str | None = None
) -> subprocess.CompletedProcess:
    """Runs `python -m bot.cli.main ARGS` as a process of its own, with no CAREWORK_ setting but those in env."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")} | (env or {})
    return forked_cli.run(list(args), full, cwd, answer, timeout=60)


def round_statuses(result: subprocess.CompletedProcess) -> list[str]:
    """Returns each round and its status from `carework round status`, leaving out the indented plan lines."""
    return [word for line in result.stdout.splitlines() if not line.startswith(" ") for word in line.split()]


def test_validate_reports_file_line_and_path(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        MINI.read_text().replace("      - id: size\n        type: rating", "      - id: size\n        type: rateing")
    )
    result = carework("validate", str(broken))
    assert result.returncode == 1
    line = result.stdout.strip().splitlines()[0]
    assert line.startswith(f"{broken}:") and "rounds[0].questions[2]" in line and "type must be one of" in line


def test_run_without_a_token_is_one_clear_line(tmp_path):
    result = carework("run", env={"CAREWORK_DATABASE": str(tmp_path / "x.db")})
    assert result.returncode == 1
    assert result.stderr.strip() == "error: CAREWORK_TELEGRAM_TOKEN is not set"


def test_run_with_an_unreadable_survey_is_one_clear_line(tmp_path):
    result = carework("run", env={"CAREWORK_TELEGRAM_TOKEN": "1:x", "CAREWORK_SURVEY": str(tmp_path / "none.yaml")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"error: {tmp_path / 'none.yaml'}:1: cannot read the file")


def test_invite_round_and_export_commands(tmp_path):
    env = {
        "CAREWORK_DATABASE": str(tmp_path / "c.db"),
        "CAREWORK_SURVEY": str(MINI),
        "CAREWORK_BOT_USERNAME": "carework_test_bot",
    }
    assert carework("init", env=env).returncode == 0
    links = carework("invite", "--group", "lived", "--count", "3", env=env)
    assert links.returncode == 0, links.stderr
    lines = links.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("https://t.me/carework_test_bot?start=") for line in lines)
    assert len(set(lines)) == 3
    wrong = carework("invite", "--group", "nurses", env=env)
    assert wrong.returncode == 1 and "no group called 'nurses'; groups are workforce, lived" in wrong.stderr
    assert carework("round", "open", "r1", env=env).stdout.strip() == "round r1 is now open"
    twice = carework("round", "open", "r1", env=env)
    assert twice.returncode == 1 and "round r1 is open, so it cannot open; from open you can close it" in twice.stderr
    assert round_statuses(carework("round", "status", env=env)) == ["r1", "open", "r2", "draft"]
    out = tmp_path / "export.xlsx"
    exported = carework("export", str(out), env=env)
    assert exported.returncode == 0 and "wrote 0 answers from 0 participants" in exported.stdout
    assert next(load_workbook(out)["Answers"].iter_rows(values_only=True))[0] == "participant"


def test_invite_before_the_bot_ever_ran_says_what_to_do(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    result = carework("invite", "--group", "lived", env=env)
    assert result.returncode == 1 and "start the bot once" in result.stderr


def initialised(tmp_path) -> dict:
    """Returns the settings of a new database made with `carework init`, as a coordinator would."""
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    return env


def test_export_refuses_a_folder_a_missing_folder_and_other_suffixes_in_one_line(tmp_path):
    env = initialised(tmp_path)
    wrong = {
        tmp_path: "is a folder",
        tmp_path / "nowhere" / "a.xlsx": "does not exist",
        tmp_path / "answers.csv": "only .xlsx",
    }
    for path, words in wrong.items():
        result = carework("export", str(path), env=env)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("error: ") and str(path) in result.stderr and words in result.stderr
    assert not (tmp_path / "answers.csv").exists()


def test_export_is_readable_by_its_owner_only(tmp_path):
    env = initialised(tmp_path)
    out = tmp_path / "answers.xlsx"
    out.write_bytes(b"an older export")
    out.chmod(0o644)
    result = carework("export", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert next(load_workbook(out)["Answers"].iter_rows(values_only=True))[0] == "participant"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("answers")] == ["answers.xlsx"]


def test_export_writes_csv_files_in_a_zip_for_one_round_and_a_date(tmp_path):
    import zipfile

    env = initialised(tmp_path)
    out = tmp_path / "answers.zip"
    result = carework("export", str(out), "--format", "csv", "--round", "r1", "--since", "2026-01-01", env=env)
    assert result.returncode == 0, result.stderr
    assert "wrote 0 answers from 0 participants" in result.stdout and out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        assert {"about.csv", "answers.csv", "codebook.csv", "participants.csv"} <= set(archive.namelist())
        about = archive.read("about.csv").decode("utf-8-sig")
    assert "filter_round,r1" in about and "filter_since,2026-01-01" in about and str(MINI) in about
    wrong = carework("export", str(tmp_path / "a.xlsx"), "--round", "r9", env=env)
    assert wrong.returncode == 1 and "there is no round 'r9' to export; rounds are r1, r2" in wrong.stderr
    zipped = carework("export", str(tmp_path / "a.zip"), env=env)
    assert zipped.returncode == 1 and "give a name ending in .xlsx (or --format csv" in zipped.stderr


def test_opening_an_item_rating_round_without_items_is_refused_in_one_line(tmp_path):
    env = initialised(tmp_path)
    result = carework("round", "open", "r2", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: round r2 cannot open: question rate rates the item set 'ideas'")
    assert round_statuses(carework("round", "status", env=env)) == ["r1", "draft", "r2", "draft"]


def opened_r1(tmp_path) -> dict:
    env = initialised(tmp_path)
    assert carework("round", "open", "r1", env=env).returncode == 0
    return env


def test_validate_with_the_database_names_a_reversed_scale_of_an_opened_round(tmp_path):
    env = opened_r1(tmp_path)
    reversed_ = tmp_path / "reversed.yaml"
    reversed_.write_text(MINI.read_text().replace("[Small, Medium, Big]", "[Big, Medium, Small]"))
    result = carework("validate", str(reversed_), "--database", env["CAREWORK_DATABASE"])
    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"{reversed_}: round r1, question size: scale labels changed from [Small, Medium, Big] to "
        "[Big, Medium, Small]; a round that has opened cannot change its scales (fix the wording only)"
    ]
    assert carework("validate", str(reversed_)).returncode == 0  # without the database it is a fine new definition
    reworded = tmp_path / "reworded.yaml"
    reworded.write_text(
        MINI.read_text()
        .replace("[Small, Medium, Big]", "[Small, Medium, Large]")
        .replace("How big a problem is staff wellbeing?", "How big a problem is wellbeing at work?")
    )
    fine = carework("validate", str(reworded), "--database", env["CAREWORK_DATABASE"])
    assert fine.returncode == 0 and fine.stdout.startswith(f"{reworded}: ok")


def test_validate_with_a_missing_database_is_one_clear_line(tmp_path):
    result = carework("validate", str(MINI), "--database", str(tmp_path / "typo.db"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"error: there is no database at {tmp_path / 'typo.db'}; check CAREWORK_DATABASE, "
        "or create one with `carework init`"
    )
    assert not (tmp_path / "typo.db").exists()


def test_run_refuses_a_definition_that_changes_an_opened_round(tmp_path):
    env = opened_r1(tmp_path)
    retyped = tmp_path / "retyped.yaml"
    retyped.write_text(
        MINI.read_text()
        .replace("type: rating\n", "type: text\n")
        .replace("        scale:\n          labels: [Small, Medium, Big]\n          not_sure: true\n", "")
    )
    # Nothing listens on this address: the refusal must come before any Bot API call.
    result = carework(
        "run",
        env=env
        | {
            "CAREWORK_SURVEY": str(retyped),
            "CAREWORK_TELEGRAM_TOKEN": "1:x",
            "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9",
        },
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: round r1, question size: type changed from rating to text; "
        "a round that has opened cannot change a question's type"
    )


def test_backup_copies_the_live_database_with_what_is_still_in_its_wal_privately_and_once(tmp_path):
    import sqlite3

    db = tmp_path / "c.db"
    env = {"CAREWORK_DATABASE": str(db), "CAREWORK_SURVEY": str(MINI), "CAREWORK_BOT_USERNAME": "carework_test_bot"}
    assert carework("init", env=env).returncode == 0
    assert carework("invite", "--group", "lived", "--count", "2", env=env).returncode == 0
    running = sqlite3.connect(db, isolation_level=None)  # as the bot would: writing, its WAL not yet checkpointed
    running.execute("PRAGMA wal_autocheckpoint = 0")
    running.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ('x', 'test', 'marker', 'in-wal', '{}')"
    )
    try:
        assert b"in-wal" not in db.read_bytes()  # copying the file alone would lose this row
        result = carework("backup", str(tmp_path / "safe.db"), env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"backed up {db} to {tmp_path / 'safe.db'}: schema version ")
        assert "integrity ok" in result.stdout
        copy = sqlite3.connect(tmp_path / "safe.db")
        assert copy.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'marker'").fetchone() == (1,)
        assert copy.execute("SELECT COUNT(*) FROM invites").fetchone() == (2,)
        copy.close()
        assert (tmp_path / "safe.db").stat().st_mode & 0o777 == 0o600
        assert not (tmp_path / "safe.db.key").exists()  # the invite key is kept apart from the data
        again = carework("backup", str(tmp_path / "safe.db"), env=env)
        assert again.returncode == 1
        assert again.stderr.strip() == f"error: {tmp_path / 'safe.db'} already exists; a backup never overwrites a file"
        nowhere = carework("backup", str(tmp_path / "none" / "x.db"), env=env)
        assert nowhere.stderr.strip() == f"error: cannot back up to {tmp_path / 'none' / 'x.db'}: no such folder"
        assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
    finally:
        running.close()
