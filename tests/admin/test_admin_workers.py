"""Several workers (`serve --workers N`) share one database: a knowledge edit and a keyword reply
saved through one process's console are answered by another process too, without a restart."""
from __future__ import annotations

import asyncio

from bot.channels.wechat.webhook import make_app
from bot.wiring import build_webhook, mount_console
from admin.console_helpers import ConsoleClient
from workers import worker_pids
from wechat_peer import Peer, text

PROG = "xuenong.diqiubuding"
FORM = {"id": PROG, "name": "地球补丁", "community": "xuenong", "full_name": "地球补丁环保公益行动",
        "kind": "环保公益行动", "categories": "environment、charity", "source": "nb-first-batch"}


async def eventually(ask, wanted: str, seconds: float = 15.0) -> str:
    reply = ""
    for i in range(int(seconds / 0.25)):
        reply = await ask(f"oOther{i:04d}")
        if wanted in reply:
            return reply
        await asyncio.sleep(0.25)
    return reply


async def test_a_change_in_one_workers_console_reaches_the_other_worker(ops, aiohttp_client, engine):
    c, _, webhook = ops                                     # worker A, with its console signed in
    other = build_webhook(webhook.config, knowledge=engine)  # worker B: the same database and files
    app = make_app(other)
    mount_console(app, other)
    w = other.config.wechat
    client_b = await aiohttp_client(app)
    peer_b = Peer(client_b, w.token, aes_key=w.encoding_aes_key, app_id=w.app_id)
    ask_b = lambda question: lambda openid: peer_b.ask(text(question, openid=openid))  # noqa: E731
    assert "旧衣改造" not in await ask_b("地球补丁是什么")("oFirst0001")
    resp = await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "description": "每月组织旧衣改造和垃圾分类宣传。"})
    assert resp.status == 302
    assert "旧衣改造" in await eventually(ask_b("地球补丁是什么"), "旧衣改造")
    resp = await c.post("/keywords/edit", {"match": "keyword", "pattern": "停水", "kind": "text", "text": "周六停水检修。"})
    assert resp.status == 302
    assert await eventually(ask_b("明天会停水吗"), "周六停水检修。") == "周六停水检修。"
    console_b = ConsoleClient(client_b)                      # "Try it" shows the same chat on either worker
    assert (await console_b.login("ops")).status == 302
    await c.post("/try", {"text": "地球补丁是什么"})
    assert "学弄社区" in await (await console_b.get("/try")).text()
    await console_b.post("/try", {"clear": "1"})
    assert "学弄社区" not in await (await c.get("/try")).text()


def test_a_console_sign_in_holds_on_every_worker_of_serve(tmp_path):
    """`serve --workers 2` without admin.secret: the workers share one random session key, so the
    sign-in made through one worker is honoured by the other (the kernel spreads connections)."""
    import http.cookiejar
    import os
    import re
    import subprocess
    import sys
    import urllib.parse
    import urllib.request

    import sqlite_utils

    from admin.console_helpers import PASSWORD, ROOT
    from bot.admin.users import Users
    from conftest import TOKEN
    from redis_server import RedisServer, free_port
    Users(sqlite_utils.Database(tmp_path / "w.db")).add("ops", "operator", PASSWORD)
    redis, port = RedisServer(), free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN,
           "BOT_STORAGE_DATABASE": str(tmp_path / "w.db"), "BOT_STORAGE_REDIS_URL": redis.url}
    proc = subprocess.Popen([sys.executable, "run_bot.py", "serve", "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        pids = worker_pids(base)
        assert len(pids) == 2, pids
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = browser.open(base + "/admin/login", timeout=10).read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "name": "ops", "password": PASSWORD}).encode()
        assert "你好，ops" in browser.open(base + "/admin/login", form, timeout=10).read().decode()
        for _ in range(20):       # new connections, spread over both workers
            assert "你好，ops" in browser.open(base + "/admin/", timeout=10).read().decode()
    finally:
        proc.terminate()
        proc.wait(20)
        redis.stop()


async def test_a_build_made_outside_the_running_bot_is_loaded(console_app, kb_folder):
    from bot.wiring import rebuild_knowledge
    _, peer, webhook = console_app
    assert "旧衣改造" not in await peer.ask(text("地球补丁是什么", openid="oBuild0001"))
    path = kb_folder / "programmes.yaml"
    content = path.read_text(encoding="utf-8")
    start = content.index(f"- id: {PROG}\n")
    path.write_text(content[:start] + f"- id: {PROG}\n  description: 每月组织旧衣改造。\n"
                    + content[start + len(f"- id: {PROG}\n"):], encoding="utf-8")
    assert rebuild_knowledge(webhook.config)                 # `run_bot.py kb build` from a terminal
    assert "旧衣改造" in await eventually(lambda o: peer.ask(text("地球补丁是什么", openid=o)), "旧衣改造")
