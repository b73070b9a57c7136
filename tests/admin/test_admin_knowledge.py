"""Knowledge pages: browse, search, edit with the loader's validation, file write-back, the running
bot's answer changing at once, history and undo, staff scope, CSV round trip."""
from __future__ import annotations

from wechat_peer import text

PROG = "xuenong.diqiubuding"
FORM = {"id": PROG, "name": "地球补丁", "community": "xuenong", "full_name": "地球补丁环保公益行动",
        "kind": "环保公益行动", "categories": "environment、charity", "source": "nb-first-batch"}


async def test_browse_and_search(ops):
    c, _, _ = ops
    page = await (await c.get("/knowledge")).text()
    assert "社区" in page and "项目与品牌" in page
    hits = await (await c.get("/knowledge", params={"q": "地球补丁"})).text()
    assert PROG in hits
    listing = await (await c.get("/knowledge/programmes", params={"q": "补丁"})).text()
    assert "地球补丁" in listing and "牵手四明" not in listing
    for kind in ("communities", "contacts", "categories", "sources", "lists", "people"):
        assert (await c.get(f"/knowledge/{kind}")).status == 200, kind
    assert (await c.get("/knowledge/nothing")).status == 404


async def test_edit_changes_the_file_and_the_bots_answer_at_once_and_undo_restores(ops, kb_folder):
    c, peer, webhook = ops
    before_file = (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    assert "旧衣改造" not in await peer.ask(text("地球补丁是什么"))
    form = await (await c.get("/knowledge/programmes/edit", params={"key": PROG})).text()
    assert 'value="地球补丁"' in form
    resp = await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "description": "每月组织旧衣改造和垃圾分类宣传。"})
    assert resp.status == 302
    after_file = (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    assert "description: 每月组织旧衣改造和垃圾分类宣传。" in after_file
    assert after_file.startswith("# Programmes")                       # comments kept
    assert "  categories: [environment, charity]\n" in after_file      # flow style kept
    assert len(after_file.splitlines()) == len(before_file.splitlines()) + 1  # a diff of one line
    assert "旧衣改造" in await peer.ask(text("地球补丁是什么", openid="oOther0002"))
    page = await (await c.get("/knowledge/programmes/edit", params={"key": PROG})).text()
    assert "修改" in page and "撤销" in page
    change = webhook.db["kb_history"].rows_where(order_by="id desc", limit=1).__next__()
    resp = await c.post(f"/knowledge/undo/{change['id']}")
    assert resp.status == 302
    assert (kb_folder / "programmes.yaml").read_text(encoding="utf-8") == before_file
    assert "旧衣改造" not in await peer.ask(text("地球补丁是什么", openid="oOther0003"))
    audit = [a["action"] for a in webhook.db["admin_audit"].rows]
    assert "edit" in audit and "undo" in audit


async def test_invalid_edit_is_refused_with_the_error_on_the_field(ops, kb_folder):
    c, _, _ = ops
    before = (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    resp = await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "community": "nowhere"})
    assert resp.status == 400
    page = await resp.text()
    assert 'id="err-community"' in page and "unknown community &#39;nowhere&#39;" in page
    resp = await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "id": "Bad Id"})
    assert resp.status == 400 and 'id="err-id"' in await resp.text()
    resp = await c.post("/knowledge/communities/edit?key=yubo", {"id": "yubo", "name": "虞波社区", "source": "nb-top20-2017",
                                                                 "scene": "twelve"})
    assert resp.status == 400 and 'id="err-scene"' in await resp.text()
    assert (kb_folder / "programmes.yaml").read_text(encoding="utf-8") == before


async def test_create_then_delete_a_contact(ops, kb_folder):
    c, peer, _ = ops
    resp = await c.post("/knowledge/contacts/edit", {"community": "yubo", "name": "测试员", "role": "社区主任",
                                                     "phone": "0574-8888 1234", "source": "nb-top20-2017"})
    assert resp.status == 302
    content = (kb_folder / "contacts.yaml").read_text(encoding="utf-8")
    assert "{community: yubo, name: 测试员, role: 社区主任, phone: 0574-8888 1234, source: nb-top20-2017}" in content
    resp = await c.post("/knowledge/contacts/delete", {"key": "yubo/测试员"})
    assert resp.status == 302
    assert "测试员" not in (kb_folder / "contacts.yaml").read_text(encoding="utf-8")


