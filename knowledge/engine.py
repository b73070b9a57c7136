"""Question answering over the knowledge: decide what is asked, retrieve, rank, and say what to reply.

The engine returns an `Answer`: which reply template to use and the data for it, plus what
the conversation should remember (the resident's community, an open question). It knows
nothing of WeChat and renders no text; handlers/ask.py does that with the templates.

Decision order (first that applies wins):
  1. a place that is not in the knowledge (广州天河区, 盐田区) and no known community: fallback;
  2. "I live in X" binds X, and answers whatever else the message asks;
  3. an explicit community (a namesake is settled by a street/district or programme in the
     same message, else the resident is asked which one, with numbered choices);
     "附近/这边" uses the resident's community, and asks for it when unknown;
  4. a person named (people.py), the writers of a source, several communities side by side
     (several.py), a name the knowledge lacks; a need answered where the resident lives;
  5. with a community: phone / contacts / location / a named programme / categories /
     honours / figures / when / its programme list; otherwise its items ranked by overlap with
     the question, and an overview when nothing ranks — replaced by one of its passages when
     that covers the question (search.py);
  6. without one: a list by place or count (listing.py), a passage that says more than a
     category, a named programme, a published list, a category across communities (optionally
     within a district or city), the communities of a place; else the best passage above the
     threshold (passages.py), else fallback.
Finally the asked-for detail (fee, hours, 公众号 ...) is checked against the answer (slots.py).
"""
from __future__ import annotations

import math
import re
from collections import Counter
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import sqlite_utils

from knowledge.matcher import EntityIndex
from knowledge.model import Community, Item, Model, Programme
from knowledge.passages import PassageIndex
from knowledge.listing import LIVES_BEFORE, list_answer, own_places, place_filter, place_levels, widest
from knowledge.asides import without_asides
from knowledge.asks import HOME_POINTER, asks_apart
from knowledge.people import (author_answer, opinion_of, person_answer, published_answer, quotation_answer,
                              someone_elses, unknown_person)
from knowledge.search import (WHICH_COMMUNITY, about_list, claimed_elsewhere, deeper, sharper, told_beyond_services,
                              wider)
from knowledge.slots import check_slot, measure_asked
from knowledge.totals import with_total
from knowledge.several import compare
from knowledge.text import AIM_ASKED, ASKS, CLAIM, COMMUNITY_POINTERS, ROLE, bigrams, compact, compact_cached, text_bigrams
from knowledge.understand import PRACTICE, WHICH_AREA, Query, asks_of_a_community, understand

TIME_WORDS = ("年", "年代", "什么时候", "啥时候", "哪年", "建", "成立", "挂牌")
OVERVIEW_PROGRAMMES = 8
WHICH_OF = re.compile(r"哪(?:个|家|一个)(?:社区|村)的([\u4e00-\u9fff]{2,})")   # which community's X
UNTOLD_THING, UNTOLD_SHOWN = 3, 12   # a thing asked whether a community has, told nowhere: its length, and as quoted
UNTOLD_WHICH = 3   # characters a which-question of a place says beyond it, none told, to be answered "not known"
NEED_FACTS = 2      # facts told before the programmes meeting a need that asks nothing
STRONG_ITEM = 4.0   # a fact scoring this much (shared words + keywords) outranks a category's programme list
UNDERSTAND_CACHE = 4096
# who does a community's work when no one is named for it (委托专业社工机构…)
RUN_BY = re.compile(r"委托|购买服务|社工机构|承接|托管|运营")
WHO_LIVES = re.compile(r"住的[^，,。？?]{0,3}?(?:都|主要|大多|多)是")
# the thing a question asks for, right after its asking word (啥模式, 什么样的理念, 哪些队伍)
ASKED_THING = re.compile(r"(?:啥|什么样的?|哪些|哪种|哪样|怎样的)([\u4e00-\u9fff]{2,4})")
NAME_ASKED = re.compile(r"叫什么|叫啥|名字|名称|是什么名")
COMMUNITY_POINTER = re.compile(rf"[他她]们|{COMMUNITY_POINTERS}")   # (搞道德讲堂那个 他们得过啥大奖)
JOINING = re.compile(r"加入|申请|报名|参评|参选|入选|入围|进入?(?:榜|名单|联盟)")
NUMBER_SAID = re.compile(r"[\d\-\s]*\d{4}[\d\-\s]*")    # a phone-like number said in a question
# what the community's own programmes are, asked beside a guess (…的品牌项目是什么？是“X”吗)
OWN_ASKED = re.compile(r"(?:项目|品牌|特色|活动)(?:是|叫)?(?:什么|啥|哪些|哪个)")
# a question asking for services of a kind (…想发挥余热，社区有什么平台): the services, beside any fact
ASKS_SERVICES = re.compile(r"(?:有什么|有啥|有哪些|哪些|什么|些啥)(?:样的)?(?:[\u4e00-\u9fff]{1,6}?的|[\u4e00-\u9fff]{2})?(?:平台|组织|项目|服务|活动|队伍|团队|机构|渠道|地方)|"
                           r"(?:有什么|有啥|有哪些|有没有|有木有|哪些|什么)(?:是|比较|更)?适合")   # (社区有啥适合他的: what suits him)
LISTED_ASKED = re.compile(r"(?:上榜|入选|评上|上了榜|进了榜)的?(?:品牌|项目)")
# what a community is asked to be known for (特色做法, 亮点, 品牌项目)
FEATURES_ASKED = re.compile(r"特色做法|特色项目|特色|做法|亮点|品牌|经验|项目|举措|工作法")
HAS_ANY = re.compile(r"有没有|有无|是否有|有木有")   # whether there is such a service: the services first
SAID_AFTER = 2   # a category's best programmes shown before those that only say the resident's word
CUE_WORD = re.compile(r"什么时候|啥时候|哪年|哪一年|多少|多少人|几个|几年|何时|是谁|在哪|在哪里")  # a keyword that only says how one asks
# what a fact about who lives in a community says (for "学苑社区的居民是些什么人")
MAKEUP = re.compile(r"居民|人口|外来|外地|外籍|港籍|民族|年轻|青年|白领|老年人|老人|长者|高收入|务工|新市民|五湖四海|常住|户籍|流动")
LISTING = re.compile(r"(有什么|有哪些|有啥|都有|哪些|什么样的|(?:搞|办|做|弄)(?:些|了)?(?:什么|啥|哪些))(特色|出名|有名|知名|著名)?的?(项目|活动|服务|品牌)")
# words around a listing question that ask nothing more (平时都搞些什么活动: all of them)
LISTING_ASIDE = re.compile(r"都|还|一共|全部|所有|总共|平时|平常|平日|一?般|日常|经常|通常|搞|办|弄|做|些|^那")
# the bot's, the city's or a business's line or head, not the resident's community
NOT_OWN = re.compile(r"客服|12345|市长|公司|医院|银行|学校|派出所|地铁|公交|超市|商场|酒店|饭店|快递|外卖|工业区|政府|晚报|日报|报社")
# "附近有什么服务": an overview (这儿, 出名的, a closing 没 say nothing of what)
# communities asked for (鄞州有哪些社区, 姜山镇有啥出名的村), not 社区 inside a name (甬上社区节)
OTHER_COMMUNITY_ASKED = re.compile(r"(?:哪个|哪些|哪家|别的|其他)社区[^，,。？?]{0,4}?(?:做得|搞得|办得|管得|弄得|经验|值得)|"
                                   r"(?:有没有|是否有|有无)(?:哪个|别的|其他)?社区(?:的)?(?:做法|是|在|能|会|搞|办|有)|"
                                   r"(?:参考|借鉴|学习|取经)的社区|社区(?:可以|能|值得)(?:参考|借鉴|学习)|"
                                   r"(?:有啥|有什么|有没有什么)(?:好)?(?:办法|法子|招|妙招|经验)")   # (…有啥办法把他们拉出来)
