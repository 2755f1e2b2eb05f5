"""The HTTP app: health, metrics, and settings that refuse unsafe production defaults."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assist.app import create_app
from assist.settings import Settings


def test_healthz_reports_store_backend_and_nlu(settings: Settings) -> None:
    """/healthz says whether the store, the back end and understanding answer."""
    with TestClient(create_app(settings)) as client:
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert set(body["checks"]) >= {"store", "backend", "nlu"}


def test_metrics_are_prometheus_text(settings: Settings) -> None:
    """/metrics serves the Prometheus text format, counting turns and hand-offs by channel."""
    from assist.dialogue.types import Channel, Inbound

    with TestClient(create_app(settings)) as client:
        conversations = client.app.state.service.conversations  # type: ignore[attr-defined]
        client.portal.call(conversations.handle, Inbound(Channel.WEB, "m1", text="person"))  # type: ignore[union-attr]
        res = client.get("/metrics")
    assert 'assist_turns_total{channel="web"} 1.0' in res.text
    assert 'assist_handoffs_total{channel="web",reason="asked_for_person"} 1.0' in res.text
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/plain")
    assert "# TYPE assist_outbox_pending gauge" in res.text


def test_production_refuses_development_secrets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In production, the development council key and cookie secret are refused."""
    with pytest.raises(ValidationError):
        Settings(environment="production", data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Settings come from ASSIST_* variables; languages are comma separated."""
    monkeypatch.setenv("ASSIST_PORT", "9001")
    monkeypatch.setenv("ASSIST_LANGUAGES", "en,pl")
    monkeypatch.setenv("ASSIST_TWILIO_AUTH_TOKEN", "tok-98765")
    s = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert s.port == 9001 and s.languages == ["en", "pl"]
    assert "tok-98765" not in repr(s)


def test_start_up_objects_are_frozen_out_of_the_collectors_sight(settings: Settings) -> None:
    """After start-up everything loaded so far is frozen (gc.freeze): a full collection under
    load walks only what turns create, not the dialogues and classifier (150-230 ms)."""
    import gc

    gc.unfreeze()
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code in (200, 503)
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
