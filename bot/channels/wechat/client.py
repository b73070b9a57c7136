"""Outbound WeChat API client on aiohttp (never blocks the event loop).

Why not wechatpy's client: it is synchronous (requests), its token URL is hard-coded to
/cgi-bin/token (which rotates the token, so several processes invalidate each other) and it
retries 40001 without bound. Here the token comes from /cgi-bin/stable_token, which hands
back the same valid token to every caller; it is cached with its expiry in the database (or in
Redis, with a lock across processes, when storage.redis_url is set) so all workers share it,
refreshed once under a lock, and an API answer of 40001/42001 causes
exactly one refresh and one retry.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any, Awaitable, Callable

import aiohttp
import sqlite_utils
from sqlite_utils import Migrations

from bot.channels.wechat.accesslog import MESSAGE_LOG

log = logging.getLogger("linli.client")
TOKEN_INVALID = {40001, 42001, 40014}
REFRESH_MARGIN = 300  # seconds before expiry a cached token counts as stale
CREDENTIAL_MEMORY = 30  # seconds a refused AppID/AppSecret is not tried again


class WeChatAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{errcode}: {redact(errmsg)}")
        self.errcode, self.errmsg = errcode, redact(errmsg)


class CredentialError(WeChatAPIError):
    """AppID, AppSecret or the server's IP is refused: nothing can be sent until an operator acts."""


class TransientError(Exception):
    """WeChat did not act on the call (cannot connect, a proxy's odd answer): safe to retry."""


class AmbiguousError(Exception):
    """The call reached WeChat or may have (timeout, 5xx after sending): it may have been acted on."""


