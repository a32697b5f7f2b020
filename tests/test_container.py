"""Issue 18, item 10: the container runs with least privilege, and the token can come from a
file (Docker secrets) instead of the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.service.config import ConfigError, Settings

from .conftest import ROOT, TOKEN


def test_compose_runs_with_least_privilege() -> None:
    service = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["electionbot"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert service["cap_drop"] == ["ALL"]
    assert service["read_only"] is True and "/tmp" in service["tmpfs"]
    # the user key on a volume of its own, apart from the database and its backups
    key_file = service["environment"]["ELECTIONBOT_USER_KEY_FILE"]
    mounts = dict(v.split(":")[::-1] for v in service["volumes"])
    assert key_file.startswith("/keys/") and mounts["/keys"] != mounts["/data"]


def test_the_token_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "telegram_bot_token"
    secret.write_text(TOKEN + "\n")
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN_FILE": str(secret)})
    assert settings.token == TOKEN and TOKEN not in repr(settings)
    # the variable itself wins, as with any other setting
    other = "7000000002:AAOtherTokenForTestsOnly0123456789xy"
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": other,
                              "TELEGRAM_BOT_TOKEN_FILE": str(secret)}).token == other


def test_an_unreadable_token_file_is_a_setting_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN_FILE") as caught:
        Settings.from_env({"TELEGRAM_BOT_TOKEN_FILE": str(tmp_path / "missing")})
    assert TOKEN not in str(caught.value)
    bad = tmp_path / "bad"
    bad.write_text("not a token")
    with pytest.raises(ConfigError, match="does not look like a bot token") as caught:
        Settings.from_env({"TELEGRAM_BOT_TOKEN_FILE": str(bad)})
    assert "not a token" not in str(caught.value)
