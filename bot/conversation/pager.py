"""The one door every reply passes: replies are sized here, for every handler and channel.

A passive text reply holds at most 2048 bytes, and so does a customer-service text message, so
one limit serves both. A longer reply is cut into pages at line ends (a line longer than a page
is cut at a character boundary); the first page goes out with a footer saying how to go on, the
rest wait in the `pager` flow for 更多. Pages are stored as text, so paging resumes exactly
and always reaches the last one, whatever produced the reply.

The pager follows the last reply: a new reply that is not a page closes the old pages."""
from __future__ import annotations

from bot.conversation.message import Reply

LIMIT = 2048
FLOW = "pager"
TTL = 3600.0
FOOTER_ROOM = 120        # bytes kept free on every page for the footer


def one_door(reply: Reply, state, templates) -> Reply:
    text = reply.text
    if reply.outcome != "control" and FLOW in state.context.flows:
        state.context.close(FLOW)
    if not text or (len(text) * 3 <= LIMIT) or len(text.encode("utf-8")) <= LIMIT:
        return reply
    pages = split(text, LIMIT - FOOTER_ROOM)
    state.context.open(FLOW, "pages", {"pages": pages[1:], "total": len(pages)}, TTL)
    reply.text = pages[0] + "\n" + templates.render("more_footer", page=1, total=len(pages))
    return reply


def next_page(state, templates) -> str | None:
    """The next stored page with its footer, or None when there is none."""
    flow = state.context.flow(FLOW)
    if flow is None or not flow.data["pages"]:
        state.context.close(FLOW)
        return None
    pages, total = flow.data["pages"], flow.data["total"]
    page = pages.pop(0)
    number = total - len(pages)
    if not pages:
        state.context.close(FLOW)
    return page + "\n" + templates.render("more_footer", page=number, total=total)


def split(text: str, budget: int) -> list[str]:
    pages, current, size = [], [], 0
    for line in text.split("\n"):
        for piece in _cut(line, budget):
            n = len(piece.encode("utf-8")) + 1
            if current and size + n > budget:
                pages.append("\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += n
    if current:
        pages.append("\n".join(current))
    return pages


def _cut(line: str, budget: int) -> list[str]:
    data = line.encode("utf-8")
    if len(data) <= budget:
        return [line]
    out = []
    while data:
        chunk = data[:budget].decode("utf-8", errors="ignore")
        out.append(chunk)
        data = data[len(chunk.encode("utf-8")):]
    return out
