"""Console accounts: sign-in, sessions, CSRF, lock-out, roles, the audit log and `admin add-user`."""
from __future__ import annotations

import subprocess
import sys

from admin.console_helpers import PASSWORD, ROOT
from wechat_peer import text


async def test_pages_need_sign_in(console_app):
    c, _, _ = console_app
    for path in ("/", "/knowledge", "/try", "/questions", "/keywords", "/menu", "/drafts", "/stats",
                 "/announcements", "/users"):
        resp = await c.get(path, allow_redirects=False)
        assert resp.status == 302 and "/admin/login" in resp.headers["Location"], path


async def test_sign_in_sets_a_hardened_cookie_and_opens_the_home_page(console_app):
    c, _, _ = console_app
    resp = await c.login("ops")
    assert resp.status == 302
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    home = await c.get("/")
    assert home.status == 200 and "ops" in await home.text()
    assert home.headers["X-Frame-Options"] == "DENY"


async def test_wrong_password_is_refused(console_app):
    c, _, _ = console_app
    resp = await c.login("ops", "not the password")
    assert resp.status == 401
    assert (await c.get("/", allow_redirects=False)).status == 302


async def test_post_without_csrf_token_is_refused(ops):
    c, _, webhook = ops
    resp = await c.post("/keywords/edit", {"match": "exact", "pattern": "你好呀", "kind": "text", "text": "hi"},
                        csrf=False)
    assert resp.status == 403
    resp = await c.post("/keywords/edit", {"match": "exact", "pattern": "你好呀", "kind": "text", "text": "hi",
                                           "_csrf": "forged"}, csrf=False)
    assert resp.status == 403
    assert webhook.deps.keywords.all() == []


async def test_sign_in_without_csrf_token_is_refused(console_app):
    c, _, _ = console_app
    resp = await c.client.post("/admin/login", data={"name": "ops", "password": PASSWORD}, allow_redirects=False)
    assert resp.status == 403


async def test_repeated_failures_lock_the_account_even_for_the_right_password(console_app):
    c, _, webhook = console_app
    for _ in range(3):  # BOT_ADMIN_MAX_FAILURES=3 in the fixture
        assert (await c.login("ops", "guess")).status == 401
    resp = await c.login("ops", PASSWORD)
    assert resp.status == 401 and "锁定" in await resp.text()
    from bot.admin.audit import Audit
    assert any("locked" in a["action"] for a in Audit(webhook.db).recent())


async def test_lock_out_ends_after_its_time(console_webhook):
    from bot.admin.users import Users
    users = Users(console_webhook.db)
    for _ in range(3):
        users.check("ops", "guess", 3, 60, now=1000.0)
    assert users.check("ops", PASSWORD, 3, 60, now=1030.0) == (None, "locked")
    user, reason = users.check("ops", PASSWORD, 3, 60, now=1061.0)
    assert user is not None and reason == ""


async def test_many_names_tried_from_one_address_lock_that_address(console_app):
    c, _, webhook = console_app
    for i in range(5):  # BOT_ADMIN_ADDRESS_MAX_FAILURES=6: five names, one wrong password each
        resp = await c.login(f"guess{i}", "guess")
        assert resp.status == 401 and "用户名或密码不对" in await resp.text()
    resp = await c.login("ops", "still a guess")                      # the sixth locks the address
    assert resp.status == 401 and "网络地址" in await resp.text()
    resp = await c.login("root", PASSWORD)                           # even a right password, another account
    assert resp.status == 401 and "网络地址" in await resp.text()
    assert (await c.get("/", allow_redirects=False)).status == 302
    from bot.admin.users import Users
    assert Users(webhook.db).check("root", PASSWORD, 3, 60)[0] is not None   # the account itself is not locked
    refused = [a for a in webhook.db["admin_audit"].rows if a["action"] == "sign-in refused (address locked)"]
    assert refused and '"address": "127.0.0.1"' in refused[-1]["after"]


