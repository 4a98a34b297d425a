"""A voice note's marker and its recording's file name."""

from carework_core.answering.voice import VoiceNote, file_name


def test_the_marker_says_it_is_a_voice_note_and_how_long():
    assert VoiceNote("f", "u", 12).marker == "[voice note, 12 s]"


def test_file_names_are_code_question_and_number_and_never_leave_the_folder():
    assert file_name("P-0001", "examples", 2) == "P-0001_examples_2.ogg"
    assert file_name("../P 1", "a/b", 1) == "-P-1_a-b_1.ogg"