async def test_deleting_a_community_still_referenced_is_refused(ops, kb_folder):
    c, _, _ = ops
    resp = await c.post("/knowledge/communities/delete", {"key": "xuenong"})
    assert resp.status == 400 and "unknown community" in await resp.text()
    assert "id: xuenong\n" in (kb_folder / "communities.yaml").read_text(encoding="utf-8")


async def test_synonym_added_to_a_category(ops, kb_folder):
    c, _, webhook = ops
    values = await (await c.get("/knowledge/categories/edit", params={"key": "legal"})).text()
    assert "法律援助" in values
    cat = webhook.deps.knowledge.model.categories["legal"]
    resp = await c.post("/knowledge/categories/edit?key=legal", {"id": "legal", "name": cat.name, "menu_key": cat.menu_key,
                                                                 "synonyms": "、".join([*cat.synonyms, "讨说法"])})
    assert resp.status == 302
    assert "讨说法" in webhook.deps.knowledge.model.categories["legal"].synonyms


async def test_staff_edits_only_their_communities(console_app):
    c, _, _ = console_app
    await c.login("xiao")   # staff of yubo
    resp = await c.post("/knowledge/communities/edit?key=yubo", {"id": "yubo", "name": "虞波社区", "source": "nb-top20-2017",
                                                                 "description": "浒山街道的社区。"})
    assert resp.status == 302
    assert (await c.get("/knowledge/programmes/edit", params={"key": PROG})).status == 403
    resp = await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "description": "x"})
    assert resp.status == 403
    resp = await c.post("/knowledge/contacts/edit", {"community": "xuenong", "name": "某人", "role": "主任",
                                                     "source": "nb-first-batch"})
    assert resp.status == 403
    resp = await c.post("/knowledge/programmes/edit", {**FORM, "id": "yubo.moved", "community": "xuenong"})
    assert resp.status == 403
    assert (await c.post("/knowledge/categories/edit?key=legal", {"id": "legal"})).status == 403


async def test_csv_export_import_round_trip(ops, kb_folder):
    c, _, _ = ops
    resp = await c.get("/knowledge/programmes.csv")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/csv")
    exported = await resp.text()
    assert exported.splitlines()[0].startswith("id,name,community")
    before = (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    import aiohttp
    form = aiohttp.FormData()
    form.add_field("_csrf", await c.csrf())
    form.add_field("file", exported.encode(), filename="programmes.csv", content_type="text/csv")
    resp = await c.client.post("/admin/knowledge/programmes/import", data=form)
    assert resp.status == 200 and "0 条记录有变化" in await resp.text()
    assert (kb_folder / "programmes.yaml").read_text(encoding="utf-8") == before
    changed = exported.replace("地球补丁环保公益行动", "地球补丁环保行动", 1)
    form = aiohttp.FormData()
    form.add_field("_csrf", await c.csrf())
    form.add_field("file", changed.encode(), filename="programmes.csv", content_type="text/csv")
    resp = await c.client.post("/admin/knowledge/programmes/import", data=form)
    assert "1 条记录有变化" in await resp.text()
    assert "full_name: 地球补丁环保行动\n" in (kb_folder / "programmes.yaml").read_text(encoding="utf-8")
    bad = exported.replace(",xuenong,", ",nowhere,", 1)
    form = aiohttp.FormData()
    form.add_field("_csrf", await c.csrf())
    form.add_field("file", bad.encode(), filename="p.csv", content_type="text/csv")
    resp = await c.client.post("/admin/knowledge/programmes/import", data=form)
    assert resp.status == 400 and "unknown community" in await resp.text()


async def test_history_page_lists_changes(ops):
    c, _, _ = ops
    await c.post(f"/knowledge/programmes/edit?key={PROG}", {**FORM, "serves": "全体居民"})
    page = await (await c.get("/knowledge/history")).text()
    assert PROG in page and "撤销" in page


async def test_csv_round_trip_of_nested_and_keyless_records(ops, kb_folder):
    import aiohttp
    c, _, _ = ops
    for kind in ("communities", "contacts", "categories", "lists", "sources", "people"):
        exported = await (await c.get(f"/knowledge/{kind}.csv")).text()
        form = aiohttp.FormData()
        form.add_field("_csrf", await c.csrf())
        form.add_field("file", exported.encode(), filename=f"{kind}.csv", content_type="text/csv")
        resp = await c.client.post(f"/admin/knowledge/{kind}/import", data=form)
        assert resp.status == 200 and "0 条记录有变化" in await resp.text(), kind