# a writing job for the resident (帮我用英语写个报告的开头, 给我写一篇作文): the bot answers questions, writes nothing
WRITING_TASK = re.compile(r"(?:(?:帮|替|给)(?:我|咱)|帮忙).{0,10}?(?:写|翻译|起草|润色|改写|编)(?:一?[篇段份个首句]|一下|成|[^的]{0,12}?"
                          r"(?:作文|报告|开头|结尾|总结|文案|演讲稿|发言稿|致辞|诗|文章|稿子|作业))")
# which school, hospital or shop is best: no article rates any (哪家幼儿园口碑比较好)
BEST_ELSEWHERE = re.compile(r"(?:哪家|哪所|哪个|哪间|什么)(?:幼儿园|学校|小学|中学|初中|高中|医院|诊所|饭店|餐厅|饭馆|超市|"
                            r"培训班|培训机构|机构|商场|银行)[^，,。？?]{0,6}?(?:好|口碑|靠谱|推荐|排名|最强|评价|便宜|实惠)")
ASKS_COMMUNITIES = re.compile(r"(?:哪些|什么|几个|多少|有啥|哪几个|哪个)[^，,。？?]{0,4}?(?:社区|村)(?!节|联盟|中心)|"
                              r"(?:有没有|是否有|有无)[^，,。？?]{0,7}?(?:社区|村)(?!节|联盟|中心|的)|"
                              r"有[^，,。？?]{1,10}?的(?:社区|村)吗|"
                              r"(?:社区|村)(?:有哪些|有什么|有啥|都有|名单)")
# what was done or is on in a place (东柳街道搞了啥活动, 北仑有什么项目)
DONE_THERE = re.compile(r"活动|项目|特色|品牌|搞了|办了|干了|做了")
GENERIC = re.compile(r"服务|活动|项目|组织|平台|团队|队伍|机构|东西|地方|(?:能|可以)?(?:参加|参与|加入|去)|好玩|特色|主打|招牌|出名|有名|知名|著名|品牌|事情|情况|介绍|这儿|这里|这边|那儿|那边|这一?块|方面|没$|"
                     r"被?提到过?了?|提及|说到|出现过?")


@dataclass
class Answer:
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    intent: str = "fallback"
    confidence: float = 0.0
    answered: bool = False
    entities: dict[str, list[str]] = field(default_factory=dict)
    lives_in: str | None = None              # community id the resident lives in
    open_question: dict | None = None          # open question to remember; {} clears it
    pages: list | None = None            # items for a paged list (data["items"])
    uses_residence: bool = False         # the answer read where the resident lives (else the same for anyone)

# what a question naming a programme already known (除了X，还有…) may still ask of the community itself
BESIDES_ASPECTS = frozenset(("location", "phone", "contact", "figure", "time", "honour", "rank", "residents"))
EXAMPLE_QUESTIONS = ("附近有哪些养老服务", "哪个社区有四点钟学校", "宁波首批品质社区有哪些")


def _shared_word_weights(model: Model) -> dict[str, float]:
    """How much a bigram shared by a question and a fact counts: 1 for words few facts use (宗旨,
    理念), down to 0.3 for words most use (服务, 工作, 社区), so a fact is chosen for what sets it
    apart (inverse document frequency over every community's facts, figures and programmes)."""
    df: dict[str, int] = {}
    docs = 0
    for c in model.communities.values():
        for text in (c.description, *(i.text for i in c.items), *(p.title + (p.kind or "") + p.description for p in c.programmes)):
            docs += 1
            for g in bigrams(compact(text)):     # not text_bigrams: its memo would hold every text at once
                df[g] = df.get(g, 0) + 1
    scale = math.log((docs + 1) / 3) or 1.0
    weights = ((g, max(0.3, math.log((docs + 1) / (n + 1)) / scale)) for g, n in df.items() if n > 2)
    return {g: w for g, w in weights if w < 0.9}   # the long tail counts 1 and is not stored (memory at 100k entries)


