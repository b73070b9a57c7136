"""`run_bot.py followers sync|status`: import the account's followers, with a progress bar."""
from __future__ import annotations

import asyncio

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.announcements.wechat_api import AccountAPI
from bot.channels.wechat.client import WeChatAPIError

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


async def _sync(webhook, cfg) -> int:
    service = webhook.deps.announcements
    api = AccountAPI(webhook.client)
    try:
        try:
            service.followers.save_tags(await api.tags())
        except WeChatAPIError as exc:
            err.print(f"tags not read ({exc}); continuing without tag names")
        with Progress(TextColumn("followers"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console) as bar:
            task = bar.add_task("", total=None)
            summary = await service.followers.sync(
                api, cfg.delivery.followers_rate_per_second,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except WeChatAPIError as exc:
        cur = service.followers.cursor() or {}
        err.print(f"stopped by WeChat ({exc}); {cur.get('imported', 0)} imported so far. "
                  f"Run `followers sync` again to continue where it stopped.")
        return 1
    finally:
        await webhook.client.close()
    console.print(f"{'resumed: ' if summary.resumed else ''}{summary.imported} followers imported in {summary.pages} "
                  f"page(s) (WeChat counts {summary.total}); {summary.subscribed} subscribed, {summary.bound} bound "
                  f"to a community by tag or QR scene")
    return 0


def followers_cmd(args, webhook, cfg) -> int:
    if args.followers_command == "sync":
        return asyncio.run(_sync(webhook, cfg))
    cur = webhook.deps.announcements.followers.cursor()
    if cur is None:
        console.print("never synced")
    else:
        state = "finished" if cur["finished_at"] else "interrupted (run `followers sync` to resume)"
        console.print(f"last sync {state}: {cur['imported']} of {cur['total']} imported")
    return 0


def register(sub, needs_webhook) -> None:
    f = sub.add_parser("followers", help="import the account's followers from WeChat (resumable)")
    fs = f.add_subparsers(dest="followers_command", required=True, metavar="ACTION")
    fs.add_parser("sync", help="import or update every follower (user/get + user/info/batchget)")
    fs.add_parser("status", help="how far the last sync got")
    f.set_defaults(func=lambda args, cfg: followers_cmd(args, needs_webhook(cfg), cfg))
