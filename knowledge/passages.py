"""Passage retrieval over the knowledge's own text, for questions no structured intent answers.

Every description, fact, figure, programme, person and list description becomes a passage with
its community and source. Passages are indexed in an in-memory SQLite FTS5 table whose column is
pre-tokenised (jieba words with the knowledge's names as a user dictionary, plus character
bigrams, plus one token per service category whose synonym occurs), so two-character words
match, and ranked by FTS5's BM25. Text is folded (traditional to simplified, full width) by
`compact` on both sides.

A hit is accepted only when it covers enough of the question: `coverage` is the share of the
question's token weight (inverse document frequency) that the passage contains. The threshold
was calibrated on the development conversations (see README, "Passage search").
"""
from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

from knowledge.model import Model
from knowledge.understand import ASPECTS
from knowledge.text import bigrams, compact

COVERAGE = 0.62       # accepted share of the question's token weight (README: calibration)
MIN_WEIGHT = 3.0       # and at least this much matched weight (one distinctive token)
CANDIDATES = 20
EVIDENCE_MARGIN = 0.2   # one community's passages together must lead any other's by this much
STRONG_SHARED, STRONG_WEIGHT = 3, 12.0   # shared tokens and their weight that make a passage a hit whatever else is said
UNSEEN = 0.5           # weight of a question word the knowledge never uses, relative to the rarest known
_NOISE = re.compile(r"[^0-9a-z\u4e00-\u9fff]")
# a common word naming whose aim or idea is asked (工作宗旨, 服务理念): the aim is what a passage says
_WHOSE_AIM = re.compile(r"(?:工作|服务|社区|治理)(?=宗旨|理念|目标|思路|口号|方针|原则|使命)")
CUES = re.compile("|".join(v for k, v in ASPECTS.items() if k != "location"))
_ASKING_CHARS = frozenset("谁啥哪几么吗呢咱我你他她它")   # asking and pointing, never part of a name
_JUNK_WORDS = {"社区", "哪个", "什么", "哪些", "一下", "怎么", "这个", "那个", "是不是", "有没有", "多少", "为什么", "哪里",
               "两个", "两位", "几位", "几个", "什么样", "一个", "怎样", "怎么样", "参加", "那位", "这位", "哪位", "那天", "当天", "这天", "要搞", "真的假的", "真的假", "假的", "到底"}
_JOINING = frozenset("和与跟及或")   # a conjunction starts no word of two single characters (、讲 read as 和讲)


def concept_tag(group_id: str) -> str:
    """The token a word group of words.yaml stands as (plans -> zqplans)."""
    return "zq" + _NOISE.sub("", group_id)


def _place_token(community_id: str) -> str:
    return "zzq" + _NOISE.sub("", community_id)


def _letters(text: str) -> set[str]:
    """The characters of what a question asks about (its cue words left out)."""
    return set(CUES.sub("", text.replace(" ", ""))) - _ASKING_CHARS


class _Units:
    """The weight of a question's tokens, a word group said once counting once: 报社 and the newspapers'
    tag (报系, 报业) are one thing asked, matched by a passage holding either, weighed as the rarer."""

    def __init__(self, index: "PassageIndex", text: str, asked: set[str]) -> None:
        self.idf = index.idf
        said = {tag: [w for w in index.words_of[tag] if w in text] for tag in asked & index.concepts}
        self.unit_of: dict[str, str] = {}
        self.unit_weight: dict[str, float] = {}
        for tag, words in said.items():
            members = {tag} | {t for t in asked if any(w in t or t in w for w in words)}
            for t in members:
                self.unit_of.setdefault(t, tag)
            self.unit_weight[tag] = max((self.idf[t] for t in members if t in self.idf), default=0.0)

    def __call__(self, tokens) -> float:
        units = {self.unit_of[t] for t in tokens if t in self.unit_of}
        return sum(self.idf[t] for t in tokens if t not in self.unit_of) + sum(self.unit_weight[u] for u in units)

    def count(self, tokens) -> int:
        """How many things the tokens say (a word group's words and tag: one)."""
        return len({self.unit_of.get(t, t) for t in tokens})


@dataclass(slots=True)
class Passage:
    text: str
    community_id: str
    source: str
    kind: str              # description, fact, figure, programme, person, list
    ref: str = ""          # programme, person or list id