CREDENTIAL_CODES = {40125, 40013, 40164, 41004, 40002}
_SECRET = re.compile(r"(access_token|secret|appsecret|token|encoding_aes_key)=[^&\s\"']+", re.IGNORECASE)
_SECRET_JSON = re.compile(r'("(?:access_token|secret)"\s*:\s*")[^"]*', re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with access tokens and secrets replaced by ***; every stored or logged error passes here."""
    return _SECRET_JSON.sub(r"\1***", _SECRET.sub(r"\1=***", str(text)))


def install_redaction() -> None:
    """Every log record, whichever logger and handler, is redacted when it is made (message,
    arguments and traceback), so no handler can write a token or secret. The message log
    (`linli.messages`) is the exception: its lines are built from fixed fields (kind, hashed
    openid, handler, latency, outcome), never from text or errors, and scanning a batch of them
    cost a tenth of answering a message."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts", False):
        return

    def redacting(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if record.name == MESSAGE_LOG:
            return record
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record
    redacting.redacts = True
    logging.setLogRecordFactory(redacting)


MIGRATIONS = Migrations("access_tokens")


@MIGRATIONS()
def m001_access_tokens(db: sqlite_utils.Database) -> None:
    if not db["access_tokens"].exists():
        db["access_tokens"].create({"app_id": str, "token": str, "expires_at": float}, pk="app_id")


class TokenStore:
    """access_token cache in the shared database (one row per app id). The interface is async
    (get, put, lock) so that `bot.storage.redis_token.RedisTokenStore` can stand in for it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["access_tokens"]
        self._lock = asyncio.Lock()
        MIGRATIONS.apply(db)

    async def get(self, app_id: str) -> tuple[str, float] | None:
        try:
            row = self.table.get(app_id)
        except sqlite_utils.db.NotFoundError:
            return None
        return row["token"], row["expires_at"]

    async def put(self, app_id: str, token: str, expires_at: float) -> None:
        self.table.upsert({"app_id": app_id, "token": token, "expires_at": expires_at}, pk="app_id")

    def lock(self, app_id: str) -> asyncio.Lock:
        """Held while this process fetches a token (stable_token lets other processes fetch too)."""
        return self._lock


class WeChatClient:
    def __init__(self, base_url: str, app_id: str, app_secret: str, store: TokenStore,
                 timeout: float = 5.0, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id, self.app_secret, self.store = app_id, app_secret, store
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._refused: tuple[float, CredentialError] | None = None

    async def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout, trust_env=False)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _post(self, path: str, payload: dict, params: dict | None = None) -> dict:
        """The JSON answer; raises TransientError when WeChat surely did not act on the call and
        AmbiguousError when it may have (errors never carry the URL, which holds the token)."""
        session = await self.session()
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            async with session.post(self.base_url + path, params=params, data=body,
                                    headers={"Content-Type": "application/json"}) as resp:
                status, raw = resp.status, await resp.read()
        except aiohttp.ClientConnectorError as exc:  # nothing was sent
            raise TransientError(f"{path}: cannot connect ({type(exc).__name__})") from None
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            raise AmbiguousError(f"{path}: {type(exc).__name__} after sending") from None
        if status >= 500:
            raise AmbiguousError(f"{path}: HTTP {status}")
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # a proxy's HTML page (404, 403) never reached WeChat; a garbled 200 might have
            error = AmbiguousError if status == 200 else TransientError
            raise error(f"{path}: HTTP {status}, not a JSON object")
        return data

    async def access_token(self, stale: str | None = None) -> str:
        """A valid token; `stale` is one the API just refused, so it is not handed out again."""
        cached = await self.store.get(self.app_id)
        if cached and cached[0] != stale and cached[1] - REFRESH_MARGIN > time.time():
            return cached[0]
        async with self.store.lock(self.app_id):
            cached = await self.store.get(self.app_id)  # another task or worker may have refreshed meanwhile
            if cached and cached[0] != stale and cached[1] - REFRESH_MARGIN > time.time():
                return cached[0]
            refused = self._refused
            if refused is not None and time.monotonic() - refused[0] < CREDENTIAL_MEMORY:
                raise refused[1]   # the tasks that waited on the lock do not ask again
            try:
                data = await self._post("/cgi-bin/stable_token", {
                    "grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret,
                    "force_refresh": False})
            except AmbiguousError as exc:  # fetching a token sends nothing to anyone
                raise TransientError(str(exc)) from None
            if "access_token" not in data:
                code = int(data.get("errcode", -1))
                if code in CREDENTIAL_CODES:
                    error = CredentialError(code, str(data.get("errmsg", "")))
                    self._refused = (time.monotonic(), error)
                    raise error
                raise WeChatAPIError(code, str(data.get("errmsg", "no access_token")))
            expires_at = time.time() + int(data.get("expires_in", 7200))
            await self.store.put(self.app_id, data["access_token"], expires_at)
            log.info("access_token refreshed, expires in %ss", data.get("expires_in"))
            return data["access_token"]

    async def _token(self, stale: str | None = None) -> str:
        """access_token() for a call about to be made: a failure of the token store (Redis down,
        its lock not got in time) means nothing was sent, so it is a TransientError."""
        try:
            return await self.access_token(stale)
        except (WeChatAPIError, TransientError):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the store raised, the call was not made
            raise TransientError(f"no access token: {type(exc).__name__}: {redact(str(exc))[:200]}") from None

    async def call(self, path: str, payload: dict) -> dict:
        """POST an API call with the token; one refresh and one retry on an invalid token."""
        return await self.with_token(lambda token: self._post(path, payload, {"access_token": token}))

    async def with_token(self, request: Callable[[str], Awaitable[dict]]) -> dict:
        """`request(token)` (any API call answering JSON) with one refresh and one retry when the
        token is refused; an errcode is raised (CredentialError when no call can succeed)."""
        token = await self._token()
        data = await request(token)
        code = int(data.get("errcode", 0) or 0)
        if code in TOKEN_INVALID:
            log.warning("access_token refused (%s); refreshing once", code)
            token = await self._token(stale=token)
            data = await request(token)
            code = int(data.get("errcode", 0) or 0)
        if code:
            kind = CredentialError if code in CREDENTIAL_CODES else WeChatAPIError
            raise kind(code, str(data.get("errmsg", "")))
        return data

    async def send_template(self, openid: str, template_id: str, text: str, client_msg_id: str,
                            url: str = "") -> dict[str, Any]:
        """Template message; the template needs a {{content.DATA}} field. WeChat drops a repeat
        with the same openid + client_msg_id within 10 minutes, which makes re-sending safe."""
        payload = {"touser": openid, "template_id": template_id, "client_msg_id": client_msg_id,
                   "data": {"content": {"value": text}}}
        if url:
            payload["url"] = url
        return await self.call("/cgi-bin/message/template/send", payload)

    async def mass_send_tag(self, tag_id: int, text: str, clientmsgid: str) -> dict[str, Any]:
        """Mass send to every follower with the tag; WeChat refuses a repeated clientmsgid (45065)."""
        return await self.call("/cgi-bin/message/mass/sendall", {
            "filter": {"is_to_all": False, "tag_id": tag_id}, "msgtype": "text", "text": {"content": text},
            "clientmsgid": clientmsgid, "send_ignore_reprint": 0})

    async def send_text(self, openid: str, text: str) -> dict[str, Any]:
        """Customer-service text message (allowed within 48 h of the resident's last message)."""
        return await self.call("/cgi-bin/message/custom/send",
                               {"touser": openid, "msgtype": "text", "text": {"content": text}})
