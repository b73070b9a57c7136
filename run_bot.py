#!/usr/bin/env python3
"""Linli command line: serve the webhook, manage the knowledge base, ask questions from a terminal."""
from __future__ import annotations

import argparse
import logging
import sys

from bot.config import ConfigError, load_config


def cmd_serve(args, cfg) -> int:
    """One process, or `--workers N` processes sharing the port (N > 1 needs storage.redis_url)."""
    from bot.channels.wechat.serving import check_token, install_log_guards, run_workers
    from bot.config import replace
    from bot.wiring import describe, prepare_knowledge, rebuild_knowledge, setup_logging
    setup_logging(cfg.log.level)
    install_log_guards()
    log = logging.getLogger("linli")
    try:
        warning = check_token(cfg)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    if warning:
        for _ in range(3):
            log.warning("!!! %s !!!", warning)
    workers = args.workers
    if workers < 1 or (workers > 1 and not cfg.storage.redis_url):
        print("config error: serve --workers N (N > 1) needs storage.redis_url (BOT_STORAGE_REDIS_URL), so the "
              "workers share retries, replays and the access token", file=sys.stderr)
        return 2
    log.info("serving %s with %d worker(s)", describe(cfg), workers)
    if workers == 1:
        _serve_process(cfg, 0, reuse_port=False)
        return 0
    prepare_knowledge(cfg)   # built once here, so the workers do not all rebuild it at once
    shared = replace(cfg, storage={"state_cache_entries": 0})
    if not cfg.admin.secret:   # one console key for every worker, else a sign-in holds on one worker only
        import secrets
        shared = replace(shared, admin={"secret": secrets.token_urlsafe(32)})
    return run_workers(workers, lambda index: _serve_process(shared, index, reuse_port=True),
                       on_reload=lambda: rebuild_knowledge(cfg))


def _serve_process(cfg, index: int, reuse_port: bool) -> None:
    import asyncio
    import signal

    from bot.channels.wechat.serving import serve_forever, settle_collector
    from bot.channels.wechat.webhook import make_app
    from bot.wiring import build_deliverer, build_webhook, reload_knowledge
    webhook = build_webhook(cfg)
    app = make_app(webhook)
    from bot.wiring import mount_console, mount_pages
    mount_console(app, webhook)
    mount_pages(app, webhook)

    async def reload_on_sighup(app) -> None:
        """`kill -HUP PID` reloads the knowledge files; a bad file is refused and the old kept. With
        several workers the parent rebuilds the database and each worker reloads from it."""
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGHUP, lambda: reload_knowledge(cfg, webhook.db, webhook.deps, rebuild=not reuse_port))
    app.on_startup.append(reload_on_sighup)

    async def delivery_worker(app):
        """Announcements are delivered by a background worker; rows are claimed under leases in
        the database, so workers never send the same row twice. Without Redis only the first
        process delivers (the rate limit is per process then)."""
        stop = asyncio.Event()
        task = asyncio.create_task(build_deliverer(cfg, webhook).run(stop))
        yield
        stop.set()
        await task
    if cfg.wechat.app_id and cfg.wechat.app_secret and (index == 0 or cfg.storage.redis_url):
        app.cleanup_ctx.append(delivery_worker)
    settle_collector()  # start-up objects (knowledge, dictionaries) leave the collector's scans
    serve_forever(app, cfg, reuse_port=reuse_port)


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
    s.add_argument("--workers", type=int, default=1,
                   help="processes serving the one port (SO_REUSEPORT); more than 1 needs storage.redis_url")
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