class Engine:
    def __init__(self, model: Model, threshold: float = 72.0, margin: float = 6.0) -> None:
        self.model = model
        self.index = EntityIndex(model, threshold, margin)
        self.by_scene = {str(c.scene): c for c in model.communities.values() if c.scene is not None}
        self.place_level = place_levels(model)     # place -> its widest level (knowledge/listing.py)
        self._understood: dict[str, Query] = {}
        self._cache_lock = threading.Lock()
        # category -> communities offering it, each with its programmes in that category (knowledge order)
        self.by_category: dict[str, list[tuple[Community, list[Programme]]]] = {}
        for c in model.communities.values():
            per: dict[str, list[Programme]] = {}
            for p in c.programmes:
                for cat in p.categories:
                    per.setdefault(cat, []).append(p)
            for cat, progs in per.items():
                self.by_category.setdefault(cat, []).append((c, progs))
        # bigram -> programmes whose title or kind holds it, to rank without scoring every programme
        self.programme_grams: dict[str, set[str]] = {}
        # bigram -> programmes whose own name holds it (文明网吧督导队: 网吧), for a need said by a thing
        # only one programme is named after
        self.title_grams: dict[str, set[str]] = {}
        for p in model.programmes.values():
            for g in bigrams(compact(" ".join([p.title, p.kind, p.description, *p.aliases]))):
                self.programme_grams.setdefault(g, set()).add(p.id)
            for g in bigrams(compact(p.title)):
                self.title_grams.setdefault(g, set()).add(p.id)
        self.category_words = {compact(w) for cat in model.categories.values() for w in cat.synonyms}
        self.passages = PassageIndex(model, self.index.tokenizer)
        self.item_weight = _shared_word_weights(model)
        # a keyword said another way (words.yaml: 线上 for 网上) is the keyword said
        self.said_otherwise: dict[str, tuple[str, ...]] = {}
        for g in model.synonym_groups():
            words = tuple(g.forms())
            for w in words:
                self.said_otherwise[w] = tuple(dict.fromkeys(self.said_otherwise.get(w, ()) + words))

    @classmethod
    def from_database(cls, db: sqlite_utils.Database, threshold: float = 72.0, margin: float = 6.0) -> "Engine":
        return cls(Model.from_database(db), threshold, margin)

    # ------------------------------------------------------------ small lookups
    def community(self, cid: str) -> Community | None:
        return self.model.communities.get(cid)

    def community_by_scene(self, key: str) -> Community | None:
        return self.by_scene.get(key.strip())

    def example_questions(self) -> tuple[str, ...]:
        return EXAMPLE_QUESTIONS

    def menu_question(self, key: str) -> str | None:
        """A CLICK menu key mapped to a category question (keys live in categories.yaml)."""
        for cat in self.model.categories.values():
            if cat.menu_key and cat.menu_key.upper() == key.upper():
                return f"附近有什么{cat.synonyms[0] if cat.synonyms else cat.name}服务"
        return None

    def locate(self, label: str, lat: float | None, lng: float | None) -> Community | None:
        """Community of a location message: a community named in its label, else one whose
        coordinates lie within 1.5 km (only communities with known coordinates count)."""
        text = compact(label)
        for m in self.index.exact(text):
            if m.kind == "community" and len(m.ids) == 1:
                return self.community(m.ids[0])
        if lat is None or lng is None:
            return None
        from math import asin, cos, radians, sin, sqrt
        best, best_km = None, 1.5
        for c in self.model.communities.values():
            if c.lat is None or c.lng is None:
                continue
            dlat, dlng = radians(c.lat - lat), radians(c.lng - lng)
            a = sin(dlat / 2) ** 2 + cos(radians(lat)) * cos(radians(c.lat)) * sin(dlng / 2) ** 2
            km = 2 * 6371 * asin(sqrt(a))
            if km < best_km:
                best, best_km = c, km
        return best

    # ------------------------------------------------------------ the decision
    def understand(self, question: str) -> Query:
        """Recognition is a pure function of the text and this (immutable) knowledge, so it is
        cached; frequent questions skip it. A new Engine (reload) starts with an empty cache."""
        q = self._understood.get(question)
        if q is None:
            q = understand(question, self.index)
            with self._cache_lock:  # long questions are understood in a worker thread (webhook)
                if len(self._understood) >= UNDERSTAND_CACHE:
                    self._understood.pop(next(iter(self._understood)), None)
                self._understood[question] = q
        return q

    def answer(self, question: str, resident_community: str = "", open_question: dict | None = None,
               parted: bool = False) -> Answer:
        """`parted`: `question` is one of a message's asks already parted (knowledge/asks.py), never
        parted again."""
        question = without_asides(self, question)
        if not open_question and not parted:
            several = self._several_asks(question, resident_community)
            if several is not None:
                return several
        q = self.understand(question)
        quoted = None if open_question else quotation_answer(self, question, q)
        if quoted is not None:
            return check_slot(self, q, quoted)
        near_home = "" if open_question else self._namesake_near_home(q, resident_community)
        open_question = open_question or ({"chosen": near_home} if near_home else {})
        entities = {k: q.ids(k) for k in ("community", "programme", "category", "list", "place", "person")
                    if q.ids(k)}
        decided = self._decide(q, resident_community, open_question)
        if decided.open_question and decided.open_question.get("question") == q.text:
            # asked again once the resident says where they live: as written, its clauses apart
            # (…下了班就刷手机。社区里有什么…: no 刷手机社区)
            decided.open_question = {**decided.open_question, "question": question}
        result = check_slot(self, q, with_total(q, decided))
        result.entities = result.entities or entities
        result.uses_residence = decided.uses_residence or bool(near_home)
        return result

    def _namesake_near_home(self, q: Query, home: str) -> str:
        """Of namesakes (three 阳光社区), the only one in the county of the community the resident
        lives in, or has just said they live in: 我住金钟社区 → 说错了，我是阳光社区的 means 奉化's."""
        comms = q.of("community")
        if not comms or home not in self.model.communities:
            return ""
        ids = self._settle(q, comms[0].ids)
        near = self._in_counties(ids, {self.model.communities[home].county}) if len(ids) > 1 else []
        return near[0] if len(near) == 1 else ""

    def _several_asks(self, question: str, resident_community: str) -> Answer | None:
        """A message asking several specific things, each answered (knowledge/asks.py); None when
        it asks one, or when fewer than two of its questions find an answer or a "not known" of their
        subject (and none an answer)."""
        questions = asks_apart(self, question)
        home = self.model.communities.get(resident_community)
        if not questions and home is not None and (own := HOME_POINTER.search(question)):
            # (我们社区书记叫啥 有啥给年轻人的活动: each ask of the resident's community)
            questions = asks_apart(self, question[:own.start()] + home.name + question[own.end():])
        if not questions:
            return None
        parts = [self.answer(x, resident_community, parted=True) for x in questions]
        # a "not known" of the subject (its secretary is not in the material) is an answer of its part
        answered = _without_repeats([p for p in parts if p.answered or (p.entities or {}).get("community")])
        if len(answered) == 1 and answered[0].answered and len(parts) > 1:
            return answered[0]   # (…有多少，主要是哪些民族: one answer telling both)
        if len(answered) < 2 or not any(p.answered for p in answered):
            return None
        ents: dict[str, list[str]] = {}
        for p in answered:
            for kind, ids in (p.entities or {}).items():
                ents[kind] = list(dict.fromkeys(ents.get(kind, []) + list(ids)))
        several = Answer("several", {"parts": answered}, answered[0].intent, min(p.confidence for p in answered),
                         True, ents)
        several.uses_residence = any(p.uses_residence for p in parts)
        return several

    def _decide(self, q: Query, resident_community: str, open_question: dict) -> Answer:
        comms = q.of("community")
        # an answer to "which one?" (numbered choices)
        if open_question.get("kind") == "choose":
            choice = self._pick_choice(q, open_question["choices"])
            if choice:
                again = self.answer(open_question["question"], resident_community=choice,
                                    open_question={"chosen": choice})
                return self._question_settled(again, lives_in=choice if open_question.get("lives_in") else None)
        if q.unknown and not comms:
            # (a number the knowledge lacks is never repeated back: it could be read as a community's)
            return Answer("unknown_place", {"places": [NUMBER_SAID.sub("这个号码", x) if NUMBER_SAID.search(x) else x
                                                       for x in q.unknown]}, "fallback", 0.9, False)
        matters = [w for w in q.unknown if w in self.index.outside]
        if comms and matters and not q.binds and not q.of("programme") and not _role_asked_before(q, matters):
            # (力邦社区动用维修资金要多少业主签字: a matter no article speaks of, whichever community)
            return Answer("unknown_place", {"places": matters}, "fallback", 0.9, False)
        if WRITING_TASK.search(q.text) and not q.binds:
            return Answer("fallback", {}, "fallback", 0.0, False)
        target, ambiguous = open_question.get("chosen"), None
        if comms and not target:
            ids = self._settle(q, comms[0].ids)
            if len(ids) > 1:
                ambiguous = ids
            else:
                target = ids[0]
        named = [self.model.programmes[p] for p in q.ids("programme")]
        if ambiguous and named and not {p.community_id for p in named} & set(ambiguous) and not q.binds:
            # 阳光牵手小学堂是阳光社区的吗: none of the namesakes has it; whose it is answers the question
            return Answer("programme", {"programmes": named, "communities": self.model.communities,
                                        "not_in": self.model.communities[ambiguous[0]]}, "programme", 0.9, True,
                          {"programme": [p.id for p in named]})
        namesake = False
        if ambiguous and (only := self._only_one_serving(q, ambiguous)):
            target, ambiguous, namesake = only, None, True
        if ambiguous:
            choices = [self.model.communities[i] for i in ambiguous][:9]
            said = q.text[comms[0].start:comms[0].end]
            return Answer("choose", {"choices": choices, "surface": said, "typo": comms[0].how != "exact"},
                          "clarify", 0.5, False,
                          open_question={"kind": "choose", "question": q.text, "choices": [c.id for c in choices],
                                         "lives_in": q.binds})
        if target is None and not comms and "contact" in q.aspects:
            owners = {self.model.programmes[p].community_id for p in q.ids("programme")}
            if len(owners) == 1:    # 腰鼓队的队长叫什么: the team's community knows its captain
                target = owners.pop()
        # "泰和社区" after "which community do you live in?"
        if target and open_question.get("kind") == "need_community" and not q.content_left:
            follow = self.answer(open_question["question"], resident_community=target)
            if q.binds:  # "我住在泰和社区": say it is remembered, then answer what was asked
                return Answer("bound", {"community": self.model.communities[target], "follow": follow},
                              "lives_in", 1.0, True, lives_in=target, open_question={})
            return self._question_settled(follow, lives_in=target)
        if target and q.binds:
            if not q.content_left:
                follow = (self.answer(open_question["question"], resident_community=target)
                          if open_question.get("kind") == "need_community" else None)
                return Answer("bound", {"community": self.model.communities[target],
                                        "follow": follow}, "lives_in", 1.0, True, lives_in=target, open_question={})
            # 我家在塔山社区那边，亲戚住园丁社区，是一个县的吗: the home, and both sides compared;
            # 我是海棠社区的，20强里我们北仑区占了几个: the home, and the list asked of a place
            if q.of("list") and (q.of("place") or ASKS_COMMUNITIES.search(q.text)):
                inner = self._without_community(q)
            else:
                inner = (len(comms) > 1 and compare(self, replace(q, binds=False))) or \
                    self.about_community(q, self.model.communities[target])
            inner.lives_in = target
            return inner
        if q.nearby and (q.aspects & {"which", "list"} or ASKS_COMMUNITIES.search(q.text)) and q.of("place"):
            q = replace(q, nearby=False)  # 奉化这边…是哪个社区: the place named is the scope, not the resident's
        elif q.nearby and q.of("list") and not comms and JOINING.search(q.text):
            q = replace(q, nearby=False)  # 我们社区也想加入联盟，报名电话是多少: the list's, not the resident's
        elif q.nearby and OTHER_COMMUNITY_ASKED.search(q.text):
            q = replace(q, nearby=False)  # 我们社区…管不好，有没有哪个社区做得好的: asked of the others
        if not comms and not q.of("programme") and BEST_ELSEWHERE.search(q.text):
            return Answer("fallback", {}, "fallback", 0.0, False)   # 哪家幼儿园口碑好: no article rates them
        # (听说虞波社区拿过两次山花奖，真的假的: another community's passage tells it)
        beyond = (claimed_elsewhere(self, q, target) if target else None) or self.wider_than_community(q, target)
        if beyond is not None:
            return beyond
        elsewhere = someone_elses(q.text) if q.aspects & {"contact", "phone"} else ""
        if elsewhere and not any(q.of(k) for k in ("community", "programme", "person", "list")):
            # 宁波市文明办现任主任叫什么: an office's head or line, which no article gives
            return Answer("person_unknown", {"who": elsewhere}, "person", 0.3, False)
        asks_own = not comms and not q.of("programme") and bool(q.aspects & {"phone", "contact"}) and \
            not NOT_OWN.search(q.text) and not elsewhere
        if target is None and (q.nearby or asks_own or self._is_a_need_without_place(q)):
            answer = self._where_resident_lives(q, resident_community, asks_own, comms)
            answer.uses_residence = True
            return answer
        if target:
            answer = self.about_community(q, self.model.communities[target], nearby=q.nearby and not comms)
            if namesake:     # (told apart from the others of its name: 阳光社区（奉化区锦屏街道）)
                answer.data["namesake"] = True
            return self._placed_wrongly(q, target, answer) or answer
        return self._without_community(q)

    def _only_one_serving(self, q: Query, ids: list[str]) -> str | None:
        """Of namesakes, the only one having the service asked (阳光社区的党建品牌: one 阳光社区 has one),
        else None and the resident is asked which they mean."""
        if not q.ids("category") or q.binds:
            return None
        serving = [i for i in ids if (a := self._structured(q, self.model.communities[i])).answered and
                   a.template in ("community_services", "programme")]
        return serving[0] if len(serving) == 1 else None

    def _placed_wrongly(self, q: Query, target: str, answer: Answer) -> Answer | None:
        """A community said with a place it is not in (海曙那个学苑社区): where it is, then the answer."""
        c = self.model.communities[target]
        places = [m.ids[0] for m in q.of("place") if len(m.ids) == 1]
        if len(q.of("community")) != 1 or not places or place_filter(self, places)(c) or answer.template == "location":
            return None
        note = Answer("not_in_place", {"community": c, "place": q.of("place")[0].surface}, "community", 1.0, True,
                      {"community": [c.id]})
        return Answer("several", {"parts": [note, answer]}, answer.intent, answer.confidence, answer.answered,
                      answer.entities)

    def _where_resident_lives(self, q: Query, resident_community: str, asks_own: bool, comms: list) -> Answer:
        """The only place an answer depends on where the resident lives (so every other answer is
        the same for anyone, and cached once for all: bot/conversation/answers.py)."""
        target = None
        if resident_community in self.model.communities and self._is_a_need_without_place(q):
            target = resident_community  # "我是上班族，下班后想参加点活动": a need, answered where the resident lives
        if target is None and (q.nearby or asks_own):  # "社区书记是谁": the resident's own community
            if resident_community and resident_community in self.model.communities:
                target = resident_community
            elif not q.nearby and (found := wider(self, q)) is not None:
                return found  # "倡议的社区书记有几位": the articles say, whoever asks
            elif WHICH_COMMUNITY.search(q.text) and not comms:
                return self._without_community(replace(q, nearby=False))  # 有哪个社区在家门口开这种课: every one
            elif not q.nearby and q.of("list"):
                return self._without_community(q)   # 社区联盟是谁授的牌: the list's, not the resident's community's
            elif not asks_of_a_community(q):
                # "附近租房多少钱", "从我家这边坐几路车": nothing a community's knowledge holds, so
                # asking where the resident lives would only lead to "not known"
                return self._without_community(q)
            else:  # the resident asked about their own surroundings: ask where that is
                return Answer("need_community", {}, "clarify", 0.6, False,
                              open_question={"kind": "need_community", "question": q.text})
        if target:
            return self.about_community(q, self.model.communities[target], nearby=q.nearby and not comms)
        return self._without_community(q)

    def wider_than_community(self, q: Query, target: str | None) -> Answer | None:
        """People, several communities side by side, and passages (knowledge/people.py, several.py,
        passages.py) before the resident is asked where they live."""
        found = author_answer(self, q) or published_answer(self, q) or person_answer(self, q) or compare(self, q)
        if found is None and not target and not q.of("community") and unknown_person(q) is not None:
            found = wider(self, q) or unknown_person(q)  # 时间积分是哪个社区的: the articles may still say
        return found

    def _is_a_need_without_place(self, q: Query) -> bool:
        """A service need with no place, list, programme or "which community" in it."""
        return bool(q.ids("category")) and not (q.ids("place") or q.ids("list") or q.ids("programme") or q.ids("person")
                                                or q.aspects & {"which", "list"} or q.unknown)

    def _question_settled(self, answer: Answer, lives_in: str | None) -> Answer:
        answer.open_question = {} if answer.open_question is None else answer.open_question
        if lives_in:
            answer.lives_in = lives_in
        return answer

    def _pick_choice(self, q: Query, choices: list[str]) -> str | None:
        digits = q.text.strip("第个号。.")
        if digits.isdigit() and 1 <= int(digits) <= len(choices):
            return choices[int(digits) - 1]
        named = [i for i in q.ids("community") if i in choices]
        if len(named) == 1:  # the resident wrote the name of one of the choices
            return named[0]
        if any(len(m.ids) == 1 and m.ids[0] not in choices for m in q.of("community")):
            return None   # 不对，我住的是金钟社区: another community, no choice among these
        settled = self._settle(q, choices)
        return settled[0] if len(settled) == 1 and len(settled) < len(choices) else None

    def _settle(self, q: Query, ids: list[str]) -> list[str]:
        """Narrow namesakes by a place or a programme named in the same message."""
        if len(ids) < 2:
            return ids
        places = q.ids("place")
        narrowed = [i for i in ids if any(p in (self.model.communities[i].street, self.model.communities[i].county,
                                                self.model.communities[i].city) for p in places)]
        if len(narrowed) == 1:
            return narrowed
        owners = {self.model.programmes[p].community_id for p in q.ids("programme")}
        narrowed = [i for i in ids if i in owners]
        if len(narrowed) == 1:
            return narrowed
        labelled = [i for i in ids if self.model.communities[i].label and compact(self.model.communities[i].label)[:4] in q.text]
        if len(labelled) == 1:
            return labelled
        # 金钟社区跟阳光社区是一个区的吗: the namesake in the county of the other community named
        beside = self._in_counties(ids, {self.model.communities[m.ids[0]].county for m in q.of("community") if len(m.ids) == 1})
        return beside if len(beside) == 1 else ids

    def _in_counties(self, ids: list[str], counties: set[str]) -> list[str]:
        """The namesakes in one of `counties` (a community of unknown county is in none)."""
        return [i for i in ids if self.model.communities[i].county in counties - {""}]

    # ------------------------------------------------------------ with a community
    def about_community(self, q: Query, c: Community, nearby: bool = False) -> Answer:
        """The structured answer, unless it is only an overview or a "not known" and one of the
        community's own passages covers the question (knowledge/passages.py)."""
        result = self._structured(q, c, nearby)
        return deeper(self, q, c, result) or result

    def _on_named_lists(self, q: Query, c: Community) -> list[Programme]:
        """The community's programmes on the lists of programmes the question names."""
        return [self.model.programmes[m] for x in q.ids("list") if self.model.lists[x].kind == "programmes"
                for m in self.model.lists[x].members if self.model.programmes[m].community_id == c.id]

    def _structured(self, q: Query, c: Community, nearby: bool = False) -> Answer:
        ents = {"community": [c.id]}
        cats = q.ids("category")
        progs = [self.model.programmes[p] for p in q.ids("programme") if self.model.programmes[p].community_id == c.id]
        if "phone" in q.aspects:
            phone = Answer("phone", {"community": c, "contacts": c.contacts}, "contact", 1.0, True, ents)
            if q.besides_phone:  # 海湾社区的服务项目叫啥 有电话没: the other ask answered too, then the phone
                asked = self.understand(q.besides_phone)
                other = self._structured(asked, c, nearby)
                if other.answered and other.template not in ("phone", "contacts") and asked.content_left:
                    return Answer("several", {"parts": [other, phone]}, other.intent, other.confidence, True, ents)
            serving = not any(x.phone for x in c.contacts) and \
                (progs or self._rank_programmes(q, [p for p in c.programmes if set(p.categories) & set(cats)]))
            if serving:
                # 泰和社区调解的电话: no number, but who does the mediation there is known
                services = Answer("programme", {"programmes": serving, "communities": self.model.communities},
                                  "programme", 1.0, True, ents)
                return Answer("several", {"parts": [phone, services]}, "contact", 1.0, True, ents)
            return phone
        rest = [p for p in c.programmes if p.id not in q.excluded] if q.excluded and not cats else []
        if rest and not q.aspects & BESIDES_ASPECTS:
            # 除了十里红妆还有啥项目, 除了童梦俱乐部还有啥地方: the community's other programmes
            return Answer("community_programmes", {"community": c, "total": len(rest), "besides": [
                self.model.programmes[x].title for x in q.excluded if x in self.model.programmes]},
                "community", 0.8, True, ents, pages=rest)
        if "contact" in q.aspects:
            # a role named in the question (腰鼓队队长) ranks its holder first
            overlap = {id(p): len(text_bigrams(p.role) & bigrams(q.text)) for p in c.contacts}
            if not progs or max(overlap.values(), default=0) >= 2:
                role = next((w for w in ("副书记", "书记", "主任", "队长") if w in q.text), "")
                people = sorted(c.contacts, key=lambda p: (-overlap[id(p)], role not in p.role))
                named_role = bool(people) and overlap[id(people[0])] >= 2
                if named_role:
                    people = [p for p in people if overlap[id(p)] >= 2]
                elif role and any(role in p.role for p in people):
                    people = [p for p in people if role in p.role]   # 书记是谁: not the drum team's captain too
                # what the holder said or thinks (书记觉得…) is answered from their own record
                said = opinion_of(self, q, people)
                if said is not None:
                    return said
                # who does a kind of service there (是谁调解邻里纠纷) with no one named for it: the
                # services that do it
                doing = [] if people or role else \
                    self._rank_programmes(q, [p for p in c.programmes if set(p.categories) & set(cats)])
                if doing:
                    return Answer("programme", {"programmes": doing, "communities": self.model.communities},
                                  "programme", 1.0, True, ents)
                # a role the question names (腰鼓队的队长) is answered by its holder, never by a passage;
                # with no one named, how the community is run is said when the material tells it
                run_by = "" if people else next((i.text for i in c.items if i.kind == "fact" and RUN_BY.search(i.text)), "")
                return Answer("contacts", {"community": c, "contacts": people, "role": role, "named_role": named_role,
                                           "run_by": run_by}, "contact", 1.0, bool(people), ents)
        # (静远社区借助公益集市…: of two programmes sharing a name, the named community's is meant)
        elsewhere = [self.model.programmes[p] for m in q.of("programme")
                     if not any(self.model.programmes[i].community_id == c.id for i in m.ids)
                     for p in m.ids if self.model.programmes[p].community_id != c.id]
        # a service word said with a programme of that service describes it (银龄驿站法律顾问团: legal)
        own_kind = {x for p in progs + elsewhere for x in p.categories}
        if elsewhere and not progs and not set(cats) - own_kind:
            not_in = Answer("programme", {"programmes": elsewhere, "communities": self.model.communities,
                                          "not_in": c}, "programme", 0.9, True, ents)
            if c.programmes and OWN_ASKED.search(q.text):
                # (城东社区的品牌项目是什么？是“幸福加油站”吗: whose the guess is, then what it has)
                own = Answer("programme", {"programmes": c.programmes[:OVERVIEW_PROGRAMMES],
                                           "communities": self.model.communities}, "programme", 0.9, True, ents)
                return Answer("several", {"parts": [not_in, own]}, "programme", 0.9, True, ents)
            return not_in
        # (“时间盒子”是给上班族做时间管理的吗: the service words are the resident's guess about it)
        # (后大街社区搞道德讲堂那个 他们得过啥大奖: the programme says which community; its honours are asked)
        honours_of_community = "honour" in q.aspects and any(COMMUNITY_POINTER.search(q.text, m.end) for m in q.of("programme"))
        if progs and honours_of_community and c.items_of("honour"):
            return Answer("community_items", {"community": c, "entries": [
                {"kind": "honour", "item": i, "score": STRONG_ITEM} for i in c.items_of("honour")]}, "community", 0.9, True, ents)
        if progs and (not cats or CLAIM.search(q.text)) and not honours_of_community:
            # (送粥奶奶是不是文昌社区那个百岁粥坊的: each programme named, with the community it is of)
            named = Answer("programme", {"programmes": progs + elsewhere, "communities": self.model.communities,
                                         "where": "location" in q.aspects}, "programme", 1.0, True, ents)
            # 自治管理是按什么模式来搞的: how it is done, when the community's facts say so, beside what it is
            aim = AIM_ASKED.search(q.text)   # (…的服务理念是怎么说的: the fact telling the aim, however weakly matched)
            how = [e for e in self._rank_items(q, c) if e["kind"] == "fact" and
                   (e["score"] >= STRONG_ITEM or aim and aim.group(0) in e["item"].text)] if PRACTICE.search(q.text) else []
            # (凌霄社区搞白领之家，是借助哪些共建单位的: a thing asked that the programme's record does not
            # name, told by a fact of its community naming it)
            thing = ASKED_THING.search(q.text)
            if not how and thing and not any(thing.group(1)[:2] in p.title + p.kind + p.description for p in progs):
                how = [e for e in self._rank_items(q, c) if e["kind"] == "fact" and thing.group(1)[:2] in e["item"].text]
            if how:
                told = Answer("community_items", {"community": c, "entries": how[:2]}, "community", 0.9, True, ents)
                return Answer("several", {"parts": [named, told]}, "programme", 1.0, True, ents)
            return named
        listed = self._on_named_lists(q, c)
        if not listed and not q.ids("list") and LISTED_ASKED.search(q.text):
            # (我们社区上榜品牌叫啥: its programmes on any list of programmes)
            listed = [self.model.programmes[m] for kl in self.model.lists.values() if kl.kind == "programmes"
                      for m in kl.members if self.model.programmes[m].community_id == c.id]
        # (想带学生看看胜利路社区…，它评上百佳的品牌叫什么: the name asked is of its listed programme)
        if listed and (not cats or NAME_ASKED.search(q.text)) and "location" not in q.aspects:
            # "学弄社区的百佳品牌是哪个": its programmes on the list named, not the honour of being on it
            # (学弄社区有几个品牌上了百佳: how many, then which)
            counted = {"name": c.name, "list": "、".join(self.model.lists[x].name for x in q.ids("list"))} \
                if "figure" in q.aspects else None
            return Answer("programme", {"programmes": listed, "communities": self.model.communities, "counted": counted},
                          "list", 1.0, True, {**ents, "list": q.ids("list")})
        if "location" in q.aspects and (not cats or WHICH_AREA.search(q.text)):
            # (凌霄社区是年轻人多的社区，在哪个区: which district, whatever else the message tells)
            return Answer("location", {"community": c}, "location", 1.0, bool(c.place), ents)
        if "rank" in q.aspects:
            ranks = [(kl, kl.members.index(c.id) + 1) for kl in self.model.lists.values()
                     if kl.ordered and kl.kind == "communities" and c.id in kl.members]
            return Answer("rank", {"community": c, "ranks": ranks}, "list", 1.0 if ranks else 0.5, bool(ranks), ents)
        if q.aspects & {"figure", "time", "honour"}:
            ranked = self._rank_items(q, c)
            if ranked:
                return Answer("community_items", {"community": c, "entries": ranked}, "community", 0.9, True, ents)
        if "residents" in q.aspects and (not cats or WHO_LIVES.search(q.text)) and not progs and \
                not ASKS_SERVICES.search(q.text):    # (有什么给特殊人群的服务: services for them, not who lives there)
            # (住的大多是本地老街坊吧: who lives there, though 街坊 names a kind of service too)
            makeup = self._makeup(c)
            if makeup:
                return Answer("community_items", {"community": c, "entries": makeup}, "community", 0.9, True, ents)
        if cats:
            # after the category's own programmes, those whose own text says the word asked (党员组了
            #哪些队伍: 水街护河队, "由党员组建", is filed as an environment team)
            # then those whose own text says the resident's word (退休 → 退休教师组成的工作室), early:
            # filed under another category, they would otherwise fall behind a long list
            said = [m.surface for m in q.of("category") if len(m.surface) >= 2]
            found = self._rank_programmes(q, [p for p in c.programmes if set(p.categories) & set(cats)])
            saying = self._rank_programmes(q, [p for p in c.programmes if p not in found and
                                               any(w in p.description or w in p.title for w in said)])
            found = [p for p in found[:SAID_AFTER] + saying + found[SAID_AFTER:] if p.id not in q.excluded]
            names = [self.model.categories[x].name for x in cats]
            rest = [p for p in c.programmes if p.id not in q.excluded]
            if q.excluded and not found and rest:
                # 除了童梦俱乐部，还有啥地方能带娃去: the community's other programmes
                return Answer("community_programmes", {"community": c, "total": len(rest), "besides": [
                    self.model.programmes[x].title for x in q.excluded if x in self.model.programmes]},
                    "community", 0.8, True, ents, pages=rest)
            ranked = self._rank_items(q, c)
            beyond = q.residual
            for m in q.of("category"):
                beyond = beyond.replace(m.surface, " ")
            strong = [e for e in ranked if e["kind"] != "programme" and e["score"] >= STRONG_ITEM]
            if GENERIC.sub("", beyond.replace(" ", "")) and strong:
                # "赛罕社区的治理体系有几级": a stated fact answers better than the category's programmes;
                # a need that asks nothing (我是老党员，退休了想发挥点余热) is told the programmes too:
                # the fact may be about people like the resident, not what they want
                told = Answer("community_items", {"community": c, "entries": ranked}, "community", 0.9, True, ents)
                whether = HAS_ANY.search(q.text) is not None
                if (ASKS.search(q.text) and "list" not in q.aspects and not whether and
                        not ASKS_SERVICES.search(q.text)) or not found:
                    return told     # (都有哪些志愿服务队, 有没有…的计划, 社区有什么平台: the services too)
                told.data["entries"] = strong[:NEED_FACTS]
                services = Answer("community_services", {"community": c, "programmes": found, "categories": names},
                                  "category", 1.0, True, ents)
                parts = [services, told] if whether or ASKS_SERVICES.search(q.text) else [told, services]
                return Answer("several", {"parts": parts}, "category", 1.0, True, ents)
            if found:
                return Answer("community_services", {"community": c, "programmes": found, "categories": names},
                              "category", 1.0, True, ents)
            if q.aspects & {"figure", "time"}:
                return Answer("unknown_detail", {"community": c, "figures": c.items_of("figure")}, "community", 0.5, False, ents)
            if ranked:  # "塔山社区倡导哪些文化": no such programme, but the description says
                return Answer("community_items", {"community": c, "entries": ranked}, "community", 0.8, True, ents)
            others = self._nearest_with(c, cats)
            return Answer("none_here", {"community": c, "categories": names, "others": others, "nearby": nearby},
                          "category", 0.8, bool(others), ents)
        if c.programmes and not q.aspects & {"figure", "time", "honour"} and LISTING.search(q.text) and \
                not LISTING_ASIDE.sub("", GENERIC.sub("", q.residual.replace(" ", ""))):
            # "后大街社区有什么项目": the programmes themselves, page by page
            return Answer("community_programmes", {"community": c, "total": len(c.programmes)}, "community", 1.0, True,
                          ents, pages=c.programmes)
        ranked = self._rank_items(q, c)
        if ranked:
            return Answer("community_items", {"community": c, "entries": ranked}, "community", 0.9, True, ents)
        if q.aspects & {"figure", "time"}:
            return Answer("unknown_detail", {"community": c, "figures": c.items_of("figure")}, "community", 0.5, False, ents)
        what = GENERIC.sub("", q.residual.replace(" ", ""))
        if nearby and what:
            # "附近有菜市场吗": something the knowledge does not cover; say so instead of an overview
            return Answer("nearby_unknown", {"community": c, "what": what}, "nearby", 0.3, False, ents)
        overview = Answer("community", {"community": c, "programmes": c.programmes[:OVERVIEW_PROGRAMMES],
                                        "more_programmes": max(0, len(c.programmes) - OVERVIEW_PROGRAMMES),
                                        "honours": [i.text for i in c.items_of("honour")],
                                        "lists": [self.model.lists[x] for x in c.lists]}, "community", 0.9, True, ents)
        if len(what) >= UNTOLD_THING and HAS_ANY.search(q.text):
            # (赛罕社区楼门口有没有给轮椅走的无障碍坡道: whether it has a thing nothing tells; said so, then what is known)
            lacking = Answer("thing_unknown", {"community": c, "what": what[:UNTOLD_SHOWN]}, "community", 0.3, False, ents)
            return Answer("several", {"parts": [lacking, overview]}, "community", 0.3, False, ents)
        if not c.programmes and not c.description and not c.items_of("fact") and \
                (features := FEATURES_ASKED.search(q.text)):
            # (桃园江社区具体有哪些特色做法: the material only lists it; said so before the little it tells)
            lacking = Answer("thing_unknown", {"community": c, "what": features.group(0)},
                             "community", 0.3, False, ents)
            return Answer("several", {"parts": [lacking, overview]}, "community", 0.3, False, ents)
        return overview

    def _named_after_a_word(self, q: Query) -> list[Programme]:
        """The programmes each alone named after a word the question says (网吧: 文明网吧督导队), the
        words of services, names and asking left out."""
        said = {i for m in q.mentions for i in range(m.start, m.end)}
        found: dict[str, Programme] = {}
        at = 0
        for w in self.index.tokens(q.text):
            start, at = at, at + len(w)
            if len(w) != 2 or start in said or w in self.category_words or GENERIC.fullmatch(w) or ASKS.fullmatch(w):
                continue
            ids = self.title_grams.get(w, ())
            if len(ids) == 1:
                pid = next(iter(ids))
                found[pid] = self.model.programmes[pid]
        return list(found.values())

    def _rank_programmes(self, q: Query, programmes: list[Programme]) -> list[Programme]:
        """By how many of the asked services they are, then by the words they share with the question
        (退休了想出份力: a volunteer team of the elderly before the elderly's care station)."""
        grams, cats = q.residual_bigrams, set(q.ids("category"))
        scored = [(len(grams & text_bigrams(p.title + p.kind + p.description)), len(cats.intersection(p.categories)), -i, p)
                  for i, p in enumerate(programmes)]
        return [p for *_, p in sorted(scored, key=lambda t: (-t[1], -t[0], -t[2]))]

    def _makeup(self, c: Community) -> list[dict]:
        """The facts and figures that say who lives in `c`, most telling first (at most three)."""
        candidates = [i for i in c.items if i.kind in ("fact", "figure")]
        if c.description:
            candidates.append(Item("fact", c.description, [], c.source))
        scored = sorted(((len(MAKEUP.findall(i.text)), -n, i) for n, i in enumerate(candidates)), key=lambda t: (-t[0], -t[1]))
        return [{"kind": i.kind, "item": i, "score": float(k)} for k, _, i in scored[:3] if k]

    def _rank_items(self, q: Query, c: Community) -> list[dict]:
        """Facts, figures, honours and programmes of `c`, scored by what the question shares with them."""
        grams = q.residual_bigrams
        entries: list[tuple[float, int, dict]] = []
        candidates: list[tuple[str, str, list[str], Any]] = [(i.kind, i.text, i.keywords, i) for i in c.items]
        if c.description:
            candidates.append(("fact", c.description, [], Item("fact", c.description, [], c.source)))
        # (a programme's kind said in a question naming none counts as its keyword: 成立了什么联盟)
        kind_said = not q.ids("programme")
        candidates += [("programme", p.title + (p.kind or "") + p.description,
                        [*p.aliases, *([p.kind] if kind_said and p.kind else [])], p) for p in c.programmes
                       if p.id not in q.excluded]   # (以童梦俱乐部为主打，辅助的还有哪些: not the one named)
        asked = " ".join(ASKED_THING.findall(q.text))   # 他们用的是啥模式: 模式 is what is asked, the rest context
        counted = measure_asked(q.text)
        # (力邦社区外地人多少: a figure counting the kind of people asked, by the kind's name or its words)
        kinds = [w for x in q.ids("category") for w in (self.model.categories[x].name, *self.model.categories[x].synonyms)
                 if len(w) >= 2] if "figure" in q.aspects else []
        for n, (kind, text, keywords, obj) in enumerate(candidates):
            weight = self.item_weight
            score = sum(weight.get(g, 1.0) for g in grams & text_bigrams(text))
            said = [k for k in keywords if self._keyword_said(compact_cached(k), q.text)]
            score += 2.0 * len(said) + 2.0 * sum(1 for k in said if asked and compact_cached(k) in asked)
            if kind == "figure" and kinds and not score and any(w in obj.label for w in kinds):
                score = 2.0    # (only when the question shares nothing else with it)
            if kind == "figure" and counted is not None and counted.search(obj.value):
                score += 2.0   # 拿过多少次: the figure counted in times (获山花奖次数: 2次)
            elif kind == "fact" and not score and counted is not None and counted.search(text):
                score = 2.0    # 搞了多少场: a fact counting in that measure (…已办了20多场), when nothing else is shared
            if kind == "figure" and "figure" not in q.aspects and NAME_ASKED.search(q.text):
                score *= 0.5   # 品牌项目叫什么: a name is asked, not how many (服务项目: 14个)
            if not score:
                continue
            if kind == "figure" and "figure" in q.aspects:
                score += 3
            if kind == "honour" and "honour" in q.aspects:
                score += 3
            if "time" in q.aspects and kind != "honour":
                if any(w in text for w in TIME_WORDS):
                    score += 2 if kind == "fact" else 0
                elif "figure" not in q.aspects:   # 外来务工人员啥时候住进来的: not how many they are, nor what is done for them
                    score *= 0.5
            entries.append((score, -n, {"kind": kind, "item": obj, "score": score}))
        if "honour" in q.aspects:
            entries += [(2.5, -100 - n, {"kind": "honour", "item": i, "score": 2.5}) for n, i in enumerate(c.items_of("honour"))
                        if not any(e[2]["item"] is i for e in entries)]
        if not entries:
            return []
        entries.sort(key=lambda e: (-e[0], -e[1]))
        best = entries[0][0]
        if best < 2:
            return []
        kept = [e[2] for e in entries if e[0] >= best * 0.6][:5]
        if {"figure", "time"} <= q.aspects:     # how many, and since when: the best telling each
            dated = next((e[2] for e in entries if e[2]["kind"] == "fact" and
                          any(w in e[2]["item"].text for w in TIME_WORDS)), None)
            if dated is not None and dated not in kept:
                kept.append(dated)
        return kept

    def _told_within(self, q: Query, places: list[str]) -> Answer | None:
        """The best passage for `q` when it is of a community inside `places`, else None."""
        told = wider(self, q)
        c = told.data.get("community") if told is not None else None
        return told if c is not None and place_filter(self, places)(c) else None

    def programme_named(self, name: str) -> str:
        """The one programme `name` names exactly (an alias counts), else ""."""
        ids = {i for kind, i, _ in self.index.surfaces.forms.get(compact(name), ()) if kind == "programme"}
        return ids.pop() if len(ids) == 1 else ""

    def _keyword_said(self, keyword: str, text: str) -> bool:
        if CUE_WORD.fullmatch(keyword):
            return False
        return keyword in text or any(w in text for w in self.said_otherwise.get(keyword, ()))

    def _nearest_with(self, c: Community, cats: list[str], limit: int = 5) -> list[dict]:
        """Other communities offering the categories: same street, then district, then city."""
        out = []
        for level, key in (("同街道", "street"), ("同区县", "county"), ("同城市", "city")):
            value = getattr(c, key)
            if not value:
                continue
            for other in self.model.communities.values():
                if other.id == c.id or getattr(other, key) != value or any(o["community"] is other for o in out):
                    continue
                progs = [p for p in other.programmes if set(p.categories) & set(cats)]
                if progs:
                    out.append({"level": level, "community": other, "programmes": progs[:2]})
                if len(out) >= limit:
                    return out
        return out

    # ------------------------------------------------------------ without a community
    def _without_community(self, q: Query) -> Answer:
        progs = q.ids("programme")
        lists = q.ids("list")
        cats = q.ids("category")
        places = list(dict.fromkeys(p for m in q.of("place") for p in widest(self, m.ids)))
        listed = list_answer(self, q) or sharper(self, q)
        if listed is not None:
            return listed
        if len(lists) > 1 and not progs:
            return Answer("lists", {"lists": [self.model.lists[x] for x in lists]}, "list", 0.8, True, {"list": lists})
        if lists and not (progs and "which" in q.aspects):
            beyond = about_list(self, q)   # 宁波晚报社区联盟后面还有啥活动: not its members
            if beyond is not None:
                return beyond
            kl = self.model.lists[lists[0]]
            members = ([self.model.communities[m] for m in kl.members] if kl.kind == "communities"
                       else [self.model.programmes[m] for m in kl.members])
            places = own_places(self, q, lists)
            if places:  # "20强里有哪些鄞州的社区"
                where = lambda c: any(p in (c.province, c.city, c.county, c.street) for p in places)  # noqa: E731
                members = [m for m in members if where(m if kl.kind == "communities" else self.model.communities[m.community_id])]
                return Answer("list", {"list": kl, "communities": self.model.communities, "places": places},
                              "list", 1.0, bool(members), {"list": [kl.id]}, pages=members)
            return Answer("list", {"list": kl, "communities": self.model.communities},
                          "list", 1.0, True, {"list": [kl.id]}, pages=members)
        if progs:
            found = [self.model.programmes[p] for p in progs]
            if AIM_ASKED.search(q.text) and len({p.community_id for p in found}) == 1:
                # (七色服务板块的服务理念: a programme states none; its community's beside it)
                return self.about_community(q, self.model.communities[found[0].community_id])
            return Answer("programme", {"programmes": found, "communities": self.model.communities,
                                        "where": "location" in q.aspects}, "programme", 1.0, True)
        if cats and (not places or "which" in q.aspects) and (told := told_beyond_services(self, q, places)) is not None:
            return told
        if cats:
            names = [self.model.categories[x].name for x in cats]
            hits: dict[str, int] = {}
            for g in q.residual_bigrams:
                for pid in self.programme_grams.get(g, ()):
                    hits[pid] = hits.get(pid, 0) + 1
            rows, seen = [], set()
            # a community serving every need said first (新搬来的外地打工的: migrants and neighbours), with
            # its programmes of every need said, not only the first need's
            serving: Counter = Counter()
            of_needs: dict[str, dict[str, Programme]] = {}
            for cat in cats:
                for c, progs in self.by_category.get(cat, []):
                    serving[c.id] += 1
                    of_needs.setdefault(c.id, {}).update((p.id, p) for p in progs)
            for cat in cats:
                for c, progs in self.by_category.get(cat, []):
                    if c.id in seen or (places and not any(p in (c.province, c.city, c.county, c.street) for p in places)):
                        continue
                    seen.add(c.id)
                    progs = list(of_needs[c.id].values()) if len(cats) > 1 else progs
                    ranked = sorted(progs, key=lambda p: -hits.get(p.id, 0)) if hits else progs
                    rows.append((serving[c.id], hits.get(ranked[0].id, 0), {"community": c, "programmes": ranked[:3]}))
            rows.sort(key=lambda r: (-r[0], -r[1]))
            # 孩子老往网吧跑: the one programme named after a word the need says comes first, whatever its category
            inside = place_filter(self, places) if places else None
            for p in self._named_after_a_word(q)[:1]:
                c = self.model.communities[p.community_id]
                if inside is None or inside(c):
                    rows = [(0, 0, {"community": c, "programmes": [p]})] + [r for r in rows if r[2]["community"] is not c]
            if rows:
                # a need with no place ("家里老人白天没人照顾"): also offer to look where the resident lives
                ask_home = not places and not q.aspects & {"which", "list"}
                return Answer("category_communities", {"categories": names, "places": places, "ask_home": ask_home},
                              "category", 1.0, True, pages=[r for *_, r in rows],
                              open_question={"kind": "need_community", "question": q.text} if ask_home else None)
            # 北仑那个有上千少数民族居民的是哪个社区: no such service there, but the place's passages may tell
            return self._told_within(q, places) or \
                Answer("category_none", {"categories": names, "places": places}, "category", 0.7, False)
        if places and DONE_THERE.search(q.text) and not q.aspects & {"figure", "list", "which"}:
            # 东柳街道那边搞了啥活动: what each of the place's communities is known for and does
            inside = place_filter(self, places)
            rows = [{"community": c, "programmes": c.programmes[:3]} for c in self.model.communities.values()
                    if inside(c) and (c.description or c.programmes)]
            if rows:
                return Answer("place_programmes", {"places": places}, "place", 0.8, True, {"place": places}, pages=rows)
        # communities asked for, or which one of a place not said only as where the resident lives
        # (我是住在宁波的…唱的是哪首: 宁波 is no scope of the question)
        if places and (ASKS_COMMUNITIES.search(q.text) or (q.aspects & {"list", "which"} and
                       not all(LIVES_BEFORE.search(q.text, max(0, m.start - 5), m.start) for m in q.of("place")))):
            beyond = len(GENERIC.sub("", q.residual.replace(" ", "")))
            if len(places) == 1 and beyond > 2 and (told := self._told_within(q, places)) is not None:
                return told   # 鄞州那个号称“中国进士第一村”的是哪个村: what the question tells, not every one there
            of = WHICH_OF.search(q.text)
            if of and beyond > UNTOLD_WHICH and not any(m.start >= of.start(1) for m in q.mentions):
                return Answer("fallback", {}, "fallback", 0.0, False)   # 宁波哪个社区的昆曲社最负盛名: nothing tells it
            inside = place_filter(self, places)
            known = {m for x in q.excluded if x in self.model.lists for m in self.model.lists[x].members}
            members = [c for c in self.model.communities.values() if inside(c) and c.id not in known]
            if members:
                return Answer("place_communities", {"places": places}, "place", 0.9, True, pages=members)
        return wider(self, q) or Answer("fallback", {}, "fallback", 0.0, False)


