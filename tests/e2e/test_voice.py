"""Voice notes: spoken wherever typing is asked for, kept once, fetched for transcription, shown in the export."""

from __future__ import annotations

import asyncio
import stat

import pytest
from openpyxl import load_workbook

from carework_core.research.export import export_workbook
from tests.bot.test_cli import carework
from tests.conftest import MINI
from tests.e2e.conftest import TOKEN, held_on_disk
from tests.e2e.test_carry_forward import CARRY, round_b_begins
from tests.e2e.test_withdraw import all_processed, vacuumed_bytes, withdrawn
from tests.e2e.test_withdraw import anonymising as anonymising  # the fixture, shared

SAVED = "Saved your voice note. Thank you."


async def in_round_1(stack, name: str = "Ann"):
    """Returns a person looking at round 1's first question (examples); round 1 opens if it has not."""
    person = await stack.joined(name)
    if (await stack.services.rounds.statuses()).get("r1") != "open":
        await stack.open_round("r1")
    await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await person.tap("Start")
    await person.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    return person


async def spoke_an_example_and_an_answer(stack, name: str = "Ann", seconds: tuple[int, int] = (12, 5)):
    """A person says an example (seconds[0]), moves on, and says their answer to "Anything else?" (seconds[1])."""
    person = await in_round_1(stack, name)
    await person.send_voice(seconds[0])
    await person.wait_for(lambda c: c[-1].text == SAVED)
    await person.tap("Next question")
    await person.wait_for(lambda c: c[-1].text.startswith("Question 2 of 4"))
    await person.send_voice(seconds[1])
    await person.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"))
    return person


def cli_settings(stack) -> dict:
    """Returns the environment `carework voice-notes` runs with: the stack's database and its emulator."""
    return {
        "CAREWORK_DATABASE": str(stack.folder / "carework.db"),
        "CAREWORK_SURVEY": str(MINI),
        "CAREWORK_TELEGRAM_TOKEN": TOKEN,
        "CAREWORK_TELEGRAM_API_URL": stack.emulator.url,
    }


def rows_of(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)]


async def test_a_voice_note_is_an_example_and_then_a_text_answer(stack):
    ann = await in_round_1(stack)
    await ann.send_voice(12)
    saved = await ann.wait_for_reply()
    assert saved.text == SAVED and saved.buttons == [["Add another example", "Next question"]]
    assert await stack.answers() == [("P-0001", "examples", "[voice note, 12 s]")]
    await ann.tap("Next question")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 2 of 4"))
    await ann.send_voice(5)
    chat = await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"))
    assert chat[-2].text == SAVED  # then the round goes on, as after typed text
    assert [a[2] for a in await stack.answers()] == ["[voice note, 12 s]", "[voice note, 5 s]"]


async def test_a_voice_note_on_a_button_question_or_outside_a_round_is_not_kept(stack):
    ann = await stack.joined("Ann")
    await ann.send_voice(4)
    chat = await ann.wait_for(lambda c: "No round of questions is open" in c[-1].text)
    assert chat[-2].text == "I have not kept that voice note, because no question is waiting for an answer."
    bea = await spoke_an_example_and_an_answer(stack, "Bea")  # Bea is now at the rating question
    await bea.send_voice(6)
    reply = await bea.wait_for_reply()
    assert reply.text == (
        "This question is answered with the buttons above, so I cannot use a voice note here. Please tap one."
    )
    assert [a[2] for a in await stack.answers()] == ["[voice note, 12 s]", "[voice note, 5 s]"]


async def test_a_replayed_voice_note_is_stored_once(stack):
    ann = await in_round_1(stack)
    message_id = await ann.send_voice(9)
    await ann.wait_for(lambda c: c[-1].text == SAVED)
    sent = stack.emulator.world.chats[ann.user_id].find(message_id).as_api()
    await stack.client.raw_update({"message": sent})  # Telegram delivers the same message again
    await ann.wait_for_reply()
    await all_processed(stack)
    assert await stack.answers() == [("P-0001", "examples", "[voice note, 9 s]")]
    await ann.send("/mydata")
    mine = await ann.wait_for(lambda c: c[-1].text.startswith("What we hold about you"))
    assert "Tell us about a new way of working you have seen.\n  [voice note, 9 s]" in mine[-1].text


