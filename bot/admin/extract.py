"""Proposals from a news article: communities (with district and street), programmes (quoted names
with their community), people (name, role, community) and facts (honours and figures).

Only regexes and jieba's part-of-speech tags, no network and no model; every proposal is a draft
that a person accepts, edits or rejects."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba
import jieba.posseg as pseg
from pypinyin import lazy_pinyin

jieba.setLogLevel(60)
HAN = "\u4e00-\u9fa5"
LEAD = re.compile(r"^(?:来自|位于|地处|在|于|是|的|了|和|与|为|把|将|从|对|其中|包括|以及|及|由)+")
PLACE = re.compile(rf"([{HAN}]{{2,4}}?(?:市|区|县|旗))?([{HAN}]{{2,4}}?(?:街道|镇|乡))([{HAN}]{{2,6}}?社区)")
BARE = re.compile(rf"^[\s①-⑳\d.、]*([{HAN}]{{2,6}}社区)\s*$", re.M)
NAMED = re.compile(rf"([{HAN}]{{2,6}}?社区)")
ROLES = ("党委书记", "党委副书记", "党总支书记", "党总支副书记", "党支部书记", "党支部副书记", "居委会主任",
         "社区主任", "主任", "书记", "副书记", "社工", "网格员", "队长", "会长", "负责人")
WRITER = re.compile(r"(?:本报|特约)?(记者|通讯员|摄影)[\s（(：:]*")
ROLE = re.compile(rf"([{HAN}]{{2,6}}?社区)({'|'.join(sorted(ROLES, key=len, reverse=True))})")
QUOTE = re.compile(r"[“\"]([^”\"，。,！？\n]{2,14})[”\"]")
KINDS = ("志愿服务队", "志愿者服务队", "服务队", "志愿队", "服务站", "服务中心", "工作室", "工作法", "驿站", "课堂",
         "学堂", "项目", "品牌", "计划", "行动", "活动", "俱乐部", "协会", "团", "队", "站", "小站", "银行", "食堂", "讲堂",
         "之家", "中心", "议事会", "工程")
FOLLOW = re.compile(rf"^({'|'.join(sorted(KINDS, key=len, reverse=True))})")
GENERIC = ("品质", "文明", "示范", "和谐", "优质", "典范", "幸福", "特色", "品牌", "明星", "先进", "新型", "城市", "这个",
           "该", "各个", "本", "每个", "我们", "老", "智慧", "精品", "优秀", "全国", "省", "市级", "一个", "所在",
           "推动", "建设", "打造", "共建", "创建", "百佳", "甬上", "晚报", "宁波晚报", "报社")
HONOUR = re.compile(rf"社区是((?:[{HAN}“”]{{2,16}}(?:单位|社区|居委会|先进社区|示范社区|模范社区|先进集体)[、，,和及]?){{1,5}})")
FIGURE = re.compile(rf"([{HAN}]{{0,8}}?)(\d+(?:\.\d+)?(?:%|余?(?:名|人|户|个|家|栋|平方公里|万)))([{HAN}]{{0,10}})")
MADE = re.compile(r"(?:打造|成立|组建|建立|推出|开设|开办|改成了?|改造成|建成|设立|启动|开展|实施|组织了?)[了的]?$")
NOT_NAME = re.compile(r"社区|记者|身着|告诉|表示|采访")
SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


@dataclass
class Proposal:
    kind: str                        # communities, programmes, people, honours, figures
    data: dict
    note: str = ""
    evidence: str = ""


@dataclass
class Extraction:
    communities: dict[str, dict] = field(default_factory=dict)   # name -> record draft
    proposals: list[Proposal] = field(default_factory=list)


def slug(text: str, taken: set[str]) -> str:
    """A readable id from a Chinese name (pinyin), unique among `taken`."""
    base = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(text)).lower())[:28] or "x"
    rid, n = base, 1
    while rid in taken:
        n += 1
        rid = f"{base}-{n}"
    taken.add(rid)
    return rid


def _clean(name: str) -> str | None:
    name = LEAD.sub("", name)
    stem = name[:-2]
    if len(stem) < 2 or any(stem.startswith(g) or stem == g for g in GENERIC):
        return None
    return name


def _communities(text: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for m in PLACE.finditer(text):
        name = _clean(m.group(3))
        if not name:
            continue
        county = LEAD.sub("", m.group(1) or "") or None
        street = LEAD.sub("", m.group(2))
        rec = found.setdefault(name, {"name": name})
        if county and len(county) >= 2:
            rec.setdefault("county", county)
        rec.setdefault("street", street)
    for m in BARE.finditer(text):
        name = _clean(m.group(1))
        if name and text.count(name) >= 2:
            found.setdefault(name, {"name": name})
    for name in _standalone(text):
        found.setdefault(name, {"name": name})
    # "没有在深圳湾社区" when "深圳湾社区" is found too: keep the shorter
    return {n: r for n, r in found.items() if not any(o != n and n.endswith(o) and len(o) >= 4 for o in found)}


def _standalone(text: str, at_least: int = 3) -> list[str]:
    """Names written often and at least once right after punctuation or a line start ("，赛罕社区")."""
    counts: dict[str, int] = {}
    starts: set[str] = set()
    for m in re.finditer("社区", text):
        for n in (2, 3, 4):
            stem = text[max(0, m.start() - n):m.start()]
            if len(stem) != n or not re.fullmatch(f"[{HAN}]+", stem):
                break
            counts[stem] = counts.get(stem, 0) + 1
            before = text[m.start() - n - 1] if m.start() - n - 1 >= 0 else "\n"
            if not re.match(f"[{HAN}]", before):
                starts.add(stem)
    return [s + "社区" for s in starts if counts[s] >= at_least and _clean(s + "社区")]


def _community_in(sentence: str, names: list[str], last: str | None) -> str | None:
    hits = [(sentence.find(n), n) for n in names if n in sentence or n[:-2] in sentence]
    hits = [(i if i >= 0 else sentence.find(n[:-2]), n) for i, n in hits]
    return min(hits)[1] if hits else last


def _person(after: str) -> str | None:
    """The name after a role: a short line of its own (how captions print it), else jieba's name tag."""
    line = re.match(rf"\s*\n\s*([{HAN}]{{2,4}})\s*(?:\n|$)", after) or re.match(rf"[ \t]*([{HAN}]{{2,3}})\s*(?:\n|$)", after)
    if line:
        return line.group(1)
    return next((w.word for w in pseg.cut(after) if w.flag == "nr" and len(w.word) >= 2), None)


