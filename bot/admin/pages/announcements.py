"""Announcements from the console: compose with the audience per channel, schedule, cancel a
scheduled one, watch progress and see the per-resident report. Everything goes through the
announcements' use cases (bot/announcements/service.py), so the rules are WeChat's and the
CLI's: staff address only their communities, an empty audience, nobody reachable and a past
time are refused."""
from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, user_of
from bot.announcements.channels import CHANNEL_NAMES
from bot.announcements.service import Preview
from bot.storage.residents import openid_hash

REFUSALS = {"not_allowed": "只能发给自己负责的社区", "empty_audience": "这些社区还没有关注本号的居民",
            "nobody_reachable": "这些居民目前都无法送达（不在48小时互动期内，也没有订阅通知、群发标签或模板消息）",
            "past": "发送时间已经过去", "ambiguous": "社区有重名，请在列表里选定", "no_target": "请选择社区"}


class ConsoleSender:
    """A console user as the announcements' rules see them: operators address anything, staff
    only communities they look after."""

    def __init__(self, user) -> None:
        self.user = user
        self.role = "admin" if user.operator else "staff"

    def may_address(self, scope: str, targets: list[str]) -> bool:
        if self.user.operator:
            return True
        return scope == "community" and bool(targets) and all(self.user.may_edit(t) for t in targets)


def _draft(request, form) -> dict:
    user = user_of(request)
    words = [t for t in form.getall("community", []) if t]
    if form.get("all") and user.operator:
        words = ["全体"]
    if not words:
        raise web.HTTPBadRequest(text="choose at least one community")
    if not user.operator and not all(user.may_edit(t) for t in words):
        raise web.HTTPForbidden(text="staff may address only their own communities")
    text = str(form.get("text", "")).strip()
    if not text:
        raise web.HTTPBadRequest(text="the announcement needs a text")
    service = request.app[CONSOLE].webhook.deps.announcements
    return {"targets": service.resolver().resolve(words).to_dict(), "text": text,
            "send_at": _when(str(form.get("send_at", ""))), "form": str(form.get("form", ""))}


def _when(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip().replace("T", " "), "%Y-%m-%d %H:%M").timestamp()
    except ValueError:
        raise web.HTTPBadRequest(text="time: use YYYY-MM-DD HH:MM") from None


FORMS = {"article": "图文消息：标题、开头和全文网页链接", "split": "文字，客服消息分条发送（每条带编号）"}
IMAGE_REFUSALS = {"bad_type": "图片须为 JPG、PNG、GIF 或 BMP", "too_big": "图片超过 10MB",
                  "upload_failed": "图片没能上传到微信，请稍后再试", "no_api": "没有连接微信接口"}


async def _attach(service, form, draft: dict) -> str:
    """The uploaded file goes with the draft (uploaded to WeChat); '' or why it was refused."""
    upload = form.get("image")
    data = upload.file.read() if getattr(upload, "file", None) is not None else b""
    if not data:
        return ""
    got = await service.attach_image(data)
    draft["image_id"] = got.id
    return IMAGE_REFUSALS.get(got.error, got.error)


def _shown(p: Preview) -> dict:
    return {"error": REFUSALS.get(p.error, p.error), "audience": p.audience, "form": FORMS.get(p.form, ""),
            "channels": [(CHANNEL_NAMES.get(c, c), n) for c, n in sorted(p.plan.channels.items(), key=lambda kv: -kv[1])],
            "unreachable": sorted(p.plan.unreachable.items())}


