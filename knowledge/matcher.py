"""Entity recognition over the knowledge base: communities, programmes, categories, lists, places.

Three paths, tried in this order, each with an explicit decision rule:
1. exact surface forms (names, aliases, synonyms) found in the normalised text, longest first,
   overlapping shorter ones dropped. A bare two-character alias (中山 for 中山社区) counts only
   where the text around it reads like a place (followed by 有/的/在/社区..., or after 住/在).
2. typo path for names (only when path 1 found no community / programme): windows of the text
   are scored against candidate names with rapidfuzz; candidates come from a character-bigram
   inverted index, never a scan of the whole table. A window whose toneless pinyin equals a
   name's (丹顶和 → 丹顶鹤) scores PINYIN_SCORE. A hit needs `threshold`; when the best two
   hits are closer than `margin`, both are returned as ambiguous and the caller asks.
3. homophone path for category words (羊老服务 → 养老): pinyin only, and only where a service
   word follows (服务, 活动, 中心 ...) or the text ends, so 杨老师 is not read as 养老; and for
   people's names of three characters, one character changed (孟家寅 → 孟佳寅).
4. need phrases said loosely (发挥点余热): a category phrase whose words come in order with a word
   or two between them (knowledge/phrases.py), where no other mention covers them; in a short
   text only when no category was found otherwise.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property
from dataclasses import dataclass, field

import jieba
from rapidfuzz import fuzz, process

from knowledge.english import name_table, vocabulary
from knowledge.model import Model
from knowledge.phrases import GAPPED_SCORE, NeedPhrases
from knowledge.text import NAME_ENDS, bigrams, compact, pinyin, same_main_readings, same_tones, sounds_alike, sounds_near

PINYIN_SCORE = 96.0
OWN_PAIR_HOLDERS = 3         # a pair of characters in the programme names of at most this many communities is theirs
ROLE_SAID = re.compile(r"副书记|书记|主任|队长|会长|团长|记者")
COMMON_NAME_FREQ = 20        # a bare community name this frequent in jieba's dictionary is an everyday word too
COMMON_WORD_FREQ = 100       # a word this frequent in jieba's dictionary is said as meant, not misheard
KEYWORD_FREQ = 500            # a common word's frequency in jieba's dictionary (开场 212, 楼道 100)
PROGRAMME_FUZZY_MIN = 78.0   # programme names have no 社区 anchor, so a plain typo needs more
LIST_FUZZY_MIN = 85.0        # list names are long; a word left out (百佳文明创建工作品牌) still scores high
# what may follow a bare two-character name (中山有…, 海创服务品牌…) — not 中山路, 金山银山, 泉水怎么烧开
_ALIAS_AFTER = ("有", "的", "在", "是", "社区", "那", "这", "街道", "书记", "主任", "附近", "周边", "村", "怎么样", "属于",
                "位于", "哪", "获", "推", "实行", "依托", "什么", "里", "吗", "服务", "品牌", "特色", "项目", "活动",
                "电话", "地址", "荣誉", "介绍", "简介", "情况", "呢", "还有", "咋样", "怎样", "啥情况", "啥样",
                "概况", "咋回事", "现在", "目前", "如今", "一共", "总共", "这边", "那边", "这俩", "那俩", "住了", "住着",
                "多少", "最", "啥", "咋", "得过", "获过", "拿过")
_ALIAS_BEFORE = ("住", "在", "是", "到", "去", "家")
# beside a connective a bare name counts only when another community is named too (海创和福城, not 金山和银山)
_PAIRED = ("和", "与", "跟", "、", "比")
_NOT_COMMUNITY_AFTER = ("公园", "路", "大道", "大厦", "广场", "医院", "学校", "小学", "中学", "大学", "地铁", "车站", "公司",
                        "酒店", "商场", "机场", "码头", "景区", "体育馆", "工业区", "派出所", "银行", "超市")
_SERVICE_AFTER = ("服务", "活动", "中心", "项目", "院", "站", "队", "机构", "照料", "工作室")
_SUFFIXES = ("社区", "村")
MISSPELT_MOST = 3     # misspelt community names looked for in one message naming several
_SEVERAL = re.compile(r"和|与|跟|、|及|还有")
# function words a homophone may never stand for (是哪个街道的 is not 道德): the window keeps them
_FUNCTION_CHARS = frozenset("的地得了吗呢吧啊呀么")


@dataclass
class Mention:
    kind: str                    # community, programme, category, list, place
    ids: list[str]
    start: int
    end: int
    score: float
    surface: str
    how: str = "exact"           # exact, fuzzy, pinyin

    @property
    def ambiguous(self) -> bool:
        return len(self.ids) > 1


@dataclass
class Surfaces:
    """surface form -> [(kind, id, weight)], plus a bigram index per kind for the typo path (per kind:
    the 社区 of twenty thousand community names must not be counted for a programme's typo)."""
    forms: dict[str, list[tuple[str, str, float]]] = field(default_factory=lambda: defaultdict(list))
    by_bigram: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    max_len: int = 2

    def add(self, surface: str, kind: str, ident: str, weight: float = 100.0) -> None:
        if "+" in surface:  # residents type or say 加 for + (网格加工作五法)
            self.add(surface.replace("+", "加"), kind, ident, weight)
        s = compact(surface)
        if len(s) < 2:
            return
        entry = (kind, ident, weight)
        if entry not in self.forms[s]:
            self.forms[s].append(entry)
        self.max_len = max(self.max_len, len(s))
        if kind in ("community", "programme", "list") and len(s) >= 3:
            for bg in bigrams(s):
                self.by_bigram[kind][bg].add(s)


SEGMENTED_TEXTS = 64   # texts whose segmentation is kept (dict operations are atomic: safe across threads)


def _remember(memo: dict, text: str, value) -> None:
    if len(memo) >= SEGMENTED_TEXTS:
        memo.clear()
    memo[text] = value


def _short_stem(surface: str) -> str:
    """The distinctive part of a community name of at most two characters (西门 of 西门社区), else ''."""
    for suffix in _SUFFIXES:
        if surface.endswith(suffix) and len(surface) - len(suffix) <= 2:
            return surface[:-len(suffix)]
    return ""


def _keeps_stem(window: str, stem: str) -> bool:
    """A typo of a two-character name keeps both its characters in order (西门口社区 for 西门社区),
    or changes one for a character of a near sound (虞坡 for 虞波): any other change is half the
    name (西溪社区 is not 西门社区)."""
    if len(window) >= len(stem) and all(sounds_near(a, b) for a, b in zip(window, stem)):
        return True
    at = 0
    for ch in stem:
        at = window.find(ch, at) + 1
        if not at:
            return False
    return True


def _inside(text: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    """Whether [start, end) lies inside one of `words` as written in `text`."""
    for word in words:
        # only where such a word could begin: a search to the end of a long text costs its length
        at = text.find(word, max(0, end - len(word)), start + len(word))
        if 0 <= at <= start and end <= at + len(word):
            return True
    return False


def _same_sound(a: str, b: str) -> bool:
    """Two characters sharing a toneless reading (家 and 佳, 银 and 寅)."""
    return bool(pinyin(a)[0] & pinyin(b)[0])


_GENERIC_LEFT = re.compile(r"^(?:的|上|方面|这块)?(?:服务|项目|活动|工作)?$")


def _service_words_only(window: str, mentions: list[Mention]) -> bool:
    """Whether a window a programme name was guessed from says only a service and a generic word
    (老年人服务 is no 老年人低偿服务 misspelt: the elderly, asked of the community named)."""
    left = window
    for o in mentions:
        if o.kind == "category":
            left = left.replace(o.surface, "")
    return left != window and bool(_GENERIC_LEFT.match(left))


def _blanked(text: str, mentions: list[Mention], kind: str) -> str:
    """`text` with the mentions of `kind` found so far blanked out (for the typo path's second name)."""
    for o in mentions:
        if o.kind == kind:
            text = text[:o.start] + "\u3000" * (o.end - o.start) + text[o.end:]
    return text


def _place_kind_added(text: str, at: int) -> bool:
    """Whether one or two characters ending in a kind of place (里, 花城) and then 社区/村 follow `at`:
    a known name said there is part of another community's name (阳光里社区, 阳光花城社区)."""
    return any(text[at + k - 1:at + k] in NAME_ENDS and text.startswith(_SUFFIXES, at + k) for k in (1, 2))


def _other_name(window: str, surface: str) -> bool:
    """A name ending in another kind of place than a known one (幸福里社区, 幸福苑社区: 里 and 苑, not said
    alike) is another community, not that one mistyped (金口水岸 may be 金色水岸: the kind is kept)."""
    if len(window) > len(surface) and surface.endswith(_SUFFIXES) and window.endswith(surface[-2:]):
        stem = surface[:-2]     # (阳光花城社区 is not 阳光社区 with two more characters)
        return window.startswith(stem) and _place_kind_added(window, len(stem))
    return len(window) == len(surface) and any(a in NAME_ENDS and b in NAME_ENDS and not sounds_near(a, b)
                                               for a, b in zip(window, surface) if a != b)


def _strip_suffix(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _place_short(name: str) -> str:
    m = re.match(r"^(.{2,}?)(街道|开发区|新区|区|市|县|镇|旗|自治区|省)$", name)
    return m.group(1) if m else name


# how the autonomous regions are said (内蒙 for 内蒙古自治区): their short forms are no regular cut
SPOKEN_REGIONS = {"内蒙古自治区": ("内蒙",), "广西壮族自治区": ("广西",), "新疆维吾尔自治区": ("新疆",),
                  "宁夏回族自治区": ("宁夏",), "西藏自治区": ("西藏",)}
# where a place said by its sound may stand: after these (在北伦), before these (茨溪有…, 北伦的)
_BEFORE_PLACE = set("在去到住是和与跟从于的那这里面")   # (二十强里面印州区的)
_AFTER_PLACE = set("有的那这市区县镇街人和与跟也都还")


class EntityIndex:
    def __init__(self, model: Model, threshold: float = 72.0, margin: float = 6.0) -> None:
        self.model, self.threshold, self.margin = model, threshold, margin
        self.outside = model.outside_words()   # words.yaml: matters no material speaks of (养老金, 天气)
        # the digits of every phone a contact holds (a number asked that none has is never guessed at)
        self.contact_phones = frozenset(re.sub(r"\D", "", k.phone) for c in model.communities.values()
                                        for k in c.contacts if k.phone)
        self.surfaces = Surfaces()
        self.short_aliases: set[str] = set()
        s = self.surfaces
        for c in model.communities.values():
            s.add(c.name, "community", c.id)
            short = _strip_suffix(compact(c.name))
            if short != compact(c.name):
                s.add(short, "community", c.id, 95.0)
                if len(short) <= 2:
                    self.short_aliases.add(short)
            for a in c.aliases:
                s.add(a, "community", c.id, 95.0)
                if len(compact(a)) <= 2:
                    self.short_aliases.add(compact(a))
            for part in (c.province, c.city, c.county, c.street):
                if part:
                    s.add(part, "place", part)
                    if part.startswith("国家") and len(part) >= 5:   # 国家高新区 is said 高新区
                        s.add(part[2:], "place", part, 95.0)
                    if len(_place_short(part)) >= 2 and _place_short(part) != part:
                        s.add(_place_short(part), "place", part, 95.0)
                    for spoken in SPOKEN_REGIONS.get(part, ()):
                        s.add(spoken, "place", part, 95.0)
                    if part.endswith("开发区") and part != "开发区":   # 大榭开发区 is said 开发区 (several: each)
                        s.add("开发区", "place", part, 90.0)
        for p in model.programmes.values():
            for form in {p.name, p.full_name, *p.aliases} - {""}:
                s.add(form, "programme", p.id, 100.0 if form in (p.name, p.full_name) else 95.0)
        for cat in model.categories.values():
            for w in (cat.name, *cat.synonyms):
                s.add(w, "category", cat.id)
        for kl in model.lists.values():
            for w in (kl.name, *kl.aliases):
                s.add(w, "list", kl.id)
        for person in model.people.values():
            for w in (person.name, *person.aliases):
                s.add(w, "person", person.id)
        # community names by first character and length, for typos in the middle of a name (金口水岸社区)
        self.community_by_first: dict[tuple[str, int], list[str]] = defaultdict(list)
        for surface, entries in s.forms.items():
            if surface.endswith(_SUFFIXES) and len(surface) >= 4 and any(k == "community" for k, _, _ in entries):
                self.community_by_first[(surface[0], len(surface))].append(surface)
        # homophone index: (first syllable, second syllable) -> [(surface, kind)], so the pinyin
        # paths only compare windows that already sound alike at their start
        self.sound_index: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for surface, entries in s.forms.items():
            for kind in dict.fromkeys(k for k, _, _ in entries):
                if kind in ("category", "place") or (kind in ("community", "programme", "person") and len(surface) >= 3):
                    py = pinyin(surface)
                    for a in py[0]:
                        for b in py[1]:
                            self.sound_index[(a, b)].append((surface, kind))
        # two-character community names by their sound, for one said beside another (后大街跟利邦这两个社区)
        self.short_sounds: dict[tuple[str, str], list[str]] = defaultdict(list)
        for surface, entries in s.forms.items():
            if len(surface) == 2 and any(k == "community" for k, _, _ in entries):
                py = pinyin(surface)
                for a in py[0]:
                    for b in py[1]:
                        self.short_sounds[(a, b)].append(surface)
        # people's names of three characters or more by two of their characters and the distance
        # between them, for a name said with one character sounding near (吴明丽 for 吴民丽)
        self.person_pairs: dict[tuple[str, str, int], list[tuple[str, int]]] = defaultdict(list)
        for surface, entries in s.forms.items():
            if len(surface) >= 3 and any(k == "person" for k, _, _ in entries):
                for j in range(len(surface)):
                    for k in range(j + 1, min(j + 3, len(surface))):
                        self.person_pairs[(surface[j], surface[k], k - j)].append((surface, j))
        self.pinyin_names = name_table(model)   # Houdajie, Zhang Weifang (knowledge/english.py)
        self.places = {k for k, v in s.forms.items() if any(kind == "place" for kind, _, _ in v)}
        self.list_names = sorted(k for k, v in s.forms.items() if any(kind == "list" for kind, _, _ in v))
        # segmentation with the names as a user dictionary; category words are deliberately left
        # out so they cannot pull the segmentation towards themselves (务工 in 服务工作室)
        jieba.setLogLevel(60)
        self.tokenizer = jieba.Tokenizer()
        self._last_homophones: tuple[str, dict] | None = None
        self._bounds_of: dict[str, set[int]] = {}
        self._tokens_of: dict[str, list[str]] = {}
        # a community's bare name that is an everyday word (丹顶鹤 the bird) counts only where it reads
        # like a place, as two-character names do
        self.tokenizer.initialize()
        self.short_aliases |= {f for f, entries in s.forms.items() if len(f) >= 3 and not f.endswith(_SUFFIXES) and
                               any(k == "community" for k, _, _ in entries) and
                               self.tokenizer.FREQ.get(f, 0) >= COMMON_NAME_FREQ}
        for surface, entries in s.forms.items():
            if any(kind in ("community", "programme", "place", "list", "person") for kind, _, _ in entries) and \
                    3 <= len(surface) <= 12:
                self.tokenizer.add_word(surface, freq=50000)  # two-character names stay out: they would bend 中山路
        # the knowledge's own keywords the dictionary lacks (快闪, 红歌) are words too, so a question
        # is cut as its facts are (快闪开场, not 快/闪开/场)
        # (and so are the words of words.yaml's groups: 社区节 in 社区节开场, not 社区/节)
        own = [w for c in model.communities.values() for item in c.items for w in item.keywords]
        for word in own + [w for g in model.synonym_groups() for w in g.forms()]:
            word = compact(word)
            if 2 <= len(word) <= 6 and not self.tokenizer.FREQ.get(word):
                self.tokenizer.add_word(word, freq=KEYWORD_FREQ)
        self.phrases = NeedPhrases(model.categories.values(), self.tokenizer)
        self.pinyin_words = vocabulary(model, self.tokenizer)   # gongjian danwei, cut as questions are
        # what is a community's own (its figures' and facts' names, its programmes): a bare name
        # said before one of them is that community (力邦居委会委员, 赛罕老年大学)
        self.own_words: dict[str, tuple[str, ...]] = {}
        for c in model.communities.values():
            words = {compact(w) for item in c.items for w in (item.label, *item.keywords)}
            words |= {compact(w) for p in c.programmes for w in (p.name, *p.aliases)}
            self.own_words[c.id] = tuple(w for w in words if len(w) >= 2)
        # the pairs of characters of a community's programme names few communities share (银行 of 银杏's
        # 爱心储蓄银行, 七彩 of 金山's 七彩小屋): a bare name with one said after it is that community
        # (银杏 那个银行叫啥)
        holders: dict[str, set[str]] = defaultdict(set)
        for p in model.programmes.values():
            for g in bigrams(compact(p.name)):
                holders[g].add(p.community_id)
        self.own_pairs = {c.id: frozenset(g for p in c.programmes for g in bigrams(compact(p.name))
                                          if len(holders[g]) <= OWN_PAIR_HOLDERS) for c in model.communities.values()}

    def _bounds(self, text: str) -> set[int]:
        """Word boundaries of `text`, segmented once per text (not once per candidate: that made
        matching quadratic in the length of a message)."""
        bounds = self._bounds_of.get(text)
        if bounds is None:
            bounds, pos = {0}, 0
            for token in self.tokens(text):
                pos += len(token)
                bounds.add(pos)
            _remember(self._bounds_of, text, bounds)
        return bounds

    def tokens(self, text: str) -> list[str]:
        """jieba's words of `text` (names as user dictionary), segmented once per text for every use:
        the texts of one question (the whole, its clauses, its parts) are kept together, a few at
        once, so reading one does not push the other out."""
        tokens = self._tokens_of.get(text)
        if tokens is None:
            tokens = list(self.tokenizer.cut(text, HMM=False))
            _remember(self._tokens_of, text, tokens)
        return tokens

    def straddles(self, text: str, start: int, end: int) -> bool:
        """True when [start, end) begins inside one word and ends inside another."""
        bounds = self._bounds(text)
        if start in bounds or end in bounds:
            return False
        return any(start < b < end for b in bounds)


    # ------------------------------------------------------------------ path 1
    def _alias_in_context(self, text: str, start: int, end: int) -> bool:
        after, before = text[end:], text[:start]
        if not after or after.startswith(_ALIAS_AFTER) or (start == 0 and len(after) <= 2):
            return True     # (a message that is the name and a word more: 丹顶鹤 那个鹤)
        return before.endswith(_ALIAS_BEFORE) or self._place_after(after)

    def _place_after(self, after: str) -> bool:
        """A county or street named right after a bare name qualifies it (是学苑 北仑大碶那个)."""
        forms = self.surfaces.forms
        return any(any(k == "place" for k, _, _ in forms.get(after[:n], ())) for n in range(2, min(len(after), 6) + 1))

    def _community_beside(self, text: str, start: int, end: int) -> bool:
        """Another community's name right before or after [start, end) (清风广贤这俩社区: two names
        said one after the other, the space between them dropped)."""
        forms = self.surfaces.forms
        for length in range(2, self.surfaces.max_len + 1):
            for surface in (text[end:end + length], text[max(0, start - length):start]):
                if len(surface) == length and any(k == "community" for k, _, _ in forms.get(surface, ())):
                    return True
        return False

    def exact(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        forms, n = self.surfaces.forms, len(text)
        for i in range(n - 1):
            for length in range(min(self.surfaces.max_len, n - i), 1, -1):
                entries = forms.get(text[i:i + length])
                if not entries:
                    continue
                surface = text[i:i + length]
                kinds_here = {k for k, _, _ in entries}
                for kind in dict.fromkeys(k for k, _, _ in entries):
                    if kind == "programme" and "category" in kinds_here and \
                            max(w for k, _, w in entries if k == "programme") < 100:
                        continue  # 日间照料, 义诊: a service word first, not one programme's alias
                    paired = False
                    bare = kind == "community" and not surface.endswith(_SUFFIXES)
                    if bare and text[i + length:].startswith(_NOT_COMMUNITY_AFTER) and \
                            not self._own_said(text, i + length, entries):
                        continue  # 深圳湾公园, 中山医院: a place named after the area, not the community
                    if bare and _place_kind_added(text, i + length):
                        continue  # 阳光里社区, 阳光花城社区: another community than 阳光社区
                    if bare and surface in self.short_aliases and not self._alias_in_context(text, i, i + length) and \
                            not self._own_said(text, i + length, entries):
                        if not (text[i + length:].startswith(_PAIRED) or text[:i].endswith(_PAIRED) or
                                self._community_beside(text, i, i + length)):
                            continue
                        paired = True
                    if length <= 3 and kind in ("category", "community") and self.straddles(text, i, i + length):
                        continue
                    if kind == "category" and _inside(text, i, i + length, self.outside):
                        continue    # 退休金能涨多少: a pension is no service for the retired
                    ids = [ident for k, ident, _ in entries if k == kind]
                    weight = max(w for k, _, w in entries if k == kind)
                    found.append(Mention(kind, list(dict.fromkeys(ids)), i, i + length, weight, surface,
                                         "paired" if paired else "exact"))
        # longest first; a mention inside a longer one is dropped (programme 阳光驿站 hides 阳光)
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        chosen: list[Mention] = []
        for m in found:
            if any(m.start < c.end and c.start < m.end and (c.end - c.start) > (m.end - m.start) for c in chosen):
                continue
            if m.kind == "programme" and any(c.kind == "community" and c.start < m.start < c.end < m.end and
                                             text.startswith(_SUFFIXES, m.start) and not self._owned(m, c) for c in found):
                continue    # 泉水社区一家就占了几个: the 社区 ends a community's name, it starts no 社区一家
                            # (深圳湾社区文化节 is that community's own 社区文化节)
            chosen.append(m)
        chosen.sort(key=lambda m: m.start)
        if sum(1 for m in chosen if m.kind == "community") < 2:
            chosen = [m for m in chosen if m.how != "paired"]
        for m in chosen:
            m.how = "exact" if m.how == "paired" else m.how
        return chosen

    def _own_said(self, text: str, at: int, entries) -> bool:
        """Whether what follows a bare community name at `at` names something of the community's own:
        one of its facts or programmes right after (力邦居委会委员), or a pair of characters of a
        programme name few share anywhere after (银杏 那个银行: 爱心储蓄银行)."""
        return any(text.startswith(self.own_words.get(ident, ()), at) or
                   any(g in text[at:] for g in self.own_pairs.get(ident, ()))
                   for kind, ident, _ in entries if kind == "community")

    @cached_property
    def said_text(self) -> str:
        """Every text of the knowledge, compacted, built on first use: what the articles do mention."""
        m = self.model
        return compact(" ".join([c.description for c in m.communities.values()] +
                                [i.text for c in m.communities.values() for i in c.items] +
                                [p.title + p.description for p in m.programmes.values()] +
                                [kl.name + kl.description for kl in m.lists.values()]))

    def _owned(self, programme: Mention, community: Mention) -> bool:
        """Whether a programme mention may be of the community mention it overlaps."""
        return any(self.model.programmes[p].community_id in community.ids for p in programme.ids
                   if p in self.model.programmes)

    def _homophones(self, text: str, kind: str) -> list[tuple[str, int]]:
        """(surface, start) for every window that sounds exactly like a `kind` surface but differs.

        One recognition asks this for up to four kinds of the same text; the windows of every
        kind are found in one pass and kept for the last text (one tuple: safe across threads)."""
        last = self._last_homophones
        if last is None or last[0] != text:
            last = self._last_homophones = (text, self._all_homophones(text))
        return last[1].get(kind, [])

    def _all_homophones(self, text: str) -> dict[str, list[tuple[str, int]]]:
        found: dict[str, list[tuple[str, int]]] = {}
        text_py = pinyin(text)
        for i in range(len(text) - 1):
            seen = set()
            for a in text_py[i]:
                for b in text_py[i + 1]:
                    for surface, k in self.sound_index.get((a, b), ()):
                        if (surface, k) in seen:
                            continue
                        seen.add((surface, k))
                        L = len(surface)
                        window = text[i:i + L]
                        if len(window) == L and window != surface and sounds_alike(text_py[i:i + L], pinyin(surface)) \
                                and not any(ch in _FUNCTION_CHARS and ch not in surface for ch in window):
                            found.setdefault(k, []).append((surface, i))
        return found

    # ------------------------------------------------------------------ path 2
    def _decide(self, kind: str, scored: dict[tuple[str, str], tuple[float, int, int, str]]) -> Mention | None:
        """Best candidate over threshold; ties within margin come back together (ambiguous)."""
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda kv: -kv[1][0])
        (best_surface, best_kind), (best, start, end, how) = ranked[0]
        if best < self.threshold:
            return None
        ids: list[str] = []
        for (surface, _), (score, at, to, _how) in ranked:
            # (海窗社区和福成社区: a name said elsewhere in the message is another mention, not a rival)
            if best - score < self.margin and at < end and start < to:
                ids += [i for k, i, _ in self.surfaces.forms[surface] if k == kind]
        return Mention(kind, list(dict.fromkeys(ids)), start, end, best, best_surface, how)

    def fuzzy_names(self, text: str, kind: str) -> Mention | None:
        """Typo path for community or programme names, via bigram candidates.

        A window must start and end with the name's first and last characters (typos keep a
        name's ends) unless it sounds exactly like the name; windows may be up to two
        characters shorter or longer than the name (时间银行 for 时间积分银行)."""
        scored: dict[tuple[str, str], tuple[float, int, int, str]] = {}
        bounds: set[int] | None = None
        for surface, start in self._homophones(text, kind):
            bounds = self._bounds(text) if bounds is None else bounds
            if start not in bounds and kind == "programme":
                continue  # 生育文化 does not hold 渔文化: a sound-alike name must begin where a word begins
            if kind == "community" and \
                    self.tokenizer.FREQ.get(_strip_suffix(text[start:start + len(surface)]), 0) >= COMMON_WORD_FREQ:
                continue  # 名单社区 is no 茗山社区 misheard: a common word of its own is said as meant
            # of two names sounding alike, the one said with the same tones comes first (湖溪: 湖西, not 浒西)
            window = text[start:start + len(surface)]
            sound = PINYIN_SCORE if same_tones(window, surface) else PINYIN_SCORE - self.margin
            if not same_main_readings(window, surface):
                sound -= self.margin    # (幸福园: 幸福苑 before 幸福湾, which 园 sounds like only in a rare reading)
            scored[(surface, kind)] = max(scored.get((surface, kind), (0.0, 0, 0, "")),
                                          (sound, start, start + len(surface), "pinyin"))
        if kind == "community":
            self._community_typos(text, scored)
        else:
            self._name_typos(text, kind, scored)
        return self._decide(kind, scored)

    def _community_typos(self, text: str, scored: dict) -> None:
        """Windows that start up to six places before a 社区/村 and end with it, each scored against the
        names of its first character and a length within two of its own (rapidfuzz over each group
        at once: at 100k entries a first character has hundreds of names)."""
        sounded, cutoff = set(scored), self.threshold - self.margin  # lower scores never decide
        for suffix in _SUFFIXES:
            at = text.find(suffix)
            while at >= 0:
                end = at + len(suffix)
                for start in range(max(0, at - 6), at - 1):   # a name of two characters at least before it:
                    window = text[start:end]                    # 新社区 is no 新城市社区 (文新社区 is another one)
                    for length in range(max(4, len(window) - 2), len(window) + 3):
                        group = self.community_by_first.get((text[start], length))
                        if not group:
                            continue
                        for surface, score, _ in process.extract(window, group, scorer=fuzz.ratio,
                                                                 score_cutoff=cutoff, limit=None):
                            key = (surface, "community")
                            if key in sounded or surface == window or surface[-1] != window[-1]:
                                continue
                            short = _short_stem(surface)
                            if short and not _keeps_stem(window, short) or _other_name(window, surface):
                                continue
                            scored[key] = max(scored.get(key, (0.0, 0, 0, "fuzzy")), (score, start, end, "fuzzy"))
                at = text.find(suffix, at + 1)

    def _name_typos(self, text: str, kind: str, scored: dict) -> None:
        """Names sharing two bigrams with the text, scored over windows that start and end with the
        name's first and last characters."""
        counts: dict[str, int] = defaultdict(int)
        index = self.surfaces.by_bigram.get(kind, {})
        for g in bigrams(text):
            for surface in index.get(g, ()):
                counts[surface] += 1
        for surface, shared in counts.items():
            L = len(surface)
            if shared < 2 or L < 4 or (surface, kind) in scored:
                continue
            best = (0.0, 0, 0, "fuzzy")
            for start in (i for i, ch in enumerate(text) if ch == surface[0]):
                for length in range(max(3, L - 2), L + 3):
                    window = text[start:start + length]
                    if len(window) == length and window[-1] == surface[-1] and window != surface:
                        best = max(best, (fuzz.ratio(window, surface), start, start + length, "fuzzy"))
            if best[0]:
                scored[(surface, kind)] = best

    # ------------------------------------------------------------------ path 3
    def homophone_categories(self, text: str) -> list[Mention]:
        found = []
        for surface, start in self._homophones(text, "category"):
            after = text[start + len(surface):]
            if start not in self._bounds(text) or self.tokenizer.FREQ.get(text[start:start + len(surface)]):
                continue  # 街道的 is not 道德, 问题 is not 文体: a homophone begins a word and is no word itself
            if not after or after.startswith(_SERVICE_AFTER):
                ids = [i for k, i, _ in self.surfaces.forms[surface] if k == "category"]
                found.append(Mention("category", ids, start, start + len(surface), PINYIN_SCORE, text[start:start + len(surface)], "pinyin"))
        return found

    def _short_name_beside(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A two-character name misheard right after a community named with a connective (后大街跟利邦
        这两个社区): sound-alike short names alone are too common to be taken anywhere else."""
        found = []
        for m in [m for m in mentions if m.kind == "community"]:
            at = m.end + 1
            window = text[at:at + 2]
            if len(window) < 2 or text[m.end] not in "和与跟及同" or self._covered(mentions, at, at + 2):
                continue
            said = pinyin(window)
            for surface in dict.fromkeys(s for a in said[0] for b in said[1] for s in self.short_sounds.get((a, b), ())):
                if surface != window and same_tones(window, surface) and \
                        self.tokenizer.FREQ.get(window, 0) < COMMON_WORD_FREQ:
                    ids = list(dict.fromkeys(i for k, i, _ in self.surfaces.forms[surface] if k == "community"))
                    found.append(Mention("community", ids, at, at + 2, PINYIN_SCORE, window, "pinyin"))
                    break
        return found

    @staticmethod
    def _covered(mentions: list[Mention], start: int, end: int) -> bool:
        return any(o.start < end and start < o.end for o in mentions)

    def misheard_person(self, text: str) -> Mention | None:
        """A name of three characters or more written by its sound with one character changed
        (孟家寅 for 孟佳寅, as voice input writes it), or by a sound residents confuse with it (吴明丽
        for 吴民丽: in/ing, as input methods' fuzzy pinyin folds them); never a common word of its own."""
        for surface, start in [*self._homophones(text, "person"), *self._near_people(text)]:
            window = text[start:start + len(surface)]
            changed = [(a, b) for a, b in zip(window, surface) if a != b]
            # (two characters changed only where the surname stands and both sound the same: 孟家银)
            said = len(changed) == 1 and sounds_near(*changed[0]) or \
                len(changed) == 2 and window[0] == surface[0] and all(_same_sound(a, b) for a, b in changed) or \
                len(changed) == 1 and window[0] == surface[0] and len(surface) >= 3 and \
                self._role_after(text, start + len(surface), surface)   # 黄菊芳书记: 黄菊芬, the secretary
            if said and not any(a in _FUNCTION_CHARS for a, _ in changed) and \
                    self.tokenizer.FREQ.get(window, 0) < COMMON_WORD_FREQ:
                ids = [i for k, i, _ in self.surfaces.forms[surface] if k == "person"]
                return Mention("person", ids, start, start + len(surface), PINYIN_SCORE, window, "pinyin")
        return None

    def _role_after(self, text: str, at: int, name: str) -> bool:
        """Whether `text` names, right after a name at `at`, the role the person of `name` holds."""
        said = ROLE_SAID.match(text, at)
        return said is not None and any(said.group(0) in self.model.people[i].role
                                        for k, i, _ in self.surfaces.forms[name] if k == "person")

    def misheard_place(self, text: str) -> Mention | None:
        """A place written by its sound with one character changed (茨溪 for 慈溪, as voice input
        writes it), said where a place is (茨溪有…, 在北伦的…); never a common word of its own (奖杯 is no 江北;
        the rare 银州 is 鄞州),
        nor one holding a function character, nor one said in passing (吃口热饭 is no 蛇口)."""
        for surface, start in self._homophones(text, "place"):
            window, end = text[start:start + len(surface)], start + len(surface)
            if sum(a != b for a, b in zip(window, surface)) == 1 and self.tokenizer.FREQ.get(window, 0) < COMMON_WORD_FREQ and \
                    not any(ch in _FUNCTION_CHARS for ch in window) and \
                    (start == 0 or text[start - 1] in _BEFORE_PLACE) and (end == len(text) or text[end] in _AFTER_PLACE):
                ids = list(dict.fromkeys(i for k, i, _ in self.surfaces.forms[surface] if k == "place"))
                return Mention("place", ids, start, start + len(surface), PINYIN_SCORE, window, "pinyin")
        return None

    def _near_people(self, text: str) -> list[tuple[str, int]]:
        """(name, start) of people's names two of whose characters stand in `text` as in the name."""
        found = []
        for i in range(len(text) - 1):
            for d in (1, 2):
                if i + d < len(text):
                    for surface, j in self.person_pairs.get((text[i], text[i + d], d), ()):
                        if i - j >= 0 and len(text) - (i - j) >= len(surface):
                            found.append((surface, i - j))
        return found

    def quoted(self, text: str, span: str) -> Mention | None:
        """A part of one programme's name a resident quoted (“三有” of 三有三益), found where the text
        holds it; None when it is a whole name, no programme's or several's."""
        start = text.find(span)
        if len(span) < 2 or start < 0:
            return None
        grams = bigrams(span)
        index = self.surfaces.by_bigram.get("programme", {})
        names = set.intersection(*(set(index.get(g, ())) for g in grams)) if grams else set()
        ids = {i for name in names if span in name for k, i, _ in self.surfaces.forms[name] if k == "programme"}
        if len(ids) != 1:
            return None
        return Mention("programme", list(ids), start, start + len(span), PINYIN_SCORE, span, "quoted")

    def recognise(self, text: str) -> list[Mention]:
        """All mentions in `text` (already compacted), typo and homophone paths included.

        A name found by the typo or homophone path replaces shorter mentions it covers (陈笑邦调解
        工作室 is one programme, not the category 调解), as the exact path prefers longer names."""
        mentions = self.exact(text)
        kinds = {m.kind for m in mentions}

        def place(m: Mention | None) -> None:
            if m is None:
                return
            covered = [o for o in mentions if m.start < o.end and o.start < m.end]
            if any(o.kind == "person" for o in covered):
                return  # 沈东红在社区: a known name is not the start of a misspelt community
            if all((o.end - o.start) < (m.end - m.start) and o.kind != m.kind for o in covered):
                for o in covered:
                    mentions.remove(o)
                mentions.append(m)
        if "community" not in kinds:
            m = self.fuzzy_names(text, "community")
            # without 社区/村 in the text only a homophone of a whole alias counts (丹顶和 → 丹顶鹤), or
            # of a name with its suffix misheard too (力邦社去第一批)
            if m and (any(s in text for s in _SUFFIXES) or m.how == "pinyin" and (
                    m.surface.endswith(_SUFFIXES) or self._alias_in_context(text, m.start, m.end))):
                place(m)
        if _SEVERAL.search(text):
            # 凌宵社区和都市森林社区: beside a name said right, another X社区 may be misspelt (鱼波社区和学龙社区: both)
            for _ in range(MISSPELT_MOST):
                blanked = _blanked(text, mentions, "community")
                found = self.fuzzy_names(blanked, "community") if any(s in blanked for s in _SUFFIXES) else None
                if found is None:
                    break
                place(found)
                if not any(m is found for m in mentions):
                    break       # (refused: a known person's name, or inside a longer mention)
            for m in self._short_name_beside(text, mentions):
                place(m)
        if "list" not in kinds:
            m = self.fuzzy_names(text, "list")
            if m and m.score >= LIST_FUZZY_MIN:
                place(m)
        if "programme" not in kinds or (_SEVERAL.search(text) and len(text) >= 8):
            # "四点钟学校和时间银行分别是哪个社区的": a second name may be misspelt or shortened
            m = self.fuzzy_names(_blanked(text, mentions, "programme"), "programme")
            if m and m.score >= max(self.threshold, PROGRAMME_FUZZY_MIN if m.how == "fuzzy" else 0) and \
                    not (m.how == "fuzzy" and _service_words_only(text[m.start:m.end], mentions)):
                place(m)
        if "person" not in kinds:
            place(self.misheard_person(text))
        place(self.misheard_place(text))   # (落驼街道…我们镇海的: beside a place said right too)
        if "category" not in {m.kind for m in mentions}:
            for m in self.homophone_categories(text):
                if not any(m.start < o.end and o.start < m.end for o in mentions):
                    mentions.append(m)
        if "category" not in {m.kind for m in mentions} or len(text) >= 8:
            for category, start, end in self.phrases.find(self.tokens(text)):
                if not any(start < o.end and o.start < end for o in mentions):
                    mentions.append(Mention("category", [category], start, end, GAPPED_SCORE, text[start:end], "gapped"))
        mentions.sort(key=lambda m: m.start)
        return mentions
