"""Accounts (admins only): list, add or reset, and the audit log."""
from __future__ import annotations

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, need_admin


async def page(request: web.Request) -> web.Response:
    admin = need_admin(request)
    console = request.app[CONSOLE]
    error = ""
    if request.method == "POST":
        form = await request.post()
        name = str(form.get("name", "")).strip()
        communities = [c.strip() for c in str(form.get("communities", "")).replace("，", ",").split(",") if c.strip()]
        try:
            if not name:
                raise ValueError("the name is required")
            console.users.add(name, str(form.get("role", "")), str(form.get("password", "")), communities)
        except ValueError as exc:
            error = str(exc)
        else:
            console.audit.record(admin.name, "add user", f"user:{name}", None,
                                 {"role": form.get("role"), "communities": communities})
            raise web.HTTPFound(request.app.router["users"].url_for())
    return await render(request, "users.html", status=400 if error else 200, users=console.users.all(), error=error,
                        audit=console.audit.recent(100))


def routes(router: GuardedRoutes) -> None:
    router.add_route("*", "/users", page, name="users")
