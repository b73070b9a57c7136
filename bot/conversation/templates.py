"""Reply templates: Jinja2 files in one folder that operators edit.

Templates render whole replies; sizing them to WeChat's limits is the one door's job
(bot/conversation/pager.py)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined


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


def services_phrase(names: list[str]) -> str:
    """养老助老、法律服务 -> "养老助老、法律服务" + "服务" only when the last name lacks it."""
    text = "、".join(names)
    return text if text.endswith("服务") else text + "服务"
