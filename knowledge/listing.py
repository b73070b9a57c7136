"""Published lists asked about by place or by count, across every list a word names.

`北仑有哪些社区上了品质社区榜` looks in every list the words name (品质社区 names two); `几个/多少`
answers the number first: the members in the place, a total the source states about the list
(首批 10 from 597 candidates), or the list's size. A city word that is part of a list's own name
(宁波晚报, 宁波首批) is not a place filter. Places at different levels narrow each other
(鄞州区首南街道); places at one level add up (宁海县和象山县).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.positions import asked_position
from knowledge.slots import DATED
from knowledge.text import bigrams, compact_cached
from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.engine import Answer, Engine
    from knowledge.model import Community, KList

ON_A_LIST = re.compile(r"榜单|上榜|上了榜|进了榜|入选|评上|获评|榜上")
LEVELS = ("province", "city", "county", "street")


def place_levels(model) -> dict[str, int]:
    """Each place the communities are in -> the widest level it stands at (an index into LEVELS),
    taken once per knowledge instead of scanning every community per question."""
    levels: dict[str, int] = {}
    for c in model.communities.values():
        for i, level in enumerate(LEVELS):
            place = getattr(c, level)
            if place and levels.get(place, len(LEVELS)) > i:
                levels[place] = i
    return levels


def place_filter(engine: "Engine", places: list[str]):
    """A predicate on communities: inside every place of a group said together (内蒙古鄂托克前旗: one
    inside the other), in any of the groups (…和深圳南山区: another group, side by side)."""
    groups: list[set[str]] = []
    for p in places:
        if p not in engine.place_level:
            continue
        inside = {c.id for c in engine.model.communities.values() if p in (c.province, c.city, c.county, c.street)}
        joined = next((g for g in groups if g & inside), None)
        if joined is None:
            groups.append(inside)
        else:
            joined &= inside
    ids = set().union(*groups) if groups else None
    return lambda c: ids is None or c.id in ids


# where the resident says they live (我住钟公庙那边): no place the list is asked about when another is named
LIVES_BEFORE = re.compile(r"(?:我|俺)(?:家|们家?)?(?:是|就)?(?:住在?|在)$")


def own_places(engine: "Engine", q: Query, lists: list[str]) -> list[str]:
    """Places asked about, minus city words that belong to a named list's own name, and minus
    where the resident lives when the question names a place of its own."""
    names = [compact_cached(n) for kl in lists for n in (engine.model.lists[kl].name, *engine.model.lists[kl].aliases)]
    places = q.of("place")
    asked = [m for m in places if not LIVES_BEFORE.search(q.text, max(0, m.start - 4), m.start)]
    kept = []
    for m in asked or places:
        said = m.surface[:-1] if len(m.surface) > 2 and m.surface[-1] in "市县" else m.surface   # 宁波市首批… is 宁波首批…
        if any(said in n for n in names) and any(compact_cached(engine.model.lists[kl].name).startswith(said)
                                                 or said in q.text[m.end:m.end + 4] for kl in lists):
            continue
        kept += widest(engine, m.ids)
    return list(dict.fromkeys(kept))


def widest(engine: "Engine", ids: list[str]) -> list[str]:
    """One short name read as places at several levels (大榭: 大榭开发区 and its 大榭街道) names the
    widest of them, not a place within a place."""
    if len(ids) < 2:
        return ids
    level = engine.place_level
    top = min(level.get(p, len(LEVELS)) for p in ids)
    return [p for p in ids if level.get(p, len(LEVELS)) == top]


def _members(engine: "Engine", kl: "KList") -> list["Community"]:
    if kl.kind == "communities":
        return [engine.model.communities[m] for m in kl.members]
    return [engine.model.communities[engine.model.programmes[m].community_id] for m in kl.members]


# the word a list's members are asked by (名称带驿站的, 叫工作室的, 有多少个是俱乐部)
NAMED_WITH = re.compile(r"(?:名称|名字|名儿)?(?:带有|含有|带|含|叫)([\u4e00-\u9fff]{1,4}?)(?:这?[一两二三几俩]个)?(?:的|字)|"
                        r"(?:是|属于)([\u4e00-\u9fff]{2,4}?)(?:的|类|$)|"
                        r"以([\u4e00-\u9fff]{1,4}?)(?:命名|为名|结尾|打头|开头)")   # (以驿站命名的品牌, 带银行两个字的)


def _named_with(engine: "Engine", q: Query, kl: "KList") -> tuple[str, list] | None:
    """(the word, the members whose name holds it) when the question asks for members by a word of
    their names that some member's name holds; None otherwise."""
    names = {m: (engine.model.communities[m].name if kl.kind == "communities" else
                 engine.model.programmes[m].title + engine.model.programmes[m].full_name) for m in kl.members}
    for found in NAMED_WITH.finditer(q.text):
        word = found.group(1) or found.group(2) or found.group(3)
        held = [m for m, name in names.items() if word in name]
        if held and len(held) < len(names):
            members = [engine.model.communities[m] if kl.kind == "communities" else engine.model.programmes[m] for m in held]
            return word, members
    return None


def _figure(q: Query, kl: "KList"):
    """The stated total the question asks for (参评 597), else None."""
    best, best_score = None, 1.5
    for f in kl.figures:
        score = sum(1.0 for k in f.keywords if compact_cached(k) in q.text and k not in ("几个", "多少个", "几家"))
        score += 0.5 * len(q.residual_bigrams & bigrams(compact_cached(f.label)))
        if score > best_score:
            best, best_score = f, score
    return best


