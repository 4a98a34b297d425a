"""The trace file: one JSON line per bot request and control call, with the token redacted."""

from __future__ import annotations

import json

import aiohttp

from botapi_emulator import Emulator, EmulatorClient

TOKEN = "123456:TEST-token-not-real"


def read_trace(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_every_request_and_control_call_is_one_line(tmp_path):
    trace = tmp_path / "trace.jsonl"
    async with Emulator(trace_path=trace).running() as emu, aiohttp.ClientSession() as session:
        async with EmulatorClient(emu.url) as people:
            ann = await people.new_user("Ann")
            await ann.send("/start")
        base = f"{emu.url}/bot{TOKEN}"
        await session.post(f"{base}/getUpdates", json={"timeout": 0})
        await session.post(f"{base}/sendMessage", json={"chat_id": ann.user_id, "text": "hi"})
        await session.post(f"{base}/sendMessage", json={"chat_id": 1, "text": "hi"})
    lines = read_trace(trace)
    assert [line.get("control") or line["method"] for line in lines] == [
        "/emulator/users",
        f"/emulator/users/{ann.user_id}/messages",
        "getUpdates",
        "sendMessage",
        "sendMessage",
    ]
    assert all("t" in line for line in lines)
    assert lines[1]["body"] == {"text": "/start"}
    sent = lines[3]
    assert sent["params"] == {"chat_id": ann.user_id, "text": "hi"} and sent["status"] == 200
    assert sent["response"]["result"]["text"] == "hi"
    assert lines[4]["status"] == 400 and lines[4]["response"]["description"] == "Bad Request: chat not found"


async def test_the_token_never_reaches_the_trace(tmp_path):
    trace = tmp_path / "trace.jsonl"
    async with Emulator(trace_path=trace).running() as emu, aiohttp.ClientSession() as session:
        async with EmulatorClient(emu.url) as people:
            ann = await people.new_user("Ann")
            await ann.send("/start")
        base = f"{emu.url}/bot{TOKEN}"
        # A careless bot echoes its own token into a message and a file name.
        await session.post(f"{base}/sendMessage", json={"chat_id": ann.user_id, "text": f"token {TOKEN}"})
        form = aiohttp.FormData({"chat_id": str(ann.user_id)})
        form.add_field("document", b"x", filename="TEST-token-not-real.txt")
        await session.post(f"{base}/sendDocument", data=form)
        async with session.post(f"{base}/getFile", json={"file_id": "nope"}):
            pass
        await session.get(f"{emu.url}/file/bot{TOKEN}/documents/file_1.txt")
    text = trace.read_text()
    assert "TEST-token-not-real" not in text
    assert "<redacted>" in text
    assert [line.get("method") for line in read_trace(trace)][-1] == "downloadFile"


async def test_uploads_are_summarised_not_dumped(tmp_path):
    trace = tmp_path / "trace.jsonl"
    async with Emulator(trace_path=trace).running() as emu, aiohttp.ClientSession() as session:
        async with EmulatorClient(emu.url) as people:
            ann = await people.new_user("Ann")
            await ann.send("/start")
        form = aiohttp.FormData({"chat_id": str(ann.user_id)})
        form.add_field("document", bytes(5000), filename="big.bin")
        await session.post(f"{emu.url}/bot{TOKEN}/sendDocument", data=form)
    upload = read_trace(trace)[-1]["params"]["document"]
    assert upload == {"upload": "big.bin", "bytes": 5000}


async def test_without_a_trace_path_nothing_is_written(tmp_path):
    async with Emulator().running() as emu, aiohttp.ClientSession() as session:
        await session.post(f"{emu.url}/bot{TOKEN}/getMe")
    assert list(tmp_path.iterdir()) == []
