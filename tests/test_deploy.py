"""The deployment files stay valid: the systemd unit parses and is hardened, the compose file runs the bot with
its volume and a health check on /healthz."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "carework.service"


def verified(unit_text: str, folder: Path) -> str:
    """Returns what `systemd-analyze verify` says about a unit (empty when it has nothing to say); the unit's
    program and environment file are pointed at ones that exist here, as they would on the server."""
    unit = folder / "carework.service"
    carework = shutil.which("carework") or str(Path(shutil.which("python3") or "/bin/true"))
    unit.write_text(
        unit_text.replace("/opt/carework/venv/bin/carework", carework).replace(
            "EnvironmentFile=/etc", "EnvironmentFile=-/etc"
        )
    )
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr).strip() + ("" if done.returncode == 0 else f"\nexit {done.returncode}")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_systemd_unit_parses_and_a_typo_would_be_caught(tmp_path):
    assert verified(UNIT.read_text(), tmp_path) == ""
    typo = UNIT.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict")
    assert "Unknown key 'ProtectSystm'" in verified(typo, tmp_path)


def test_the_systemd_unit_runs_the_bot_hardened_as_its_own_user():
    unit = configparser.ConfigParser(strict=False, interpolation=None)  # SystemCallFilter is given twice
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    unit.read_string(UNIT.read_text())
    service = unit["Service"]
    assert service["ExecStart"].endswith("carework run") and service["User"] == "carework"
    assert {k: service[k] for k in ("ProtectSystem", "NoNewPrivileges", "PrivateTmp", "StateDirectory")} == {
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "StateDirectory": "carework",
    }
    assert service["RestrictAddressFamilies"].split() == ["AF_INET", "AF_INET6", "AF_UNIX"]
    assert service["EnvironmentFile"] == "/etc/carework/carework.env" and "TOKEN" not in UNIT.read_text()


def test_compose_runs_the_bot_with_its_volume_and_a_health_check_on_healthz():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    bot = compose["services"]["carework"]
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
    assert "carework-data:/data" in bot["volumes"] and "carework-data" in compose["volumes"]
    assert bot["environment"]["CAREWORK_DATABASE"].startswith("/data/")
    assert bot["environment"]["CAREWORK_LISTEN"] == "0.0.0.0:8080"  # reachable from outside the container
    check = bot["healthcheck"]
    assert check["test"][0] == "CMD" and "http://127.0.0.1:8080/healthz" in " ".join(check["test"])
    assert bot["ports"] == ["127.0.0.1:8080:8080"]  # the host's loopback only: a reverse proxy goes in front
    assert bot["env_file"] == "carework.env" and "carework.env" in (ROOT / ".gitignore").read_text()


def test_the_example_settings_name_only_settings_the_bot_reads():
    from bot.settings import Settings

    names = [
        line.split("=", 1)[0] for line in (DEPLOY / "carework.env.example").read_text().splitlines() if "=" in line
    ]
    known = {f"CAREWORK_{field.upper()}" for field in Settings.model_fields}
    pending = {"CAREWORK_LISTEN"}  # the listener's, being built beside this
    assert [n for n in names if n not in known | pending] == []
