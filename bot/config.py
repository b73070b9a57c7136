"""Typed configuration: config.toml, then BOT_<SECTION>_<KEY> environment overrides.

Loaded once at start-up. A missing or invalid setting raises ConfigError whose message is
one line naming the key, so `run_bot.py` can print it and stop.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or invalid; str() is one line that names the key."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    path: str = "/wechat"
    max_body_bytes: int = 65536
    reply_deadline_seconds: float = 4.5
    timestamp_window_seconds: int = 300
    header_timeout_seconds: float = 10.0
    max_connections: int = 1000
    event_loop: str = "uvloop"



@dataclass(frozen=True)
class WeChatConfig:
    token: str = ""
    app_id: str = ""
    app_secret: str = ""
    encoding_aes_key: str = ""
    mode: str = "auto"
    api_base_url: str = "https://api.weixin.qq.com"
    api_timeout_seconds: float = 5.0


@dataclass(frozen=True)
class StorageConfig:
    database: str = "linli.db"
    state_flush_seconds: float = 0.25
    context_flush_seconds: float = 2.0
    state_cache_entries: int = 100000
    redis_url: str = ""
    context_ttl_seconds: float = 86400.0


@dataclass(frozen=True)
class KnowledgeConfig:
    data_dir: str = "knowledge/data"
    templates_dir: str = "templates"


@dataclass(frozen=True)
class MatchingConfig:
    threshold: float = 72.0
    margin: float = 6.0
    reply_cache_entries: int = 10000


@dataclass(frozen=True)
class DedupConfig:
    ttl_seconds: int = 60
    max_entries: int = 50000
    replay_entries: int = 300000


@dataclass(frozen=True)
class DeliveryConfig:
    template_id: str = ""
    template_url: str = ""
    mass_tags: str = ""
    rate_per_second: float = 20.0
    active_window_hours: int = 48
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    backoff_cap_seconds: float = 300.0
    limit_pause_seconds: float = 600.0
    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    subscribe_template_id: str = ""
    subscribe_field: str = "thing1"
    template_field_chars: int = 200
    followers_rate_per_second: float = 10.0
    public_url: str = ""
    long_text: str = "article"
    article_cover: str = ""


def mass_tags(d: "DeliveryConfig") -> dict[str, int]:
    """community id -> WeChat user tag id, from delivery.mass_tags."""
    out = {}
    for pair in filter(None, (p.strip() for p in d.mass_tags.split(","))):
        community, _, tag = pair.partition("=")
        out[community.strip()] = int(tag)
    return out


@dataclass(frozen=True)
class AdminConfig:
    path: str = "/admin"
    secret: str = ""
    session_minutes: int = 720
    max_failures: int = 5
    lockout_minutes: int = 15
    cookie_secure: int = 0
    address_max_failures: int = 20
    trust_forwarded_for: int = 0


@dataclass(frozen=True)
class LogConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    wechat: WeChatConfig = field(default_factory=WeChatConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    log: LogConfig = field(default_factory=LogConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)

    def path(self, value: str) -> Path:
        """Resolve a configured path relative to the project root."""
        p = Path(value)
        return p if p.is_absolute() else ROOT / p


def _coerce(key: str, kind: type, value: Any) -> Any:
    if kind is str:
        return str(value)
    if isinstance(value, bool):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    try:
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}: expected {'an integer' if kind is int else 'a number'}, got {value!r}") from None


def _validate(cfg: Config) -> None:
    s, w = cfg.server, cfg.wechat
    if not 1 <= s.port <= 65535:
        raise ConfigError(f"server.port: must be 1-65535, got {s.port}")
    if not s.path.startswith("/"):
        raise ConfigError(f"server.path: must start with '/', got {s.path!r}")
    if s.max_body_bytes < 1024:
        raise ConfigError("server.max_body_bytes: must be at least 1024")
    if not 0.1 <= s.reply_deadline_seconds <= 4.9:
        raise ConfigError("server.reply_deadline_seconds: must be between 0.1 and 4.9 (WeChat waits 5 s)")
    if not 0 < cfg.storage.state_flush_seconds <= 5:
        raise ConfigError("storage.state_flush_seconds: must be more than 0 and at most 5")
    if not 0 < cfg.storage.context_flush_seconds <= 60:
        raise ConfigError("storage.context_flush_seconds: must be more than 0 and at most 60")
    if cfg.storage.context_ttl_seconds < 1:
        raise ConfigError("storage.context_ttl_seconds: must be at least 1")
    if cfg.storage.state_cache_entries < 0:
        raise ConfigError("storage.state_cache_entries: must be 0 (off) or more")
    if cfg.matching.reply_cache_entries < 0:
        raise ConfigError("matching.reply_cache_entries: must be 0 (off) or more")
    if not 1 <= s.header_timeout_seconds <= 600 or s.max_connections < 16:
        raise ConfigError("server.header_timeout_seconds: must be 1-600 s, and server.max_connections at least 16")
    if cfg.storage.redis_url and not cfg.storage.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"storage.redis_url: must be a redis:// URL, got {cfg.storage.redis_url!r}")
    if s.timestamp_window_seconds <= 0:
        raise ConfigError("server.timestamp_window_seconds: must be positive")
    if not w.token:
        raise ConfigError("wechat.token: missing (set BOT_WECHAT_TOKEN)")
    if cfg.delivery.long_text not in ("article", "split"):
        raise ConfigError(f"delivery.long_text: must be 'article' or 'split', got {cfg.delivery.long_text!r}")
    if cfg.delivery.article_cover and not cfg.path(cfg.delivery.article_cover).is_file():
        raise ConfigError(f"delivery.article_cover: no such file {cfg.delivery.article_cover!r}")
    if cfg.delivery.public_url and not cfg.delivery.public_url.startswith(("https://", "http://")):
        raise ConfigError(f"delivery.public_url: must be an http(s) URL, got {cfg.delivery.public_url!r}")
    if s.event_loop not in ("uvloop", "asyncio"):
        raise ConfigError(f"server.event_loop: must be 'uvloop' or 'asyncio', got {s.event_loop!r}")
    if w.mode not in ("auto", "safe"):
        raise ConfigError(f"wechat.mode: must be 'auto' or 'safe', got {w.mode!r}")
    if w.encoding_aes_key:
        try:
            ok = len(w.encoding_aes_key) == 43 and len(base64.b64decode(w.encoding_aes_key + "=")) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            raise ConfigError("wechat.encoding_aes_key: must be the 43-character key from the admin console")
        if not w.app_id:
            raise ConfigError("wechat.app_id: required when wechat.encoding_aes_key is set")
    if w.mode == "safe" and not w.encoding_aes_key:
        raise ConfigError("wechat.encoding_aes_key: required when wechat.mode is 'safe'")
    if not w.api_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"wechat.api_base_url: must be an http(s) URL, got {w.api_base_url!r}")
    if not 0 <= cfg.matching.margin <= 100 or not 0 < cfg.matching.threshold <= 100:
        raise ConfigError("matching.threshold: must be in (0, 100] and matching.margin in [0, 100]")
    if cfg.dedup.replay_entries < 1000:
        raise ConfigError("dedup.replay_entries: must be at least 1000")
    if cfg.dedup.ttl_seconds <= 0 or cfg.dedup.max_entries <= 0:
        raise ConfigError("dedup.ttl_seconds: ttl_seconds and max_entries must be positive")
    d = cfg.delivery
    for pair in filter(None, (p.strip() for p in d.mass_tags.split(","))):
        community, _, tag = pair.partition("=")
        if not community.strip() or not tag.strip().isdigit():
            raise ConfigError(f"delivery.mass_tags: expected 'community_id=tag_id,...', got {pair!r}")
    if d.lease_seconds < 0.1:
        raise ConfigError("delivery.lease_seconds: must be at least 0.1")
    if d.rate_per_second <= 0 or d.max_attempts < 1 or d.backoff_seconds <= 0 or d.poll_seconds <= 0:
        raise ConfigError("delivery.rate_per_second: rate, max_attempts, backoff_seconds and poll_seconds must be positive")
    if d.template_field_chars < 20 or d.followers_rate_per_second <= 0:
        raise ConfigError("delivery.template_field_chars: must be at least 20 (and followers_rate_per_second positive)")
    a = cfg.admin
    if not a.path.startswith("/") or a.path.rstrip("/") in ("", s.path.rstrip("/")):
        raise ConfigError(f"admin.path: must start with '/' and differ from server.path, got {a.path!r}")
    if a.session_minutes <= 0 or a.max_failures < 1 or a.lockout_minutes <= 0:
        raise ConfigError("admin.session_minutes: session_minutes, max_failures and lockout_minutes must be positive")
    if a.address_max_failures < 1:
        raise ConfigError("admin.address_max_failures: must be at least 1")
    if a.trust_forwarded_for not in (0, 1):
        raise ConfigError("admin.trust_forwarded_for: must be 0 or 1")
    if cfg.log.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"log.level: must be DEBUG, INFO, WARNING or ERROR, got {cfg.log.level!r}")


def load_config(path: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (default: config.toml at the project root), apply env overrides, validate."""
    environ = os.environ if environ is None else environ
    file = Path(path) if path else ROOT / "config.toml"
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {file} is not valid TOML: {exc}") from None
    sections = {}
    for sect in fields(Config):
        cls = sect.type if isinstance(sect.type, type) else globals()[sect.type]
        given = raw.pop(sect.name, {})
        known = {f.name: f for f in fields(cls)}
        unknown = set(given) - set(known)
        if unknown:
            raise ConfigError(f"{sect.name}.{sorted(unknown)[0]}: unknown setting")
        values = {}
        for name, f in known.items():
            key = f"{sect.name}.{name}"
            kind = f.type if isinstance(f.type, type) else {"str": str, "int": int, "float": float}[f.type]
            env_key = f"BOT_{sect.name}_{name}".upper()
            if env_key in environ:
                values[name] = _coerce(key, kind, environ[env_key])
            elif name in given:
                values[name] = _coerce(key, kind, given[name])
        sections[sect.name] = cls(**values)
    if raw:
        raise ConfigError(f"{sorted(raw)[0]}: unknown section")
    cfg = Config(**sections)
    _validate(cfg)
    return cfg


def replace(cfg: Config, **sections: dict) -> Config:
    """A copy of cfg with some section fields changed (used by tests and the CLI)."""
    return dataclasses.replace(
        cfg, **{name: dataclasses.replace(getattr(cfg, name), **vals) for name, vals in sections.items()})
