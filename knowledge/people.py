"""People the articles name: `X是谁`, `X是哪个社区的`, `X是干什么的`, or a bare name.

A person is recognised by name (or generated pinyin) like any entity, and answered from the
knowledge without asking where the resident lives: role, community or organisation, what
they did, and the source. A question naming someone the knowledge does not know (`孙建平是谁`)
is recognised by its shape and answered honestly instead of asking for the resident's community.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.text import ASKS, CLAIM, ROLES, bigrams, compact
from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.engine import Answer, Engine

# "<2-4 characters>是谁/是干什么的/是做什么的/是哪个社区的/什么职务": a question about a named person
WHO = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:书记|副书记|主任|队长|老师|阿姨|大姐|大妈|师傅|同志|先生|女士)?(是谁|是干什么的|是做什么的|是干啥的|是哪个社区的|是哪里的|在哪个社区|"
                 r"担任什么|是什么职务|什么职务|什么人|是什么人)")
# (报纸上都这么写的吧: how it was written, not who wrote it)
AUTHOR = re.compile(r"执笔|(?<!这么)(?<!那么)(?<!这样)(?<!那样)(?<!上面)(?<!上头)(?:拍|写|摄)的(?:吗|吧|$)|(?:记者|摄影|撰稿)[\u4e00-\u9fff]{0,10}?(?:各是谁|分别是谁|是谁|叫什么|是哪位)|谁写的|写.{0,14}(?:稿子|文章|报道|新闻)的(?:人|记者)|(?:稿子|文章|报道)是谁|作者|撰稿|哪位记者|哪个记者|记者是谁|记者叫|谁报道|谁采写|谁拍的|摄影师|谁摄影|照片是谁")
WRITERS = re.compile(r"记者|撰稿|作者|摄影")
# what the articles are: a writer is asked about only for a report, never for any book or poem
REPORT = re.compile(r"报道|文章|稿|新闻|这篇|那篇|报纸|日报|晚报|报社|网站|转载|消息|照片|图片")
# the common family names: a word that does not start with one (时间积分) is not taken for a person
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
               "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
               "俞乐虞柴翁应竺裘鲍童葛施洪傅岑屠邬包齐康伍卜穆萧祁禹狄米贝臧伏谈茅庞纪舒屈项祝阮蓝闵席季贾娄颜梅"
               "盛骆樊凌霍柯缪宗宣郁单杭左吉邢裴荣荀惠甄曲芮储靳巫焦巴仲宫仇栾甘厉戎祖符景詹束司郜薄印怀蒲邰"
               "索赖卓蔺蒙池乔胥闻翟贡姬申冉郦雍桑桂濮牛寿边冀尚温庄晏瞿阎慕茹艾庾衡耿匡聂鲁柏窦章云苗凤花任"
               "柳史费廉薛倪滕殷毕安常时皮卞")
# what someone said or thinks is asked (她说…是想干嘛, 这位负责人觉得…最拿得出手的是啥, 书记怎么看)
OPINION = re.compile(rf"(?:他|她|这位|那位|{ROLES})[\u4e00-\u9fff]{{0,2}}?(?:说|觉得|认为|讲|提到|表示|怎么看)")
# what the holder of a role did or why (书记加入联盟是想干嘛), not who they are or how to reach them
HOLDER_DID = re.compile(rf"(?:{ROLES})(?!是谁|叫|姓|是哪|电话|手机|怎么联系|联系|在哪|有几|是男|是女)"
                        r"[\u4e00-\u9fff]{2,12}?(?:干嘛|什么|啥|为什么|为啥|哪些)")
NOT_A_NAME = re.compile(r"书记|主任|社区|队长|负责人|联系人|领导|我们|你们|他们|这个|那个|主持|记者")


# "宁波市文明办的电话", "桃花源记的作者是谁": someone else's contact, not the resident's community's
OTHERS = re.compile(r"([\u4e00-\u9fff]{2,8})的(?:办公|值班|联系|服务)?(?:电话|号码|手机|联系方式|热线|作者|负责人|主任|书记|领导|联系人)")
# "市文明办现任主任", "民政局局长": the head of an office, which no article names
OFFICE_HEAD = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:办|局|厅|院|所|处|集团|公司|政府))(?:的)?(?:现任|现在的|新任|新来的)?"
                         r"(?:主任|书记|局长|厅长|院长|所长|处长|主席|领导|负责人)")
OURS = re.compile(r"社区|我们|我家|咱|你们|居委|村|小区|那边|这边|那里|这里|那儿|这儿|他们|她们|它")


def office_head(text: str) -> str:
    """The head of an office asked about (市文明办现任主任), else ""."""
    m = OFFICE_HEAD.search(text)
    return m.group(0) if m is not None and not OURS.search(m.group(1)) else ""


def someone_elses(text: str) -> str:
    """The contact asked for when it belongs to something named that is not a community (文明办的电话,
    市文明办现任主任), else ""."""
    m = OTHERS.search(text)
    return m.group(0) if m is not None and not OURS.search(m.group(1)) else office_head(text)


def person_answer(engine: "Engine", q: Query) -> "Answer | None":
    """The people named in `q`, when the question is about them (not about a community)."""
    from knowledge.engine import Answer
    ids = q.ids("person")
    if not ids:
        return None
    comms = set(q.ids("community"))
    people = [engine.model.people[i] for i in ids]
    told_of = _what_they_told(engine, q, people)
    if told_of is not None:
        return told_of
    if comms and not any(_of(engine, p, comms) for p in people) and not CLAIM.search(q.text) and \
            ASKS.search(q.text):
        return None  # "后大街社区有什么项目" never reaches here; a community question wins
    # (徐健丽是锦悦湾社区的书记吧, 陈雪波明明是丹顶鹤社区的: who they are answers the claim)
    told = _told_by(engine, q, people[0]) if len(people) == 1 else None
    person = told or Answer("person", {"rows": _rows(engine, people)}, "person", 1.0, True, {"person": ids})
    return _claimed_role(engine, q, comms, people, person) or person


OF_PERSON = re.compile(r"职务|职位|身份|工作|岗位|头衔|角色|名字|年龄|籍贯|学历")
# what someone reported (她介绍社区一共有多少个服务项目): the community's own facts are asked
REPORTED = re.compile(r"(?:介绍|说|提到|谈到|表示|讲)(?:了|过)?(?:社区|她们?|他们?|那里|那边)?(?:一共|总共|共)?")


def _what_they_told(engine: "Engine", q: Query, people: list) -> "Answer | None":
    """A count or a list of their community's that someone reported (她介绍社区一共有多少个服务项目？
    给老年人提供哪些低偿服务？): asked of the community, whose facts hold it; None otherwise."""
    m = next((m for m in q.mentions if m.kind == "person"), None)
    c = _community_of(engine, people)
    if c is None or m is None:
        return None
    told = REPORTED.match(q.text, m.end)
    thing = THING_NAMED_ASKED.search(q.text)
    if not (q.aspects & {"figure", "list"} or thing):
        return None
    # (…？给老年人提供哪些低偿服务: a sentence of the same report, asked of them by name; never what
    # they are themselves: 担任什么职务)
    if told is None and (thing is None or thing.group(1) in people[0].did or OF_PERSON.search(thing.group(1))
                         or not (q.of("category") or thing.group(1) in engine.index.said_text)):
        return None
    return engine.answer(q.text[:m.start] + c.name + q.text[told.end() if told else m.end:])


def _claimed_role(engine: "Engine", q: Query, comms: set[str], people: list, person: "Answer") -> "Answer | None":
    """A role claimed of a community for someone who is not of it (力邦社区的书记是吴民丽吧): who does
    hold it there first, then who the person is."""
    from knowledge.engine import Answer
    if not comms or "contact" not in q.aspects or not CLAIM.search(q.text) or \
            any(_of(engine, p, comms) for p in people):
        return None
    held = [a for c in sorted(comms) if (a := engine.about_community(q, engine.model.communities[c])).answered
            and a.template == "contacts"]
    if not held:
        return None
    return Answer("several", {"parts": [*held, person]}, "person", 1.0, True,
                  {"person": [p.id for p in people], "community": sorted(comms)})


def _told_by(engine: "Engine", q: Query, person) -> "Answer | None":
    """What someone told of their community, when the question asks it (陈雪波说凌霄要营造什么样的商居
    氛围): the community's passage covering the question beyond the name, when their own record
    does not."""
    from knowledge.search import passage_answer, question_content
    if not person.community_id or not OPINION.search(q.text.replace(person.name, "他")):
        return None
    text = question_content(engine, q, named=("community", "place", "person"))
    if len(text.replace(" ", "")) < 4:
        return None
    # (吴民丽说的后大街社区一共有多少个服务项目: of passages covering as much, the figure tells how many)
    hit = engine.passages.best(text, community=person.community_id, prefer="figure" if "figure" in q.aspects else "")
    if hit is None or (hit[1].kind == "person" and hit[1].ref == person.id):
        return None
    return passage_answer(engine, hit, hit[0])


def _of(engine: "Engine", person, communities: set[str]) -> bool:
    """Whether `person` belongs to one of `communities`, or (an official of a street, not of a
    community) the record of what they did names one (深圳湾那边的乐丽华)."""
    return person.community_id in communities or not person.community_id and \
        any(engine.model.communities[c].name in person.did for c in communities)


def _rows(engine: "Engine", people: list) -> list[dict]:
    return [{"person": p, "community": engine.model.communities.get(p.community_id),
             "contacts": [c for c in engine.model.communities[p.community_id].contacts if c.name == p.name]
             if p.community_id in engine.model.communities else []} for p in people]


def opinion_of(engine: "Engine", q: Query, holders: list) -> "Answer | None":
    """`力邦社区书记觉得什么最拿得出手`: what the role's holder said, from their own record (None when
    the question asks no one's opinion, or the holder has no record)."""
    from knowledge.engine import Answer
    if not holders or not (OPINION.search(q.text) or HOLDER_DID.search(q.text)):
        return None
    people = [p for p in engine.model.people.values() if p.name == holders[0].name]
    if not people:
        return None
    said = Answer("person", {"rows": _rows(engine, people)}, "person", 1.0, True, {"person": [p.id for p in people]})
    return _with_community_facts(engine, q, people, said)