async def test_address_lock_out_ends_after_its_time_and_counts_within_its_window(console_webhook):
    from bot.admin.users import Users
    users = Users(console_webhook.db)
    for i in range(2):
        assert not users.address_failed("203.0.113.5", 3, 60, now=1000.0 + i)
    assert users.address_failed("203.0.113.5", 3, 60, now=1002.0)
    assert users.address_locked("203.0.113.5", now=1030.0) and not users.address_locked("198.51.100.7", now=1030.0)
    assert not users.address_locked("203.0.113.5", now=1063.0)
    # failures further apart than the window do not add up
    assert not users.address_failed("192.0.2.1", 2, 60, now=2000.0)
    assert not users.address_failed("192.0.2.1", 2, 60, now=2061.0)
    assert users.address_failed("192.0.2.1", 2, 60, now=2062.0)


async def _sign_in_from(client, address: str, name: str, password: str):
    from admin.console_helpers import CSRF
    token = CSRF.search(await (await client.get("/admin/login")).text()).group(1)
    return await client.post("/admin/login", data={"_csrf": token, "name": name, "password": password},
                             headers={"X-Forwarded-For": address}, allow_redirects=False)


async def test_client_address_behind_a_trusted_proxy_is_the_last_forwarded_entry(aiohttp_client, make_config,
                                                                                  kb_folder, engine):
    from bot.admin.users import Users
    from bot.channels.wechat.webhook import make_app
    from bot.wiring import build_webhook, mount_console
    cfg = make_config(BOT_KNOWLEDGE_DATA_DIR=str(kb_folder), BOT_ADMIN_SECRET="s", BOT_ADMIN_ADDRESS_MAX_FAILURES=2,
                      BOT_ADMIN_TRUST_FORWARDED_FOR=1)
    webhook = build_webhook(cfg, knowledge=engine)
    Users(webhook.db).add("ops", "operator", PASSWORD)
    app = make_app(webhook)
    mount_console(app, webhook)
    client = await aiohttp_client(app)
    for name in ("a", "b"):                 # two refusals lock 203.0.113.5
        assert (await _sign_in_from(client, "203.0.113.5", name, "x")).status == 401
    # a forged entry in front of the proxy's own changes nothing: the same address, now locked
    resp = await _sign_in_from(client, "10.9.9.9, 203.0.113.5", "ops", PASSWORD)
    assert resp.status == 401 and "网络地址" in await resp.text()
    assert (await _sign_in_from(client, "198.51.100.7", "ops", PASSWORD)).status == 302


async def test_forwarded_for_is_ignored_unless_trusted(console_app):
    c, _, _ = console_app
    for i in range(6):                      # spoofing X-Forwarded-For does not spread the failures out
        resp = await _sign_in_from(c.client, f"198.51.100.{i}", f"guess{i}", "guess")
    assert "网络地址" in await resp.text()
    assert "网络地址" in await (await _sign_in_from(c.client, "192.0.2.200", "ops", PASSWORD)).text()


async def test_sign_out_ends_the_session(ops):
    c, _, _ = ops
    resp = await c.post("/logout")
    assert resp.status == 302
    assert (await c.get("/", allow_redirects=False)).status == 302


async def test_staff_cannot_open_operator_pages(console_app):
    c, _, _ = console_app
    await c.login("xiao")
    for path in ("/keywords", "/menu", "/drafts", "/stats", "/questions", "/users"):
        assert (await c.get(path)).status == 403, path
    assert (await c.get("/try")).status == 200


async def test_users_page_adds_an_account_and_is_audited(console_app):
    c, _, webhook = console_app
    await c.login("root")
    resp = await c.post("/users", {"name": "newop", "role": "operator", "password": "long enough pw"})
    assert resp.status == 302
    page = await (await c.get("/users")).text()
    assert "newop" in page and "add user" in page
    resp = await c.post("/users", {"name": "short", "role": "operator", "password": "x"})
    assert resp.status == 400


async def test_operator_cannot_manage_accounts(ops):
    c, _, _ = ops
    assert (await c.get("/users")).status == 403


