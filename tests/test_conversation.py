"""The conversation core through the webhook: each flow keeps its own state, one decision per
message, follow-ups and corrections, every reply within WeChat's 2048 bytes, every message logged.

A resident (or a staff member) sends messages through the signed webhook exactly as WeChat
would; the replies are read back from the XML."""
from __future__ import annotations

import itertools

import pytest

from announce_helpers import residents
from wechat_peer import text

_users = itertools.count()


@pytest.fixture
async def chat(make_bot):
    """chat(*messages) -> the replies, all from one fresh resident; .webhook for direct checks."""
    peer, webhook = await make_bot()

    async def send(*messages: str, user: str | None = None) -> list[str]:
        user = user or f"oChat{next(_users):05d}"
        replies = []
        for m in messages:
            body = await peer.ask(text(m, openid=user))
            assert len(body.encode("utf-8")) <= 2048, f"{m!r}: {len(body.encode())} bytes"
            replies.append(body)
        return replies
    send.webhook = webhook
    return send


# ------------------------------------------------------------------ flows keep their own state
async def test_a_staff_member_asks_a_question_while_composing_and_still_confirms(chat):
    webhook = chat.webhook
    residents(webhook, "yubo", 3)
    webhook.deps.staff.add("oStaffA", "周", ["yubo"])
    preview, where, done = await chat("发布公告 虞波社区 本周六上午义诊", "虞波社区在哪", "确认", user="oStaffA")
    assert "确认" in preview and "浒山" in where and "#1" in done
    assert webhook.db["announcements"].count == 1


async def test_a_choice_still_works_after_an_unrelated_draft(chat):
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaffB", "吴", ["yubo"])
    _, which, answer, cancelled = await chat("发布公告 虞波社区 文化节", "阳光社区在哪", "1", "取消", user="oStaffB")
    assert "1." in which and "阳光社区" in answer and "不会发送" in cancelled
    assert webhook.db["announcements"].count == 0


async def test_an_expired_draft_does_not_capture_a_confirmation(chat):
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaffC", "王", ["yubo"])
    await chat("发布公告 虞波社区 文化节", user="oStaffC")
    state = webhook.deps.residents.get("oStaffC")
    state.context.flows["announce"].expires = 0
    webhook.deps.residents.save(state)
    await chat("确认", user="oStaffC")
    assert webhook.db["announcements"].count == 0


# ------------------------------------------------------------------ one decision per message
async def test_activities_of_a_named_community_are_its_programmes_and_announcements(chat):
    webhook = chat.webhook
    webhook.deps.outbox.create("cli", "community", ["yubo"], "周六虞波文化节，欢迎参加")
    webhook.deps.outbox.queue_due()
    [reply] = await chat("虞波社区有什么活动")
    assert "365馨之家" in reply and "周六虞波文化节" in reply


async def test_recent_notices_concern_the_community_named_not_the_residents(chat):
    webhook = chat.webhook
    webhook.deps.outbox.create("cli", "community", ["houdajie"], "后大街停水通知")
    webhook.deps.outbox.queue_due()
    _, reply = await chat("我住在后大街社区", "虞波社区最近有什么通知")
    assert "虞波社区" in reply and "后大街" not in reply
    [own] = await chat("最近有什么通知", user="oRhoudajie_self")
    assert "请问您住在哪个社区" in own


async def test_recent_notices_are_answered_once_the_resident_says_where_they_live(chat):
    webhook = chat.webhook
    webhook.deps.outbox.create("cli", "community", ["yubo"], "虞波社区周日体检")
    webhook.deps.outbox.queue_due()
    ask, answer = await chat("最近有什么通知", "我住在虞波社区")
    assert "哪个社区" in ask and "周日体检" in answer


async def test_which_street_is_not_read_as_a_homophone_of_a_category(chat):
    [reply] = await chat("后大街社区是哪个街道的")
    assert "招宝山" in reply and "道德" not in reply


async def test_small_talk_wins_only_when_said_in_full(chat):
    hello, question = await chat("你好", "你好，后大街社区书记是谁")
    assert "吴民丽" not in hello and "吴民丽" in question


# ------------------------------------------------------------------ follow-ups and corrections
async def test_a_follow_up_repeats_the_last_question_not_the_first(chat):
    _, services, other = await chat("后大街社区书记是谁", "有什么养老服务", "那都市森林社区呢")
    assert "老友助老" in services
    assert "都市森林社区" in other and "养老" in other and "吴民丽" not in other and "许文君" not in other


