"""What a clumsy operator meets: a rejected token, a wrong database path, odd answer files."""

from __future__ import annotations

import asyncio
import os
import sys

from botapi_emulator import Emulator
from rehearsal.bank import TextSource
from tests.bot.test_cli import carework, round_statuses
from tests.conftest import MINI, ROOT

REJECTED = "123456:rejected.by.the.server"  # the dot makes the emulator answer 401, as Telegram does


async def test_a_rejected_token_is_one_line_without_the_token(tmp_path):
    async with Emulator().running() as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")} | {
            "CAREWORK_TELEGRAM_TOKEN": REJECTED,
            "CAREWORK_TELEGRAM_API_URL": emulator.url,
            "CAREWORK_DATABASE": str(tmp_path / "c.db"),
            "CAREWORK_SURVEY": str(MINI),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli.main",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    said = (stdout + stderr).decode()
    assert process.returncode == 1
    assert "rejected.by.the.server" not in said and "Traceback" not in said
    lines = stderr.decode().strip().splitlines()
    assert lines == [
        f"error: the Bot API at {emulator.url} refused CAREWORK_TELEGRAM_TOKEN (Unauthorized); "
        "check the token BotFather gave you"
    ]


def test_unreachable_bot_api_is_one_line(tmp_path):
    env = {
        "CAREWORK_TELEGRAM_TOKEN": "1:x",
        "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9",
        "CAREWORK_DATABASE": str(tmp_path / "c.db"),
        "CAREWORK_SURVEY": str(MINI),
        "CAREWORK_CONNECT_ATTEMPTS": "1",
    }
    result = carework("run", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: cannot reach the Bot API at http://127.0.0.1:9")


def test_a_file_that_is_not_a_database_is_one_line_and_ends(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("shopping list: milk, eggs\n")
    for command in (["round", "status"], ["export", str(tmp_path / "out.xlsx")], ["invite", "--group", "lived"]):
        result = carework(
            *command, env={"CAREWORK_DATABASE": str(bogus), "CAREWORK_SURVEY": str(MINI), "CAREWORK_BOT_USERNAME": "b"}
        )
        assert result.returncode == 1, command
        assert result.stderr.strip() == (
            f"error: {bogus} is not a carework database (SQLite says: file is not a database); check CAREWORK_DATABASE"
        )
    assert bogus.read_text() == "shopping list: milk, eggs\n"


def test_a_mistyped_database_path_is_not_created(tmp_path):
    typo = tmp_path / "carewrok.db"
    for command in (["round", "status"], ["round", "open", "r1"], ["export", str(tmp_path / "out.xlsx")]):
        result = carework(*command, env={"CAREWORK_DATABASE": str(typo), "CAREWORK_SURVEY": str(MINI)})
        assert result.returncode == 1, command
        assert result.stderr.strip() == (
            f"error: there is no database at {typo}; check CAREWORK_DATABASE, or create one with `carework init`"
        )
    assert not typo.exists() and not (tmp_path / "out.xlsx").exists()


def test_init_creates_the_database_once(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    first = carework("init", env=env)
    assert first.returncode == 0 and first.stdout.strip() == f"created {tmp_path / 'c.db'}"
    assert round_statuses(carework("round", "status", env=env)) == ["r1", "draft", "r2", "draft"]
    again = carework("init", env=env)
    assert again.returncode == 0 and again.stdout.strip() == f"{tmp_path / 'c.db'} already exists; nothing changed"
    folder = carework("init", env={**env, "CAREWORK_DATABASE": str(tmp_path / "no" / "such" / "c.db")})
    assert folder.returncode == 1 and folder.stderr.strip() == (
        f"error: cannot create a database at {tmp_path / 'no' / 'such' / 'c.db'}: the folder does not exist"
    )


def test_answers_file_lines_end_only_at_line_breaks(tmp_path):
    answers = tmp_path / "answers.txt"
    odd = "Rota\x0bswaps", "Peer\x0csupport", "Walk\u2028and talk", "Tea\u2029breaks", "Night\x1cshift", "Old\x85style"
    answers.write_bytes(("\n".join(odd[:3]) + "\r\n" + "\r\n".join(odd[3:]) + "\n\n").encode())
    source = TextSource.from_file(None, answers)
    assert [source.answer("any") for _ in odd] == list(odd)


def test_rehearse_and_demo_allow_ten_thousand_participants_and_no_more(tmp_path):
    missing = tmp_path / "none.yaml"  # fails after the options are accepted, before anything runs
    ok = carework("rehearse", str(missing), "--participants", "10000", "--out", str(tmp_path / "out"))
    assert ok.returncode == 1 and "cannot read the file" in ok.stderr
    too_many = carework("rehearse", str(missing), "--participants", "10001", "--out", str(tmp_path / "out"))
    assert too_many.returncode == 2 and "10000" in too_many.stderr
    demo = carework("demo", "--participants", "10000", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert demo.returncode == 1 and "surveys/carework.yaml:1: cannot read the file" in demo.stderr
    assert carework("demo", "--participants", "10001", cwd=tmp_path).returncode == 2


async def test_sigterm_while_the_bot_api_is_still_unreachable_stops_at_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")} | {
        "CAREWORK_TELEGRAM_TOKEN": "1:x",
        "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens: connect() keeps retrying
        "CAREWORK_DATABASE": str(tmp_path / "c.db"),
        "CAREWORK_SURVEY": str(MINI),
        "CAREWORK_CONNECT_ATTEMPTS": "10",  # about a minute of retries
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "run", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    while not (tmp_path / "c.db").exists():  # the database is opened before connecting
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    process.terminate()
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 5)
    except TimeoutError:
        process.kill()
        raise AssertionError("carework run ignored SIGTERM while connecting") from None
    assert process.returncode == 0 and "Traceback" not in stderr.decode()
