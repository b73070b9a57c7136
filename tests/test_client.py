"""The outbound client against the fake WeChat API: stable_token, caching, one refresh on 40001."""
from __future__ import annotations

import asyncio

import pytest
import sqlite_utils

from bot.channels.wechat.client import TokenStore, WeChatAPIError, WeChatClient


@pytest.fixture
async def client(fake_wechat, tmp_path):
    c = WeChatClient(fake_wechat.base_url, "wxapp", "secret", TokenStore(sqlite_utils.Database(tmp_path / "t.db")))
    yield c
    await c.close()


async def test_token_comes_from_stable_token_and_is_cached(client, fake_wechat):
    await client.send_text("o1", "a")
    await client.send_text("o1", "b")
    token_calls = fake_wechat.calls_to("/cgi-bin/stable_token")
    assert len(token_calls) == 1
    assert token_calls[0].body == {"grant_type": "client_credential", "appid": "wxapp", "secret": "secret",
                                   "force_refresh": False}
    sends = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert [c.query["access_token"] for c in sends] == ["TOKEN-1", "TOKEN-1"]


async def test_token_is_shared_through_the_database(client, fake_wechat, tmp_path):
    await client.send_text("o1", "a")
    other = WeChatClient(fake_wechat.base_url, "wxapp", "secret", TokenStore(sqlite_utils.Database(tmp_path / "t.db")))
    await other.send_text("o1", "b")
    await other.close()
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 1


async def test_concurrent_callers_refresh_once(client, fake_wechat):
    await asyncio.gather(*(client.send_text("o1", str(i)) for i in range(10)))
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 1


async def test_40001_refreshes_once_and_retries_once(client, fake_wechat):
    await client.send_text("o1", "a")
    fake_wechat.revoke_tokens()
    await client.send_text("o1", "b")
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 2
    sends = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert [c.query["access_token"] for c in sends] == ["TOKEN-1", "TOKEN-1", "TOKEN-3"]


@pytest.mark.parametrize("code", [40001, 42001])
async def test_invalid_token_twice_gives_up_after_one_retry(client, fake_wechat, code):
    fake_wechat.script("/cgi-bin/message/custom/send", code, code, code)
    with pytest.raises(WeChatAPIError) as err:
        await client.send_text("o1", "a")
    assert err.value.errcode == code
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 2
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 2


async def test_other_errors_are_raised_with_their_code(client, fake_wechat):
    fake_wechat.script("/cgi-bin/message/custom/send", 45015)
    with pytest.raises(WeChatAPIError) as err:
        await client.send_text("o1", "a")
    assert err.value.errcode == 45015
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 1


async def test_token_endpoint_error_is_raised(client, fake_wechat):
    fake_wechat.script("/cgi-bin/stable_token", 40125)
    with pytest.raises(WeChatAPIError) as err:
        await client.send_text("o1", "a")
    assert err.value.errcode == 40125
