"""Every bad setting is one clear line and exit code 2, never a traceback (issue 20, item 12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assist import cli

REPO = Path(__file__).resolve().parent.parent
GOOD_PROD = {
    "ASSIST_ENVIRONMENT": "production",
    "ASSIST_COUNCIL_API_KEY": "council-key-123",
    "ASSIST_SECRET_KEY": "s" * 40,
}

BAD: list[tuple[dict[str, str], str]] = [
    ({"ASSIST_PORT": "abc"}, "ASSIST_PORT=abc"),
    ({"ASSIST_PORT": "99999"}, "ASSIST_PORT=99999"),
    ({"ASSIST_PORT": "0"}, "ASSIST_PORT=0"),
    ({"ASSIST_ENVIRONMENT": "prod"}, "ASSIST_ENVIRONMENT=prod"),
    ({"ASSIST_TIMEZONE": "Europe/Londn"}, "ASSIST_TIMEZONE=Europe/Londn"),
    ({"ASSIST_TIMEZONE": "../../etc/passwd"}, "ASSIST_TIMEZONE"),
    ({"ASSIST_NOTIFY_QUIET_HOURS": "21-08"}, "ASSIST_NOTIFY_QUIET_HOURS=21-08"),
    ({"ASSIST_NOTIFY_QUIET_HOURS": "25:00-08:00"}, "ASSIST_NOTIFY_QUIET_HOURS"),
    ({"ASSIST_BIN_REMINDER_TIME": "6pm"}, "ASSIST_BIN_REMINDER_TIME=6pm"),
    ({"ASSIST_BIN_REMINDER_TIME": "18:75"}, "ASSIST_BIN_REMINDER_TIME"),
    ({"ASSIST_OPENING_HOURS": "Mon-Fro 08:00-18:00"}, "ASSIST_OPENING_HOURS"),
    ({"ASSIST_OPENING_HOURS": "Mon-Fri 8-6"}, "ASSIST_OPENING_HOURS"),
    ({"ASSIST_OPENING_HOURS": "Mon-Fri 08:00-25:00"}, "ASSIST_OPENING_HOURS"),
    ({"ASSIST_OPENING_HOURS": ""}, "ASSIST_OPENING_HOURS"),
    ({"ASSIST_DATA_DIR": "/proc/assist-data"}, "ASSIST_DATA_DIR=/proc/assist-data"),
    ({"ASSIST_PUBLIC_URL": "assist.example.gov.uk"}, "ASSIST_PUBLIC_URL"),
    ({"ASSIST_PUBLIC_URL": "https://host:port"}, "ASSIST_PUBLIC_URL"),
    ({"ASSIST_COUNCIL_OPEN311_URL": "ftp://x"}, "ASSIST_COUNCIL_OPEN311_URL"),
    ({"ASSIST_SESSION_RESUME_MINUTES": "-5"}, "ASSIST_SESSION_RESUME_MINUTES=-5"),
    ({"ASSIST_WEB_CHAT_WINDOW_S": "-1"}, "ASSIST_WEB_CHAT_WINDOW_S=-1"),
    ({"ASSIST_WEB_CHAT_WINDOW_S": "0"}, "ASSIST_WEB_CHAT_WINDOW_S=0"),
    ({"ASSIST_WEB_CHAT_MESSAGES_PER_WINDOW": "0"}, "ASSIST_WEB_CHAT_MESSAGES_PER_WINDOW"),
    ({"ASSIST_RETENTION_DAYS": "0"}, "ASSIST_RETENTION_DAYS=0"),
    ({"ASSIST_RETENTION_DAYS": "-3"}, "ASSIST_RETENTION_DAYS=-3"),
    ({"ASSIST_NLU_THRESHOLD": "2"}, "ASSIST_NLU_THRESHOLD=2"),
    ({"ASSIST_BACKEND_TIMEOUT_S": "0"}, "ASSIST_BACKEND_TIMEOUT_S=0"),
    ({"ASSIST_LOG_LEVEL": "LOUD"}, "ASSIST_LOG_LEVEL=LOUD"),
    ({"ASSIST_LANGUAGES": "en,xx"}, "unsupported languages"),
    ({"ASSIST_REPORT_ALERT_AFTER": "0"}, "ASSIST_REPORT_ALERT_AFTER=0"),
    ({"ASSIST_SMS_PER_NUMBER_PER_HOUR": "-1"}, "ASSIST_SMS_PER_NUMBER_PER_HOUR"),
    ({**GOOD_PROD, "ASSIST_TWILIO_AUTH_TOKEN": ""}, "ASSIST_TWILIO_AUTH_TOKEN"),
    ({**GOOD_PROD, "ASSIST_TWILIO_AUTH_TOKEN": "a"}, "ASSIST_TWILIO_AUTH_TOKEN"),
    ({**GOOD_PROD, "ASSIST_SECRET_KEY": ""}, "ASSIST_SECRET_KEY"),
    ({**GOOD_PROD, "ASSIST_SECRET_KEY": "a"}, "ASSIST_SECRET_KEY"),
    ({**GOOD_PROD, "ASSIST_COUNCIL_API_KEY": ""}, "ASSIST_COUNCIL_API_KEY"),
    ({**GOOD_PROD, "ASSIST_VOICE_SPEECH": "vosk"}, "ASSIST_TWILIO_AUTH_TOKEN"),
    ({"ASSIST_DATABASE_URL": "mysql://u:s3cret@db/assist"}, "ASSIST_DATABASE_URL"),
    ({"ASSIST_DATABASE_URL": "postgresql://u:s3cret@db:99x/assist"}, "ASSIST_DATABASE_URL"),
    ({"ASSIST_DATABASE_URL": "postgresql://u:s3cret@db:5432"}, "ASSIST_DATABASE_URL"),
]


@pytest.mark.parametrize(
    ("env", "named"), BAD, ids=[" ".join(e) + f"={list(e.values())[-1]}" for e, _ in BAD]
)
def test_a_bad_setting_is_one_line_and_exit_2(
    env: dict[str, str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The line names the setting and the value; no traceback; exit code 2."""
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ASSIST_DATA_DIR", str(tmp_path / "data"))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(sys, "argv", ["assist", "erase", "--number", "+447700900001"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert named in lines[0] and "Traceback" not in err
    if "SECRET" in named or "TOKEN" in named:
        assert "=s" not in lines[0]  # secrets are never echoed
    assert "s3cret" not in lines[0]  # nor a database password


def test_a_dot_env_with_invalid_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A `.env` that is not UTF-8 is named, not a UnicodeDecodeError traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"ASSIST_PORT=\xff\xfe\n")
    monkeypatch.setattr(sys, "argv", ["assist", "erase", "--number", "+447700900001"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and ".env" in err and len(err.strip().splitlines()) == 1


def test_lint_of_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    """`assist lint /nonexistent` says so and exits 2 (it raised KeyError)."""
    out = subprocess.run(
        [sys.executable, "-m", "assist.cli", "lint", str(tmp_path / "nonexistent")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and "not a dialogues/ directory" in out.stderr


def test_a_bad_port_from_the_real_command_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, not just `main()`, prints one line and exits 2."""
    import os

    env = {**os.environ, "ASSIST_PORT": "abc", "ASSIST_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "assist.cli", "serve"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "setting ASSIST_PORT=abc: Input should be a valid integer, unable to parse string as "
        "an integer"
    ]
