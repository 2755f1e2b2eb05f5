"""The landing page `GET /`: what this service is, and links to every way in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from assist.chat.web.router import PAGE_CSP, templates
from assist.deps import PartsDep


def create_site_router() -> APIRouter:
    """`GET /`: a plain, accessible page linking the chat, phone simulator, console and docs."""
    env = templates()
    router = APIRouter(tags=["site"])

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(parts: PartsDep) -> HTMLResponse:
        """The landing page of the embedded default."""
        html = env.get_template("site.html").render(
            council=parts.settings.council_name,
            phone=parts.settings.phone_number_display,
            hours=parts.hours_in_words("en", parts.settings.opening_hours),
        )
        return HTMLResponse(
            html, headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff"}
        )

    return router
