"""The WeChat announcement command as staff really type it, the preview (audience per channel,
length, time), management (我的公告, cancel, withdraw), reports, invites and recent lists."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from announce_helpers import drain, residents, say
from bot.announcements.content import CUSTOM_BYTES
from bot.announcements.delivery import Deliverer
from bot.wiring import build_deliverer


def staff(webhook, *communities: str, role: str = "staff", openid: str = "oStaff"):
    webhook.deps.staff.add(openid, "周", list(communities), role)
    return openid


# ------------------------------------------------------------------ how staff type it
@pytest.mark.parametrize("command", ["发布公告 虞波社区，本周六义诊", "发布公告虞波社区本周六义诊",
                                     "发布公告：虞波社区 本周六义诊", "发布公告 虞波 本周六义诊"])
async def test_separators_and_short_names(setup, command):
    _, webhook = setup()
    residents(webhook, "yubo", 2)
    preview = await say(webhook, staff(webhook, "yubo"), command)
    assert "尚未发送" in preview and "本周六义诊" in preview and "虞波社区，共 2 位" in preview


async def test_several_communities(setup, fake_wechat):
    cfg, webhook = setup()
    a, b = residents(webhook, "yubo", 2), residents(webhook, "houdajie", 3)
    residents(webhook, "dagang", 4)
    sid = staff(webhook, "yubo", "houdajie")
    preview = await say(webhook, sid, "发布公告 虞波社区、后大街社区 周日停水")
    assert "虞波社区、后大街社区，共 5 位" in preview and "大港" not in preview
    assert "#1" in await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert sorted(o for o, _ in fake_wechat.delivered) == sorted(a + b)


async def test_namesakes_are_listed_and_chosen_by_number(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yangguang-jinping", 2)
    chosen = residents(webhook, "yangguang-a", 3)
    admin = staff(webhook, role="admin")
    question = await say(webhook, admin, "发布公告 阳光社区 周六义诊")
    assert "有 3 个“阳光社区”" in question
    assert "1. 阳光社区（奉化区·锦屏街道）" in question and "3. " in question
    assert "请回复列表里的编号" in await say(webhook, admin, "7")
    preview = await say(webhook, admin, "2")
    assert "尚未发送" in preview and "共 3 位" in preview
    await say(webhook, admin, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert sorted(o for o, _ in fake_wechat.delivered) == chosen


async def test_a_typo_is_corrected_out_loud(setup):
    _, webhook = setup()
    residents(webhook, "yubo", 1)
    preview = await say(webhook, staff(webhook, "yubo"), "发布公告 虞坡社区 周六义诊")
    assert "没有“虞坡社区”，已按“虞波社区”处理" in preview and "共 1 位" in preview


async def test_command_alone_gives_its_format(setup):
    _, webhook = setup()
    reply = await say(webhook, staff(webhook, "yubo"), "发布公告")
    assert "发布公告 社区名 公告内容" in reply and "明天9点" in reply


async def test_unknown_target_and_not_staff(setup):
    _, webhook = setup()
    assert "没有找到“火星社区”" in await say(webhook, staff(webhook, "yubo"), "发布公告 火星社区 停水")
    assert "邀请码" in await say(webhook, "oNobody", "发布公告 虞波社区 停水")


async def test_scheduled_from_wechat_echoes_an_absolute_time(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    sid = staff(webhook, "yubo")
    tomorrow = datetime.now() + timedelta(days=1)
    preview = await say(webhook, sid, "发布公告 虞波社区 明天9点 上午停水")
    stamp = tomorrow.strftime("%Y年%m月%d日")
    assert f"发送时间：{stamp}" in preview and "09:00" in preview and "上午停水" in preview
    queued = await say(webhook, sid, "确认")
    assert f"将于 {stamp}" in queued
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    st = webhook.deps.outbox.status(1)
    assert fake_wechat.delivered == [] and st["status"] == "scheduled"
    assert datetime.fromtimestamp(st["send_at"]) == tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)


async def test_past_times_and_empty_audiences_are_refused(setup):
    _, webhook = setup()
    residents(webhook, "yubo", 1)
    sid = staff(webhook, "yubo", "houdajie")
    assert "已经过去了" in await say(webhook, sid, "发布公告 虞波社区 今天0点 停水")
    assert "还没有关注本号的居民" in await say(webhook, sid, "发布公告 后大街社区 停水")
    assert "没有要确认" not in await say(webhook, sid, "确认")     # nothing was kept to confirm
    assert webhook.db["announcements"].count == 0


# ------------------------------------------------------------------ preview per channel, limits
async def test_preview_states_each_channel_and_who_cannot_be_reached(setup):
    _, webhook = setup(template_id="", mass_tags="houdajie=101", subscribe_template_id="SUB1")
    residents(webhook, "yubo", 2)                                     # active: customer service
    subscribed = residents(webhook, "yubo", 3, active=False, prefix="oS")
    residents(webhook, "yubo", 4, active=False, prefix="oT")          # no channel left
    residents(webhook, "houdajie", 5, active=False)                   # mass by tag
    for o in subscribed:
        webhook.deps.announcements.channels.accept(o, "SUB1")
    with webhook.db.conn:
        webhook.db.conn.execute("insert into residents (openid, community_id, subscribed, last_seen) "
                                "values ('oGone', 'yubo', 0, 1)")
    webhook.deps.announcements.followers.on_event("oGone", subscribed=False)
    preview = await say(webhook, staff(webhook, role="admin"), "发布公告 虞波社区、后大街社区 停水")
    assert "共 14 位" in preview
    assert "客服消息（48小时内互动过）：2 人" in preview and "订阅通知：3 人" in preview
    assert "按标签群发：5 人" in preview and "模板消息：" not in preview
    assert "无法送达 4 人：不在48小时互动期内" in preview and "无法送达 1 人：已取消关注" in preview


async def test_long_text_is_paged_in_preview_and_sent_in_numbered_parts(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    sid = staff(webhook, "yubo")
    text = "".join(f"第{i}条：社区服务中心本周六上午开展义诊活动，请带好医保卡。\n" for i in range(60))
    assert len(text) > 1500
    preview = await say(webhook, sid, "发布公告 虞波社区 " + text)
    assert len(preview.encode()) <= CUSTOM_BYTES and "下一页" in preview and "分 3 条发送" in preview
    page2 = await say(webhook, sid, "下一页")
    assert "第 2/" in page2 and len(page2.encode()) <= CUSTOM_BYTES
    await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    parts = [t for _, t in fake_wechat.delivered]
    assert len(parts) == 3 and all(len(p.encode()) <= CUSTOM_BYTES for p in parts)
    assert [p.split("\n", 1)[0] for p in parts] == ["（1/3）", "（2/3）", "（3/3）"]
    assert "".join(p.split("\n", 1)[1] + "\n" for p in parts) == text


async def test_template_field_is_cut_to_its_limit(setup, fake_wechat):
    cfg, webhook = setup(template_field_chars=50)
    residents(webhook, "yubo", 1, active=False)
    webhook.deps.outbox.create("cli", "community", ["yubo"], "停水" * 100)
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    value = fake_wechat.calls_to("/cgi-bin/message/template/send")[0].body["data"]["content"]["value"]
    assert len(value) == 50 and value.endswith("…")


# ------------------------------------------------------------------ management and reports
async def test_my_announcements_cancel_and_usage(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    sid = staff(webhook, "yubo")
    await say(webhook, sid, "发布公告 虞波社区 明天9点 停水")
    await say(webhook, sid, "确认")
    await say(webhook, sid, "发布公告 虞波社区 义诊")
    await say(webhook, sid, "确认")
    await drain(build_deliverer(cfg, webhook))
    mine = await say(webhook, sid, "我的公告")
    assert "#1" in mine and "定时待发" in mine and "#2" in mine and "已发送" in mine
    assert "请写上公告编号" in await say(webhook, sid, "取消公告")
    assert "已经开始发送" in await say(webhook, sid, "取消公告 2")
    assert "公告 #1 已取消" in await say(webhook, sid, "取消公告 1")
    assert webhook.deps.outbox.status(1)["status"] == "cancelled"
    staff(webhook, "yubo", openid="oOther")
    assert "不是您发布的" in await say(webhook, "oOther", "取消公告 2")
    assert "没有编号为 9" in await say(webhook, sid, "撤回公告 9")


async def test_withdraw_stops_the_rest_and_deletes_the_mass_send(setup, fake_wechat):
    cfg, webhook = setup(mass_tags="yubo=101")
    fake_wechat.tags[101] = residents(webhook, "yubo", 3, active=False)
    sid = staff(webhook, "yubo")
    await say(webhook, sid, "发布公告 虞波社区 停水")
    await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    reply = await say(webhook, sid, "撤回公告 1")
    assert "1 次群发已撤回" in reply
    [call] = fake_wechat.calls_to("/cgi-bin/message/mass/delete")
    assert call.body["msg_id"] in fake_wechat.withdrawn and webhook.deps.outbox.status(1)["status"] == "withdrawn"


async def test_the_sender_gets_a_report_in_wechat(setup, fake_wechat):
    cfg, webhook = setup(template_id="")
    residents(webhook, "yubo", 2)
    residents(webhook, "yubo", 1, active=False, prefix="oT")
    sid = staff(webhook, "yubo")
    fake_wechat.script("/cgi-bin/message/custom/send", 43004)
    await say(webhook, sid, "发布公告 虞波社区 停水")
    await say(webhook, sid, "确认")
    await drain(build_deliverer(cfg, webhook))
    await drain(build_deliverer(cfg, webhook))     # a second worker does not report again
    reports = [t for o, t in fake_wechat.delivered if o == sid]
    assert len(reports) == 1
    assert "公告 #1 发送结束" in reports[0] and "已送达 1 人" in reports[0] and "失败 1 人：已取消关注" in reports[0]
    assert "无法送达 1 人" in reports[0]


# ------------------------------------------------------------------ staff onboarding
async def test_invite_code_registers_the_worker_once(setup):
    _, webhook = setup()
    residents(webhook, "yubo", 1)
    invite = webhook.deps.announcements.invites.create(["yubo"], name="周")
    assert "邀请码" in await say(webhook, "oWorker", "我的ID")      # not staff yet: no openid shown
    bound = await say(webhook, "oWorker", f"绑定工作人员 {invite.code.lower()}")
    assert "周，您已登记为虞波社区的工作人员" in bound
    assert webhook.deps.staff.get("oWorker").communities == ["yubo"]
    assert "已经用过" in await say(webhook, "oSomeoneElse", f"绑定工作人员 {invite.code}")
    assert "邀请码不对" in await say(webhook, "oSomeoneElse", "绑定工作人员 ABCDEFGH")
    assert "oWorker" in await say(webhook, "oWorker", "我的ID")
    assert "尚未发送" in await say(webhook, "oWorker", "发布公告 虞波社区 停水")


async def test_expired_invite(setup):
    _, webhook = setup()
    invite = webhook.deps.announcements.invites.create(["yubo"], hours=-1)
    assert "过期" in await say(webhook, "oWorker", f"绑定工作人员 {invite.code}")
    with pytest.raises(ValueError):
        webhook.deps.announcements.invites.create([])          # staff need a community (admins need none)


# ------------------------------------------------------------------ residents
async def test_recent_announcements_have_dates_and_pages(setup):
    _, webhook = setup()
    residents(webhook, "yubo", 1)
    outbox = webhook.deps.outbox
    for i in range(7):
        outbox.create("cli", "community", ["yubo"], f"活动{i}", send_at=time.time() - (7 - i) * 86400)
    outbox.queue_due()
    first = await say(webhook, "oRyubo00000", "最近有什么活动")
    day = (datetime.now() - timedelta(days=1)).strftime("%m月%d日")
    assert f"· {day} 活动6" in first and "活动2" in first and "活动1" not in first and "公告第2页" in first
    second = await say(webhook, "oRyubo00000", "公告第2页")
    assert "活动1" in second and "活动0" in second and "活动6" not in second and "公告第3页" not in second


# ------------------------------------------------------------------ the draft across a question
async def test_compose_ask_a_question_then_confirm(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    sid = staff(webhook, "yubo")
    await say(webhook, sid, "发布公告 虞波社区 周六义诊")
    answer = await say(webhook, sid, "阳光社区在哪里")          # a resident's question in between
    assert answer
    assert "#1" in await say(webhook, sid, "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert len(fake_wechat.delivered) == 2


async def test_text_starting_with_a_joining_word_keeps_it(setup):
    _, webhook = setup()
    residents(webhook, "yubo", 1)
    preview = await say(webhook, staff(webhook, "yubo"), "发布公告 虞波社区 和大家说一下，周日停水")
    assert "和大家说一下，周日停水" in preview
    assert "公告内容是空的" in await say(webhook, "oStaff", "发布公告 虞波社区 明天9点")


async def test_through_the_webhook(make_bot):
    from wechat_peer import text
    peer, webhook = await make_bot()
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaff", "周", ["yubo"])
    preview = await peer.ask(text("发布公告 虞波社区，周六义诊", openid="oStaff"))
    assert "尚未发送" in preview and "共 2 位" in preview
    assert "#1" in await peer.ask(text("确认", openid="oStaff"))
    assert "oStaff" in await peer.ask(text("我的ID", openid="oStaff"))
    assert "排队待发" in await peer.ask(text("我的公告", openid="oStaff"))
    await webhook.client.close()