@pytest.mark.parametrize("first,follow,expect", [
    ("丹顶鹤社区书记是谁", "书记呢", None),
    ("凌霄社区在哪", "它的书记是谁", "陈雪波"),
    ("介绍一下赛罕社区", "那里有多少名楼栋长", "赛罕"),
    ("时间银行是哪个社区的", "它在哪个区", "泉水"),
    ("深圳湾社区的文化节叫什么", "里面都有啥", "百家宴"),       # 里面: what is inside the last subject
    ("力邦社区书记是谁", "他们那儿打工的来自几个省市", "20个"),    # 他们那儿: the secretary's community
    ("力邦社区书记是谁", "那些外来员工最早哪年住进来的", "2002年"),  # 那些: no part of what is asked
    ("余睿淳和沈若歌是谁", "她们在哪个学校读书", "翔云"),          # 她们 after two people: them
])
async def test_pronouns_and_short_questions_reuse_the_last_subject(chat, first, follow, expect):
    _, reply = await chat(first, follow)
    if expect:
        assert expect in reply


async def test_a_community_said_short_in_a_follow_up_takes_its_full_name(chat):
    for first in ("学弄社区啥情况，介绍下", "学弄社区咋样啊"):
        _, reply = await chat(first, "那福城呢")
        assert "福城社区" in reply and "福明街道" in reply
    assert "福明街道" in (await chat("福城咋样"))[0]


async def test_a_question_the_knowledge_cannot_answer_is_still_the_topic_of_the_next(chat):
    unknown, other = await chat("凌霄社区几点开门", "那都市森林呢")
    assert "凌霄" in unknown and "都市森林" in other and "时间" in other


@pytest.mark.parametrize("first,follow,must", [
    ("海创社区在哪个街道", "不对不对，我是问那边的服务品牌", "小蚂蚁"),    # repeated 不对, 我是问, 那边
    ("学苑社区在哪个街道", "那边住着哪些少数民族", "维吾尔"),             # 那边 is the last place, not "near me"
    ("幸福苑社区书记是谁", "社区电话呢", "幸福苑"),                      # 社区 alone is the last community
])
async def test_there_and_the_community_point_at_the_last_subject(chat, first, follow, must):
    _, reply = await chat(first, follow)
    assert must in reply and "住在哪个社区" not in reply


async def test_a_short_aspect_question_after_a_community(chat):
    _, reply = await chat("都市森林社区在哪", "书记呢")
    assert "许文君" in reply
    _, street = await chat("幸福苑社区书记叫什么", "那是哪个街道的")
    assert "东柳" in street


async def test_corrections_re_ask_the_last_question(chat):
    _, a = await chat("海创社区在哪个街道", "不对，我是说海湾社区")
    _, b = await chat("海创社区在哪个街道", "说错了，是海棠社区")
    _, c = await chat("海创社区在哪个街道", "不是海创，是海湾社区")
    assert "大榭" in a and "新碶" in b and "大榭" in c


async def test_moving_and_corrected_homes_rebind_the_community(chat):
    for second in ("我搬到深圳湾社区了", "我现在住在深圳湾社区", "不对，我住的是深圳湾社区", "啊搞错了，搬去的是深圳湾社区",
                   "我新家在深圳湾社区"):
        _, bound, nearby = await chat("我住在福城社区", second, "附近有什么关爱老人的项目")
        assert "深圳湾" in bound and ("暖心天使" in nearby or "三有三益" in nearby) and "福城" not in nearby
    _, _, street = await chat("我住在海创社区", "说错了，是海棠社区", "我们社区在哪个街道")
    assert "新碶" in street and "下应" not in street


async def test_a_home_said_with_its_side_or_a_typing_slip_corrected_is_bound_once(chat):
    [side] = await chat("住凌霄社区那边")
    assert "已记住" in side and "凌霄" in side
    _, fixed, street = await chat("我家在海创社区", "写错字了，是海棠社区", "我们这里属于哪个街道")
    assert fixed.count("已记住") == 1 and "海棠" in fixed
    assert "新碶" in street and "下应" not in street


async def test_a_follow_up_naming_another_kind_of_thing_asks_of_the_programmes_community(chat):
    _, reply = await chat("老年大学开了什么课程", "带居民做民族手工的那个工作室是哪个")
    assert "芳龄工作室" in reply


