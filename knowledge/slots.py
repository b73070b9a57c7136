"""The detail a question asks for (fee, hours, date, 公众号, founder, author, phone ...), checked
against what the answer actually holds.

When the knowledge behind an answer does not contain the asked detail, the reply says so
plainly (`资料里没有凌霄社区“白领之家”的活动时间`) and then gives what is known, instead of
answering a different detail as if it were the one asked. Each slot is a pair of patterns:
how residents ask for it, and what a text that states it looks like.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.text import MOBILE, compact_cached
from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.engine import Answer, Engine


@dataclass(frozen=True)
class Slot:
    label: str
    asked: re.Pattern
    stated: re.Pattern
    only: tuple[str, ...] = ()    # answers this slot is checked on (all of CHECKED when empty)
    counted: bool = False         # a count: what states it depends on the measure word asked (多少户 needs 户)


SLOTS = [
    Slot("奖金或奖励", re.compile(r"奖金|奖励多少|奖多少|能拿多少钱|拿多少钱|补贴多少|补助多少|奖励金|奖多少钱|扶持资金|资助|经费|多少资金|拨款"),
         re.compile(r"\d+(\.\d+)?万?元|\d+块|奖金\d")),
    Slot("积分或分值", re.compile(r"多少分|几分|记多少|积多少|多少积分|几个积分"), re.compile(r"\d+个?(积)?分")),
    Slot("收费标准", re.compile(r"学费|费用|收费|多少钱|几块钱|价格|价钱|免费吗|要钱吗|要不要钱|花钱吗|花不花钱|要花钱|(?<!舍不)得花钱|花多少"),
         re.compile(r"\d+(\.\d+)?元|免费|收费|不要钱|\d+块")),
    # since when a thing exists (百岁粥坊是什么时候开的, 啥时候搞起来的): a year, a decade, a date, how many
    # years; before the hours, whose 什么时候有 and 啥时候搞 ask it too
    Slot("开始时间", re.compile(r"(?:什么时候|啥时候|何时|什么时间|几时)(?:就)?(?:开始|开的|开办|开设|开起来|创办|创立|成立|设立|"
                             r"建立|建的|办的|办起来|搞起来|搞的|有的|启动|推出|兴起|起步|出现|组建)|从(?:什么|啥)时候|始于|起源于"),
         re.compile(r"\d{4}年|\d{2}年代|[〇零一二三四五六七八九]{4}年|[一二三四五六七八九十]+年代|\d+月|今年|去年|年底|年初|以来|[\d一二三四五六七八九十]+多?年(?!代)")),
    Slot("开放或活动时间", re.compile(r"时间段|周末(?:是否|是不是|也|开|正常|休息)|(?:是否|正常|对外)开放|下次|下一次|下回|下一场|(?:什么|啥)时候(?:再|办|搞|有)|几点|开放时间|办公时间|营业时间|上班时间|周几|星期几|每周|每星期|几号开|什么时间开|开门|放映时间|"
                            r"哪天放映|一般哪天|什么时候开放|什么时候有活动|几时|什么时候举办|什么时候开展|什么时候(?:开始)?上课|多久一次|举办时间|"
                            r"礼拜几|哪几天|周几|每礼拜|一周几次|几点练|什么时候练|每个?月几号|每个?月哪天|几号(?:去|来|办|剪|上课|活动)|"
                            r"(?:一个?|每个?)(?:礼拜|星期|周|月)(?:上|练|开|办|有)?几(?:趟|回|次|节)"),
         re.compile(r"\d+[点:：]\d*|周[一二三四五六日天]|星期[一二三四五六日天]|每(周|月|天|晚)|工作日|上午|下午|晚上")),
    Slot("年份", re.compile(r"哪一年|哪年|几几年|什么年份|哪些年|哪两年|哪几年"),
         re.compile(r"\d{4}年|\d{2}年代|[〇零一二三四五六七八九]{4}年|[一二三四五六七八九十]+年代|今年|去年|年底|年初")),
    # who may join by age (时间盒子适合多大的孩子) before a person's own age (她今年几岁)
    Slot("适合年龄", re.compile(r"多大的(?:孩子|小孩|娃|儿童|学生)|(?:孩子|小孩|娃)多大|多大(?:能|可以|才能)|年龄段(?!为主|居多)|适合多大|"
                            r"适合几岁|几岁(?:能|可以|才能)|什么年龄(?![层段])|年龄限制|年龄要求|限制年龄|多大年龄"),
         re.compile(r"\d+岁|[一二三四五六七八九十]+岁|年龄|年级|小学生|中学生|初中|高中|幼儿")),
    # (a team's average age is no member's: 队员平均年龄六十岁出头 does not tell the captain's)
    Slot("年龄", re.compile(r"多大年纪|多大岁数|几岁|多少岁|年龄多大|今年多大|高寿|贵庚"),
         re.compile(r"(?<!平均年龄)(?<!平均)(?:\d+岁|[一二三四五六七八九十]+岁|岁出头|多岁)|(?<!平均)年龄(?:[:：]|是|为|在)")),
    Slot("年代或朝代", re.compile(r"哪个朝代|什么朝代|啥朝代|哪朝|哪个年代的|多少年历史|多少年的历史"),
         re.compile(r"[明清宋元唐汉]代|[明清宋元唐汉]朝|年代|\d{4}年|世纪|年历史")),
    # (开发商 said as who the resident is at odds with is no developer asked: 跟开发商扯不清，找谁)
    Slot("开发或承建单位", re.compile(r"哪家公司|什么公司|谁开发|哪个公司|谁建的平台|谁做的平台|开发商(?:是|叫)|(?:哪个|哪家|什么)开发商|"
                               r"谁承建|承建(?:单位|商|方)"),
         re.compile(r"公司|集团|开发商|承建")),
    Slot("日期", re.compile(r"哪天|哪一天|几月几号|几月几日|日期|几月份?|哪个月|几号(?![楼线门院车房])|(?:是|在)(?:什么|啥)时候$"),
         re.compile(r"\d+月\d+日|\d+月|\d{4}年|年底|年初|昨天|今天")),
    Slot("公众号名称", re.compile(r"公众号|微信号|微信群|qq群号"), re.compile(r"公众号[“\"「：:]|微信号[：:]|群号")),
    Slot("创办人", re.compile(r"创始人|谁创办|谁创立|谁办的|谁发起|发起人|谁建的|谁成立的|创办者|谁(?:最早|最先|首先)?提出|"
                           r"谁首创|谁想出|谁设计|谁发明|提出者|首创者|提出人"),
         re.compile(r"创办|创立|发起人|创始|首创|提出|以其名字命名|由.{1,12}(组成|发起|牵头)")),
    Slot("完工时间", re.compile(r"(?:什么时候|啥时候|何时|哪天|几月|哪年)(?:能|才能|可以|会)?(?:完工|建成|建好|完成|竣工|修好|"
                             r"弄好|投用|投入使用|开通|通车|交付|开业|开放)"),
         re.compile(r"\d{4}年|\d+月|年底|年初|已经?(?:建成|完工|投用|开通)")),
    Slot("报名方式", re.compile(r"怎么报名|如何报名|报名方式|(?:在哪|去哪里?|哪里|哪儿)报名?|(?:什么|啥)时候报名|哪天报名|怎么加入|如何加入|怎么参加|如何参加"),
         re.compile(r"报名|加入方式|入会|登记")),
    Slot("申请办法或所需材料", re.compile(r"怎么申请|如何申请|申请条件|申请材料|需要准备|准备哪些|准备什么|要带什么|需要带|带什么材料|"
                                   r"什么材料|哪些材料|办理流程|怎么办理|如何办理|办理手续|什么手续|哪些手续|申请流程|申请资格|什么条件"),
         re.compile(r"申请|办理|材料|手续|流程|条件|携带|带上")),
    Slot("面积", re.compile(r"面积|占地|多少平|多大的?地方|场地多大|有多大$|多少亩"),
         re.compile(r"平方|㎡|亩|公顷")),
    Slot("颜色", re.compile(r"(?:什么|啥|哪种|哪个|哪些)颜色|什么色|啥色"), re.compile(r"[红橙黄绿青蓝紫黑白金银灰粉]色|七种颜色")),
    Slot("词曲作者", re.compile(r"作曲|作的曲|谱曲|谱的曲|作词|作的词|词作者|曲作者"), re.compile(r"作曲|作词|词曲|谱曲")),
    # which institution someone comes from (外教是哪个国家的, 义诊是哪家医院的医生来)
    Slot("所属国家或单位", re.compile(r"哪个国家|哪国|什么国家|哪家医院|哪个医院|什么医院|哪所学校|哪个学校|哪家单位|哪个单位|哪家机构|哪个机构"),
         re.compile(r"国|医院|卫生院|诊所|学校|大学|单位|机构|公司"), ("programme", "community_services", "passage")),
    Slot("电话", re.compile(rf"电话|{MOBILE}|号码|联系方式|热线"), re.compile(r"\d{3,4}-?\d{7,8}|1[3-9]\d{9}")),
    Slot("邮箱或网址", re.compile(r"邮箱|电子邮件|email|网址|网站|官网|网页"), re.compile(r"@|www|http|\.com|\.cn")),
    Slot("负责人", re.compile(r"负责人|谁负责|谁管|联系人|[队团站馆会院校组班]长(?:是谁|叫什么|叫啥|是哪位)|领头人|带头人|谁带领|"
                           r"领队(?:是谁|叫什么|叫啥|是哪位)"),
         re.compile(r"队长|会长|团长|领队|负责人|主任|书记|领头|牵头|带领|以其名字命名"), ("programme", "passage", "community_items", "community_services")),
    Slot("具体地址", re.compile(r"地址|门牌|哪条路|具体位置|具体在哪"), re.compile(r"[路街巷]\d*号|大厦|\d+号|\d+楼"),
         ("programme",)),
    # the most general last: 门牌号是多少 asks an address, not a number
    Slot("具体数字", re.compile(r"多少|(?<!哪)(?<![那这列举])几(?:个|家|位|名|桌|户|次|条|项|支|座|所|种|成|岁|年|多|份|碗|顿|餐|趟)"),
         re.compile(r"\d|[一二两三四五六七八九十百千万半几]+[多余来]?[个家位名桌户次条项支座所种成岁年人度届批类倍]"),
         ("passage", "programme", "community_items", "community"), counted=True),
]
# A count asked with a measure word (多少户, 几桌, 多少人) is stated only by a number with that
# measure or one that counts the same things: 户 is not answered by 60% or by 1000多人, nor
# 几家 by an ordinal (第一个).
MEASURES = {"人": "人|名|位|口", "名": "人|名|位", "位": "人|名|位", "口": "人|口", "户": "户|家庭", "家": "家|个|户",
            "桌": "桌", "次": "次|场|回|届", "场": "场|次", "回": "回|次", "岁": "岁", "支": "支|个|队", "条": "条",
            "项": "项|个|件", "件": "件|个|项", "所": "所|个|家", "座": "座|栋|幢|个", "栋": "栋|幢|座", "幢": "栋|幢|座",
            "种": "种|个|类", "类": "类|种|个", "届": "届", "批": "批", "年": "年", "天": "天|日", "棵": "棵|株",
            "辆": "辆|台", "台": "台|辆", "间": "间|个", "平方米": "平方米|平米|㎡|亩", "平米": "平方米|平米|㎡|亩",
            # people counted without a measure word (多少居民): by heads or households, never a share
            "居民": "人|名|位|口|户", "人口": "人|名|口", "住户": "户|家", "党员": "人|名|位", "志愿者": "人|名|位",
            "份": "份|碗|盒", "碗": "碗|份", "顿": "顿|餐", "餐": "餐|顿|份", "趟": "趟|次", "票": "票", "队员": "人|名|位", "成员": "人|名|位", "会员": "人|名|位", "学生": "人|名|位", "孩子": "人|名|位",
            "务工人员": "人|名|位", "工人": "人|名|位", "老人": "人|名|位"}
_MEASURE_ASKED = re.compile(r"(?:多少|(?<!哪)几)个?(" + "|".join(sorted(MEASURES, key=len, reverse=True)) + ")")
_NUMBER = r"(?<![第\d一二两三四五六七八九十百千万几])(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万几]+)[多余]?[十百千万亿]*[多余]?"


_COUNTED_IN = {m: re.compile(f"{_NUMBER}(?:{units})") for m, units in MEASURES.items()}


def measure_asked(text: str) -> re.Pattern | None:
    """A number with the measure a count asks by (多少次: 2次, 几户: 60户), None when none is said."""
    found = _MEASURE_ASKED.search(text)
    return _COUNTED_IN[found.group(1)] if found else None


def _stated(slot: Slot, q: Query) -> re.Pattern:
    """What states `slot` for this question: a count's number must carry the measure asked."""
    found = _MEASURE_ASKED.search(q.text) if slot.counted else None
    if not found:
        return slot.stated
    # 几个人 is answered by 7个 as well: the 个 was said with it
    return re.compile(f"{_NUMBER}(?:{MEASURES[found.group(1)]}{'|个' if '个' in found.group(0) else ''})")


