#!/usr/bin/env python3
"""Linli command line: serve the webhook, manage the knowledge base, ask questions from a terminal."""
from __future__ import annotations

import argparse
import logging
import sys

from bot.config import ConfigError, load_config


def cmd_serve(args, cfg) -> int:
    import signal

    from aiohttp import web

    from bot.channels.wechat.webhook import make_app
    from bot.wiring import build_webhook, describe, reload_knowledge, setup_logging
    setup_logging(cfg.log.level)
    webhook = build_webhook(cfg)
    app = make_app(webhook)
    from bot.wiring import mount_console
    mount_console(app, webhook)

    async def reload_on_sighup(app) -> None:
        """`kill -HUP PID` reloads the knowledge files; a bad file is refused and the old kept."""
        import asyncio
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGHUP, lambda: reload_knowledge(cfg, webhook.db, webhook.deps))
    app.on_startup.append(reload_on_sighup)

    async def delivery_worker(app):
        """Announcements are delivered by a background worker in every serving process; rows are
        claimed in the database, so several processes never send the same row twice."""
        import asyncio

        from bot.wiring import build_deliverer
        stop = asyncio.Event()
        task = asyncio.create_task(build_deliverer(cfg, webhook).run(stop))
        yield
        stop.set()
        await task
    if cfg.wechat.app_id and cfg.wechat.app_secret:
        app.cleanup_ctx.append(delivery_worker)
    import gc
    gc.collect()
    gc.freeze()  # start-up objects (knowledge, dictionaries) leave the collector's scans: no GC pauses
    logging.getLogger("linli").info("serving %s", describe(cfg))
    web.run_app(app, host=cfg.server.host, port=cfg.server.port, print=None, access_log=None)
    return 0


def _database(cfg):
    from bot.wiring import open_database
    return open_database(cfg)


def _webhook(cfg):
    from bot.wiring import build_webhook, setup_logging
    setup_logging("WARNING")
    return build_webhook(cfg)


def _dependencies(cfg):
    from bot.wiring import build_dependencies, setup_logging
    setup_logging("WARNING")
    return build_dependencies(cfg, _database(cfg))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run_bot.py", description="Linli (邻里) community assistant for WeChat.")
    p.add_argument("--config", help="config file (default: config.toml beside this program)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("serve", help="serve the WeChat webhook, /healthz and /metrics")
    s.set_defaults(func=cmd_serve)
    from bot.announcements import commands as bot_commands
    from bot.admin import cli as admin_cli
    from bot.channels import console
    from knowledge import commands
    commands.register(sub, _database)
    console.register(sub, _dependencies)
    bot_commands.register(sub, _webhook)
    admin_cli.register(sub, _database)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    return args.func(args, cfg)


if __name__ == "__main__":
    sys.exit(main())