async def test_the_last_programme_said_by_what_it_is_or_asked_with_a_particle(chat):
    _, team = await chat("幸福苑社区的腰鼓队是谁带的", "队里的人平均多大")
    assert "六十岁" in team
    _, fair = await chat("深圳湾社区的文化节叫什么", "节上有什么好吃的没")
    assert "百家宴" in fair
    [held] = await chat("甬上社区节是在哪里搞的")
    assert "幸福苑" in held and "小广场" in held


async def test_a_famous_programme_of_ones_own_community(chat):
    _, reply = await chat("我住在洪都社区", "我们这里有什么有名的项目没")
    assert "微家园" in reply and "信息" not in reply


async def test_someone_a_follow_up_describes_is_found_whatever_the_last_subject(chat):
    _, girls, age = await chat("甬上社区节是怎么开场的", "领唱的两个女孩叫啥名字", "她们几岁")
    assert "余睿淳" in girls and "沈若歌" in girls and "徐健丽" not in girls
    assert "七八岁" in age


async def test_how_many_times_asked_alone_is_asked_of_the_last_subject(chat):
    _, _, times = await chat("后大街社区是靠什么出名的", "文化方面得过什么奖", "一共得了几回")
    assert "2次" in times or "两次" in times or "两度" in times


async def test_a_home_typed_as_another_is_corrected(chat):
    _, fixed = await chat("我是海创社区的", "呀写成海创了，应该是海湾")
    assert "海湾" in fixed and "已记住" in fixed


async def test_what_the_knowledge_lacks_is_no_follow_up_of_the_last_subject(chat):
    _, weather, rain, unknown = await chat("凌霄社区书记是谁", "今天天气咋样", "明天会下雨吗", "那樱花社区呢")
    assert "凌霄" not in weather and "凌霄" not in rain and "资料里没有“樱花社区”" in unknown
    _, hall = await chat("丹顶鹤社区的书记是哪位？", "她们社区的议事厅叫什么")
    assert "鹤声" in hall


async def test_a_home_said_after_its_name_is_bound(chat):
    [said] = await chat("凌霄社区是我家")
    assert "已记住" in said and "凌霄" in said
    _, fixed, secretary = await chat("海创社区，我住这", "说错了，应该是丹顶鹤社区", "我们社区书记叫啥")
    assert "已记住" in fixed and "黄菊芬" in secretary


async def test_a_place_said_before_over_there_is_the_place_meant(chat):
    _, reply = await chat("凌霄社区书记是谁", "镇海那边有哪些社区上榜")
    assert "镇海区" in reply and "陈雪波" not in reply


async def test_after_a_move_the_last_question_about_the_old_home_is_answered_for_the_new(chat):
    _, moved = await chat("我住在凌霄社区，我们社区书记是谁", "我搬到都市森林社区了")
    assert "都市森林" in moved and "许文君" in moved and "陈雪波" not in moved
    # a question about somewhere else is not asked again: the move only says where one lives now
    _, _, other = await chat("我住在凌霄社区", "后大街社区书记是谁", "我搬到都市森林社区了")
    assert "都市森林" in other and "许文君" not in other and "吴民丽" not in other


async def test_these_two_after_the_message_names_two_are_those_two(chat):
    _, reply = await chat("湖西社区和洪都社区分别在哪个街道", "丹顶鹤社区老，凌霄社区年轻，这俩分别在哪个区")
    assert "鄞州" in reply and "北仑" in reply and "甬江" not in reply


async def test_a_correction_led_by_an_interjection_still_corrects(chat):
    _, reply = await chat("丹顶鹤社区书记是谁", "哎不是丹顶鹤，是幸福苑社区")
    assert "徐健丽" in reply and "黄菊芬" not in reply
    [inner] = await chat("学弄社区在哪个市？哦不是学弄，是虞波社区")     # within one message too
    assert "慈溪" in inner and "余姚" not in inner
    [asked] = await chat("凌霄社区的书记…哎不是凌霄，是海创社区，书记叫啥")    # and the question said again after it
    assert "海创" in asked and "陈雪波" not in asked


async def test_a_move_that_asks_its_own_question_is_answered_for_it_alone(chat):
    _, moved = await chat("我住在凌霄社区，我们社区书记是谁", "我搬到都市森林社区了，那边有啥特色项目")
    assert "都市森林" in moved and "陈雪波" not in moved and "许文君：" not in moved