def passages_of(model: Model) -> list[Passage]:
    out: list[Passage] = []
    for c in model.communities.values():
        if c.description:
            out.append(Passage(c.description, c.id, c.source, "description"))
        for item in c.items:
            if item.kind in ("fact", "figure"):
                out.append(Passage(item.text, c.id, item.source, item.kind))
            elif item.kind == "honour":
                out.append(Passage(f"荣誉：{item.text}", c.id, item.source, item.kind))
        for p in c.programmes:
            text = p.title + (f"（{p.kind}）" if p.kind and p.kind not in p.title else "")
            out.append(Passage(text + ("：" + p.description if p.description else ""), c.id, p.source, "programme", p.id))
    for person in model.people.values():
        text = f"{person.name}，{person.organisation if person.organisation not in person.role else ''}{person.role}：{person.did}"
        # an official of a street is of the one community their record tells of (乐丽华: 深圳湾社区)
        told = [c.id for c in model.communities.values() if c.name in person.did] if "街道" in person.organisation else []
        of = person.community_id or (told[0] if len(told) == 1 else "")
        out.append(Passage(text, of, person.source, "person", person.id))
    for kl in model.lists.values():
        if kl.description:
            out.append(Passage(f"{kl.name}：{kl.description}", "", kl.source, "list", kl.id))
        out += [Passage(f"{kl.name}{f.text}", "", kl.source, "list", kl.id) for f in kl.figures]
    return out


