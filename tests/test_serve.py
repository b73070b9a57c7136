"""The real program: `run_bot.py serve` as a process, spoken to as WeChat would, then stopped."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from wechat_peer import reply_text, text

ROOT = Path(__file__).resolve().parent.parent
AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path_factory, **settings: str) -> tuple[int, subprocess.Popen]:
    """`run_bot.py serve` on a free port with a fresh database, once /healthz answers."""
    port = free_port()
    db = tmp_path_factory.mktemp("serve") / "bot.db"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": "servetoken",
           "BOT_WECHAT_APP_ID": "wxserve", "BOT_WECHAT_ENCODING_AES_KEY": AES, "BOT_STORAGE_DATABASE": str(db), **settings}
    proc = subprocess.Popen([sys.executable, "run_bot.py", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError(proc.stdout.read().decode())
    return port, proc


def health(port: int) -> dict:
    return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, proc = start(tmp_path_factory)
    yield port, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


def post(port: int, body: str, query: dict) -> str:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    req = urllib.request.Request(f"http://127.0.0.1:{port}/wechat?{qs}", body.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.read().decode()


def signed(ts: str, nonce: str) -> dict:
    signer = WeChatSigner()
    signer.add_data("servetoken", ts, nonce)
    return {"signature": signer.signature, "timestamp": ts, "nonce": nonce}


def test_a_resident_asks_the_running_server_in_plain_and_safe_mode(server):
    port, _ = server
    ts, nonce = str(int(time.time())), "4242"
    assert "黄菊芬" in reply_text(post(port, text("丹顶鹤社区书记是谁", openid="oServe1"), signed(ts, nonce)))
    crypto = WeChatCrypto("servetoken", AES, "wxserve")
    nonce = "4343"   # WeChat signs every request with a fresh nonce; a reused signed query is refused
    envelope = crypto.encrypt_message(text("海创社区在哪个街道", openid="oServe2"), nonce, ts)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(envelope)
    q = {**signed(ts, nonce), "encrypt_type": "aes", "msg_signature": root.findtext("MsgSignature")}
    reply = post(port, f"<xml><Encrypt><![CDATA[{root.findtext('Encrypt')}]]></Encrypt></xml>", q)
    rr = ET.fromstring(reply)
    plain = crypto.decrypt_message(reply, rr.findtext("MsgSignature"), rr.findtext("TimeStamp"), rr.findtext("Nonce"))
    assert "下应街道" in reply_text(plain)


def test_it_serves_on_uvloop_unless_told_the_standard_loop(server, tmp_path_factory):
    assert health(server[0]) == {"status": "ok", "event_loop": "uvloop"}
    port, proc = start(tmp_path_factory, BOT_SERVER_EVENT_LOOP="asyncio")
    try:
        assert health(port)["event_loop"] == "asyncio"
        ts = str(int(time.time()))
        assert "黄菊芬" in reply_text(post(port, text("丹顶鹤社区书记是谁", openid="oServe4"), signed(ts, "88")))
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def test_reload_on_sighup_and_clean_stop(server):
    port, proc = server
    proc.send_signal(signal.SIGHUP)
    time.sleep(1.5)
    ts = str(int(time.time()))
    assert "黄菊芬" in reply_text(post(port, text("丹顶鹤社区书记是谁", openid="oServe3"), signed(ts, "77")))
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'linli_requests_total{kind="text",outcome="replied"}' in metrics
    proc.terminate()
    assert proc.wait(10) == 0
    log = proc.stdout.read().decode()
    assert "knowledge and templates reloaded" in log
    # message lines come in batches: the first after the logger's prefix, the rest one per line
    lines = [json.loads(line.split(" linli.messages ", 1)[-1]) for line in log.splitlines()
             if " linli.messages " in line or line.startswith("{")]
    assert {"kind": "text", "handler": "ask.ask", "outcome": "replied"}.items() <= lines[-1].items()



def test_serving_freezes_start_up_objects_and_collects_less_often():
    import gc

    from bot.channels.wechat.serving import GC_THRESHOLDS, settle_collector
    before = gc.get_threshold()
    try:
        settle_collector()
        assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