def _with_community_facts(engine: "Engine", q: Query, people: list, said: "Answer") -> "Answer":
    """`said` (a person's record), and after it the facts of their community naming the kind of thing
    asked when their record names none (…在访谈中提及借力了哪些共建单位: 共建单位有富邦广场、银泰城)."""
    from knowledge.engine import Answer
    thing, c = THING_NAMED_ASKED.search(q.text), _community_of(engine, people)
    if thing is None or c is None or any(thing.group(1) in p.did for p in people):
        return said
    facts = [{"kind": "fact", "item": i, "score": 4.0} for i in c.items if i.kind == "fact" and thing.group(1) in i.text]
    if not facts:
        return said
    told = Answer("community_items", {"community": c, "entries": facts[:2]}, "community", 0.9, True, {"community": [c.id]})
    return Answer("several", {"parts": [said, told]}, "person", 1.0, True, said.entities)


def _community_of(engine: "Engine", people: list):
    """The community of the one person meant (None for several, or one of no community)."""
    return engine.model.communities.get(people[0].community_id) if len(people) == 1 else None


# the kind of thing someone is asked to have named (借力了哪些共建单位)
THING_NAMED_ASKED = re.compile(r"(?:哪些|哪几个|哪几家|什么)([\u4e00-\u9fff]{2,4}?)(?:[？?。，,]|$|呢|吗)")


