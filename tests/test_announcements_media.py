"""Long texts as news articles with their own page, image announcements over each channel, and
split customer-service messages re-sent from the first part not delivered; all against the fake
WeChat API."""
from __future__ import annotations

import asyncio
import re
import time

from aiohttp import web

from announce_helpers import drain, residents, say
from bot.announcements.content import split_custom
from bot.announcements.delivery import Deliverer
from bot.conversation.router import Message
from bot.wiring import mount_pages
from handlers import build_dispatcher

PUBLIC = "https://linli.example.org"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"
CUSTOM = "/cgi-bin/message/custom/send"


def long_text(lines: int = 30) -> str:
    """Over 2048 bytes: a title line, then numbered lines (one with markup, to be escaped)."""
    body = [f"第{i}条：请各位居民注意，本周末小区将进行管道检修，期间可能停水停电，请提前做好准备。" for i in range(lines)]
    return "\n".join(["小区管道检修通知", "<script>alert(1)</script> 与 & 符号", *body, "末尾：物业服务中心"])


def staff(webhook, *communities: str, openid: str = "oStaff") -> str:
    webhook.deps.staff.add(openid, "周", list(communities), "staff")
    return openid


async def pages_client(aiohttp_client, webhook):
    app = web.Application()
    mount_pages(app, webhook)
    return await aiohttp_client(app)


def news_of(fake_wechat, openid: str) -> list[dict]:
    return [c.body["news"]["articles"][0] for c in fake_wechat.calls_to(CUSTOM)
            if c.body["touser"] == openid and c.body["msgtype"] == "news"]


# ------------------------------------------------------------------ long text as a news article
async def test_long_text_goes_as_a_news_link_to_its_page(setup, fake_wechat, aiohttp_client):
    cfg, webhook = setup(public_url=PUBLIC)
    active = residents(webhook, "yubo", 2)
    [idle] = residents(webhook, "yubo", 1, active=False, prefix="oI")
    sid = staff(webhook, "yubo")
    text = long_text()
    preview = await say(webhook, sid, f"发布公告 虞波社区 {text}")
    assert "发送形式：图文消息" in preview and "回复“分条”" in preview
    assert "#1" in await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))

    token = webhook.db.conn.execute("select token from announcements").fetchone()[0]
    assert len(token) >= 20
    url = f"{PUBLIC}/a/{token}"
    for o in active:                                   # one news message each, nothing split
        [article] = news_of(fake_wechat, o)
        assert article["url"] == url and article["title"] == "小区管道检修通知"
        assert article["description"].startswith("<script>alert(1)</script> 与 & 符号 第0条")
        assert len([c for c in fake_wechat.calls_to(CUSTOM) if c.body["touser"] == o]) == 1
    [tpl] = [c.body for c in fake_wechat.calls_to("/cgi-bin/message/template/send")]
    assert tpl["touser"] == idle and tpl["url"] == url   # the template cannot carry it: the link

    client = await pages_client(aiohttp_client, webhook)
    resp = await client.get(f"/a/{token}")
    html = await resp.text()
    assert resp.status == 200 and 'name="viewport"' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; 与 &amp; 符号" in html
    assert "末尾：物业服务中心" in html and html.count("<p>第") == 30    # the whole text, a paragraph a line
    assert (await client.get("/a/" + token[:-1] + ("y" if token.endswith("x") else "x"))).status == 404
    assert webhook.deps.announcements.cancel(sid, 1) == "started"
    await webhook.deps.announcements.withdraw(sid, 1)
    assert (await client.get(f"/a/{token}")).status == 404            # withdrawn: the page is gone too


