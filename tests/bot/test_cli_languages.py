"""`carework validate` names each text and catalogue message a declared language lacks."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import carework
from tests.conftest import MINI

BILINGUAL = Path(__file__).parent.parent / "fixtures" / "cymraeg.yaml"


def test_validate_passes_a_definition_written_in_every_declared_language():
    result = carework("validate", str(BILINGUAL))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"{BILINGUAL}: ok")


def test_validate_names_a_text_missing_in_welsh(tmp_path):
    half = tmp_path / "half.yaml"
    half.write_text(
        BILINGUAL.read_text(encoding="utf-8").replace('\n          cy: "Meddyliwch am y mis diwethaf."', ""),
        encoding="utf-8",
    )
    result = carework("validate", str(half))
    assert result.returncode == 1
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith(f"{half}:") and line.endswith("rounds[0].questions[0].hint: no cy text")


def test_validate_names_a_language_with_no_message_catalogue(tmp_path):
    french = tmp_path / "french.yaml"
    french.write_text(
        MINI.read_text().replace("timezone: Europe/London", "timezone: Europe/London\nlanguages: [en, fr]")
    )
    result = carework("validate", str(french))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert f"{french}: languages: fr has no message catalogue (bot/locale/fr.po)" in lines
    assert any(line.endswith("title: no fr text") for line in lines)  # mini's texts are English only
