"""Sign-in, sessions and CSRF for the console.

Sessions live in an encrypted, signed cookie (aiohttp-session's EncryptedCookieStorage: HttpOnly,
SameSite=Strict, scoped to the console's path); every POST must carry the session's CSRF token.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp_session import get_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.admin.users import User

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUBLIC = {"login"}
MAX_FORM_BYTES = 4 * 1024 * 1024
USER = web.RequestKey("user", object)


class GuardedRoutes:
    """Adds the console's routes, each handler behind the session middleware and `guard`.

    They wrap each handler rather than sit in the sub-application's middleware list: a
    sub-application with middlewares makes aiohttp run its middleware step for every request of
    the whole application, the webhook's included. Same order, same behaviour, nothing for the
    webhook to pay. Static files (the console's own script) need no sign-in."""

    def __init__(self, app: web.Application, cfg) -> None:
        a = cfg.admin
        key = hashlib.sha256(a.secret.encode()).digest() if a.secret else os.urandom(32)
        self.router = app.router
        self.sessions = session_middleware(EncryptedCookieStorage(
            key, cookie_name="linli_admin", max_age=a.session_minutes * 60, httponly=True, samesite="Strict",
            path=a.path, secure=bool(a.cookie_secure)))

    def _behind_guard(self, handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            return await self.sessions(request, functools.partial(guard, handler=handler))
        return functools.update_wrapper(guarded, handler)

    def add_route(self, method: str, path: str, handler: Handler, **kwargs) -> web.AbstractRoute:
        return self.router.add_route(method, path, self._behind_guard(handler), **kwargs)

    def add_get(self, path: str, handler: Handler, **kwargs) -> web.AbstractRoute:
        return self.router.add_get(path, self._behind_guard(handler), **kwargs)

    def add_post(self, path: str, handler: Handler, **kwargs) -> web.AbstractRoute:
        return self.router.add_post(path, self._behind_guard(handler), **kwargs)


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def guard(request: web.Request, handler):
    """Signed-in users only (except the sign-in page); a POST without the session's token is refused."""
    from bot.admin.app import CONSOLE
    session = await get_session(request)  # loaded on the request the session middleware saves from
    request = request.clone(client_max_size=MAX_FORM_BYTES)  # CSV imports and articles exceed the webhook's limit
    if request.method == "POST":
        form = await request.post()
        sent = form.get("_csrf") or request.headers.get("X-CSRF-Token", "")
        if not (isinstance(sent, str) and session.get("csrf") and hmac.compare_digest(sent, session["csrf"])):
            raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page and try again")
    route = request.match_info.route.name
    if route not in PUBLIC:
        name, expires = session.get("user"), session.get("expires", 0)
        user = request.app[CONSOLE].users.get(name) if name and expires > time.time() else None
        if user is None:
            raise web.HTTPFound(request.app.router["login"].url_for().with_query(next=request.path_qs))
        request[USER] = user
    response = await handler(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'self'")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def client_address(request: web.Request, trust_forwarded_for: bool) -> str:
    """Who is signing in, for the per-address lock-out. The TCP peer by default; behind our own
    reverse proxy (`admin.trust_forwarded_for`) the last X-Forwarded-For entry, the one that proxy
    appended: entries left of it are whatever the client sent, so never trusted."""
    if trust_forwarded_for:
        hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.remote or "?"


def user_of(request: web.Request) -> User:
    return request[USER]


def need_operator(request: web.Request) -> User:
    user = user_of(request)
    if not user.operator:
        raise web.HTTPForbidden(text="operators and admins only")
    return user


def need_admin(request: web.Request) -> User:
    user = user_of(request)
    if user.role != "admin":
        raise web.HTTPForbidden(text="admins only")
    return user


async def login_page(request: web.Request) -> web.Response:
    from bot.admin.app import CONSOLE, render
    console = request.app[CONSOLE]
    error = ""
    if request.method == "POST":
        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        a = console.cfg.admin
        address = client_address(request, bool(a.trust_forwarded_for))
        if console.users.address_locked(address):
            user, reason = None, "address locked"   # not even checked: guessing from here gains nothing
        else:
            user, reason = console.users.check(name, password, a.max_failures, a.lockout_minutes * 60)
            if user is None and console.users.address_failed(address, a.address_max_failures, a.lockout_minutes * 60):
                reason = "address locked"
        if user is not None:
            session = await get_session(request)
            session.clear()  # a fresh session (and CSRF token) after sign-in; the cookie is encrypted and signed
            session["user"], session["expires"] = user.name, time.time() + a.session_minutes * 60
            session["csrf"] = secrets.token_urlsafe(32)
            console.audit.record(user.name, "sign-in", f"user:{user.name}")
            nxt = request.query.get("next", "")
            raise web.HTTPFound(nxt if nxt.startswith(a.path + "/") else request.app.router["home"].url_for())
        console.audit.record(name or "?", f"sign-in refused ({reason})", f"user:{name}", None, {"address": address})
        error = ("账号已锁定，请稍后再试" if reason == "locked" else
                 "这个网络地址登录失败太多次，已暂时锁定，请稍后再试" if reason == "address locked" else "用户名或密码不对")
    return await render(request, "login.html", error=error, status=401 if error else 200)


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPFound(request.app.router["login"].url_for())
