"""Fixtures for the web console: a bot on a copy of the knowledge files with the console mounted,
and a client that signs in and carries the CSRF token as a browser form would."""
from __future__ import annotations

import shutil

import pytest

from bot.channels.wechat.webhook import make_app
from bot.wiring import build_webhook, mount_console

from admin.console_helpers import PASSWORD, ROOT, ConsoleClient  # noqa: E402


@pytest.fixture
def kb_folder(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "data", folder)
    return folder


@pytest.fixture
def console_webhook(make_config, kb_folder, engine):
    cfg = make_config(BOT_KNOWLEDGE_DATA_DIR=str(kb_folder), BOT_ADMIN_SECRET="test-secret", BOT_ADMIN_MAX_FAILURES=3,
                      BOT_ADMIN_ADDRESS_MAX_FAILURES=6)
    webhook = build_webhook(cfg, knowledge=engine)  # the shared engine until the first edit rebuilds from the copy
    from bot.admin.users import Users
    users = Users(webhook.db)
    users.add("ops", "operator", PASSWORD)
    users.add("root", "admin", PASSWORD)
    users.add("xiao", "staff", PASSWORD, ["yubo"])
    return webhook


@pytest.fixture
async def console_app(aiohttp_client, console_webhook):
    """(ConsoleClient, raw aiohttp client, webhook): one app serving the webhook and the console."""
    from wechat_peer import Peer

    w = console_webhook.config.wechat
    app = make_app(console_webhook)
    mount_console(app, console_webhook)
    client = await aiohttp_client(app)
    return ConsoleClient(client), Peer(client, w.token, aes_key=w.encoding_aes_key, app_id=w.app_id), console_webhook


@pytest.fixture
async def ops(console_app):
    c, peer, webhook = console_app
    resp = await c.login("ops")
    assert resp.status == 302
    return c, peer, webhook
