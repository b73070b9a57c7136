"""Try it, what residents ask, keyword replies, the menu, drafts from an article, statistics and
announcements, through the console's routes; keyword replies and menu clicks through the webhook."""
from __future__ import annotations

from pathlib import Path

from wechat_peer import event, text

SEEDS = Path(__file__).resolve().parents[2] / "tests" / "admin" / "article.txt"


async def test_try_it_answers_through_the_same_pipeline(ops):
    c, _, _ = ops
    resp = await c.post("/try", {"text": "地球补丁是什么"})
    assert resp.status == 302
    page = await (await c.get("/try")).text()
    assert "地球补丁" in page and "学弄社区" in page
    await c.post("/try", {"clear": "1"})
    assert "学弄社区" not in await (await c.get("/try")).text()


async def test_unanswered_questions_are_grouped_and_one_click_adds_an_alias(ops, kb_folder):
    c, peer, webhook = ops
    for i, q in enumerate(["补丁行动怎么参加", "补丁行动怎么参加呢", "补丁行动怎么参加？", "电梯坏了找谁修"]):
        await peer.ask(text(q, openid=f"oAsk{i:04d}"))
    webhook.deps.flush()
    page = await (await c.get("/questions")).text()
    assert "×3" in page
    resp = await c.post("/questions/alias", {"kind": "programmes", "target": "xuenong.diqiubuding", "word": "补丁行动"})
    assert resp.status == 302 and "done=" in resp.headers["Location"]
    assert "aliases: [补丁行动]" in (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    import html
    import re
    done = await (await c.client.get(resp.headers["Location"])).text()    # then re-ask it in Try it
    link = re.search(r'<a href="([^"]+)">到“试一试”里再问一次</a>', done).group(1)
    assert 'id="text" name="text" value="补丁行动"' in await (await c.client.get(html.unescape(link))).text()
    assert "地球补丁" in await peer.ask(text("补丁行动怎么参加", openid="oAsk9999"))
    resp = await c.post("/questions/alias", {"kind": "programmes", "target": "no.such", "word": "x"})
    assert "error=" in resp.headers["Location"]


async def test_keyword_reply_is_answered_by_wechat_before_understanding(ops):
    c, peer, webhook = ops
    resp = await c.post("/keywords/edit", {"match": "keyword", "pattern": "停水", "kind": "text",
                                           "text": "本周六上午九点至十二点停水检修。"})
    assert resp.status == 302
    assert await peer.ask(text("明天会停水吗")) == "本周六上午九点至十二点停水检修。"
    resp = await c.post("/keywords/edit", {"match": "exact", "pattern": "办事指南", "kind": "news", "title": "社区办事指南",
                                           "description": "证明、登记和预约", "url": "https://example.org/guide"})
    assert resp.status == 302
    assert await peer.ask(text("办事指南")) == "社区办事指南\n证明、登记和预约"
    assert "社区办事指南" not in await peer.ask(text("办事指南在哪里看"))   # exact: only the whole message
    reply = webhook.deps.keywords.all()[0]
    assert await peer.ask(event("CLICK", reply.click_key)) == "本周六上午九点至十二点停水检修。"
    page = await (await c.get("/keywords")).text()
    assert "停水" in page and "KW_" in page
    resp = await c.post(f"/keywords/{reply.id}/delete")
    assert resp.status == 302
    assert "停水检修" not in await peer.ask(text("明天会停水吗"))


async def test_keyword_reply_errors_are_shown_on_the_field(ops):
    c, _, _ = ops
    resp = await c.post("/keywords/edit", {"match": "keyword", "pattern": "", "kind": "text", "text": ""})
    assert resp.status == 400
    page = await resp.text()
    assert "must be non-empty text" in page and "a text reply needs its text" in page
    await c.post("/keywords/edit", {"match": "keyword", "pattern": "停水", "kind": "text", "text": "a"})
    resp = await c.post("/keywords/edit", {"match": "keyword", "pattern": "停水", "kind": "text", "text": "b"})
    assert resp.status == 400 and "already used" in await resp.text()


async def test_menu_is_saved_checked_pushed_and_read_back(ops, fake_wechat):
    c, peer, webhook = ops
    await c.post("/keywords/edit", {"match": "exact", "pattern": "联系我们", "kind": "text", "text": "请拨打社区电话。"})
    kw = webhook.deps.keywords.all()[0]
    elderly = webhook.deps.knowledge.model.categories["elderly"].menu_key
    form = {"b0": "找服务", "b0s0": "养老", "b0s0a": elderly, "b0s1": "联系我们", "b0s1a": kw.click_key,
            "b1": "官网", "b1a": "https://example.org/"}
    resp = await c.post("/menu", {**form, "b2": "坏按钮", "b2a": "NO_SUCH_KEY", "push": "1"})
    assert resp.status == 400 and "unknown key" in await resp.text()
    assert fake_wechat.calls_to("/cgi-bin/menu/create") == []
    resp = await c.post("/menu", {**form, "push": "1"})
    assert resp.status == 302 and "note=" in resp.headers["Location"]
    pushed = fake_wechat.calls_to("/cgi-bin/menu/create")[-1].body
    assert pushed["button"][0]["sub_button"][1] == {"name": "联系我们", "type": "click", "key": kw.click_key}
    assert pushed["button"][1] == {"name": "官网", "type": "view", "url": "https://example.org/"}
    page = await (await c.get("/menu/wechat")).text()
    assert "找服务" in page and fake_wechat.calls_to("/cgi-bin/menu/get")
    assert 'value="找服务"' in await (await c.get("/menu")).text()
    assert await peer.ask(event("CLICK", kw.click_key)) == "请拨打社区电话。"
    fake_wechat.script("/cgi-bin/menu/create", 40017)
    resp = await c.post("/menu", {**form, "push": "1"})
    assert resp.status == 400 and "WeChat refused" in await resp.text()


async def test_draft_from_article_proposes_and_nothing_enters_until_accepted(ops, kb_folder):
    c, peer, _ = ops
    article = SEEDS.read_text(encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in kb_folder.iterdir()}
    resp = await c.post("/drafts", {"title": "社区见闻", "publisher": "测试报", "date": "2024-05-01", "text": article})
    assert resp.status == 302
    batch = resp.headers["Location"]
    page = await (await c.client.get(batch)).text()
    assert "青禾社区" in page and "邻里书房" in page and "周晓梅" in page and "鹿鸣区" in page
    assert {p.name: p.read_text(encoding="utf-8") for p in kb_folder.iterdir()} == before
    import re
    forms = re.findall(r'<div class="card draft draft-(\w+) status-pending" id="d(\d+)">', page)
    ids = {kind: [i for k, i in forms if k == kind] for kind in ("communities", "programmes", "people", "contacts")}
    # a programme before its community is refused on the community field
    prog = ids["programmes"][0]
    values = dict(re.findall(rf'id="d{prog}-(\w+)" name="\w+" value="([^"]*)"', page))
    resp = await c.post(f"/drafts/item/{prog}", {**values, "action": "accept"})
    assert resp.status == 400 and "unknown community" in await resp.text()
    community = ids["communities"][0]
    cvalues = dict(re.findall(rf'id="d{community}-(\w+)" name="\w+" value="([^"]*)"', page))
    assert cvalues["county"] == "鹿鸣区" and cvalues["street"] == "青石街道"
    resp = await c.post(f"/drafts/item/{community}", {**cvalues, "description": "鹿鸣区青石街道的社区，有邻里书房。",
                                                      "action": "accept"})
    assert resp.status == 302
    resp = await c.post(f"/drafts/item/{prog}", {**values, "action": "accept"})
    assert resp.status == 302
    assert "邻里书房" in (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    assert "title: 社区见闻" in (kb_folder / "sources.yaml").read_text(encoding="utf-8")
    assert "青禾社区" in await peer.ask(text("邻里书房在哪个社区"))
    assert ids["contacts"] == []                      # people the article names are people, not contacts


async def test_a_person_the_article_names_is_accepted_into_the_people_knowledge(ops, kb_folder):
    import re
    c, peer, _ = ops
    resp = await c.post("/drafts", {"title": "社区见闻", "publisher": "测试报", "date": "2024-05-01",
                                    "text": SEEDS.read_text(encoding="utf-8")})
    page = await (await c.client.get(resp.headers["Location"])).text()
    person = re.search(r'<div class="card draft draft-people status-pending" id="d(\d+)">', page).group(1)
    values = dict(re.findall(rf'id="d{person}-(\w+)" name="\w+" value="([^"]*)"', page))
    assert values["name"] == "周晓梅" and values["role"] == "党委书记" and values["community"] == "qinghe"
    assert values["id"] == "zhouxiaomei" and values["source"]
    assert "党委书记" not in await peer.ask(text("周晓梅是谁", openid="oWho0001"))   # not known before acceptance
    contacts = (kb_folder / "contacts.yaml").read_text(encoding="utf-8")
    # the people file's own validation: the community must exist, the id must be an id
    resp = await c.post(f"/drafts/item/{person}", {**values, "action": "accept"})
    assert resp.status == 400 and "unknown community" in await resp.text()
    community = re.search(r'<div class="card draft draft-communities status-pending" id="d(\d+)">', page).group(1)
    cvalues = dict(re.findall(rf'id="d{community}-(\w+)" name="\w+" value="([^"]*)"', page))
    assert (await c.post(f"/drafts/item/{community}", {**cvalues, "action": "accept"})).status == 302
    resp = await c.post(f"/drafts/item/{person}", {**values, "id": "Zhou Xiaomei", "action": "accept"})
    assert resp.status == 400
    assert re.search(rf'id="d{person}-id" name="id" value="Zhou Xiaomei">\s*<div class="field-error"', await resp.text())
    resp = await c.post(f"/drafts/item/{person}", {**values, "did": "希望社区书房成为居民的第二个客厅。",
                                                   "action": "accept"})
    assert resp.status == 302
    people = (kb_folder / "people.yaml").read_text(encoding="utf-8")
    assert "name: 周晓梅" in people and "community: qinghe" in people and "id: zhouxiaomei" in people
    assert (kb_folder / "contacts.yaml").read_text(encoding="utf-8") == contacts
    who = await peer.ask(text("周晓梅是谁"))
    assert "党委书记" in who and "青禾社区" in who
    assert "青禾社区" in await peer.ask(text("周晓梅是哪个社区的", openid="oWho0002"))


async def test_statistics_draw_charts(ops):
    from announce_helpers import drain
    from bot.wiring import build_deliverer
    c, peer, webhook = ops
    await peer.ask(text("地球补丁是什么"))
    await peer.ask(text("随便说点什么吧"))
    await peer.ask(text("虞波社区有什么荣誉"))
    await peer.ask(text("哪些社区有养老服务"))
    page = await (await c.get("/stats")).text()
    assert page.count("<svg") >= 5 and "问题 4 条" in page and "虞波社区</text>" in page
    assert webhook.deps.knowledge.model.categories["elderly"].name + "</text>" in page
    assert "custom sent</text>" not in page
    await peer.ask(event("subscribe", "qrscene_1001", openid="oStats0001"))
    await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "send"})
    await drain(build_deliverer(webhook.config, webhook))
    assert "custom sent</text>" in await (await c.get("/stats")).text()     # deliveries per channel and state


