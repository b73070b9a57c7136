"""The terminal console channel: `run_bot.py ask`, `chat` and `questions`.

Messages go through the same dispatcher, state and question log as WeChat's, marked as the
`console` channel; this module only turns text into a Message and prints what comes back."""
from __future__ import annotations

import asyncio
import sys
import time

from handlers import build_dispatcher
from bot.conversation.message import Message
from bot.conversation.dependencies import Dependencies


def reply_to(deps: Dependencies, user: str, text: str) -> str:
    """Dispatch a text message exactly as the webhook would (router, handlers, templates)."""
    msg = Message(kind="text", openid=user, text=text, create_time=int(time.time()), channel="console")
    reply = asyncio.run(build_dispatcher().dispatch(msg, deps))
    return reply.text or (f"{reply.article.title}\n{reply.article.description}" if reply.article else "")


def ask(deps: Dependencies, question: str, user: str) -> int:
    print(reply_to(deps, user, question))
    deps.flush()
    return 0


def chat(deps: Dependencies, user: str, stdin=sys.stdin) -> int:
    from rich.console import Console
    console = Console(highlight=False)
    console.print("[bold]邻里[/bold] 社区小助手（输入问题，回车发送；空行或 Ctrl-D 退出）")
    for line in stdin:
        text = line.strip()
        if not text:
            break
        console.print(f"[cyan]{reply_to(deps, user, text)}[/cyan]")
    deps.flush()
    return 0


def show_questions(deps: Dependencies, everything: bool, limit: int) -> int:
    from datetime import datetime

    from rich.console import Console
    from rich.table import Table
    rows = deps.questions.recent(limit, only_open=not everything)
    t = Table(title="Unanswered questions" if not everything else "Questions")
    for col in ("time", "channel", "question", "intent", "runner-up", "confidence", "outcome"):
        t.add_column(col)
    for r in rows:
        t.add_row(datetime.fromtimestamp(r["at"]).strftime("%m-%d %H:%M"), r["channel"] or "", r["text"], r["intent"],
                  r["runner_up"] or "", f"{r['confidence']:.2f}", r["outcome"] or "")
    Console().print(t)
    return 0


def register(sub, needs_dependencies) -> None:
    a = sub.add_parser("ask", help="answer one question as the bot would")
    a.add_argument("question")
    a.add_argument("--user", default="console", help="resident id whose state is used (default: console)")
    a.set_defaults(func=lambda args, cfg: ask(needs_dependencies(cfg), args.question, args.user))
    c = sub.add_parser("chat", help="interactive console with the same pipeline and state")
    c.add_argument("--user", default="console")
    c.set_defaults(func=lambda args, cfg: chat(needs_dependencies(cfg), args.user))
    q = sub.add_parser("questions", help="what residents asked, newest first (default: only unanswered)")
    q.add_argument("--all", action="store_true", help="answered ones too")
    q.add_argument("--limit", type=int, default=50)
    q.set_defaults(func=lambda args, cfg: show_questions(needs_dependencies(cfg), args.all, args.limit))
