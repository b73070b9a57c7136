"""When the structured answer falls short, the best passage of the knowledge's own text.

`deeper`: about one community, replaces an overview, a "not known" or a bare list of contacts
when one of that community's passages covers what was asked. `wider`: with no community, the
best passage anywhere, named with its community and source; None below the threshold, so the
caller gives its honest fallback.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.listing import own_places, place_filter
from knowledge.passages import COVERAGE, Passage
from knowledge.text import CLAIM, ROLES, WH_ASK, compact
from knowledge.understand import NEARBY, STOP, Query

if TYPE_CHECKING:
    from knowledge.engine import Answer, Engine
    from knowledge.model import Community

WEAK = {"community", "unknown_detail", "none_here", "nearby_unknown", "contacts", "rank"}
ROLE_WORDS = re.compile(r"书记|主任|负责人|当家人|是谁|队长|联系人|领导|叫什么名字?|叫啥名?字?|名字|姓名")
GENERIC = re.compile(r"服务|活动|项目|东西|地方|好玩|特色|品牌|事情|情况|介绍|怎么样|一下")
# 哪首歌, 几位书记: the measure word belongs to the question, the noun after it to the content
ASKED_MEASURE = re.compile(r"[哪几](个|首|位|家|支|条|种|所|座|项|届|批|名|本|部|篇|句|场|次)")
# 多久碰头一次: the 一次 of a frequency asked belongs to the question (the 多久 finds 定期, 节奏)
ASKED_FREQUENCY = re.compile(r"(多久|多长时间|隔多久)(\S{0,4}?)一次")
# spoken verbs the material writes otherwise (在哪个社区搞的: 办, as 举办 is written)
SAID_PLAINLY = {"搞": "办", "弄": "办"}
# when something happened asked: the asking words are no content (时间 is: 时间积分银行)
TIME_ASKED = re.compile(r"什么时候|啥时候|哪一?年|何时|哪一?天|几月几[号日]|几月份?|几号|几日|哪个月")
SHARP = 0.75         # a passage must cover this much to beat a category list or a guessed programme
EVIDENCE_SHOWN = 2    # passages shown when a community is found by several of them together
STRICT = 0.58         # a contacts answer gives way only to a passage that covers this much


def question_content(engine: "Engine", q: Query, named: tuple[str, ...] = ("community", "place")) -> str:
    """What the question is about, in parts: the mentions of `named` kinds and whole function words
    removed (question cues such as 得过, 多少 stay, as they may be content: 时间积分). Words are
    removed whole, as the segmenter cut them: the 家 of 我家 goes, the 家 of 大家 stays with its word."""
    text = q.text
    for m in sorted(q.mentions, key=lambda m: -m.start):
        if m.kind in named:
            text = text[:m.start] + " " + text[m.end:]
    kept = []
    text = NEARBY.sub(" ", text)   # 在家门口开这种课: where, not what
    text = ASKED_FREQUENCY.sub(r"\1\2 ", text) if "一次" in text else text
    for part in ASKED_MEASURE.sub(" ", text).split():
        for token in engine.index.tokens(part):
            gone = STOP.fullmatch(token) or ROLE_WORDS.fullmatch(token) or GENERIC.fullmatch(token)
            kept.append(" " if gone else SAID_PLAINLY.get(token, token))
    return " ".join("".join(kept).split())


def _beyond_categories(q: Query, text: str) -> str:
    for m in q.of("category"):
        # (外地来的: the content has lost its 的, the service words are gone all the same)
        text = text.replace(m.surface, " ").replace(STOP.sub("", m.surface), " ")
    return " ".join(text.split())


def passage_answer(engine: "Engine", hit, confidence: float) -> "Answer":
    from knowledge.engine import Answer
    coverage, p = hit
    c = engine.model.communities.get(p.community_id)
    kl = engine.model.lists.get(p.ref) if p.kind == "list" else None
    return Answer("passage", {"passage": p, "community": c, "list": kl, "more": []}, "passage", round(coverage, 3), True,
                  {"community": [c.id]} if c else _one_named(engine, p.text))


def _one_named(engine: "Engine", text: str) -> dict:
    """The one community a passage of no community names (授牌仪式在幸福苑社区举行), so a follow-up's
    它 stands for it; {} when it names none or several."""
    named = {i for m in engine.index.recognise(compact(text)) if m.kind == "community" and len(m.ids) == 1 for i in m.ids}
    return {"community": sorted(named)} if len(named) == 1 else {}


def deeper(engine: "Engine", q: Query, c: "Community", result: "Answer") -> "Answer | None":
    if result.answered and (result.template not in WEAK or result.data.get("named_role")) and not _weak_items(result):
        return None
    if result.answered and result.template == "contacts" and ROLE_ASKED.search(q.text):
        return None     # (logo上写“众木成林”的那个，社区当家人是谁: what is told says which community, the role is asked)
    text = question_content(engine, q)
    if len(_beyond_categories(q, text).replace(" ", "")) < 2:
        return None  # "有什么养老服务" and none here: nothing more to look for
    # (深圳湾社区的三大特色项目是街道哪位领导介绍的: of passages covering as much, a person's tells who)
    hit = engine.passages.best(text, community=c.id, threshold=STRICT if result.template == "contacts" else COVERAGE,
                               prefer="person" if ASKS_WHO.search(q.text) else "")
    if hit is None or (result.template == "contacts" and len(text.replace(" ", "")) < 4):
        return None
    if result.answered and _weak_items(result) and any(_tells(hit[1], e["item"]) for e in result.data["entries"]):
        return None     # (the passage is one of the facts already found: they are shown together)
    answer = passage_answer(engine, hit, hit[0])
    if result.template == "contacts" and not result.answered and result.data.get("role"):
        # (赛罕社区的党委书记叫什么名字: no name recorded, said first; then what the material tells of the role)
        from knowledge.engine import Answer
        return Answer("several", {"parts": [result, answer]}, answer.intent, answer.confidence, True, result.entities)
    if "list" in q.aspects or "哪些" in q.text:   # 组建了哪些队伍: every passage of it covering as much
        tied = {p.text: p for cov, p in engine.passages.search(text, c.id) if cov == hit[0] and p.community_id == c.id}
        answer.data["more"] = [p for t, p in tied.items() if t != hit[1].text][:EVIDENCE_SHOWN]
    return answer


def _tells(p: Passage, item) -> bool:
    """Whether passage `p` is what `item` (a fact, figure or programme of a community) says."""
    if p.kind == "programme":
        return p.ref == getattr(item, "id", None)
    return isinstance(getattr(item, "text", None), str) and item.text in p.text


def _weak_items(result: "Answer") -> bool:
    """Facts found by a word or two and a cue alone (多久 → anything saying 新建): a passage covering
    the question (物业…多久碰头开会 → the joint meeting's rhythm) answers it better."""
    from knowledge.engine import STRONG_ITEM
    entries = (result.data.get("entries") or []) if result.template == "community_items" else []
    return bool(entries) and max(e.get("score", STRONG_ITEM) for e in entries) < STRONG_ITEM


def wider(engine: "Engine", q: Query) -> "Answer | None":
    text = question_content(engine, q)
    if len(text.replace(" ", "")) < 2:
        return None
    # of passages covering as much, a person's answers who did it (开场谁唱的: the singers' record,
    # not the event's account naming nobody)
    hit = engine.passages.best(text, prefer="person" if "contact" in q.aspects or ASKS_WHO.search(q.text) else "")
    if hit is None and q.aspects & {"which", "contact"}:
        return _community_evidence(engine, text)
    if hit is None:
        return _told_by_several(engine, q, text)
    found = passage_answer(engine, hit, hit[0])
    return _holder_of_described(engine, q, hit[1], found) or found


def _told_by_several(engine: "Engine", q: Query, text: str) -> "Answer | None":
    """What several communities' passages tell alike of one thing, asked what it holds (甬上社区节有哪些活动:
    the festival's acts, told in the passages of the communities that took part); never a which-question,
    where a tie leaves the place unknown."""
    # (甬上社区节是哪一天: when it was asked, what they tell alike is said after the date is not known)
    if "which" in q.aspects or not (q.aspects & {"list", "what", "time"} or ASKS_WHAT.search(q.text)):
        return None
    if "time" in q.aspects:   # (甬上社区节是哪一天: the festival is what they tell of, the day is asked)
        text = " ".join(TIME_ASKED.sub(" ", text).split())
    hits = [(cov, p) for cov, p in engine.passages.search(text) if cov >= COVERAGE]
    if len(text.replace(" ", "")) < SEVERAL_TELL_CHARS or len(hits) < 2 or hits[0][0] < 1.0:
        return None     # (什么街道的: a word every passage may hold tells no one thing)
    tied = [p for cov, p in hits if cov == hits[0][0]]
    if len(tied) > SEVERAL_TELL_MOST:
        return None
    tied = tied[:EVIDENCE_SHOWN + 2]
    answer = passage_answer(engine, hits[0], hits[0][0])
    named = {p.community_id: engine.model.communities[p.community_id].name for p in tied if p.community_id}
    answer.data.update(community=None, spread=[(named.get(p.community_id, ""), p.text) for p in tied], thing=text)
    answer.entities = {"community": list(named)} if named else answer.entities
    return answer


def _holder_of_described(engine: "Engine", q: Query, p: Passage, found: "Answer") -> "Answer | None":
    """A role asked of the community a passage describes (社区LOGO上写着“众木成林”…那位当家人叫什么):
    its holder, with the passage that says which community it is."""
    from knowledge.engine import Answer
    if not ROLE_ASKED.search(q.text) or p.kind == "person" or not p.community_id:
        return None
    holder = engine.about_community(q, engine.model.communities[p.community_id])
    if holder.template != "contacts" or not holder.answered:
        return None
    return Answer("several", {"parts": [holder, found]}, holder.intent, found.confidence, True, holder.entities)


def told_beyond_services(engine: "Engine", q: Query, places: list[str] = ()) -> "Answer | None":
    """`哪个社区的文艺队伍两次拿过中国民间文艺最高奖`: a which-question telling much more than a service
    word is answered by the passage that tells it, not by every community offering the service; a
    need, only by a passage telling nearly all of it. With `places` said (余姚有个社区…是哪个), only
    a passage of a community inside them."""
    text = question_content(engine, q)
    if len(_beyond_categories(q, text).replace(" ", "")) < BEYOND_SERVICES:
        return None
    # (全家都喜欢红歌，有家庭能报名的比赛吗: a need asking no which is answered so only when a passage tells it all)
    hit = engine.passages.best(text, threshold=COVERAGE if "which" in q.aspects else TOLD_ALL)
    if not hit or not _inside(engine, hit[1], places):
        return None
    found = passage_answer(engine, hit, hit[0])
    return _figures_of_described(engine, q, hit[1], found) or found


def _figures_of_described(engine: "Engine", q: Query, p: Passage, found: "Answer") -> "Answer | None":
    """Which community, and how many (…home to migrant workers from 20 provinces, and how many workers
    live there): the passage says which, the community's own figures what it counts."""
    from knowledge.engine import Answer
    if not {"which", "figure"} <= q.aspects or not p.community_id:
        return None
    c = engine.model.communities[p.community_id]
    figures = [e for e in engine._rank_items(q, c) if e["kind"] == "figure" and e["item"].text not in p.text]
    if not figures:
        return None
    counted = Answer("community_items", {"community": c, "entries": figures[:2]}, "community", 0.9, True,
                     {"community": [c.id]})
    return Answer("several", {"parts": [found, counted]}, found.intent, found.confidence, True, counted.entities)


def _inside(engine: "Engine", p: Passage, places) -> bool:
    """Whether a passage is of a community inside the places said (any passage when none is)."""
    return not places or bool(p.community_id) and place_filter(engine, list(places))(engine.model.communities[p.community_id])


BEYOND_SERVICES = 6    # characters a which-question says beyond its service words to be asked of a passage
TOLD_ALL = 0.75        # the share of a need's words a passage must tell to answer it instead of the services
ROLE_ASKED = re.compile(rf"(?:{ROLES})(?:是谁|叫什么|叫啥|是哪位)|(?:是谁|谁是)(?:{ROLES})")   # (English: who is its secretary)
SEVERAL_TELL_CHARS, SEVERAL_TELL_MOST = 4, 20  # what several passages tell alike: the thing said, and how many may tell it
ASKS_WHAT = re.compile(r"哪些|什么|啥")
ASKS_WHO = re.compile(r"谁(?!家)|哪位|哪个人")
WHICH_COMMUNITY = re.compile(r"哪(?:个|些|一个|家|几个)(?:社区|村|小区)")


def about_list(engine: "Engine", q: Query) -> "Answer | None":
    """`宁波晚报社区联盟后面还有啥活动`: a question about a list that asks neither its members, their
    number nor their places is looked up in the passages of the list's own article."""
    lists = q.ids("list")
    if len(lists) != 1 or q.aspects & {"list", "figure", "rank", "location"} or own_places(engine, q, lists) or \
            ("which" in q.aspects and WHICH_COMMUNITY.search(q.text)):
        return None
    text = question_content(engine, q, named=("community", "place", "list"))
    if len(text.replace(" ", "")) < 2:
        return None
    source = engine.model.lists[lists[0]].source
    concepts = sorted(t for t in engine.passages.tokenise(text, query=True) if t in engine.passages.concepts)
    said = [p for c in concepts for p in engine.passages.telling(c, source) if p.kind != "list"]
    if len(said) == 1:
        return passage_answer(engine, (COVERAGE, said[0]), COVERAGE)
    # 联盟授牌那天领唱的是哪首歌: a passage of the list's own article that covers the question
    hit = engine.passages.best(text)
    return passage_answer(engine, hit, hit[0]) if hit and hit[1].source == source and hit[1].kind != "list" else None


def _community_evidence(engine: "Engine", text: str) -> "Answer | None":
    """Which community a question describes by facts told in several of its passages."""
    found = engine.passages.by_community(text)
    if found is None:
        return None
    coverage, passages = found
    answer = passage_answer(engine, (coverage, passages[0]), coverage)
    answer.data["more"] = passages[1:EVIDENCE_SHOWN]
    return answer


def sharper(engine: "Engine", q: Query) -> "Answer | None":
    """A question that names a service category or a programme only by a typo, but says much more
    (`哪个社区有1000多个少数民族居民`): a passage covering it all beats the category's list."""
    weak_programme = q.of("programme") and all(m.how != "exact" for m in q.of("programme"))
    if not (q.ids("category") or weak_programme) or q.ids("list") or \
            any(m.how == "exact" for m in q.of("programme")):
        return None     # (居民评议团多久开一次评议会: the programme named is what is asked about)
    text = question_content(engine, q)
    rest = _beyond_categories(q, text)
    if len(rest.replace(" ", "")) < 3:
        return None  # "附近有哪些养老服务": the category is the whole question
    hit = engine.passages.best(rest, threshold=SHARP)  # what the question says beyond the category
    # (镇海有个社区…是哪个: a passage of a community elsewhere is no answer)
    places = [p for m in q.of("place") for p in m.ids]
    return passage_answer(engine, hit, hit[0]) if hit and _inside(engine, hit[1], places) else None


OWNED_ELSEWHERE = 0.7    # how much of a claim another community's passage must tell to answer it


HELP_ASKED = re.compile(r"(?:能|可以|会|肯|给)[\u4e00-\u9fff]{0,3}吗$|能不能|可不可以|管不管|帮不帮|有没有人管")


def claimed_elsewhere(engine: "Engine", q: Query, target: str) -> "Answer | None":
    """A fact claimed of one community that another's passage tells (听说虞波社区拿过两次山花奖，真的假的？
    到底是哪个社区拿的): that passage, when the named community's own tell it less."""
    # (泉水社区有啥给青少年的项目吗 asks what there is, claiming nothing; …老人剪头发不方便，社区能管吗
    # asks for help with a need)
    claims = CLAIM.search(q.text) and not WH_ASK.search(q.text) and not (q.of("category") and HELP_ASKED.search(q.text))
    if len(q.of("community")) != 1 or not (claims or WHICH_COMMUNITY.search(q.text)):
        return None
    text = question_content(engine, q, named=("community", "place"))
    if len(text.replace(" ", "")) < 4:
        return None
    hit = engine.passages.best(text, threshold=OWNED_ELSEWHERE)
    if hit is None or not hit[1].community_id or hit[1].community_id == target:
        return None
    own = engine.passages.best(text, community=target, threshold=0.0)
    return passage_answer(engine, hit, hit[0]) if own is None or own[0] < hit[0] else None
