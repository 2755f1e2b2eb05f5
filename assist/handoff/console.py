"""The staff console at `/console`: sign-in, the queue and presence; the conversation page
(`conversation.py`) and the supervisor's view (`supervisor.py`) are routers of their own."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from assist.handoff import agents as agents_mod
from assist.handoff import auth
from assist.handoff.api import create_api_router
from assist.handoff.conversation import create_conversation_router
from assist.handoff.pages import acting, page, see_other, signed_in, words
from assist.handoff.supervisor import create_supervisor_router
from assist.handoff.web import HERE, ConsoleDep

LOGIN_CSRF_COOKIE = "assist_login_csrf"
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def create_console_router() -> APIRouter:
    """The staff console (`/console`) and its JSON API (`/api/handoff`) as one router.

    Routes get the `Console` (store, settings, council services, clock, where to announce)
    through `Depends` from `app.state.console`, which the app sets when it opens.
    """
    router = APIRouter()
    router.include_router(create_api_router())
    router.include_router(_pages())
    router.include_router(create_conversation_router())
    router.include_router(create_supervisor_router())
    return router


def _pages() -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/static/{name}")
    async def static(console: ConsoleDep, name: str) -> FileResponse:
        if name not in STATIC:
            raise HTTPException(404)
        return FileResponse(
            HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "no-cache"}
        )

    @router.get("/login")
    async def login_form(console: ConsoleDep, request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = page(console, request, "login.html", title="Sign in", csrf=token, error=None)
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            max_age=1800,
            path="/console/login",
            secure=console.secure_cookies,
            httponly=True,
            samesite="strict",
        )
        return response

    @router.post("/login")
    async def login(console: ConsoleDep, request: Request) -> Response:
        form = await request.form()
        sent, expected = str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(sent, expected):
            return page(
                console,
                request,
                "login.html",
                403,
                title="Sign in",
                csrf=expected,
                error=words(console, "console.sign_in_expired"),
            )
        address = request.client.host if request.client else "?"
        await console.logout(request)
        try:
            token = await console.login(
                str(form.get("username", ""))[:64], str(form.get("password", ""))[:256], address
            )
        except auth.LockedOut:
            return page(
                console,
                request,
                "login.html",
                429,
                title="Sign in",
                csrf=expected,
                error=words(console, "console.locked_out"),
            )
        except auth.AuthError:
            return page(
                console,
                request,
                "login.html",
                401,
                title="Sign in",
                csrf=expected,
                error=words(console, "console.wrong_password"),
            )
        response = see_other("/console")
        console.set_session_cookie(response, token)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
        return response

    @router.post("/logout")
    async def logout(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        await console.logout(request)
        response = see_other("/console/login")
        console.clear_session_cookie(response)
        return response

    @router.get("", response_class=HTMLResponse)
    async def queue_page(console: ConsoleDep, request: Request) -> Response:
        who = await signed_in(console, request)
        if isinstance(who, Response):
            return who
        view = await console.queue_view()
        async with console.store.transaction() as tx:
            me = await agents_mod.get_agent(tx, who.username)
        mine = [e for e in view["entries"] if e["claimed_by"] == who.username]
        return page(
            console,
            request,
            "queue.html",
            staff=who,
            title="Queue",
            view=view,
            me=me,
            mine=mine,
            notice=request.query_params.get("notice"),
        )

    @router.post("/presence")
    async def presence(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, form = got
        skills = [s.strip() for s in form.get("skills", "").split(",") if s.strip()][:20]
        async with console.store.transaction() as tx:
            if form.get("available") == "yes":
                await agents_mod.sign_in(tx, who.username, skills, console.clock())
            else:
                await agents_mod.sign_out(tx, who.username, console.clock())
        return see_other("/console")

    @router.post("/claim-next")
    async def claim_next(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, _ = got
        entry = await console.queue.claim_next(who.username, await console.skills_of(who.username))
        if entry is None:
            return see_other("/console?notice=empty")
        return see_other(f"/console/entries/{entry.id}")

    return router