async def test_a_quoted_part_of_a_name_is_the_programme_meant_whatever_this_stood_for(chat):
    _, reply = await chat("深圳湾社区有哪些特色项目", "这个项目里的“口岸五优”具体指啥")
    assert "口岸五优" in reply and "红色志愿" in reply


async def test_chit_chat_is_declined_kindly_never_answered_from_the_knowledge(chat):
    for said in ("你吃了吗 给我讲个故事吧", "陪我聊会儿天", "你几岁了", "我今天真无聊 给我唱首歌", "嗨 我最近心情不好 陪我聊聊"):
        [reply] = await chat(said)
        assert "社区小助手" in reply and "社区：" not in reply and "服务的社区" not in reply, reply


async def test_a_message_that_corrects_itself_is_answered_for_the_correction(chat):
    [a] = await chat("都市森林社区的书记叫什么？哎说错了，是后大街社区")
    [b] = await chat("海创社区在哪个街道……不对不对 我是说海湾社区")
    [c] = await chat("丹顶鹤社区楼栋长多少个，哦打错了，我想问赛罕社区的单元长有几名")
    [d] = await chat("赛罕社区楼栋长多少…搞错了，我要问的是单元长有几名")
    assert "吴民丽" in a and "许文君" not in a
    assert "大榭" in b and "海创" not in b
    assert "147" in c and "丹顶鹤" not in c
    assert "147" in d and "52" not in d


async def test_a_correction_after_a_dash_is_answered_for_the_correction(chat):
    [reply] = await chat("丹顶鹤社区的书记是谁——说错了，是力邦社区")
    assert "蔡荣华" in reply and "黄菊芬" not in reply


async def test_a_remark_after_the_question_does_not_change_what_is_asked(chat):
    [reply] = await chat("海创社区有什么服务品牌？我听说那边外地人很多。")
    assert "小蚂蚁" in reply


async def test_hours_asked_with_the_word_notice_are_the_knowledges_to_answer(chat):
    [reply] = await chat("静远社区工作人员上班时间有什么通知")
    assert "错时" in reply


async def test_both_communities_of_the_last_question_are_what_the_pair_stands_for(chat):
    _, reply = await chat("学弄社区和虞波社区我都想了解下", "这俩分别在哪个街道")
    assert "梨洲" in reply and "浒山" in reply


async def test_that_community_and_a_detail_it_lacks_stay_with_the_last_subject(chat):
    _, secretary = await chat("海湾社区在哪个街道", "那社区的书记叫啥")
    assert "海湾" in secretary and "资料里没有" in secretary
    _, fee = await chat("我妈住后大街社区", "社区里老人吃饭要交多少钱")
    assert "后大街" in fee and "资料里没有" in fee


async def test_oh_no_corrects_what_was_just_said(chat):
    [reply] = await chat("凌霄社区，哦不，都市森林社区的书记叫什么")
    assert "许文君" in reply and "陈雪波" not in reply


async def test_a_place_said_alone_after_a_question_about_a_place_asks_it_again(chat):
    [corrected] = await chat("首批品质社区里镇海的有哪些？哦不对，我是说鄞州的")
    _, follow = await chat("20强里慈溪的有哪些社区", "那北仑呢")
    assert "都市森林" in corrected and "后大街" not in corrected
    assert "海棠" in follow and "虞波" not in follow


async def test_which_ones_of_the_last_subject_is_a_follow_up(chat):
    _, _, groups = await chat("学苑社区在北仑哪个街道", "那儿少数民族多吗", "都是哪几个民族")
    assert "维吾尔" in groups


async def test_a_correction_needs_something_before_it_to_correct(chat):
    [reply] = await chat("家里吵架了，不对的地方谁来评评理")
    assert "调解" in reply


async def test_a_namesake_is_the_one_in_the_county_of_the_home_it_corrects(chat):
    _, bound, projects = await chat("我家在奉化的金钟社区", "哦搞错了，我家是阳光社区的", "我们社区有什么特色项目")
    assert "锦屏" in bound and "锋领阳光" in projects
    [asked] = await chat("阳光社区有什么特色项目")     # no home to go by: which one is asked
    assert "哪一个" in asked


async def test_a_past_home_said_beside_the_new_one_binds_the_new_one(chat):
    [a, later] = await chat("我以前住在海创社区，后来搬到福城社区了，我们社区在哪个街道", "我们社区书记是谁")
    [b] = await chat("我住在深圳湾社区，哦不对，前几天刚搬到福城社区了，我们社区在哪个街道")
    assert "福明" in a and "下应" not in a and "海创" not in later
    assert "福明" in b and "蛇口" not in b

