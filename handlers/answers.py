"""Turning the knowledge engine's Answer into reply text with the operators' templates.

Long lists are cut to WeChat's 2048-byte limit; what was shown is remembered so that "更多"
continues from there (the question is re-asked and the list resumed at the same offset,
which is exact because answering is deterministic).
"""
from __future__ import annotations

from handlers.replies import Templates


def render_answer(templates: Templates, answer, sources: dict, offset: int = 0) -> tuple[str, int | None]:
    """(text, next offset or None when everything was shown)."""
    data = dict(answer.data)
    data["sources"] = sources
    follow = data.pop("follow", None)
    if follow is not None:
        data["follow_text"] = render_answer(templates, follow, sources)[0]
    if answer.pages is None:
        return templates.render(answer.template, offset=0, **data), None
    items = answer.pages[offset:]
    text, rest = templates.fit(answer.template, items, offset=offset, **data)
    return text, (offset + len(items) - len(rest)) if rest else None
