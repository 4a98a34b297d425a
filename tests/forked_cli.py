"""Runs `python -m bot.cli.main ARGS` as its own process, forked from one that imported the CLI once.

A fresh interpreter spends about a second of CPU importing the CLI (typer, openpyxl, the Telegram library,
the whole core) before it does anything; the suite runs the command some two hundred times. Each call is
still a process of its own, with its own environment, folder, standard input, output and exit status, as
`subprocess.run` gives; only the imports are done once, in a fork server. CAREWORK_TEST_CLI=subprocess runs
a fresh interpreter each time instead.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

PRELOAD = ["bot.cli.main"]
_context = None


def run(args: list[str], env: dict, cwd: Path, answer: str | None, timeout: float) -> subprocess.CompletedProcess:
    """Runs the CLI with these arguments as `subprocess.run(..., capture_output=True, text=True)` would."""
    command = [sys.executable, "-m", "bot.cli.main", *args]
    if os.environ.get("CAREWORK_TEST_CLI") == "subprocess" or sys.platform == "win32":
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout, input=answer)
    with tempfile.TemporaryDirectory(prefix="carework-cli-") as folder:
        given, out, err = (Path(folder) / name for name in ("stdin", "stdout", "stderr"))
        given.write_text(answer or "")
        child = _forks().Process(target=_main, args=(args, env, str(cwd), str(given), str(out), str(err)))
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(command, timeout)
        # As text=True reads a pipe: the locale's encoding, universal newlines.
        return subprocess.CompletedProcess(command, child.exitcode, _read(out), _read(err))


def _read(path: Path) -> str:
    with open(path, newline=None) as file:  # the locale's encoding, as subprocess's text mode
        return file.read()


def _forks():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _main(args: list[str], env: dict, cwd: str, given: str, out: str, err: str) -> None:
    """In the forked child: becomes `python -m bot.cli.main ARGS` in cwd with env, then exits with its status."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    random.seed()  # a fresh interpreter's seed, not the fork server's
    written = os.O_WRONLY | os.O_CREAT
    for fd, path, mode in ((0, given, os.O_RDONLY), (1, out, written), (2, err, written)):
        opened = os.open(path, mode, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, closefd=False)  # multiprocessing had put /dev/null there
    sys.argv = [str(Path(cwd) / "bot" / "cli" / "main.py"), *args]
    code = 0
    try:
        from bot.cli.main import main

        main()
    except SystemExit as stop:
        code = _status(stop.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _status(code: object) -> int:
    """The exit status `sys.exit(code)` gives a process: None is 0, a message goes to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