def author_answer(engine: "Engine", q: Query) -> "Answer | None":
    """`介绍赛罕社区的那篇稿子是谁写的`: the writers of the source behind what is named."""
    from knowledge.engine import Answer
    if not AUTHOR.search(q.text):
        return None
    m = engine.model
    sources = _sources_of(engine, q)
    if not sources and not REPORT.search(q.text):
        return None  # 桃花源记的作者是谁: not one of the articles
    people = [p for p in m.people.values() if WRITERS.search(p.role) and (not sources or p.source in sources)]
    if any(p.organisation and p.organisation in q.text for p in people):   # 宁波日报的记者: that paper's
        people = [p for p in people if p.organisation and p.organisation in q.text]
    if not people:
        return None
    rows = [{"person": p, "community": None, "contacts": []} for p in people]
    return Answer("person", {"rows": rows}, "person", 0.9, True, {"person": [p.id for p in people]})


# when the article itself came out (这篇介绍是什么时候发布的, 那篇报道是哪天登的报)
PUBLISHED = re.compile(r"(?:报道|文章|介绍|新闻|稿子|消息|材料|这篇|那篇)[^，,。？?]{0,8}?(?:什么时候|啥时候|哪天|哪年|哪一年|哪一天|几号|几月|哪个月|日期)"
                       r"[^，,。？?]{0,4}?(?:发|登|刊|出|写|见报|上报)|(?:发布|发表|刊登|刊发|登报|见报)的?(?:时间|日期)|"
                       r"(?:什么时候|啥时候|哪天|哪一天|几号|日期)[^。？?]{0,24}?(?:报道|文章|新闻|稿子|材料)[^。？?]{0,24}?(?:发布|发表|刊登|刊发|见报)")


def published_answer(engine: "Engine", q: Query) -> "Answer | None":
    """`赛罕社区这篇介绍是什么时候发布的`: the date of the article behind what is named (or that the
    article carries none)."""
    from knowledge.engine import Answer
    if not PUBLISHED.search(q.text):
        return None
    sources = _sources_of(engine, q)
    if not sources:
        return None
    found = [engine.model.sources[s] for s in sorted(sources) if s in engine.model.sources]
    return Answer("published", {"articles": found}, "passage", 0.9, all(s.date for s in found))