async def test_a_short_unrelated_message_is_not_forced_onto_the_last_community(chat):
    _, reply = await chat("丹顶鹤社区书记是谁", "帮我写一首诗")
    assert "丹顶鹤" not in reply


async def test_a_subordinate_clause_does_not_decide_what_is_asked(chat):
    [reply] = await chat("打了电话没人接，想问下力邦社区有什么给孩子的项目")
    assert "少年警校" in reply


# ------------------------------------------------------------------ one door for every reply
async def test_a_long_list_is_paged_and_more_reaches_the_last_item(chat):
    kb = chat.webhook.deps.knowledge
    hundred = next(x for x in kb.model.lists.values() if len(x.members) >= 100)
    replies = await chat(hundred.name + "有哪些", *["更多"] * 8)
    pages = [r for r in replies if "页" in r]
    assert len(pages) >= 3 and "最后一页" in pages[-1]
    shown = "\n".join(replies)
    assert all(kb.model.programmes[m].name in shown for m in hundred.members)
    assert "没有更多" in replies[-1]


async def test_long_recent_announcements_and_previews_are_paged(chat):
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaffD", "陈", ["yubo"])
    for i in range(6):
        webhook.deps.outbox.create("cli", "community", ["yubo"], f"第{i}条通知：" + "社区服务中心周末开放，" * 40)
    webhook.deps.outbox.queue_due()
    first, second = await chat("虞波社区最近有什么通知", "更多")
    assert "回复“更多”" in first and "第2/" in second
    preview, rest = await chat("发布公告 虞波社区 " + "周六义诊，地点在社区服务中心。" * 120, "下一页", user="oStaffD")
    assert "下一页" in preview and "确认" in preview and "周六义诊" in rest


async def test_more_without_pages_says_there_is_no_more(chat):
    [reply] = await chat("更多")
    assert "没有更多" in reply


# ------------------------------------------------------------------ the question log
async def test_every_message_is_logged_with_channel_intent_runner_up_and_outcome(chat):
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaffE", "李", ["yubo"])
    await chat("你好", "最近有什么通知", "帮我写一首诗", user="oLog1")
    await chat("阳光社区在哪", "2", user="oLog2")
    await chat("发布公告 虞波社区 周六义诊", "确认", user="oStaffE")
    rows = webhook.deps.questions.recent(50, only_open=False)
    by_text = {r["text"]: r for r in rows}
    assert by_text["你好"]["intent"] == "smalltalk.greeting" and by_text["你好"]["outcome"] == "answered"
    assert by_text["你好"]["runner_up"] == "ask.ask" and by_text["你好"]["channel"] == "wechat"
    assert by_text["最近有什么通知"]["intent"] == "recent"
    assert by_text["阳光社区在哪"]["outcome"] == "clarified"
    assert by_text["确认"]["outcome"] == "control"
    unanswered = [r["text"] for r in webhook.deps.questions.recent(50)]
    assert "帮我写一首诗" in unanswered and "最近有什么通知" in unanswered
    assert not {"确认", "2", "阳光社区在哪", "你好"} & set(unanswered)


async def test_a_crash_right_after_confirming_neither_loses_nor_doubles_the_announcement(chat, make_bot):
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaffF", "孙", ["yubo"])
    await chat("发布公告 虞波社区 周六义诊", user="oStaffF")
    webhook.deps.flush()                                     # the draft is stored
    await chat("确认", user="oStaffF")                        # ... and the process dies here: nothing flushed
    from bot.storage.batch import WriteBehind
    from bot.storage.residents import SQLiteResidents
    restarted = SQLiteResidents(webhook.db, WriteBehind(webhook.db))    # a new process reads the database
    assert restarted.get("oStaffF").context.flow("announce") is None
    webhook.deps.residents = restarted
    await chat("确认", user="oStaffF")                        # WeChat's retry, or the staff member again
    assert webhook.db["announcements"].count == 1


async def test_every_programme_of_a_community_is_reached_through_more(chat):
    replies = await chat("赛罕社区有哪些项目", "更多", "更多", "更多")
    programmes = chat.webhook.deps.knowledge.community("saihan").programmes
    shown = "\n".join(replies)
    assert len(programmes) > 8 and all(p.name in shown for p in programmes)
    assert "没有更多" in replies[-1]