async def test_announcements_compose_preview_send_and_report(console_app):
    c, peer, webhook = console_app
    await peer.ask(event("subscribe", "qrscene_1001", openid="oResYubo01"))   # scene 1001 binds to yubo
    await c.login("xiao")                                                      # staff of yubo
    resp = await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "preview"})
    assert resp.status == 200 and "将送达 1 位" in await resp.text()
    resp = await c.post("/announcements", {"text": "周六停水", "community": "xuenong", "action": "send"})
    assert resp.status == 403
    resp = await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "send"})
    assert resp.status == 302
    detail = await (await c.client.get(resp.headers["Location"])).text()
    assert "周六停水" in detail and "进度" in detail
    assert "周六停水" in await (await c.get("/announcements")).text()


async def test_forms_prefilled_from_a_question_and_refused_when_incomplete(ops):
    c, _, _ = ops
    page = await (await c.get("/keywords/edit", params={"pattern": "电梯坏了找谁修", "match": "exact"})).text()
    assert 'value="电梯坏了找谁修"' in page and '<option value="exact" selected>' in page
    resp = await c.post("/drafts", {"title": "", "publisher": "测试报", "text": "青禾社区"})
    assert resp.status == 400 and "required" in await resp.text()
    assert (await c.get("/drafts/999")).status == 404
    assert (await c.post("/drafts/item/999", {"action": "reject"})).status == 404