async def test_staff_choose_split_or_article_and_the_rule_without_public_url(setup, fake_wechat):
    cfg, webhook = setup(public_url=PUBLIC)
    [o] = residents(webhook, "yubo", 1)
    sid = staff(webhook, "yubo")
    await say(webhook, sid, f"发布公告 虞波社区 {long_text()}")
    preview = await say(webhook, sid, "分条")
    assert "发送形式：文字，正文较长，客服消息将分 2 条发送" in preview and "回复“图文”" in preview
    assert "#1" in await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    texts = [t for to, t in fake_wechat.delivered if to == o]
    assert [t[:5] for t in texts] == ["（1/2）", "（2/2）"]

    cfg2, webhook2 = setup()                                # no public_url: there is no page to link
    staff(webhook2, "yubo")
    residents(webhook2, "yubo", 1)
    assert "客服消息将分 2 条发送" in await say(webhook2, sid, f"发布公告 虞波社区 {long_text()}")
    assert "不能发图文消息" in await say(webhook2, sid, "图文")


async def test_mass_send_of_an_article_is_mpnews_with_the_cover(setup, fake_wechat, tmp_path):
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(JPEG)
    cfg, webhook = setup(public_url=PUBLIC, mass_tags="houdajie=101", article_cover=str(cover))
    tagged = residents(webhook, "houdajie", 3, active=False)
    fake_wechat.tags[101] = tagged
    aid = webhook.deps.outbox.create("cli", "community", ["houdajie"], long_text(), form="article")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    [upload] = fake_wechat.calls_to("/cgi-bin/media/upload")
    assert upload.query["type"] == "thumb"
    [news] = fake_wechat.calls_to("/cgi-bin/media/uploadnews")
    article = news.body["articles"][0]
    assert article["thumb_media_id"] in fake_wechat.media and article["title"] == "小区管道检修通知"
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; 与 &amp; 符号</p>" in article["content"]
    assert article["content_source_url"].startswith(f"{PUBLIC}/a/")
    [mass] = fake_wechat.calls_to("/cgi-bin/message/mass/sendall")
    assert mass.body["msgtype"] == "mpnews" and mass.body["mpnews"]["media_id"] in fake_wechat.news
    assert sorted(o for o, _ in fake_wechat.delivered) == sorted(tagged)
    assert webhook.deps.outbox.status(aid)["channels"] == {"mass": {"sent": 3}}


# ------------------------------------------------------------------ images
async def test_image_sent_by_staff_in_wechat_goes_over_every_channel(setup, fake_wechat, aiohttp_client):
    cfg, webhook = setup(public_url=PUBLIC, mass_tags="houdajie=101")
    active = residents(webhook, "yubo", 2)
    [idle] = residents(webhook, "yubo", 1, active=False, prefix="oI")
    tagged = residents(webhook, "houdajie", 2, active=False)
    fake_wechat.tags[101] = tagged
    fake_wechat.media["INCOMING-1"] = JPEG               # what the staff member's image message carries
    sid = staff(webhook, "yubo", "houdajie")
    await say(webhook, sid, "发布公告 虞波社区、后大街社区 周六义诊，见海报")
    reply = await build_dispatcher().dispatch(
        Message(kind="image", openid=sid, fields={"MediaId": "INCOMING-1", "PicUrl": "http://x"}), webhook.deps)
    assert "附图：已上传到微信" in reply.text and "模板消息和订阅通知不能带图片，改为附上全文网页链接" in reply.text
    assert "#1" in await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))

    media_id, data = webhook.db.conn.execute("select media_id, data from announcement_images").fetchone()
    assert media_id in fake_wechat.media and fake_wechat.media[media_id] == JPEG == data
    for o in active:                                    # the text, then the image
        assert [t for to, t in fake_wechat.delivered if to == o] == ["周六义诊，见海报", f"[image] {media_id}"]
    token = webhook.db.conn.execute("select token from announcements").fetchone()[0]
    [tpl] = fake_wechat.calls_to("/cgi-bin/message/template/send")
    assert tpl.body["touser"] == idle and tpl.body["url"] == f"{PUBLIC}/a/{token}"
    [mass] = fake_wechat.calls_to("/cgi-bin/message/mass/sendall")
    [news] = fake_wechat.calls_to("/cgi-bin/media/uploadnews")
    assert mass.body["msgtype"] == "mpnews" and news.body["articles"][0]["thumb_media_id"] == media_id
    assert sorted(o for o, t in fake_wechat.delivered if t.startswith("[mpnews]")) == sorted(tagged)

    client = await pages_client(aiohttp_client, webhook)
    assert f'src="{token}/image"' in await (await client.get(f"/a/{token}")).text()
    resp = await client.get(f"/a/{token}/image")
    assert resp.status == 200 and await resp.read() == JPEG and resp.content_type == "image/jpeg"