async def page(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    user = user_of(request)
    service = console.webhook.deps.announcements
    kb = console.webhook.deps.knowledge
    communities = [(c.id, c.display) for c in kb.model.communities.values() if user.may_edit(c.id)] if kb else []
    preview, form = None, {}
    if request.method == "POST":
        form = await request.post()
        draft = _draft(request, form)
        sender = ConsoleSender(user)
        if form.get("action") == "preview":
            from bot.announcements.targeting import Targets
            p = service.settle(sender, Preview(targets=Targets.from_dict(draft["targets"]), text=draft["text"],
                                               send_at=draft["send_at"], asked_form=draft["form"]))
            preview = _shown(p)
        elif refused := await _attach(service, form, draft):
            preview = {"error": refused, "audience": 0, "form": "", "channels": [], "unreachable": []}
        else:
            result = service.submit(f"console:{user.name}", draft, sender=sender)
            if isinstance(result, Preview):
                preview = _shown(result)
            else:
                aid, _ = result
                console.audit.record(user.name, "announce", f"announcement:{aid}", None, draft)
                raise web.HTTPFound(request.app.router["announcement"].url_for(id=str(aid)))
    items = [console.webhook.deps.outbox.status(a["id"]) for a in service.mine(None, 30)]
    items = [a for a in items if user.operator or (a["targets"] and all(user.may_edit(t) for t in a["targets"]))]
    return await render(request, "announcements.html", communities=communities, items=items, preview=preview,
                        form=form, chosen=form.getall("community", []) if form else [])


def _status(request: web.Request) -> dict:
    console = request.app[CONSOLE]
    user = user_of(request)
    try:
        st = console.webhook.deps.outbox.status(int(request.match_info["id"]))
    except KeyError:
        raise web.HTTPNotFound(text="no such announcement") from None
    if not user.operator and not (st["targets"] and all(user.may_edit(t) for t in st["targets"])):
        raise web.HTTPForbidden(text="not one of your communities")
    return st


LIVE = ("scheduled", "delivering")


def progress_of(st: dict) -> dict:
    """Sent, failed, uncertain and pending per channel, and whether delivery may still move:
    what the page shows and its script polls (a claimed row counts as pending)."""
    channels = []
    for ch, states in sorted(st["channels"].items()):
        channels.append({"channel": ch, "name": CHANNEL_NAMES.get(ch, ch), "sent": states.get("sent", 0),
                         "pending": states.get("pending", 0) + states.get("claimed", 0),
                         "failed": states.get("failed", 0), "uncertain": states.get("uncertain", 0)})
    done = sum(c["sent"] + c["failed"] + c["uncertain"] for c in channels)
    return {"id": st["id"], "status": st["status"], "audience": st["audience"] or 0, "done": done,
            "live": st["status"] in LIVE, "channels": channels}


def report(db, announcement_id: int) -> list[tuple[str, str, str, str]]:
    """The per-resident report (first 500 rows): hashed openid, state, channel, reason."""
    return [(openid_hash(o), s, c or "-", e or "") for o, s, c, e in db.conn.execute(
        "select openid, state, channel, error from outbox where announcement_id = ? order by id limit 500",
        [announcement_id])]


async def detail(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    st = _status(request)
    return await render(request, "announcement.html", st=st, rows=report(console.db, st["id"]), progress=progress_of(st))


async def progress(request: web.Request) -> web.Response:
    """The announcement's progress as JSON, polled by the page while delivery runs; with
    `report=1` the per-resident report too (asked for once, when delivery has ended)."""
    st = _status(request)
    out = progress_of(st)
    if request.query.get("report") == "1":
        out["report"] = report(request.app[CONSOLE].db, st["id"])
    return web.json_response(out)


async def cancel(request: web.Request) -> web.Response:
    """A scheduled announcement is dropped before its time (refused once delivery began)."""
    console = request.app[CONSOLE]
    st = _status(request)
    if not console.webhook.deps.outbox.cancel(st["id"]):
        raise web.HTTPConflict(text="delivery has begun: it can no longer be cancelled")
    console.audit.record(user_of(request).name, "cancel", f"announcement:{st['id']}", {"status": st["status"]},
                         {"status": "cancelled"})
    raise web.HTTPFound(request.app.router["announcement"].url_for(id=str(st["id"])))


def routes(router: GuardedRoutes) -> None:
    router.add_route("*", "/announcements", page, name="announcements")
    router.add_get("/announcements/{id:\\d+}", detail, name="announcement")
    router.add_get("/announcements/{id:\\d+}/progress", progress, name="announcement_progress")
    router.add_post("/announcements/{id:\\d+}/cancel", cancel, name="announcement_cancel")