async def test_a_new_entry_starts_from_the_question(ops):
    c, peer, webhook = ops
    await peer.ask(text("电梯广告收入归谁"))
    webhook.deps.flush()
    page = await (await c.get("/questions")).text()
    assert "/admin/knowledge/programmes/edit?name=%E7%94%B5%E6%A2%AF" in page
    form = await (await c.get("/knowledge/programmes/edit", params={"name": "补丁行动"})).text()
    assert 'id="f-name" name="name" value="补丁行动"' in form


async def test_announcements_follow_the_same_rules_as_from_wechat(console_app):
    c, peer, webhook = console_app
    await peer.ask(event("subscribe", "qrscene_1001", openid="oResYubo02"))   # one resident of yubo
    await c.login("xiao")                                                      # staff of yubo
    page = await (await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "preview"})).text()
    assert "将送达 1 位" in page and "客服消息" in page                        # the audience per channel
    page = await (await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "send",
                                                   "send_at": "2020-01-01 08:00"})).text()
    assert "发送时间已经过去" in page
    assert webhook.db["announcements"].count == 0
    resp = await c.post("/announcements", {"text": "下周六义诊", "community": "yubo", "action": "send",
                                            "send_at": "2099-01-01 08:00"})
    assert resp.status == 302                                                  # scheduled
    aid = resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert "取消这条定时通知" in await (await c.client.get(resp.headers["Location"])).text()
    assert (await c.post(f"/announcements/{aid}/cancel", {})).status == 302
    assert webhook.deps.outbox.status(int(aid))["status"] == "cancelled"
    assert (await c.post(f"/announcements/{aid}/cancel", {})).status == 409     # nothing left to cancel