async def test_image_refusals_are_named_and_leave_the_draft(setup, fake_wechat):
    cfg, webhook = setup()
    service = webhook.deps.announcements
    got = await service.attach_image(b"GIF89a" + b"\x00" * 10)
    assert not got.error and got.media_id in fake_wechat.media
    before = len(fake_wechat.calls)
    assert (await service.attach_image(b"%PDF-1.4 not an image")).error == "bad_type"
    assert (await service.attach_image(b"")).error == "empty"
    assert len(fake_wechat.calls) == before               # refused before asking WeChat
    fake_wechat.image_limit = 100                          # WeChat's own refusals, as it answers them
    assert (await service.attach_image(JPEG)).error == "too_big"
    fake_wechat.script("/cgi-bin/media/upload", 40005)
    got = await service.attach_image(b"\x89PNG" + b"\x00" * 10)
    assert got.error == "bad_type" and "40005" in got.detail
    fake_wechat.image_limit = 10 * 1024 * 1024
    fake_wechat.script("/cgi-bin/media/upload", 40004)
    assert (await service.attach_image(JPEG)).error == "bad_type"
    assert webhook.db.conn.execute("select count(*) from announcement_images").fetchone()[0] == 1

    [o] = residents(webhook, "yubo", 1)
    sid = staff(webhook, "yubo")
    await say(webhook, sid, "发布公告 虞波社区 周六义诊")
    fake_wechat.media["INCOMING-2"] = b"%PDF-1.4"
    reply = await build_dispatcher().dispatch(Message(kind="image", openid=sid, fields={"MediaId": "INCOMING-2"}),
                                              webhook.deps)
    assert "只接受 JPG、PNG、GIF 或 BMP" in reply.text and "草稿还在" in reply.text
    assert "#1" in await say(webhook, sid, "确认")              # the draft waited; it goes as text
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert fake_wechat.delivered == [(o, "周六义诊")]


# ------------------------------------------------------------------ split parts re-sent from where they stopped
def parts_of(fake_wechat, openid: str) -> list[str]:
    return [re.match(r"（\d/\d）", t).group(0) for to, t in fake_wechat.delivered if to == openid]


TEXT = long_text(55)
N = len(split_custom(TEXT))
ALL = [f"（{i}/{N}）" for i in range(1, N + 1)]


async def test_a_limit_on_part_two_resends_from_part_two_on(setup, fake_wechat):
    cfg, webhook = setup(long_text="split")
    [o] = residents(webhook, "yubo", 1)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], TEXT)
    seen = []

    async def limit_on_second(call):
        if call.path == CUSTOM:
            seen.append(call)
            if len(seen) == 2:
                fake_wechat.script(CUSTOM, 45047)      # WeChat: this resident's message limit, part 2 refused
    fake_wechat.on_call = limit_on_second
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert N >= 3 and parts_of(fake_wechat, o) == ALL      # part 1 once, no gap
    assert webhook.deps.outbox.status(aid)["channels"] == {"custom": {"sent": 1}}
    assert webhook.db.conn.execute("select parts_sent from outbox").fetchone()[0] == N