# a quotation asked after: who said it (“只有起点，没有终点”是谁说的), or what it names (“幸福湾”指的是哪个社区)
QUOTED_LIKENESS = 0.65   # share of the quotation's bigrams a passage must hold: it says it nearly word for word
QUOTATION = re.compile(r"[“「『\"]([^”」』\"]{2,60})[”」』\"]")
ASKS_SOURCE = re.compile(r"(?:谁|哪位|哪个人|什么人|哪个社区)[\u4e00-\u9fff]{0,3}?(?:说|讲|提|喊|写|用)(?:的|出|过)|出自|谁的话|"
                         r"(?:指|说|讲)的(?:是|就是)?(?:哪|什么|谁)|说的是哪|形容的是|比作|称为|称作|叫作|叫做|被叫|被称|"
                         r"(?:是|在)(?:哪个|哪家)社区")


def asks_of_quotation(question: str) -> bool:
    """Whether `question` asks who said, or what is meant by, something it quotes: a question of its
    own, never a follow-up of the last subject."""
    return QUOTATION.search(question) is not None and ASKS_SOURCE.search(compact(question)) is not None


def quotation_answer(engine: "Engine", question: str, q: Query) -> "Answer | None":
    """The passage a quotation comes from, when the question asks who said it or what it names;
    its speaker's record when a person said it; that no article says it when none holds it."""
    from knowledge.engine import Answer
    from knowledge.search import passage_answer
    quotes = [compact(x) for x in QUOTATION.findall(question)]
    if not quotes or not ASKS_SOURCE.search(q.text) or AUTHOR.search(q.text) or any(_a_name(q, said) for said in quotes):
        return None   # “新火聚”模式是谁提出的, “365馨之家”是哪个社区的: names in quotes, asked as names;
        # “当家人共话社区品质”那篇是哪位记者写的: an article's title, asked for its writer
    said = max(quotes, key=len)
    hit = engine.passages.best(said, prefer="person")
    if hit is None and any(_share_said(said, compact(p.text)) >= QUOTED_LIKENESS for _, p in engine.passages.search(said)[:8]):
        return None   # said at several places alike (“甬上社区节”那个授牌仪式在哪个社区办): asked like any question
    if hit is None or _share_said(said, compact(hit[1].text)) < QUOTED_LIKENESS:
        # “远亲不如近邻”是谁说的: no article says it, so nobody is named for it
        return Answer("quotation_unknown", {"quote": said}, "passage", 0.5, False)
    p = hit[1]
    if p.kind == "person":
        person = engine.model.people[p.ref]
        return Answer("person", {"rows": _rows(engine, [person])}, "person", 1.0, True, {"person": [person.id]})
    return passage_answer(engine, hit, hit[0])


def _a_name(q: Query, said: str) -> bool:
    """Whether a quoted part is mostly a name the question's mentions found (a programme, a community)."""
    at = q.text.find(said)
    return at < 0 or any(min(m.end, at + len(said)) - max(m.start, at) >= 0.6 * len(said) for m in q.mentions
                         if m.kind in ("community", "programme", "person", "list"))


def _share_said(quote: str, text: str) -> float:
    """The share of `quote`'s character pairs that `text` holds (its parts may come in another order:
    “服务众筹同心圆” against “同心圆”（服务众筹）)."""
    pairs = bigrams(quote)
    return len(pairs & bigrams(text)) / len(pairs) if pairs else 0.0


def _sources_of(engine: "Engine", q: Query) -> set[str]:
    """The articles behind the communities, programmes and lists `q` names."""
    m = engine.model
    lists = [mention.ids for mention in q.of("list")]
    if any(len(ids) == 1 for ids in lists):   # 第二届…20强…品质社区: the list said exactly, not every 品质社区
        lists = [ids for ids in lists if len(ids) == 1]
    return {m.communities[i].source for i in q.ids("community")} | {m.programmes[i].source for i in q.ids("programme")} \
        | {m.lists[i].source for ids in lists for i in ids}


def unknown_name(q: Query) -> str:
    """The name of a person the knowledge lacks that `q` asks about (`孙建平是谁`, `李建国书记是哪个
    社区的`), else "". The rest may name a service (张建国是哪个社区的志愿者), never an entity."""
    m = WHO.match(q.text)
    if not m or NOT_A_NAME.search(m.group(1)) or m.group(1)[0] not in SURNAMES or \
            any(o.kind not in ("category", "aspect") or o.start < m.end(1) for o in q.mentions):
        return ""
    return m.group(1)


def unknown_person(q: Query) -> "Answer | None":
    """`孙建平是谁`: a name the knowledge lacks is said to be unknown, never asked about."""
    from knowledge.engine import Answer
    who = unknown_name(q)
    return Answer("person_unknown", {"who": who}, "person", 0.3, False) if who else None
