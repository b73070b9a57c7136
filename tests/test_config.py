"""Configuration: file, environment overrides, one clear line naming a bad key, docs complete."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
BASE = {"BOT_WECHAT_TOKEN": "t"}


def test_defaults_come_from_config_toml():
    cfg = load_config(environ={})
    assert cfg.server.path == "/wechat" and cfg.server.reply_deadline_seconds == 4.5


def test_environment_overrides_every_section():
    cfg = load_config(environ={**BASE, "BOT_SERVER_PORT": "18080", "BOT_SERVER_PATH": "/wx",
                               "BOT_STORAGE_DATABASE": "data/x.db", "BOT_MATCHING_MARGIN": "3.5",
                               "BOT_WECHAT_ENCODING_AES_KEY": "", "BOT_WECHAT_APP_ID": ""})
    assert (cfg.server.port, cfg.server.path, cfg.storage.database, cfg.matching.margin) == (18080, "/wx", "data/x.db", 3.5)


@pytest.mark.parametrize("env,key", [
    ({"BOT_SERVER_PORT": "eighty"}, "server.port"),
    ({"BOT_SERVER_PORT": "70000"}, "server.port"),
    ({"BOT_SERVER_PATH": "wechat"}, "server.path"),
    ({"BOT_WECHAT_TOKEN": ""}, "wechat.token"),
    ({"BOT_WECHAT_ENCODING_AES_KEY": "short"}, "wechat.encoding_aes_key"),
    ({"BOT_WECHAT_ENCODING_AES_KEY": "a" * 43}, "wechat.app_id"),
    ({"BOT_WECHAT_MODE": "safe"}, "wechat.encoding_aes_key"),
    ({"BOT_SERVER_REPLY_DEADLINE_SECONDS": "9"}, "server.reply_deadline_seconds"),
    ({"BOT_LOG_LEVEL": "LOUD"}, "log.level"),
    ({"BOT_SERVER_EVENT_LOOP": "trio"}, "server.event_loop"),
    ({"BOT_DELIVERY_LONG_TEXT": "pages"}, "delivery.long_text"),
    ({"BOT_DELIVERY_PUBLIC_URL": "linli.example.org"}, "delivery.public_url"),
    ({"BOT_DELIVERY_ARTICLE_COVER": "no/such/cover.jpg"}, "delivery.article_cover"),
])
def test_invalid_setting_names_the_key(env, key):
    with pytest.raises(ConfigError) as err:
        load_config(environ={**BASE, **env})
    assert str(err.value).startswith(key) and "\n" not in str(err.value)


def test_unknown_key_in_file_is_refused(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[server]\nprot = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"server\.prot: unknown setting"):
        load_config(f, environ=BASE)


def test_cli_stops_with_one_line_on_bad_config():
    env = {"PATH": "/usr/bin:/bin", "BOT_SERVER_PORT": "nope"}
    proc = subprocess.run([sys.executable, "run_bot.py", "serve"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["config error: server.port: expected an integer, got 'nope'"]


def test_every_setting_is_in_config_toml_and_readme():
    """Like Datasette's docs test: a setting nobody documented fails the build."""
    toml = (ROOT / "config.toml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for section in dataclasses.fields(Config):
        assert f"[{section.name}]" in toml, section.name
        for f in dataclasses.fields(section.type if isinstance(section.type, type) else eval(section.type,
                                    vars(__import__("bot.config", fromlist=["x"])))):
            assert re.search(rf"^{f.name}\s*=", toml, re.M), f"{section.name}.{f.name} not in config.toml"
            env = f"BOT_{section.name}_{f.name}".upper()
            assert env in readme, f"{env} not documented in README.md"
