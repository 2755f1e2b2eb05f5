"""Issue 19: `/docs` and `/redoc` work without internet (assets served here, not by a CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.api_docs import ASSETS
from assist.app import create_app
from assist.settings import Settings

PROD = {
    "environment": "production",
    "council_api_key": "council-key-123",
    "secret_key": "s" * 40,
    "rasa_url": "",
}
OFF_SITE = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_elsewhere(settings: Settings, path: str) -> None:
    """The documentation pages name only this server's own assets (no CDN, no web fonts)."""
    with TestClient(create_app(settings)) as client:
        page = client.get(path)
        assert page.status_code == 200
        assert not OFF_SITE.search(page.text), page.text
        assets = re.findall(r"/docs/assets/[\w.-]+", page.text)
        assert assets
        for url in assets:
            got = client.get(url)
            assert got.status_code == 200 and len(got.content) > 1000, url
            assert got.headers["content-type"].startswith(ASSETS[url.rsplit("/", 1)[1]])


def test_swagger_ui_reads_openapi_3_1(settings: Settings) -> None:
    """The Swagger UI served is version 5, which renders the OpenAPI 3.1 FastAPI writes."""
    with TestClient(create_app(settings)) as client:
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
        bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle
    assert "OpenAPI 3.1" in bundle or "isOAS31" in bundle


def test_only_the_listed_assets_are_served(settings: Settings) -> None:
    """Other names under /docs/assets (other files of the package, paths) are not found."""
    with TestClient(create_app(settings)) as client:
        for name in ("core.py", "..%2Fcore.py", "__init__.py", "LICENSE"):
            assert client.get(f"/docs/assets/{name}").status_code == 404


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/assets/swagger-ui-bundle.js"])
def test_docs_stay_private_in_production(tmp_path: Path, path: str) -> None:
    """In production the pages and their assets are not served unless a setting opens them."""
    settings = Settings(data_dir=tmp_path, _env_file=None, **PROD)  # type: ignore[arg-type, call-arg]
    with TestClient(create_app(settings)) as client:
        assert client.get(path).status_code == 404
    opened = Settings(data_dir=tmp_path, _env_file=None, api_docs_public=True, **PROD)  # type: ignore[arg-type, call-arg]
    with TestClient(create_app(opened)) as client:
        assert client.get(path).status_code == 200