async def test_the_cli_downloads_each_voice_note_named_by_code_and_question_then_skips_them(stack, tmp_path):
    ann = await spoke_an_example_and_an_answer(stack)
    await ann.send_voice(3)  # on the rating question: not kept, so not downloaded
    await ann.wait_for_reply()
    await spoke_an_example_and_an_answer(stack, "Bea", (7, 8))
    env = cli_settings(stack)
    folder = tmp_path / "voices"
    first = await asyncio.to_thread(carework, "voice-notes", "r1", str(folder), env=env)
    assert first.returncode == 0, first.stderr
    assert "downloaded 4, skipped 0 (already there), failed 0" in first.stdout
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["P-0001_examples_1.ogg", "P-0001_more_1.ogg", "P-0002_examples_1.ogg", "P-0002_more_1.ogg"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    recordings = {(folder / n).read_bytes() for n in names}
    assert len(recordings) == 4 and all(r.startswith(b"OggS") for r in recordings)
    second = await asyncio.to_thread(carework, "voice-notes", "r1", str(folder), env=env)
    assert second.returncode == 0 and "downloaded 0, skipped 4 (already there), failed 0" in second.stdout
    assert str(ann.user_id) not in first.stdout + first.stderr


async def test_a_voice_note_gone_from_the_server_is_named_and_fails_the_run(stack, tmp_path):
    ann = await in_round_1(stack)
    gone = await ann.send_voice(12)
    await ann.wait_for(lambda c: c[-1].text == SAVED)
    await ann.tap("Add another example")
    await ann.wait_for_reply()
    await ann.send_voice(4)
    assert (await ann.wait_for_reply()).text == SAVED
    await ann.lose_voice_file(gone)
    env = cli_settings(stack)
    folder = tmp_path / "voices"
    result = await asyncio.to_thread(carework, "voice-notes", "r1", str(folder), env=env)
    assert result.returncode == 1
    assert "downloaded 1, skipped 0 (already there), failed 1" in result.stdout
    assert "P-0001's voice note to question examples of round r1 (P-0001_examples_1.ogg)" in result.stderr
    assert str(ann.user_id) not in result.stdout + result.stderr
    assert [p.name for p in folder.iterdir()] == ["P-0001_examples_2.ogg"]
    stack.expected_refusals = 1  # the emulator refused getFile for the lost file, as Telegram would


async def test_the_export_shows_each_voice_note_and_its_file(stack, tmp_path):
    await spoke_an_example_and_an_answer(stack)
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    book = load_workbook(out)
    spoken = [(r["question_id"], r["answer"], r["voice_seconds"], r["voice_file"]) for r in rows_of(book["Answers"])]
    assert spoken == [
        ("examples", "[voice note, 12 s]", 12, "P-0001_examples_1.ogg"),
        ("more", "[voice note, 5 s]", 5, "P-0001_more_1.ogg"),
    ]
    codebook = [row for row in book["About"].iter_rows(values_only=True) if "voice_file" in row]
    assert codebook and "carework voice-notes" in " ".join(str(v) for v in codebook[0])


async def test_withdrawing_leaves_no_voice_file_id_in_the_database(stack):
    ann = await in_round_1(stack)
    message_id = await ann.send_voice(12)
    await ann.wait_for(lambda c: c[-1].text == SAVED)
    file_id = stack.emulator.world.chats[ann.user_id].find(message_id).content["voice"]["file_id"]
    assert file_id.encode() in vacuumed_bytes(stack)  # so the check below can fail
    await withdrawn(ann)
    await all_processed(stack)
    on_disk = vacuumed_bytes(stack)
    assert file_id.encode() not in on_disk and not held_on_disk(on_disk, ann.user_id)


async def test_anonymising_keeps_the_marker_but_not_the_voice(anonymising):
    ann = await in_round_1(anonymising)
    message_id = await ann.send_voice(12)
    await ann.wait_for(lambda c: c[-1].text == SAVED)
    file_id = anonymising.emulator.world.chats[ann.user_id].find(message_id).content["voice"]["file_id"]
    await withdrawn(ann)
    await all_processed(anonymising)
    assert await anonymising.answers() == [("P-0001", "examples", "[voice note, 12 s]")]
    assert file_id.encode() not in vacuumed_bytes(anonymising)


@pytest.fixture
async def carrying(make_stack):
    return await make_stack(CARRY)


async def test_a_voice_note_is_the_reason_for_a_different_rating(carrying, tmp_path):
    ann, _ = await round_b_begins(carrying)
    await ann.tap("Start")
    await ann.wait_for(lambda c: "Rota apps" in c[-1].text)
    await ann.tap("None")  # her group said A lot: the bot asks why
    await ann.wait_for(lambda c: "say why, in a line" in c[-1].text)
    await ann.send_voice(8)
    chat = await ann.wait_for(lambda c: "Peer support" in c[-1].text)
    assert chat[-2].text == SAVED
    out = tmp_path / "export.xlsx"
    await export_workbook(carrying.services.env, out)
    explained = [
        (r["participant"], r["round"], r["item_id"], r["answer"], r["reason"], r["voice_seconds"], r["voice_file"])
        for r in rows_of(load_workbook(out)["Answers"])
        if r["reason"]
    ]
    assert explained == [("P-0001", "b", "i1", "None", "[voice note, 8 s]", 8, "P-0001_rate_1.ogg")]


async def test_a_changed_voice_answer_keeps_its_recording_with_the_earlier_version(stack, tmp_path):
    ann = await spoke_an_example_and_an_answer(stack)  # a 12 s example, then a 5 s answer to "more"
    await ann.send("/review")
    await ann.wait_for(lambda c: any("Change 2" in row for row in c[-1].buttons))
    await ann.tap("Change 2")
    asked = await ann.wait_for_reply()
    assert "[voice note, 5 s]" in asked.text
    await ann.send_voice(9)  # the new answer is spoken too
    await ann.wait_for(lambda c: any(m.text == "Changed. Thank you." for m in c))
    await ann.send("/review")
    await ann.wait_for(lambda c: any("Change 1" in row for row in c[-1].buttons))
    await ann.tap("Change 1")
    await ann.wait_for_reply()
    await ann.send("A buddy scheme for new starters")  # the spoken example becomes typed words
    await ann.wait_for(lambda c: sum(m.text == "Changed. Thank you." for m in c) == 2)
    out = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, out)
    answers = {r["question_id"]: r for r in rows_of(load_workbook(out, read_only=True)["Answers"])}
    assert (answers["examples"].get("voice_seconds"), answers["more"].get("voice_seconds")) == (None, 9)
    folder = tmp_path / "voices"
    done = await asyncio.to_thread(carework, "voice-notes", "r1", str(folder), env=cli_settings(stack))
    assert "downloaded 3, skipped 0 (already there), failed 0" in done.stdout, done.stdout + done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "P-0001_examples_1.ogg",  # the earlier, spoken version of the example
        "P-0001_more_1.ogg",
        "P-0001_more_2.ogg",
    ]


async def test_a_spoken_follow_up_is_kept_with_its_recording(make_stack, tmp_path):
    from tests.e2e.test_followups import SURVEY, give_example, says, start_round

    stack = await make_stack(SURVEY)
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await give_example(ann, "Buddy scheme for new starters")
    await ann.send_voice(7)  # says where it happens
    asked = await says(ann, "Who does it help?")
    chat = await ann.chat()
    assert chat[chat.index(asked) - 1].text == SAVED
    env = {**cli_settings(stack), "CAREWORK_SURVEY": str(SURVEY)}
    done = await asyncio.to_thread(carework, "voice-notes", "r1", str(tmp_path / "v"), env=env)
    assert "downloaded 1, skipped 0 (already there), failed 0" in done.stdout, done.stdout + done.stderr
    assert [p.name for p in (tmp_path / "v").iterdir()] == ["P-0001_examples-where_1.ogg"]