def test_add_user_command(tmp_path):
    db = tmp_path / "cli.db"
    env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(db), "ADMIN_PW": "a good password"}
    proc = subprocess.run([sys.executable, "run_bot.py", "admin", "add-user", "anna", "--role", "staff",
                           "--community", "yubo", "--password-env", "ADMIN_PW"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    import sqlite_utils

    from bot.admin.users import Users
    users = Users(sqlite_utils.Database(db))
    assert users.get("anna").communities == ["yubo"]
    assert users.check("anna", "a good password", 5, 60)[0] is not None
    row = next(sqlite_utils.Database(db)["admin_users"].rows)
    assert row["hash"].startswith("$argon2") and "a good password" not in row["hash"]
    proc = subprocess.run([sys.executable, "run_bot.py", "admin", "add-user", "bob", "--role", "staff",
                           "--password-env", "ADMIN_PW"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "community" in proc.stderr


def test_console_settings_are_checked():
    import pytest

    from bot.config import ConfigError, load_config
    with pytest.raises(ConfigError, match=r"^admin\.path"):
        load_config(environ={"BOT_WECHAT_TOKEN": "t", "BOT_ADMIN_PATH": "/wechat"})
    with pytest.raises(ConfigError, match=r"^admin\.session_minutes"):
        load_config(environ={"BOT_WECHAT_TOKEN": "t", "BOT_ADMIN_MAX_FAILURES": "0"})
    assert load_config(environ={"BOT_WECHAT_TOKEN": "t", "BOT_ADMIN_SECRET": "s"}).admin.secret == "s"


async def test_every_form_refuses_a_post_without_the_csrf_token(ops):
    """Every route that takes a POST, found in the console's router (new forms are covered by
    themselves): without the session's token, or with a forged one, 403 and nothing recorded."""
    import re

    from bot.admin.app import make_admin_app
    c, _, webhook = ops
    posts = set()
    for resource in make_admin_app(webhook).router.resources():
        for route in resource:
            if route.method in ("POST", "*"):
                path = resource.canonical
                path = re.sub(r"\{kind\}", "programmes", path)
                posts.add(re.sub(r"\{\w+(?::[^}]*)?\}", "1", path))
    assert {"/login", "/logout", "/announcements", "/announcements/1/cancel", "/drafts", "/drafts/item/1",
            "/keywords/edit", "/menu", "/try", "/users", "/questions/alias", "/knowledge/programmes/edit"} <= posts
    audit = webhook.db["admin_audit"].count
    for path in sorted(posts):
        for data in ({"text": "x", "name": "x"}, {"text": "x", "name": "x", "_csrf": "forged"}):
            resp = await c.post(path, data, csrf=False)
            assert resp.status == 403, path
    assert webhook.db["admin_audit"].count == audit
    assert (await c.get("/", allow_redirects=False)).status == 200        # still signed in: logout was refused too


async def test_every_console_route_needs_sign_in_and_the_webhook_passes_no_middleware(console_app):
    """Each handler carries its own guard (found in the router, so a new page is covered by
    itself); neither application has middlewares, so webhook requests skip aiohttp's
    middleware step, which a sub-application's middlewares impose on every request."""
    import re

    c, peer, webhook = console_app
    app = c.client.app
    admin = next(r for r in app.router.resources() if r.canonical == "/admin").get_info()["app"]
    assert not app.middlewares and not admin.middlewares
    for resource in admin.router.resources():
        if resource.name in ("login", "static"):
            continue
        path = re.sub(r"\{\w+(?::[^}]*)?\}", "1", resource.canonical.replace("{kind}", "programmes"))
        for route in resource:
            method = "GET" if route.method in ("*", "HEAD") else route.method
            resp = await c.client.request(method, path, allow_redirects=False)
            assert resp.status in (302, 403), (method, path, resp.status)   # 403: a POST without the token
    assert (await c.get("/static/progress.js")).status == 200               # the console's script is public
    assert "虞波" in await peer.ask(text("虞波社区在哪个街道"))                  # and the webhook still answers