class PassageIndex:
    def __init__(self, model: Model, tokenizer) -> None:
        self.tokenizer = tokenizer
        # ways of saying one thing (words.yaml) are one token each, as the categories' synonyms are
        self.words_of: dict[str, list[str]] = {}
        for g in model.synonym_groups():
            self.words_of.setdefault(concept_tag(g.id), []).extend(g.forms())
        self.concepts = set(self.words_of)
        self.said_words = {w for words in self.words_of.values() for w in words} | \
            {compact(w) for cat in model.categories.values() for w in cat.synonyms}
        self.synonyms = sorted([(compact(w), "zc" + _NOISE.sub("", cat.id)) for cat in model.categories.values()
                                for w in cat.synonyms if len(compact(w)) >= 2] +
                               [(w, tag) for tag, words in self.words_of.items() for w in words], key=lambda x: -len(x[0]))
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        # the passages live in the table, not as Python objects: at 100k entries that many live
        # objects would slow every garbage collection, and so every answer
        self.db.execute("create virtual table p using fts5(tokens, community unindexed, text unindexed, "
                        "source unindexed, kind unindexed, ref unindexed, tokenize='unicode61')")
        df: dict[str, int] = {}
        rows = []
        for p in passages_of(model):
            toks = self.tokenise(compact(p.text))
            for t in toks:
                df[t] = df.get(t, 0) + 1
            rows.append((" ".join(toks) + " " + _place_token(p.community_id), p.community_id, p.text, p.source, p.kind, p.ref))
        self.db.executemany("insert into p(tokens, community, text, source, kind, ref) values (?, ?, ?, ?, ?, ?)", rows)
        self.size = len(rows)
        del rows
        n = max(1, self.size)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.rare = math.log(1 + (n - 0.5) / 1.5)
        self.common = {t for t, d in df.items() if d > max(50, n // 5)}  # too frequent to say anything

    def tokenise(self, text: str, query: bool = False) -> set[str]:
        """jieba words and bigrams of each space-separated part of `text`, plus category tags.

        A passage gets every bigram; a question only bigrams inside one word or across single
        characters (a name jieba did not know), so 今天天气 does not ask for 天天."""
        toks: set[str] = set()
        for part in text.split():
            words = [w for w in self.tokenizer.cut(part) if not _NOISE.search(w)]
            toks |= {w for w in words if len(w) >= 2} - _JUNK_WORDS
            if not query:
                toks |= {g for g in bigrams(part) if len(g) == 2 and not _NOISE.search(g)}
                continue
            # the dictionary words inside longer words (小女孩 -> 女孩), never 天天 out of 今天天气
            toks |= {w for w in self.tokenizer.cut_for_search(part) if len(w) >= 2 and not _NOISE.search(w)} - _JUNK_WORDS
            for i, w in enumerate(words):
                if len(w) >= 3 and not self.tokenizer.FREQ.get(w):  # a word jieba guessed (a name): its parts too
                    toks |= bigrams(w)
                elif len(w) == 1 and i + 1 < len(words) and len(words[i + 1]) == 1 and \
                        not _ASKING_CHARS & {w, words[i + 1]} and w not in _JOINING:   # (谁唱的, 咱定的: no name jieba did not know)
                    toks.add(w + words[i + 1])
            toks |= {tag for w, tag in self.synonyms if w in part}
        if not query:
            toks |= {tag for w, tag in self.synonyms if w in text}
        return toks

    def search(self, text: str, community: str | None = None, kinds: set[str] | None = None) -> list[tuple[float, Passage]]:
        """Passages by coverage of `text` (already compacted, entities and function words removed)."""
        return [(cov, p) for cov, p, _ in self._scored(text, community, kinds)[1]]

    def telling(self, concept: str, source: str) -> list[Passage]:
        """Passages of one article (`source`) that say a concept (a word group's tag: zqplans)."""
        rows = self.db.execute("select text, community, source, kind, ref from p where p match ? and source = ?",
                               (f'"{concept}"', source)).fetchall()
        return [Passage(*r) for r in rows]

    def by_community(self, text: str, threshold: float = COVERAGE) -> tuple[float, list[Passage]] | None:
        """A question whose facts are spread over one community's passages (单体最大的商住型社区, 六成居民
        来自五湖四海, 叫啥): the community whose passages together cover `threshold` of it, clearly ahead
        (`EVIDENCE_MARGIN`) of any other; (coverage, its passages, best first), else None."""
        total, scored, weigh = self._scored(text)
        union: dict[str, set[str]] = {}
        found: dict[str, list[Passage]] = {}
        for _, p, shared in scored:
            if p.community_id:
                union.setdefault(p.community_id, set()).update(shared)
                found.setdefault(p.community_id, []).append(p)
        ranked = sorted(((weigh(words) / total, cid) for cid, words in union.items()), reverse=True)
        if not ranked or ranked[0][0] < threshold or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < EVIDENCE_MARGIN):
            return None
        return ranked[0][0], found[ranked[0][1]]

    def _scored(self, text: str, community: str | None = None, kinds: set[str] | None = None):
        """(the question's total weight, [(coverage, passage, shared tokens)] best first, the weighing of
        shared tokens: `_Units`, None when nothing asked is known)."""
        text = _WHOSE_AIM.sub(" ", text)
        asked = {t for t in self.tokenise(text, query=True) if t not in self.common}
        query = {t for t in asked if t in self.idf}
        if not query:
            return 1.0, [], None
        weigh = _Units(self, text, asked)
        # words the knowledge never uses count against every passage: 今天天气 is not about 天天
        unseen = [t for t in asked - query if not CUES.fullmatch(t)]  # 得过, 多少: how one asks, not what
        # one unseen word counts once: not again for its parts (油纸 of 油纸伞), nor when a part of it is
        # known (小女孩 holds 女孩), nor when it says a word group's or a category's meaning (后头)
        unseen = [t for t in unseen if not any(k in t for k in query) and not any(t != u and t in u for u in unseen)
                  and t not in self.said_words and t not in weigh.unit_of]
        known = weigh(query)
        total = known + UNSEEN * self.rare * len(unseen)
        match = " OR ".join(f'"{t}"' for t in query)
        letters = _letters(text)
        cols = "tokens, text, community, source, kind, ref"
        if community is None:
            rows = self.db.execute(f"select {cols} from p where p match ? order by bm25(p) limit ?", (match, CANDIDATES * 3))
        else:
            # the community is a token too, so FTS intersects instead of scanning every match
            rows = self.db.execute(f"select {cols} from p where p match ? and community = ? order by bm25(p) limit ?",
                                   (f'({match}) AND "{_place_token(community)}"', community, CANDIDATES))
        scored = []
        for rank, (tokens, *fields) in enumerate(rows.fetchall()):
            p = Passage(*fields)
            if kinds is not None and p.kind not in kinds:
                continue
            shared = query & set(tokens.split())
            weight, said = weigh(shared), weigh.count(shared)
            chars = len(letters & set(compact(p.text)))  # ties: the passage sharing more of the question's characters
            if said < 2 and chars < len(letters):
                continue  # one word in common and the rest of the question elsewhere: 快递柜 is not 快递站
            coverage = weight / total
            if said >= STRONG_SHARED and weight >= STRONG_WEIGHT and weight >= 0.9 * known:
                # a long, detailed question (撑着油纸伞穿旗袍走秀的阿姨们): words the knowledge never uses
                # must not sink a passage that holds every distinctive word it does use
                coverage = max(coverage, COVERAGE)
            scored.append((round(coverage, 6), chars, weight, -rank, p, shared))
        scored.sort(key=lambda s: (-s[0], -s[1], -s[2], -s[3]))
        return total, [(cov, p, shared) for cov, _, weight, _, p, shared in scored if weight >= MIN_WEIGHT][:CANDIDATES], \
            weigh

    def best(self, text: str, community: str | None = None, threshold: float = COVERAGE,
             prefer: str = "") -> tuple[float, Passage] | None:
        """The best passage over `threshold`; None when another community's passage ties with it
        (no confident pick between two places). A passage of no community (a person, a list) is
        no rival place: it ties with any."""
        hits = self.search(text, community)
        if not hits or hits[0][0] < threshold:
            return None
        if prefer:  # 那两个小丫头叫什么名字: of passages that cover as much, a person's tells a name
            tied = sum(1 for h in hits if h[0] == hits[0][0])   # hits come best first: the ties lead
            hits = sorted(hits[:tied], key=lambda h: h[1].kind != prefer) + hits[tied:]
        (cov, p), letters = hits[0], _letters(text)
        for cov2, p2 in hits[1:]:
            if cov2 < cov:
                break
            if p2.community_id != p.community_id and p.community_id and p2.community_id and \
                    len(letters & set(compact(p2.text))) == len(letters & set(compact(p.text))):
                return None
        return hits[0]
