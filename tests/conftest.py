"""Fixtures: a fake WeChat API server on loopback, a configured bot on a temporary database,
and a Peer that signs and encrypts requests the way WeChat does (with wechatpy)."""
from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bot.channels.wechat.webhook import make_app  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.wiring import build_webhook  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402
from wechat_peer import Peer  # noqa: E402

TOKEN = "testtoken"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")
APP_ID = "wx1234567890abcdef"


@pytest.fixture
async def fake_wechat(aiohttp_server):
    fake = FakeWeChat()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def make_config(tmp_path, fake_wechat):
    def make(**overrides):
        env = {"BOT_WECHAT_TOKEN": TOKEN, "BOT_WECHAT_APP_ID": APP_ID, "BOT_WECHAT_APP_SECRET": "secret",
               "BOT_WECHAT_ENCODING_AES_KEY": AES_KEY, "BOT_WECHAT_API_BASE_URL": fake_wechat.base_url,
               "BOT_STORAGE_DATABASE": str(tmp_path / "bot.db")}
        env.update({k: str(v) for k, v in overrides.items()})
        return load_config(environ=env)
    return make


@pytest.fixture(scope="session")
def engine():
    """The real knowledge base, built once per test session (an Engine is immutable)."""
    import sqlite_utils

    from knowledge.engine import Engine
    from knowledge.loader import build_database
    db = sqlite_utils.Database(memory=True)
    build_database(db, ROOT / "knowledge" / "data")
    return Engine.from_database(db)


@pytest.fixture
async def make_bot(aiohttp_client, make_config, engine):
    """Start a bot app on the real knowledge; returns (Peer, WeChatWebhook)."""
    async def make(**overrides):
        cfg = make_config(**overrides)
        webhook = build_webhook(cfg, knowledge=engine)
        client = await aiohttp_client(make_app(webhook))
        return Peer(client, TOKEN, aes_key=AES_KEY, app_id=APP_ID), webhook
    return make


@pytest.fixture
async def bot(make_bot):
    peer, _ = await make_bot()
    return peer


@pytest.fixture
def deps(tmp_path, engine):
    """What handlers get, on the real knowledge and a temporary database."""
    import sqlite_utils

    from bot.wiring import build_dependencies
    cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / "s.db")})
    return build_dependencies(cfg, sqlite_utils.Database(tmp_path / "s.db"), knowledge=engine)


@pytest.fixture
def say(deps):
    """say(text, user=..., kind=..., **fields) -> the reply text, through the dispatcher as any
    channel sends it; every reply is checked against WeChat's 2048 bytes."""
    from bot.conversation.message import Message
    from handlers import build_dispatcher
    dp = build_dispatcher()

    async def send(text: str = "", user: str = "oResident", **kw) -> str:
        kind = kw.pop("kind", "text")
        reply = await dp.dispatch(Message(kind=kind, openid=user, text=text, **kw), deps)
        assert len(reply.text.encode("utf-8")) <= 2048
        return reply.text
    return send


@pytest.fixture
async def setup(tmp_path, fake_wechat, engine):
    """setup(**delivery settings) -> (config, webhook) against the fake WeChat API (announcements)."""
    from announce_helpers import make_bot
    edges: list = []
    yield lambda **delivery: make_bot(tmp_path, fake_wechat, engine, edges, **delivery)
    for webhook in edges:
        await webhook.client.close()