async def test_announcement_progress_endpoint_follows_delivery_and_keeps_staff_to_their_communities(console_app):
    from announce_helpers import drain
    from bot.wiring import build_deliverer
    c, peer, webhook = console_app
    for i in range(2):
        await peer.ask(event("subscribe", "qrscene_1001", openid=f"oResYubo1{i}"))   # residents of yubo
    await peer.ask(event("subscribe", "qrscene_1004", openid="oResXuenong1"))   # one of xuenong
    await c.login("ops")
    resp = await c.post("/announcements", {"text": "周六停水", "community": "yubo", "action": "send"})
    assert resp.status == 302
    aid = resp.headers["Location"].rsplit("/", 1)[-1]
    page = await (await c.get(f"/announcements/{aid}")).text()
    assert f'data-url="/admin/announcements/{aid}/progress"' in page and 'data-live="1"' in page
    assert "/admin/static/progress.js" in page
    assert (await c.get("/static/progress.js")).status == 200
    first = await (await c.get(f"/announcements/{aid}/progress")).json()
    assert first["live"] and first["done"] == 0
    webhook.deps.outbox.queue_due()
    queued = await (await c.get(f"/announcements/{aid}/progress")).json()
    assert queued["audience"] == 2 and queued["channels"][0]["pending"] == 2 and queued["channels"][0]["sent"] == 0
    await drain(build_deliverer(webhook.config, webhook))
    done = await (await c.get(f"/announcements/{aid}/progress")).json()
    assert done["done"] == 2 and done["channels"][0]["sent"] == 2 and done["channels"][0]["pending"] == 0
    assert not done["live"] and done["status"] == "done"
    assert "report" not in done
    final = await (await c.get(f"/announcements/{aid}/progress", params={"report": "1"})).json()
    assert sorted(r[1] for r in final["report"]) == ["sent", "sent"]
    from bot.storage.residents import openid_hash
    report = await (await c.get(f"/announcements/{aid}")).text()       # the per-resident report
    assert all(f"<td>{openid_hash(f'oResYubo1{i}')}</td><td>sent</td>" in report for i in range(2))
    assert 'data-live="0"' in report
    assert (await c.get("/announcements/99999/progress")).status == 404
    # staff of yubo: their own community's announcement yes, another community's no
    resp = await c.post("/announcements", {"text": "周日义诊", "community": "xuenong", "action": "send"})
    assert resp.status == 302
    other = resp.headers["Location"].rsplit("/", 1)[-1]
    await c.post("/logout")
    assert (await c.get(f"/announcements/{aid}/progress", allow_redirects=False)).status == 302   # signed out
    await c.login("xiao")
    assert (await c.get(f"/announcements/{aid}/progress")).status == 200
    assert (await c.get(f"/announcements/{other}/progress")).status == 403
    assert (await c.get(f"/announcements/{other}")).status == 403