async def test_a_lost_answer_on_part_two_is_held_and_the_operator_resends_the_rest(setup, fake_wechat):
    cfg, webhook = setup(long_text="split")
    [o] = residents(webhook, "yubo", 1)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], TEXT)
    count = []

    async def lost_second(call):
        if call.path == CUSTOM:
            count.append(call)
            if len(count) == 2:
                fake_wechat.script(CUSTOM, ("http", 502))    # maybe delivered: customer service cannot de-duplicate
    fake_wechat.on_call = lost_second
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    await drain(deliverer)
    assert webhook.deps.outbox.status(aid)["channels"] == {"custom": {"uncertain": 1}}
    assert parts_of(fake_wechat, o) == ALL[:1]
    assert webhook.deps.outbox.status(aid)["partial"] == 1
    assert webhook.deps.outbox.resend_uncertain(aid) == 1      # the operator's decision
    await drain(deliverer)
    assert parts_of(fake_wechat, o) == ALL  # part 1 never again
    assert webhook.deps.outbox.status(aid)["channels"] == {"custom": {"sent": 1}}


async def test_a_worker_killed_after_part_one_never_repeats_it(setup, fake_wechat):
    cfg, webhook = setup(long_text="split", lease_seconds=0.3)
    people = residents(webhook, "yubo", 3)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], TEXT)
    worker = None
    calls = []

    async def crash(call):
        if call.path == CUSTOM:
            calls.append(call)
            if len(calls) == N + 2:             # resident 2's part 2: the process dies while WeChat works
                worker.cancel()
                await asyncio.sleep(0.05)
    fake_wechat.on_call = crash
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=1)
    worker = asyncio.create_task(deliverer.run_once())
    try:
        await worker
    except asyncio.CancelledError:
        pass
    fake_wechat.on_call = None
    await asyncio.sleep(0.4)                                   # the dead worker's lease expires
    after = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    await after.settle_expired()
    await drain(after)
    st = webhook.deps.outbox.status(aid)
    assert st["channels"]["custom"].get("uncertain") == 1
    webhook.deps.outbox.resend_uncertain(aid)
    await drain(after)
    for o in people:
        got = parts_of(fake_wechat, o)
        assert got.count(ALL[0]) == 1 and got[-1] == ALL[-1] and set(got) == set(ALL)