def extract(text: str, known: dict[str, str] | None = None) -> Extraction:
    """`known` maps names (and names without 社区) of communities already in the knowledge to ids."""
    known = known or {}
    out = Extraction(_communities(text))
    names = sorted(out.communities, key=len, reverse=True)
    for name, rec in out.communities.items():
        out.proposals.append(Proposal("communities", rec, note=f"已有：{known[name]}" if name in known else ""))
    seen: set[tuple] = set()
    last = None
    for para in text.splitlines():
        for sentence in SENTENCE.findall(para):
            community = _community_in(sentence, names, last)
            last = community or last
            for m in QUOTE.finditer(sentence):
                quoted = m.group(1).strip()
                after = FOLLOW.match(sentence[m.end():m.end() + 6])
                made = MADE.search(sentence[max(0, m.start() - 5):m.start()])
                if not community or quoted.endswith("社区") or not (after or made or any(quoted.endswith(k) for k in KINDS)):
                    continue
                key = ("p", community, quoted)
                if key in seen:
                    continue
                seen.add(key)
                rec = {"name": quoted, "community": community}
                if after:
                    rec["full_name"], rec["kind"] = quoted + after.group(1), after.group(1)
                out.proposals.append(Proposal("programmes", rec, evidence=sentence.strip()[:120]))
            for m in HONOUR.finditer(sentence):
                if community:
                    for h in re.split(r"[、，,和及]", m.group(1)):
                        h = h.strip("“” ")
                        if len(h) >= 4 and ("h", community, h) not in seen:
                            seen.add(("h", community, h))
                            out.proposals.append(Proposal("honours", {"community": community, "name": h},
                                                          evidence=sentence.strip()[:120]))
            for m in FIGURE.finditer(sentence):
                if community and ("f", community, m.group(2)) not in seen:
                    seen.add(("f", community, m.group(2)))
                    label = (m.group(1)[-6:] + m.group(3)[:8]).strip("的") or "数字"
                    out.proposals.append(Proposal("figures", {"community": community, "label": label,
                                                              "value": m.group(2)}, evidence=sentence.strip()[:120]))
    for m in ROLE.finditer(text):
        community = _clean(re.split("街道|镇|乡", m.group(1))[-1])
        community = next((n for n in names if community and community.endswith(n)), community)
        if not community or len(community) < 4:
            continue
        person = _person(text[m.end():m.end() + 16])
        if person and ("c", person) not in seen:
            seen.add(("c", person))
            out.proposals.append(Proposal("people", {"name": person, "role": m.group(2), "community": community},
                                          evidence=text[max(0, m.start() - 10):m.end() + 12].replace("\n", " ")))
    for m in WRITER.finditer(text):   # "本报记者 张昊", "（记者张昊）": the article's own writers, of no community
        person = _person(text[m.end():m.end() + 8])
        if person and not NOT_NAME.search(person) and ("c", person) not in seen:
            seen.add(("c", person))
            out.proposals.append(Proposal("people", {"name": person, "role": m.group(1)},
                                          evidence=text[max(0, m.start() - 10):m.end() + 12].replace("\n", " ")))
    return out