def test_extraction_proposes_the_people_an_article_names():
    from bot.admin.extract import extract
    article = ("青禾社区：小书房里的大邻里\n本报记者 李明远\n青禾社区把架空层改成了“邻里书房”。\n"
               "青禾社区是文明社区。青禾社区居委会主任\n王秀兰\n介绍了书房的来历。")
    people = [p.data for p in extract(article).proposals if p.kind == "people"]
    assert {"name": "王秀兰", "role": "居委会主任", "community": "青禾社区"} in people
    assert {"name": "李明远", "role": "记者"} in people
    assert not [p for p in extract(article).proposals if p.kind == "contacts"]


async def test_facts_from_an_article_are_accepted_onto_their_community(ops, kb_folder):
    import re
    c, peer, _ = ops
    resp = await c.post("/drafts", {"title": "社区见闻", "publisher": "测试报", "date": "2024-05-01",
                                    "text": SEEDS.read_text(encoding="utf-8")})
    page = await (await c.client.get(resp.headers["Location"])).text()

    def draft(kind: str, has: str) -> tuple[str, dict]:
        for did in re.findall(rf'<div class="card draft draft-{kind} status-pending" id="d(\d+)">', page):
            values = dict(re.findall(rf'id="d{did}-(\w+)" name="\w+" value="([^"]*)"', page))
            if has in "".join(values.values()):
                return did, values
        raise AssertionError(f"no {kind} draft with {has}")
    cid, cvalues = draft("communities", "青禾社区")
    assert (await c.post(f"/drafts/item/{cid}", {**cvalues, "action": "accept"})).status == 302
    hid, hvalues = draft("honours", "市级文明社区")
    assert hvalues["community"] == "qinghe"
    assert (await c.post(f"/drafts/item/{hid}", {**hvalues, "action": "accept"})).status == 302
    fid, fvalues = draft("figures", "3200")
    resp = await c.post(f"/drafts/item/{fid}", {**fvalues, "value": "", "action": "accept"})
    assert resp.status == 400                                        # a figure needs its value, on the field
    assert re.search(rf'id="d{fid}-value" name="value" value="">\s*<div class="field-error"', await resp.text())
    assert (await c.post(f"/drafts/item/{fid}", {**fvalues, "label": "居民户数", "action": "accept"})).status == 302
    communities = (kb_folder / "communities.yaml").read_text(encoding="utf-8")
    assert "市级文明社区" in communities and "居民户数" in communities
    assert "市级文明社区" in await peer.ask(text("青禾社区有什么荣誉"))
