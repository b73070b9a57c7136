"""What a question asks: recognised entities plus the cues that say which aspect is wanted.

Cue words are grouped by aspect (where, who, phone, honours, numbers, when, which community,
nearby, binding "I live in ..."). They are data about Chinese questions, not about any one
question; adding a phrasing means adding a cue word here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from knowledge.english import translate
from knowledge.matcher import EntityIndex, Mention
from knowledge.text import bigrams, compact

ASPECTS = {
    "location": r"在哪|哪里|哪儿|什么地方|位置|地址|地点|哪个街道|哪条街|哪个区|哪个县|哪个市|哪个城市|哪个镇|哪个省|属于哪|位于|怎么走|在什么",
    "phone": r"电话|(?<!智能)(?<!用)(?<!玩)(?<!刷)(?<!看)(?<!换)(?<!修)手机(?!游戏|上网|刷)|号码|联系方式|热线|怎么联系|微信号|联系他|联系她",
    "contact": r"书记|主任|负责人|当家人|是谁|叫什么名|叫啥名|队长|联系人|(?<!当)(?<!当个)(?<!个小)(?<!是)(?<!做)(?<!过)领导",
    "honour": r"荣誉|称号|获得过|获得了|获过|得过|获奖|奖项|评为|评上|级别|什么奖|表彰",
    "figure": r"多少|几个|几名|几家|几项|几支|几位|几人|几次|几级|几种|几类|几年|多大|面积|人口|百分之|比例|几成|几大类",
    "time": r"什么时候|哪年|哪一年|何时|几几年|什么年代|建于|成立于|多久|时间",
    "which": r"哪个社区|哪些社区|哪一个社区|哪家社区|是哪|哪里的|哪个村|谁家|属于哪",
    "what": r"是什么|什么意思|指什么|指的是|介绍|干什么|做什么|怎么样|是啥|啥意思|包括",
    "list": r"有哪些|都有哪|哪几个|哪几|名单|都有谁|有几个|包括哪",
    "rank": r"第几|排名|排第|名次|排在",
    # who lives there: 居民是些什么人, 住的主要是, 人群有什么特点, 居民构成
    "residents": r"什么人|哪些人|哪里人|啥人|住的人|住的(都|主要|大多|多)是|住着|(居民|人口|人员|人群)的?(构成|结构|组成|来源|特点)|"
                 r"人群|居民(都|主要|大多|多)是",
}
_ASPECT_RE = {k: re.compile(v) for k, v in ASPECTS.items()}
_CLAUSES = re.compile(r"[，,。；;！!？?]")
_ASKS = re.compile(r"什么|哪|吗|几|多少|怎么|如何|有没有")
NEARBY = re.compile(r"附近|周边|周围|这边|这里|我们这|我们社区|你们社区|咱们|咱社区|我这|家门口|(?:你们|您们|咱们?|我们)那边|身边|本社区|我们小区|我家附近|离我|我的社区|我家社区")
BIND = re.compile(r"(我住在|我住|俺住在|俺住|住在|我家在|俺家在|家住|我是|俺是|我们是|我来自|我在|我搬到|搬到了|搬到|搬去了|搬去|"
                  r"(说错了|搞错了|弄错了|不对|错了)是|(搬到|搬去|搬进|搬来|住)的(是|在)|新家(是|在))$")
SELF = re.compile(r"(我|俺|咱|本人)(们)?(家|小区|户口|一家)?(就|也|现在|一直)?(住在|住|在|是|属于|归|来自|搬到|搬进|搬来|落户)")
ONLY_PLACES_LEFT = re.compile(r"^[的那边这里归属于在]*$")
STOP = re.compile(r"社区|有什么|有哪些|什么|哪些|是谁|叫什么|多少|是什么|吗|呢|的|了|哪个|一下|有没有|请问|俺|我们|我|"
                  r"这边|那边|附近|是|有|在|啥|么|怎么样|个|名|家|一|不|吧|呀|想|知道|请|告诉|可以|能")
# place-like words: 2-6 characters ending in a place suffix, minus common words that merely end so
# 旗 only as banners are named (鄂托克前旗, 正蓝旗), not 穿旗袍
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(特别行政区|自治区|开发区|街道|省|市|区|县|镇|(?:前|后|中|左|右|联合|蓝|白|黄|红)旗)")
_NOT_PLACE = re.compile(r"(社|小|城|园|片|辖|景|山|街|市|郊|校|营|专)区$|(城|超|集|菜|夜|上|门|都)市$|(城|乡)镇$|哪|什么|几|个|这|那|本|该|全(市|区|县|省)|外(省|市|区|县)$|我|你|他|她|从")


@dataclass
class Query:
    text: str                                   # compacted question
    mentions: list[Mention]
    aspects: set[str]
    nearby: bool
    binds: bool                                 # "I live in <community>"
    unknown_places: list[str] = field(default_factory=list)
    besides_phone: str = ""                     # another clause that asks, beside one asking the phone

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def ids(self, kind: str) -> list[str]:
        cache = self.__dict__.setdefault("_ids", {})
        if kind not in cache:
            cache[kind] = list(dict.fromkeys(i for m in self.of(kind) for i in m.ids))
        return cache[kind]

    @cached_property
    def residual(self) -> str:
        """The question without its entities and function words: what it is about."""
        text = self.text
        for m in sorted(self.mentions, key=lambda m: -m.start):
            if m.kind in ("community", "place"):
                text = text[:m.start] + " " + text[m.end:]
        return STOP.sub(" ", text)

    @cached_property
    def residual_bigrams(self) -> set[str]:
        return {g for part in self.residual.split() for g in bigrams(part) if len(g) == 2}

    @property
    def content_left(self) -> bool:
        """Anything asked beyond naming a community (used to tell "泰和社区" from a question)."""
        if self.aspects or self.nearby or any(m.kind not in ("community", "place") for m in self.mentions):
            return True
        rest = self.residual.replace(" ", "")
        rest = re.sub(r"住|居民|家|老人|人|区|吧|的|啊|哦|嗯|对|好|就是|那|这|里", "", rest)
        return len(rest) >= 2


# provinces and large cities residents name without 省/市 (杭州有哪些品质社区): places too, known or not
BARE_PLACES = re.compile(r"北京|上海|天津|重庆|杭州|广州|南京|苏州|武汉|成都|西安|长沙|郑州|济南|青岛|合肥|福州|厦门|"
                         r"沈阳|大连|哈尔滨|长春|昆明|贵阳|南宁|南昌|太原|石家庄|兰州|乌鲁木齐|拉萨|呼和浩特|银川|西宁|"
                         r"海口|三亚|温州|绍兴|嘉兴|湖州|金华|台州|舟山|丽水|衢州|无锡|常州|东莞|佛山|珠海|香港|澳门|台湾|"
                         r"浙江|江苏|广东|山东|河南|河北|湖南|湖北|四川|福建|安徽|江西|山西|陕西|辽宁|吉林|黑龙江|云南|贵州|"
                         r"广西|海南|甘肃|青海|宁夏|新疆|西藏")


def _unknown_places(text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    unknown = []
    for m in BARE_PLACES.finditer(text):
        word = m.group(0)
        if any(mm.start <= m.start() < mm.end for mm in mentions) or any(p.startswith(word) for p in index.places):
            continue
        # asked about (杭州有哪些…, 想问问上海的社区), not told in passing (从湖南老家过来, 有广东的、四川的)
        if (m.start() == 0 or text[m.start() - 1] in "在去到问") and text[m.end():m.end() + 1] in tuple("有的哪市区县省社那这"):
            unknown.append(word)
    for m in _PLACE.finditer(text):
        word = m.group(0).lstrip("和与跟及在的是到去从")   # 文明社区和浙江省…: 和 is no part of a place
        if _NOT_PLACE.search(word) or any(mm.start <= m.start() < mm.end or mm.start < m.end() <= mm.end for mm in mentions):
            continue
        if not any(word.endswith(p) or p.endswith(word) for p in index.places):
            unknown.append(word)
    return unknown


# words that say which kind of community, how many, or what is done to one — not which one
_GENERIC_BEFORE_COMMUNITY = re.compile(
    r"^(我们?|你们?|他们?|咱们?|俺|本|该|各个?|每个?|其他|其它|别的|整个|全国|全省|全市|所在|附近|周边|隔壁|旁边|相关|一些|"
    r"有的|好的|优秀|先进|示范|模范|文明|和谐|智慧|幸福|老旧|城市|农村|乡村|城乡|城中村|街道|小区|居民|品质|五星|星级|明星|"
    r"标杆|特色|传统|现代|国际|开放|封闭|大型|小型|网格|邻里|熟人|理想|未来|完整|美丽|平安|绿色|低碳|健康|书香|法治|数字|"
    r"互联网|线上|这里|那里|哪里|一下|请问|问问|打听|了解|知道|告诉|介绍|走进|进入|来到|深入|扎根|服务|回到|建设|打造|创建|"
    r"管理|治理|联系|加入|参加|入选|评上|评为|成为|选出|一共|总共|所有|全部|多少|多少个|书记|主任|领导|共话|晚报|日报|"
    r"新闻|报道|典范|榜样|样板|精品|品牌|年轻|优质|新型|老牌|成熟|普通|典型|高档|新建|安置|拆迁|单位|老年|年轻人|青年|"
    r"大|小|商住|住宅|商业|回迁|保障房|公租房|廉租房)$|[几哪这那些啥]|什么|怎样|个$")
# what follows a community's name when a question is about it (樱花社区的书记, 西溪社区在哪, …评上了吗)
_AFTER_NAMED = re.compile(r"$|的|在|有|是|书记|主任|电话|地址|怎么|咋|呢|吗|吧|啊|评|获|得|属于|位于|离|和|跟|与|哪|什么|啥|"
                          r"几|多|居委会|党委|党总支|办公|里|那|这|现在|也|都|还|搞|办|举办|开展|进|上|算|归|最近|近期|最新|今年|平时|"
                          r"加入|入选|参加|上榜|如何|好不好")
_FUNCTION_CHARS = set("的了在是有和跟与及把被给对向从到去来住进上里个些们这那哪啥吗呢吧啊么也都就还又很最更一我你他她它咱俺刚才回已再仍")
# a one-character end of a name jieba cut off (梧桐 湾, 翠竹 园): the word before belongs to the name
_NAME_ENDS = set("湾园苑里坊庄城湖山桥港岸府邸居亭塘海江河门街巷路营屯堡寨坝洲岛畈浦弄")
_CLAUSE_BREAKS = re.compile(r"[\s，,。；;！!？?、：:（）()]+")   # quotes stay: “共建典范社区” is a title


def _unknown_communities(question: str, text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """`樱花社区的书记是谁`: the word before 社区 names no community the knowledge holds. That word is
    jieba's word right before 社区, or a run of single characters (a name jieba does not know), in
    the same clause, and a question about it goes on as questions about a community do."""
    if "社区" not in text:
        return []
    unknown = []
    for clause in _CLAUSE_BREAKS.split(question):
        clause = compact(clause)
        if "社区" not in clause:
            continue
        at, tokens = 0, index.tokens(clause)
        for i, token in enumerate(tokens):
            at += len(token)
            if token != "社区" or i == 0 or not _AFTER_NAMED.match(clause, at):
                continue
            j = i - 1
            if tokens[j] in _NAME_ENDS and j > 0 and 2 <= len(tokens[j - 1]) <= 3 and \
                    not _GENERIC_BEFORE_COMMUNITY.search(tokens[j - 1]):
                j -= 1
            if len(tokens[j]) <= 3:   # single characters before it are the rest of a name jieba did not know (翠 竹园)
                while j > 0 and len(tokens[j - 1]) == 1 and tokens[j - 1] not in _FUNCTION_CHARS and \
                        len("".join(tokens[j - 1:i])) <= 4:
                    j -= 1
            name = "".join(tokens[j:i])
            if len(name) < 2 or set(name) & _FUNCTION_CHARS and len(tokens[j]) == 1 or \
                    _GENERIC_BEFORE_COMMUNITY.search(name):
                continue
            said, found = name + "社区", text.find(name + "社区")
            while found >= 0 and any(m.start < found + len(said) and found < m.end for m in mentions):
                found = text.find(said, found + 1)
            if found >= 0:
                unknown.append(said)
    return unknown


_ROUND = re.compile(r"第([一二三四五六七八九十两\d]{1,3})(?:届|批|期)|首(?:届|批|期)")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _rounds(text: str) -> set[int]:
    """The rounds a text names: 第三届 -> 3, 首批 -> 1 (numbers past 十 read as written digits only)."""
    found = set()
    for m in _ROUND.finditer(text):
        n = m.group(1)
        found.add(1 if n is None else int(n) if n.isdigit() else _NUMERALS.get(n, 0))
    return found


def _other_rounds(text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """`第三届品质社区`: a round of a list the knowledge does not hold. Its list mention is dropped
    (it is not the second round's list) and the round is named as unknown."""
    asked = _rounds(text)
    if not asked:
        return []
    unknown = []
    for m in [m for m in mentions if m.kind == "list"]:
        held = set()
        for lid in m.ids:
            kl = index.model.lists[lid]
            held |= _rounds(" ".join((kl.name, *kl.aliases)))
        if held and not asked & held:
            mentions.remove(m)
            unknown.append(_ROUND.search(text).group(0) + m.surface)
    return unknown


def _says_lives_in(text: str, first: Mention, mentions: list[Mention]) -> bool:
    """`我住在X`, and the looser ways of saying it: 我家是X的, 我们小区属于余姚的X, 我户口在镇海招宝山的X,
    本人住南山X那边: a first-person statement whose only words before the community are places."""
    prefix = text[:first.start]
    if BIND.search(prefix):
        return True
    said = None
    for said in SELF.finditer(prefix):
        pass                      # the last statement before the community
    if said is None:
        return False
    rest = prefix[said.end():]
    for p in sorted((m for m in mentions if m.kind == "place" and m.start >= said.end() and m.end <= first.start),
                    key=lambda m: -m.start):
        rest = rest[:p.start - said.end()] + rest[p.end - said.end():]
    return bool(ONLY_PLACES_LEFT.match(rest))


def understand(question: str, index: EntityIndex) -> Query:
    text = compact(translate(question, index.pinyin_names))
    mentions = index.recognise(text)
    aspects = {name for name, rx in _ASPECT_RE.items() if rx.search(text)}
    clauses = [compact(c) for c in _CLAUSES.split(question) if compact(c)]
    if len(clauses) > 1 and "phone" in aspects and not _ASPECT_RE["phone"].search(clauses[-1]) and \
            len(clauses[-1]) >= 4 and _ASKS.search(clauses[-1]):
        aspects.discard("phone")  # "打了电话没人接，想问下力邦社区有什么给孩子的项目": the question is the last clause
    first = next((m for m in mentions if m.kind == "community"), None)
    binds = first is not None and _says_lives_in(text, first, mentions)
    unknown = _other_rounds(text, index, mentions)
    unknown += _unknown_places(text, index, mentions) + _unknown_communities(question, text, index, mentions)
    return Query(text, mentions, aspects, bool(NEARBY.search(text)), binds, unknown,
                 _besides_phone(question) if "phone" in aspects else "")


_ASKS_CLAUSE = re.compile(r"什么|哪|吗|几|多少|怎么|如何|有没有|啥|谁|呢|没有?$|不$")


def _besides_phone(question: str) -> str:
    """`海湾社区的服务项目叫啥 有电话没`: the first clause that asks something other than the phone."""
    for clause in _CLAUSE_BREAKS.split(question):
        clause = compact(clause)
        if len(clause) >= 4 and _ASKS_CLAUSE.search(clause) and not _ASPECT_RE["phone"].search(clause):
            return clause
    return ""