async def test_cli_announces_with_an_image_and_names_a_refusal(fake_wechat, tmp_path):
    import sqlite3
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(tmp_path / "c.db"),
           "BOT_WECHAT_API_BASE_URL": fake_wechat.base_url, "BOT_WECHAT_APP_ID": "wxapp",
           "BOT_WECHAT_APP_SECRET": "secret"}

    async def run(*args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(sys.executable, "run_bot.py", *args, cwd=root, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        return proc.returncode, out.decode(), err.decode()
    assert (await run("staff", "list"))[0] == 0
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("insert into residents (openid, community_id, subscribed, last_seen) values ('oR1', 'yubo', 1, ?)",
                     [time.time()])
    (tmp_path / "poster.jpg").write_bytes(JPEG)
    (tmp_path / "notes.txt").write_text("not an image")
    code, _, err = await run("announce", "--community", "虞波", "--text", "停水", "--image", str(tmp_path / "notes.txt"))
    assert code == 2 and "--image refused: WeChat takes JPG, PNG, GIF or BMP images" in err
    code, out, _ = await run("announce", "--community", "虞波", "--text", long_text(), "--form", "split",
                             "--image", str(tmp_path / "poster.jpg"))
    assert code == 0 and "image uploaded to WeChat (media_id MEDIA-" in out and "numbered customer-service parts" in out
    with sqlite3.connect(tmp_path / "c.db") as conn:
        media_id, = conn.execute("select media_id from announcement_images").fetchone()
        assert conn.execute("select image_id, form from announcements").fetchone() == (1, "")
    assert fake_wechat.media[media_id] == JPEG


async def test_an_image_older_than_wechat_keeps_it_is_uploaded_again(setup, fake_wechat):
    cfg, webhook = setup()
    [o] = residents(webhook, "yubo", 1)
    got = await webhook.deps.announcements.attach_image(JPEG)
    with webhook.db.conn:                                   # scheduled long ago: WeChat dropped its copy
        webhook.db.conn.execute("update announcement_images set uploaded_at = ?", [time.time() - 3 * 86400])
    webhook.deps.outbox.create("cli", "community", ["yubo"], "周六义诊", image_id=got.id)
    fake_wechat.revoke_tokens()                             # and the token expired meanwhile: refreshed once
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    fresh = webhook.db.conn.execute("select media_id from announcement_images").fetchone()[0]
    assert fresh != got.media_id and len(fake_wechat.calls_to("/cgi-bin/media/upload")) == 3   # 1 + refused + again
    assert fake_wechat.delivered == [(o, "周六义诊"), (o, f"[image] {fresh}")]


async def test_an_article_without_a_cover_is_mass_sent_as_text_with_the_link(setup, fake_wechat):
    cfg, webhook = setup(public_url=PUBLIC, mass_tags="houdajie=101")
    fake_wechat.tags[101] = residents(webhook, "houdajie", 2, active=False)
    webhook.deps.outbox.create("cli", "community", ["houdajie"], long_text(), form="article")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    [mass] = fake_wechat.calls_to("/cgi-bin/message/mass/sendall")
    token = webhook.db.conn.execute("select token from announcements").fetchone()[0]
    content = mass.body["text"]["content"]
    assert mass.body["msgtype"] == "text" and content.startswith("小区管道检修通知\n")
    assert content.endswith(f"全文：{PUBLIC}/a/{token}") and len(content.encode()) < 2048
    assert not fake_wechat.calls_to("/cgi-bin/media/uploadnews")


async def test_outside_the_window_after_part_one_the_template_links_the_rest(setup, fake_wechat):
    cfg, webhook = setup(long_text="split", public_url=PUBLIC)
    [o] = residents(webhook, "yubo", 1)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], TEXT, image_id=(
        await webhook.deps.announcements.attach_image(JPEG)).id)
    seen = []

    async def window_closes(call):
        if call.path == CUSTOM:
            seen.append(call)
            if len(seen) == 2:
                fake_wechat.script(CUSTOM, 45015)
    fake_wechat.on_call = window_closes
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    first, rest = fake_wechat.delivered                       # part 1, then the template (cut, with the link)
    assert first[1].startswith(ALL[0]) and rest[1].startswith("小区管道检修通知") and len(fake_wechat.calls_to(CUSTOM)) == 2
    [tpl] = fake_wechat.calls_to("/cgi-bin/message/template/send")
    token = webhook.db.conn.execute("select token from announcements").fetchone()[0]
    assert tpl.body["url"] == f"{PUBLIC}/a/{token}"
    assert webhook.deps.outbox.status(aid)["channels"] == {"template": {"sent": 1}}


async def test_an_operator_retry_after_a_refused_part_sends_only_the_rest(setup, fake_wechat):
    cfg, webhook = setup(long_text="split")
    [o] = residents(webhook, "yubo", 1)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], TEXT)
    seen = []

    async def refuse_second(call):
        if call.path == CUSTOM:
            seen.append(call)
            if len(seen) == 2:
                fake_wechat.script(CUSTOM, 48001)     # api unauthorized: failed for good, until an operator acts
    fake_wechat.on_call = refuse_second
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    await drain(deliverer)
    assert webhook.deps.outbox.status(aid)["channels"] == {"custom": {"failed": 1}}
    assert webhook.deps.outbox.retry_failed(aid) == 1
    await drain(deliverer)
    assert parts_of(fake_wechat, o) == ALL
    assert webhook.deps.outbox.status(aid)["status"] == "done"
