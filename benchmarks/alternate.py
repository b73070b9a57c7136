"""Where a message's time goes, measured on the live server: one process, two modes alternating.

The shared machine's speed drifts by a third within minutes, so two servers measured one after the
other differ by more than most single steps cost. Here one server switches every `--period`
seconds between the webhook as it is and the webhook with named steps left out, and counts the
requests each mode served in its own periods; slow drifts fall on both alike (as is against as
is: within 2-3 %). The period must not divide the write-behind and access-log intervals (0.25 s,
0.5 s), or their flushes land in one mode only. Periods with idle time in them are left out.

Steps that can be left out (they are what a message costs beyond the answer):
  replay    the replay memory of signed queries        dedup     the retry memory
  logs      metrics and the access log line            eager     the deadline machinery
  qlog      the question log row                       save      saving the resident's state
  answer    the whole conversation (a fixed reply)

    BOT_WECHAT_TOKEN=benchtoken python benchmarks/alternate.py --leave-out dedup,logs --report out.txt
    (then load it, e.g. wrk -t1 -c32 -d12s -s ../shared/load/post.lua URL -- benchtoken questions.txt each;
    the report is written when the server stops)

A measuring tool only: it replaces functions of the running process, never used by the bot."""
from __future__ import annotations

import argparse
import atexit
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from aiohttp import web  # noqa: E402

import bot.channels.wechat.webhook as W  # noqa: E402
from bot.channels.wechat.dedup import message_key  # noqa: E402
from bot.channels.wechat.protocol import BadRequest, parse_xml, reply_parts, to_message  # noqa: E402
from bot.conversation.message import Reply  # noqa: E402
from bot.conversation.router import Dispatcher  # noqa: E402
from bot.storage.questions import QuestionLog  # noqa: E402
from bot.storage.residents import SQLiteResidents, openid_hash  # noqa: E402

STEPS = {"replay", "dedup", "logs", "eager", "qlog", "save", "answer"}
WEBHOOK_STEPS = {"replay", "dedup", "logs", "eager"}


def without(left_out: set[str]):
    """receive() as webhook.py has it, each step in `left_out` skipped."""
    async def process(wh, msg):
        if "eager" not in left_out:
            return await W._process(wh, msg)
        reply = await wh.dispatcher.dispatch(msg, wh.deps)
        return (W.SUCCESS, reply.handler, "no_reply") if reply.empty else (reply_parts(reply, msg), reply.handler, "replied")

    async def receive(request):
        wh, started, q = request.app[W.WEBHOOK], time.perf_counter(), request.query
        reason = W._query_ok(wh, q)
        if reason:
            return W.refuse(wh, 403, reason)
        body = await request.read()
        try:
            msg = to_message(parse_xml(body))
        except BadRequest as exc:
            return W.refuse(wh, 400, str(exc))
        key = message_key(msg.openid, msg.create_time, msg.msg_id, msg.event, msg.event_key)
        if "replay" not in left_out:
            await wh.replay.first(f"{q['timestamp']}|{q['nonce']}|{q['signature']}", key, 601)
        if "dedup" in left_out:
            xml, handler, outcome = await process(wh, msg)
        else:
            (xml, handler, outcome), _ = await wh.dedup.once(key, lambda: process(wh, msg))
        if xml.__class__ is not str:
            xml = "".join(xml)
        if "logs" not in left_out:
            elapsed = time.perf_counter() - started
            wh.metrics.request(msg.kind, outcome, elapsed)
            wh.access_log.write({"kind": msg.kind, "event": msg.event or None, "openid": openid_hash(msg.openid),
                                 "handler": handler, "latency_ms": int(elapsed * 100000) / 100, "outcome": outcome})
        return web.Response(text=xml, content_type="application/xml" if xml != W.SUCCESS else "text/plain")
    return receive if left_out & WEBHOOK_STEPS else W.receive


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--leave-out", default="", help="comma list of steps (mode B); mode A is the bot as it is")
    ap.add_argument("--period", type=float, default=0.37)
    ap.add_argument("--report", default="alternate.txt")
    args = ap.parse_args()
    left_out = set(filter(None, args.leave_out.split(",")))
    if left_out - STEPS:
        ap.error(f"unknown steps: {sorted(left_out - STEPS)}")
    modes = [set(), left_out]
    impl = [W.receive, without(left_out)]
    now = {"mode": 0, "since": time.monotonic(), "n": 0, "periods": []}

    async def receive(request):
        t = time.monotonic()
        if t - now["since"] >= args.period:
            now["periods"].append((now["mode"], now["n"], t - now["since"]))
            now.update(mode=1 - now["mode"], since=t, n=0)
        now["n"] += 1
        return await impl[now["mode"]](request)

    def gate(original, step, skipped):
        def call(*a, **k):
            return skipped(*a, **k) if step in modes[now["mode"]] else original(*a, **k)
        return call

    async def fixed(self, msg, deps):
        return Reply("您好，这是固定回复。")
    log, save, dispatch = QuestionLog.log, SQLiteResidents.save, Dispatcher.dispatch
    QuestionLog.log = gate(log, "qlog", lambda *a, **k: 0.0)
    SQLiteResidents.save = gate(save, "save", lambda *a, **k: None)
    Dispatcher.dispatch = gate(dispatch, "answer", fixed)
    W.receive = receive

    @atexit.register
    def report() -> None:
        served, spent = [0, 0], [0.0, 0.0]
        for mode, n, seconds in now["periods"]:
            if seconds < 1.3 * args.period and n > 50:
                served[mode] += n
                spent[mode] += seconds
        if all(spent):
            a, b = served[0] / spent[0], served[1] / spent[1]
            with open(args.report, "a") as f:
                f.write(f"as is {a:.0f} req/s, without {','.join(sorted(left_out)) or '-'} {b:.0f} req/s: {b / a:.3f}\n")

    import run_bot
    return run_bot.main(["serve"])


if __name__ == "__main__":
    sys.exit(main())