WHICH_ONES = re.compile(r"哪几|哪些|分布")


WHEN_ASKED = re.compile(r"哪一?年|哪个?月|几月|什么时候|啥时候|何时|哪一?天|几号|日期")


def _dated_figure(q: Query, kl: "KList"):
    """The dated figure whose words the question says (名单出炉: 出炉, 公布), else None."""
    dated = [(sum(compact_cached(k) in q.text for k in f.keywords), f) for f in kl.figures if DATED.search(f.value)]
    hits, best = max(dated, key=lambda d: d[0], default=(0, None))
    return best if hits else None


# which district or street a list has the most (or fewest) members in (20强里哪个区入选的最多)
MOST_BY_PLACE = re.compile(r"哪个(区县|区|县|市|街道|镇)[^，,。？?]{0,8}?(最多|最少)")


def _most_by_place(engine: "Engine", kl: "KList", asked: re.Match) -> "Answer":
    """The places of a level with the most (or fewest) of a list's members, with them, and every
    place's count after."""
    from knowledge.engine import Answer
    street = asked.group(1) in ("街道", "镇")
    counts: dict[str, list] = {}
    for m in kl.members:
        c = engine.model.communities[m]
        place = c.street if street else c.county
        if place:
            counts.setdefault(place, []).append(c)
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
    want = len(ranked[0][1]) if asked.group(2) == "最多" else len(ranked[-1][1])
    top = [(p, cs) for p, cs in ranked if len(cs) == want]
    return Answer("list_most", {"list": kl, "most": asked.group(2), "top": top,
                                "each": [(p, len(cs)) for p, cs in ranked]}, "list", 1.0, True, {"list": [kl.id]})


def list_answer(engine: "Engine", q: Query) -> "Answer | None":
    from knowledge.engine import Answer
    lists = q.ids("list")
    if not lists and q.ids("place") and ON_A_LIST.search(q.text) and not q.ids("category"):
        lists = [kl.id for kl in engine.model.lists.values() if kl.kind == "communities"]  # "奉化有哪些社区上了榜"
    if not lists or (q.ids("programme") and "which" in q.aspects):
        return None
    places = own_places(engine, q, lists)
    counting = "figure" in q.aspects
    if places:
        inside = place_filter(engine, places)
        rows = []
        for lid in lists:
            kl = engine.model.lists[lid]
            if kl.kind != "communities":
                continue
            members = list({c.id: c for c in _members(engine, kl) if inside(c)}.values())
            rows.append({"list": kl, "members": members})
        if rows:
            everyone = {c.id: c for r in rows for c in r["members"]}
            total = len(everyone)
            # "鄞州区和江北区各有几个": each place on its own as well
            each = [{"place": p, "members": [c for c in everyone.values() if p in (c.province, c.city, c.county, c.street)]}
                    for p in places] if len(places) > 1 else []
            # one community found is what a follow-up's 它 stands for (大榭有社区上榜吗 → 它有什么项目)
            only = {"community": list(everyone)} if total == 1 else {}
            return Answer("list_place", {"rows": rows, "places": places, "total": total, "counting": counting,
                                         "each": each},
                          "list", 1.0, True, {"list": lists, "place": places, **only})
    at = asked_position(q.text)
    kl = engine.model.lists[lists[0]]
    most = MOST_BY_PLACE.search(q.text)
    if most and kl.kind == "communities" and len(lists) == 1:
        return _most_by_place(engine, kl, most)
    if at and len(lists) == 1 and 0 < at <= len(kl.members):   # 排第3的是哪个社区: that member
        member = kl.members[at - 1]
        c = engine.model.communities[member if kl.kind == "communities" else engine.model.programmes[member].community_id]
        programme = engine.model.programmes.get(member) if kl.kind == "programmes" else None
        ents = {"list": [kl.id], "community": [c.id], **({"programme": [member]} if programme else {})}
        return Answer("list_member", {"list": kl, "position": at, "community": c, "programme": programme},
                      "list", 1.0, True, ents)
    if counting and len(lists) > 1:   # 首届和第二届各评出了几个: each list's count, side by side
        parts = [Answer("list_count", {"list": engine.model.lists[x], "figure": _figure(q, engine.model.lists[x])},
                        "list", 1.0, True, {"list": [x]}) for x in lists[:3]]
        return Answer("several", {"parts": parts}, "list", 1.0, True, {"list": lists[:3]})
    named = _named_with(engine, q, kl) if len(lists) == 1 else None
    if named is not None:   # 百佳品牌里名字带“驿站”的有几个: those members, counted and named
        word, members = named
        return Answer("list_named", {"list": kl, "word": word, "members": members, "communities": engine.model.communities},
                      "list", 1.0, True, {"list": [kl.id]})
    figure = _figure(q, kl)
    # 联盟社区分布在哪几个区: a figure that names its members answers which ones too
    which = figure is not None and "、" in figure.value and WHICH_ONES.search(q.text)
    # 20强名单是哪年哪月出炉的: a dated figure of what is asked answers when
    when = WHEN_ASKED.search(q.text) and _dated_figure(q, kl)
    if when:
        figure = when
    if counting or which or when:
        return Answer("list_count", {"list": kl, "figure": figure}, "list", 1.0, True, {"list": [kl.id]})
    return None
