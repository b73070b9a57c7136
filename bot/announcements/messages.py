"""What each channel carries for an announcement: text, numbered parts, an image, a news link.

  customer service  form 'article' (and a page to link to): one news message (图文) with the
                    title, the first lines and the link to the page; otherwise the text (numbered
                    parts over 2048 bytes), then the image when there is one
  mass send         an image or an article: one mpnews (uploaded with media/uploadnews, its cover
                    the image or `delivery.article_cover`); otherwise text (an article without a
                    cover: the first lines and the link)
  template, subscription  cannot carry an image or an article: the text (cut) and a link to the
                    page when the announcement has an image or is an article
The page is `<delivery.public_url>/a/<token>` (bot/announcements/pages.py serves it).
"""
from __future__ import annotations

from html import escape

from bot.announcements.content import CUSTOM_BYTES, cut, split_custom
from bot.config import DeliveryConfig

TITLE_CHARS = 30           # WeChat shows about this much of a news title on a phone
SUMMARY_CHARS = 100        # the description under it (the first lines)


def page_url(cfg: DeliveryConfig, token: str) -> str:
    return f"{cfg.public_url.rstrip('/')}/a/{token}" if cfg.public_url and token else ""


def choose_form(text: str, asked: str, cfg: DeliveryConfig) -> str:
    """'article' or 'split' for a text over one customer-service message, '' for a short one.
    The staff member's choice (`asked`) wins; else `delivery.long_text`. An article needs a page
    to link to, so without `delivery.public_url` a long text is split."""
    if len(text.encode("utf-8")) <= CUSTOM_BYTES:
        return ""
    want = asked if asked in ("article", "split") else cfg.long_text
    return "article" if want == "article" and cfg.public_url else "split"


def title(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), text)
    return cut(first, TITLE_CHARS)


def summary(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return cut(" ".join(lines[1:] or lines), SUMMARY_CHARS)


def link(row, cfg: DeliveryConfig) -> str:
    """The page link a channel adds: for articles and announcements with an image."""
    return page_url(cfg, row.token) if row.form == "article" or row.image_id else ""


def custom(row, cfg: DeliveryConfig, image_media_id: str = "") -> list[dict]:
    """The customer-service messages, in order; their count never changes for a row (parts)."""
    url = page_url(cfg, row.token)
    if row.form == "article" and url:
        article = {"title": title(row.text), "description": summary(row.text), "url": url,
                   "picurl": f"{url}/image" if row.image_id else ""}
        return [{"msgtype": "news", "news": {"articles": [article]}}]
    out = [{"msgtype": "text", "text": {"content": part}} for part in split_custom(row.text)]
    if row.image_id:
        out.append({"msgtype": "image", "image": {"media_id": image_media_id}})
    return out


def needs_news(row, cfg: DeliveryConfig) -> bool:
    """Whether the mass send is an mpnews article (it needs a cover: the image or the default)."""
    return bool(row.image_id or (row.form == "article" and cfg.article_cover))


def mpnews_article(row, cfg: DeliveryConfig, thumb_media_id: str) -> dict:
    body = "".join(f"<p>{escape(line)}</p>" for line in row.text.splitlines() if line.strip())
    return {"thumb_media_id": thumb_media_id, "author": "", "title": title(row.text), "content": body,
            "content_source_url": page_url(cfg, row.token), "digest": summary(row.text),
            "show_cover_pic": 1 if row.image_id else 0}


def mass_text(row, cfg: DeliveryConfig) -> str:
    url = page_url(cfg, row.token)
    if row.form == "article" and url:
        return f"{title(row.text)}\n{summary(row.text)}\n全文：{url}"
    return row.text
