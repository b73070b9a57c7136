"""Images attached to announcements. Owner of `announcement_images`.

An image is kept here (its bytes, so the announcement's page can show it and WeChat's copy can be
renewed) together with the media_id WeChat gave it. WeChat keeps temporary media (media/upload)
three days, so a media_id older than `MEDIA_DAYS` is uploaded again before use (a scheduled
announcement may go out later than that). The file is checked before it is sent to WeChat, so a
staff member hears at once what is wrong; WeChat's own refusals are named the same way:
  40004 not a media type WeChat knows   40005 not a JPEG, PNG, GIF or BMP   45001, 40009 too large
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations

from bot.channels.wechat.client import TransientError, WeChatAPIError

IMAGE_BYTES = 10 * 1024 * 1024      # WeChat's limit for an image (media/upload type image)
MEDIA_DAYS = 2.5                    # WeChat keeps temporary media 3 days; renewed before that
KINDS = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG": ("image/png", "png"), b"GIF8": ("image/gif", "gif"),
         b"BM": ("image/bmp", "bmp")}
REFUSALS = {40004: "bad_type", 40005: "bad_type", 45001: "too_big", 40009: "too_big"}

MIGRATIONS = Migrations("announcement_images")


@MIGRATIONS()
def m001_announcement_images(db: sqlite_utils.Database) -> None:
    if not db["announcement_images"].exists():
        db["announcement_images"].create({"id": int, "sha256": str, "data": bytes, "content_type": str,
                                          "media_id": str, "uploaded_at": float, "created_at": float}, pk="id")


@dataclass
class Attached:
    """An image stored and uploaded (id, media_id), or why not (`error`: bad_type, too_big,
    empty, upload_failed, no_api) with WeChat's answer in `detail`."""
    id: int = 0
    media_id: str = ""
    error: str = ""
    detail: str = ""


def kind_of(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an image WeChat takes, by its first bytes; None otherwise."""
    return next((v for magic, v in KINDS.items() if data.startswith(magic)), None)


class Images:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        MIGRATIONS.apply(db)

    def get(self, image_id: int) -> dict | None:
        row = self.db.conn.execute("select id, data, content_type, media_id, uploaded_at from announcement_images "
                                   "where id = ?", [image_id]).fetchone()
        return dict(zip(("id", "data", "content_type", "media_id", "uploaded_at"), row)) if row else None

    async def attach(self, api, data: bytes) -> Attached:
        """Check, upload (media/upload) and keep an image; the media_id WeChat gave is recorded."""
        if not data:
            return Attached(error="empty")
        kind = kind_of(data)
        if kind is None:
            return Attached(error="bad_type")
        if len(data) > IMAGE_BYTES:
            return Attached(error="too_big")
        if api is None:
            return Attached(error="no_api")
        try:
            media_id = await api.upload(data, "image", f"announcement.{kind[1]}", kind[0])
        except WeChatAPIError as exc:
            return Attached(error=REFUSALS.get(exc.errcode, "upload_failed"), detail=str(exc))
        except TransientError as exc:
            return Attached(error="upload_failed", detail=str(exc))
        with self.db.conn:
            cur = self.db.conn.execute(
                "insert into announcement_images (sha256, data, content_type, media_id, uploaded_at, created_at) "
                "values (?, ?, ?, ?, ?, ?)", (hashlib.sha256(data).hexdigest(), data, kind[0], media_id,
                                              time.time(), time.time()))
        return Attached(cur.lastrowid, media_id)

    async def media_id(self, api, image_id: int) -> str:
        """The image's media_id for a send now: uploaded again when WeChat may have dropped it.
        Raises what the upload raises (WeChatAPIError, TransientError)."""
        img = self.get(image_id)
        if img is None:
            raise WeChatAPIError(40007, f"image {image_id} is gone")
        if img["media_id"] and time.time() - (img["uploaded_at"] or 0) < MEDIA_DAYS * 86400:
            return img["media_id"]
        kind = kind_of(img["data"]) or ("image/jpeg", "jpg")
        media_id = await api.upload(img["data"], "image", f"announcement.{kind[1]}", kind[0])
        with self.db.conn:
            self.db.conn.execute("update announcement_images set media_id = ?, uploaded_at = ? where id = ?",
                                 (media_id, time.time(), image_id))
        return media_id
