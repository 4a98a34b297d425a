"""README's "Try the bot by hand" run as written, on today's date: the emulator, the bot and the CLI
as real processes on loopback, each curl made as the same HTTP call, so the README cannot drift."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SECTION = "## Try the bot by hand"
README_PORT = "8081"
WAIT_SECONDS = 60


def walkthrough() -> list[str]:
    """Returns the lines of the section's shell block, comment lines included."""
    section = (ROOT / "README.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    return section.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Walk:
    """One person following the walk-through in three terminals."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")}
        self.env["CAREWORK_LISTEN"] = "127.0.0.1:0"  # the README's default port may be taken on a shared machine
        self.background: list[subprocess.Popen] = []
        self.token = ""
        self.user = ""  # Ann's user id as the emulator gave it

    def follow(self, line: str) -> None:
        words = shlex.split(line.replace(README_PORT, str(self.port)), comments=True)
        if not words:
            return
        comment = re.search(r"\s#\s+(\{.*\})\s*$", line)  # what the README says the command prints
        if words[0] == "export":
            self.env |= dict(word.split("=", 1) for word in words[1:])
        elif words[0] == ".venv/bin/carework":
            self.carework(words[1:])
        elif words[0] == "curl":
            answer = self.curl(words[1:])
            if comment:
                assert answer == json.loads(comment.group(1)), line
        else:
            raise AssertionError(f"the walk-through has a step this test does not know: {line}")

    def carework(self, args: list[str]) -> None:
        command = [sys.executable, "-m", "bot.cli.main", *args]
        if args[0] in ("emulator", "run"):  # a terminal of its own, running until the end
            with (self.folder / f"{args[0]}.log").open("w") as terminal:
                self.background.append(
                    subprocess.Popen(command, cwd=self.folder, env=self.env, stdout=terminal, stderr=terminal)
                )
            self.wait_until(self.emulator_up if args[0] == "emulator" else self.bot_started)
            return
        done = subprocess.run(command, cwd=self.folder, env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"carework {' '.join(args)}: {done.stderr}"
        if args[0] == "invite":
            self.token = done.stdout.strip().split("?start=")[1]
        if args[:2] == ["round", "open"]:  # "the running bot sends invitations within 10 s"
            self.wait_until(lambda: any("Finding and keeping care staff" in m["text"] for m in self.chat()))

    def curl(self, args: list[str]) -> object:
        url = next(a for a in args if "localhost:" in a).replace("localhost", "http://127.0.0.1")
        data = args[args.index("-d") + 1].replace("TOKEN", self.token) if "-d" in args else None
        url = url.replace("/10001/", f"/{self.user or 10001}/")
        tap = json.loads(data) if data and "/taps" in url else None
        if tap:  # a person taps once they see the button
            self.wait_until(lambda: self.shows(tap["message_id"], tap["button"]))
        request = urllib.request.Request(url, data.encode() if data else None, method="POST" if data else "GET")
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if url.endswith("/emulator/users"):
            self.user = str(answer["user_id"])
        if tap:  # and sees the bot take it: the next question comes
            self.wait_until(lambda: self.chat()[-1]["message_id"] > tap["message_id"])
        return answer

    def chat(self) -> list[dict]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/emulator/users/{self.user}/chat") as response:
            return json.loads(response.read())

    def shows(self, message_id: int, button: str) -> bool:
        return any(m["message_id"] == message_id and button in sum(m["buttons"], []) for m in self.chat())

    def answer_the_optional_consent_questions(self) -> None:
        """Taps "Yes" on each optional consent question, as the README's comment says."""
        while "Yes" in sum((last := self.chat()[-1])["buttons"], []):
            tap = json.dumps({"message_id": last["message_id"], "button": "Yes"})
            self.curl(["-XPOST", f"localhost:{self.port}/emulator/users/{self.user}/taps", "-d", tap])

    def emulator_up(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def bot_started(self) -> bool:
        """Terminal 2 says "bot started": it knows its username, so `carework invite` can make links."""
        return "bot started" in (self.folder / "run.log").read_text()

    def wait_until(self, ready) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not ready():
            for process in self.background:
                assert process.poll() is None, f"{process.args[3]} stopped: see {self.folder}/{process.args[3]}.log"
            assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s; Ann sees {self.seen()}"
            time.sleep(0.2)

    def seen(self) -> list[tuple[int, str, list]]:
        """Ann's chat in short, for a failure message."""
        return [(m["message_id"], m["text"][-40:], m["buttons"]) for m in self.chat()] if self.user else []

    def stop(self) -> None:
        for process in reversed(self.background):
            process.terminate()
            process.wait(timeout=30)


def test_the_readme_walkthrough_works_today(tmp_path):
    (tmp_path / "surveys").symlink_to(ROOT / "surveys")
    walk = Walk(tmp_path, free_port())
    try:
        for line in walkthrough():
            if line.startswith("# ... answer the optional consent questions"):
                walk.answer_the_optional_consent_questions()
            walk.follow(line)
    finally:
        walk.stop()
    assert (tmp_path / "answers.xlsx").stat().st_size > 0
