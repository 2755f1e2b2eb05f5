"""What every console page shares: rendering, redirects, who is signed in and CSRF on forms."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from assist.handoff import auth, plain
from assist.handoff.web import Console, minutes, security_headers


def words(console: Console, key: str, **values: Any) -> str:
    """A console text (`console.*` in en.yaml: the staff console is English-only)."""
    return console.prompts.get("en", key, **values)


def page(console: Console, request: Request, name: str, status: int = 200, **ctx: Any) -> Response:
    """A console page from its template, with the security headers."""
    ctx.setdefault("staff", None)
    ctx["minutes"] = minutes
    ctx["plain"] = plain
    response = console.templates.TemplateResponse(request, name, ctx, status_code=status)
    security_headers(response)
    return response


def error(
    console: Console,
    request: Request,
    who: auth.Staff | None,
    status: int,
    title: str,
    message: str,
    back: str | None = None,
) -> Response:
    """The error page: its title the `console.*` text `title`, `message` already in words."""
    return page(
        console,
        request,
        "error.html",
        status,
        staff=who,
        title=words(console, title),
        message=message,
        back=back,
    )


def not_found(console: Console, request: Request, who: auth.Staff) -> Response:
    """The page for a conversation id that does not exist."""
    return error(
        console, request, who, 404, "console.not_found", words(console, "console.no_conversation")
    )


def see_other(url: str) -> RedirectResponse:
    """A 303 redirect (after a form) with the security headers."""
    response = RedirectResponse(url, status_code=303)
    security_headers(response)
    return response


async def signed_in(
    console: Console, request: Request, supervisor: bool = False
) -> auth.Staff | Response:
    """The signed-in member of staff, or the response to send instead (sign in; not allowed)."""
    who = await console.staff(request)
    if who is None:
        return see_other("/console/login")
    if supervisor and not who.is_supervisor:
        return error(
            console,
            request,
            who,
            403,
            "console.not_allowed",
            words(console, "console.supervisors_only"),
        )
    return who


async def acting(
    console: Console, request: Request
) -> tuple[auth.Staff, dict[str, str]] | Response:
    """Who posted a form and its fields, once its CSRF token checks out; else a response."""
    who = await signed_in(console, request)
    if isinstance(who, Response):
        return who
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not hmac.compare_digest(form.get("csrf", ""), who.csrf):
        return error(
            console,
            request,
            who,
            403,
            "console.not_allowed",
            words(console, "console.form_expired"),
        )
    return who, form
