"""An announcement's text against each channel's limit.

  customer-service text  2048 bytes per message: a longer text goes as numbered parts (1/3)
  template field         `delivery.template_field_chars` characters: cut with …, the message
                         links to `delivery.template_url` where there is one
  subscription field     20 characters (a `thing` field): the first line, cut
  passive reply          2048 bytes: the preview shows the text a page at a time
"""
from __future__ import annotations

from dataclasses import dataclass

CUSTOM_BYTES = 2048
SUBSCRIBE_CHARS = 20
PAGE_CHARS = 500           # text shown per preview page (3 bytes a character leaves room for the rest)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def split_custom(text: str, limit: int = CUSTOM_BYTES) -> list[str]:
    """Parts of at most `limit` bytes each, numbered （1/3） when there is more than one; cut
    at a line end where one is near, else at a character boundary."""
    if _size(text) <= limit:
        return [text]
    budget = limit - _size("（99/99）\n")
    parts, rest = [], text
    while rest:
        data = rest.encode("utf-8")
        if len(data) <= budget:
            parts.append(rest)
            break
        piece = data[:budget].decode("utf-8", errors="ignore")
        cut = piece.rfind("\n")
        if cut > len(piece) // 2:
            piece = piece[:cut + 1]
        parts.append(piece.rstrip("\n"))
        rest = rest[len(piece):].lstrip("\n")
    return [f"（{i}/{len(parts)}）\n{p}" for i, p in enumerate(parts, 1)]


def cut(text: str, chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars - 1] + "…"


def subscribe_value(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), text)
    return cut(first, SUBSCRIBE_CHARS)


def pages(text: str, size: int = PAGE_CHARS) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


@dataclass
class Fit:
    """What the preview says about length."""
    chars: int
    custom_parts: int
    template_cut: bool
    subscribe_cut: bool
    preview_pages: int


def fit(text: str, template_chars: int) -> Fit:
    return Fit(len(text), len(split_custom(text)), len(" ".join(text.split())) > template_chars,
               len(subscribe_value(text)) < len(" ".join(text.split())), len(pages(text)))