def _role_asked_before(q: Query, matters: list[str]) -> bool:
    """Whether a role is asked of the community before the matter it is wanted for is said
    (锦悦湾社区的书记叫啥 宝宝打疫苗的事想找社区问问): the holder is known, whatever the matter."""
    at = min((q.text.find(w) for w in matters if w in q.text), default=-1)
    head = q.text[:at]
    return at > 0 and bool(ROLE.search(head)) and bool(ASKS.search(head)) and any(m.end <= at for m in q.of("community"))


def _told(answer: Answer) -> frozenset | None:
    """The items a community's answer tells, to see one part repeat another; None for other answers."""
    if answer.template != "community_items":
        return None
    return frozenset(id(e["item"]) for e in answer.data["entries"])


def _signature(answer: Answer) -> tuple:
    """What an answer says, to see two parts say the same (鱼波社区和学龙社区分别在哪个市 哪个街道)."""
    if answer.template == "several":
        return ("several", tuple(_signature(p) for p in answer.data["parts"]))
    if answer.template == "contacts":     # (书记是谁？队长是谁？: two people, two answers)
        return ("contacts", tuple(p.name for p in answer.data["contacts"]))
    if answer.template in ("community_services", "programme"):   # (党建品牌叫啥 志愿者那个团队叫啥: two programmes)
        return (answer.template, tuple(p.id for p in answer.data.get("programmes") or ()))
    told = _told(answer)
    return ("items", told) if told is not None else \
        (answer.template, tuple(sorted((k, tuple(v)) for k, v in (answer.entities or {}).items())))


def _says_no_more(part: Answer, other: Answer) -> bool:
    """Whether `part` says nothing `other` does not: the same answer, or fewer of the same items."""
    told, beside = _told(part), _told(other)
    return told <= beside if told is not None and beside is not None else _signature(part) == _signature(other)


def _without_repeats(parts: list[Answer]) -> list[Answer]:
    """The parts of several answers, without one saying only what another says too."""
    kept: list[Answer] = []
    for part in parts:
        if not any(_says_no_more(part, k) for k in kept):
            kept = [k for k in kept if not _says_no_more(k, part)] + [part]
    return kept
