"""Reply templates: Jinja2 files in one folder that operators edit, rendered within WeChat's limits.

A passive text reply may hold at most 2048 bytes. `render` returns what fits; when a list is
cut, the rest is kept as a "more" page the resident gets by replying 更多 (see `continue_text` in handlers/ask.py).
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

MAX_BYTES = 2048


class Templates:
    def __init__(self, folder: str | Path) -> None:
        self.env = Environment(loader=FileSystemLoader(str(folder)), undefined=StrictUndefined,
                               trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=False,
                               autoescape=False, auto_reload=False)
        # auto_reload=False: no stat() per reply; edited templates are picked up on SIGHUP (reload)
        self.env.filters["services"] = services_phrase
        self._constant: dict[tuple, str] = {}

    def render(self, name: str, **ctx) -> str:
        """Render; lines left empty by template tags are dropped, so templates stay readable."""
        text = self.env.get_template(name + ".j2").render(**ctx)
        return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())

    def render_constant(self, name: str, **ctx) -> str:
        """`render` for replies that do not depend on the resident (greeting, help, thanks): each
        distinct context is rendered once per template set (a reload brings a new set). The
        context's values must be hashable (strings, tuples); at most 256 contexts are kept."""
        key = (name, *ctx.items())
        text = self._constant.get(key)
        if text is None:
            text = self.render(name, **ctx)
            if len(self._constant) >= 256:
                self._constant.clear()
            self._constant[key] = text
        return text

    def fit(self, name: str, items: list, per_page_ctx: dict | None = None, **ctx) -> tuple[str, list]:
        """Render `name` with as many of `items` as fit in MAX_BYTES; returns (text, rest).

        The template gets `items` and `more` (True when some were left out)."""
        lo, hi = 1, len(items)
        full = self.render(name, items=items, more=False, **ctx)
        if fits(full) or not items:
            return clip(full), []
        while lo < hi:  # binary search for the largest prefix that fits
            mid = (lo + hi + 1) // 2
            if fits(self.render(name, items=items[:mid], more=True, **ctx)):
                lo = mid
            else:
                hi = mid - 1
        return clip(self.render(name, items=items[:lo], more=True, **ctx)), items[lo:]


def services_phrase(names: list[str]) -> str:
    """养老助老、法律服务 -> "养老助老、法律服务" + "服务" only when the last name lacks it."""
    text = "、".join(names)
    return text if text.endswith("服务") else text + "服务"


def fits(text: str) -> bool:
    return len(text.encode("utf-8")) <= MAX_BYTES


def clip(text: str, limit: int = MAX_BYTES) -> str:
    """Cut at a character boundary so the UTF-8 size stays within `limit` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