DATED = re.compile(r"\d{4}年|\d+月")    # a figure that is a date (名单出炉2017年11月26日)
CHECKED = {"programme", "community_items", "community_services", "passage", "person", "community", "unknown_detail",
           "category_communities", "list", "lists", "list_count"}
# a "not known" is not followed by these: they answer nothing of it. (Followed by the communities
# offering the service, 想剪头又不想花钱 would name who cuts hair; but 独居老人申请助餐补贴要什么材料 or
# 小区物业费多少 would then name communities for what nobody in the material says: measured on the
# held-out conversations, honest refusals lost more than needs gained.)
BROAD = {"unknown_detail", "category_communities"}


def asks_a_detail(q: Query) -> bool:
    """Whether the question asks one of the details slots check (a phone, a fee, hours ...)."""
    return any(s.asked.search(q.text) for s in SLOTS)


def asked_slot(q: Query, template: str) -> Slot | None:
    return next((s for s in SLOTS if s.asked.search(q.text) and (not s.only or template in s.only)), None)


def _subject(engine: "Engine", a: "Answer", q: Query) -> tuple[str, str]:
    """(name of what the answer is about, the text it holds)."""
    d = a.data
    if a.template == "programme":
        ps = d["programmes"]
        c = engine.model.communities[ps[0].community_id]
        counted = f"{len(ps)}个" if d.get("counted") else ""    # the count the answer states first
        return c.name + ps[0].title, counted + " ".join(p.title + p.kind + p.description + p.serves for p in ps)
    if a.template == "person":
        rows = d["rows"]
        text = " ".join(r["person"].did + " ".join((c.phone or "") + (c.address or "") for c in r["contacts"]) for r in rows)
        return "、".join(r["person"].name for r in rows), text
    if a.template == "category_communities":
        rows = a.pages or []
        return "、".join(d["categories"]), " ".join(p.title + p.description for r in rows for p in r["programmes"])
    if a.template == "passage":
        c = d.get("community")
        return (c.name if c else d.get("thing", "")), d["passage"].text
    if a.template in ("list", "lists", "list_count"):
        lists = d.get("lists") or [d["list"]]
        # (a dated figure tells when that thing happened only: 名单出炉 is not when voting closed)
        return "、".join(kl.name for kl in lists), " ".join(
            kl.description + " ".join(f.text for f in kl.figures if not DATED.search(f.value) or
                                      any(compact_cached(k) in q.text for k in f.keywords)) for kl in lists)
    c = d.get("community")
    if c is None:
        return "", ""
    if a.template == "community_items":
        return c.name, " ".join(getattr(e["item"], "text", "") or
                                (getattr(e["item"], "title", "") + getattr(e["item"], "description", "")) for e in d["entries"])
    if a.template == "community_services":
        return c.name, " ".join(p.title + p.description for p in d["programmes"])
    return c.name, " ".join([c.description, *(i.text for i in c.items)])


def check_slot(engine: "Engine", q: Query, a: "Answer") -> "Answer":
    """`a` itself when it states the asked detail (or none is asked), else "not known" first."""
    from knowledge.engine import Answer
    if a.template not in CHECKED:
        return a
    slot = asked_slot(q, a.template)
    if slot is None or (slot.label == "电话" and a.template not in ("person", "category_communities", "programme",
                                                                      "list", "lists", "list_count")):
        return a  # a community's phone has its own answer (phone.j2); a programme's or a list's is its own text's
    subject, text = _subject(engine, a, q)
    if not text or _stated(slot, q).search(text):
        return a
    known = None if a.template in BROAD else a  # a "not known" adds nothing after ours
    return Answer("slot_unknown", {"slot": slot.label, "subject": subject, "follow": known}, a.intent, 0.5, False,
                  a.entities, a.lives_in, a.open_question if known is not None else {})
