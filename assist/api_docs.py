"""`/docs` and `/redoc` that work without internet: Swagger UI and ReDoc served from here.

FastAPI's own pages load their scripts from a CDN, so they are blank on a council network
that has no way out. The same assets ship in the `fastapi-offline` package (PyPI; Swagger UI 5,
which reads the OpenAPI 3.1 FastAPI writes, and ReDoc 2); `mount_api_docs` serves them under
`/docs/assets/` and builds the pages with FastAPI's own `get_swagger_ui_html`/`get_redoc_html`.
Nothing is downloaded at run time. Whether the pages exist at all is `Settings.api_docs_open`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS_PATH = "/docs/assets"
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
"""The only files served from the package (nothing else in it is reachable)."""


def assets_dir() -> Path:
    """Where the installed `fastapi_offline` package keeps Swagger UI and ReDoc."""
    return Path(str(files("fastapi_offline") / "static"))


def mount_api_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Add `GET /docs`, `GET /redoc` and `GET /docs/assets/{name}` to `app`, all local."""
    folder = assets_dir()
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        """The interactive API documentation (Swagger UI)."""
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} – API documentation",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        """The API documentation as one readable page (ReDoc), without web fonts."""
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} – API reference",
            redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        """One of the documentation pages' scripts, style sheet or icon."""
        media = ASSETS.get(name)
        if media is None:
            raise HTTPException(404)
        return FileResponse(
            folder / name,
            media_type=media,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )
