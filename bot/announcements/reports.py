"""When an announcement's delivery ends, its author hears how it went, in WeChat."""
from __future__ import annotations


def attach_reports(deliverer, deps) -> None:
    """After each delivery round, finished announcements are reported to their authors with a
    customer-service message (the author just wrote to the account, so the 48 h window is open)."""
    service = deps.announcements

    async def report() -> None:
        if service.unreported():
            await service.send_reports(deliverer.client.send_text,
                                       lambda r: deps.templates.render("announce_report", report=r))
    deliverer.on_finished = report
