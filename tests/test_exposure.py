"""Issue 20 items 6 and 7: operations pages are private in production; bad text is a 400."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.app import create_app
from assist.settings import Settings

PROD = {
    "environment": "production",
    "council_api_key": "council-key-123",
    "secret_key": "s" * 40,
    "rasa_url": "",
}


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path, _env_file=None, **{**PROD, **extra})  # type: ignore[arg-type, call-arg]


@pytest.mark.parametrize("path", ["/metrics", "/docs", "/openapi.json", "/redoc"])
def test_operations_pages_are_not_public_in_production(tmp_path: Path, path: str) -> None:
    """Item 6: /metrics, /docs and /openapi.json answered anyone in production."""
    with TestClient(create_app(_settings(tmp_path))) as client:
        assert client.get(path).status_code == 404


def test_prometheus_reads_metrics_with_its_bearer_token(tmp_path: Path) -> None:
    """With ASSIST_METRICS_TOKEN, the scrape with that token is answered; others are not."""
    settings = _settings(tmp_path, metrics_token="m" * 32)
    with TestClient(create_app(settings)) as client:
        ok = client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32})
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert ok.status_code == 200 and "assist_outbox_pending" in ok.text
    assert wrong.status_code == 404


def test_exposure_can_be_opened_by_setting(tmp_path: Path) -> None:
    """ASSIST_METRICS_PUBLIC and ASSIST_API_DOCS_PUBLIC open them in production."""
    settings = _settings(tmp_path, metrics_public=True, api_docs_public=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/openapi.json").status_code == 200


def test_development_keeps_them_open(tmp_path: Path) -> None:
    """Development is unchanged: metrics and the API documents are served."""
    settings = Settings(data_dir=tmp_path, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/openapi.json").status_code == 200


def test_a_lone_surrogate_in_sign_in_is_a_400(tmp_path: Path) -> None:
    """Item 7: `\\ud800` in a JSON body gave a 500 on sign-in."""
    settings = Settings(data_dir=tmp_path, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    body = '{"username": "sam\\ud800", "password": "x\\ud800"}'
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        res = client.post(
            "/api/handoff/session", content=body, headers={"Content-Type": "application/json"}
        )
    assert res.status_code < 500, res.text
