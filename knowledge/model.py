"""The knowledge in memory: plain objects read once from the database, linked to each other."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from knowledge.text import compact


@dataclass
class Source:
    id: str
    title: str
    publisher: str
    date: str | None = None

    @property
    def said_date(self) -> str:
        """The date as a Chinese reader writes it (2017-11-27 -> 2017年11月27日); "" when unknown."""
        if not self.date:
            return ""
        year, month, day = (self.date.split("-") + ["", ""])[:3]
        return f"{year}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")

    @property
    def cite(self) -> str:
        return f"{self.publisher}{'，' + self.said_date if self.date else ''}"


@dataclass
class Item:
    """One thing a resident may ask about a community: a fact, figure or honour."""
    kind: str            # fact, figure, honour
    text: str
    keywords: list[str]
    source: str
    label: str = ""
    value: str = ""


@dataclass
class Contact:
    name: str
    role: str
    source: str
    phone: str | None = None
    address: str | None = None


@dataclass
class Person:
    """Someone the articles name: a secretary, an official, an editor, a volunteer, a performer."""
    id: str
    name: str
    role: str
    source: str
    community_id: str = ""
    organisation: str = ""
    did: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class Programme:
    id: str
    name: str
    community_id: str
    source: str
    full_name: str = ""
    aliases: list[str] = field(default_factory=list)
    kind: str = ""
    categories: list[str] = field(default_factory=list)
    serves: str = ""
    description: str = ""
    lists: list[str] = field(default_factory=list)      # names of the published lists it is on

    @property
    def title(self) -> str:
        """How the bot names it: “brand” plus its kind, as published."""
        full = self.full_name or self.name
        if full.startswith(self.name) and full != self.name:
            return f"“{self.name}”{full[len(self.name):]}"
        if full.endswith(self.name) and full != self.name:
            return f"{full[:-len(self.name)]}“{self.name}”"
        if self.kind and self.kind not in full:
            return f"“{full}”{self.kind}"
        return f"“{full}”"


@dataclass
class Community:
    id: str
    name: str
    source: str
    aliases: list[str] = field(default_factory=list)
    label: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    street: str = ""
    lat: float | None = None
    lng: float | None = None
    scene: int | None = None
    description: str = ""
    items: list[Item] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county, self.street) if p)

    @property
    def display(self) -> str:
        """Name with what tells it apart from a namesake."""
        qualifier = self.label or (self.county + self.street)
        return f"{self.name}（{qualifier}）" if qualifier else self.name

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


@dataclass
class Category:
    id: str
    name: str
    synonyms: list[str]
    menu_key: str = ""


@dataclass
class KList:
    id: str
    name: str
    kind: str
    members: list[str]
    source: str
    aliases: list[str] = field(default_factory=list)
    honour: str = ""
    ordered: bool = False
    description: str = ""
    expected_size: int | None = None
    figures: list[Item] = field(default_factory=list)     # totals the source states (597 candidates ...)

    @property
    def size(self) -> int:
        return self.expected_size or len(self.members)


@dataclass
class WordGroup:
    id: str
    name: str
    words: list[str]
    outside: bool = False   # matters no material speaks of (天气, 养老金), not ways of saying one thing

    def forms(self) -> list[str]:
        """The words as questions are matched (normalised, two characters and more), without repeats."""
        return list(dict.fromkeys(f for f in map(compact, self.words) if len(f) >= 2))


@dataclass
class Model:
    communities: dict[str, Community]
    programmes: dict[str, Programme]
    categories: dict[str, Category]
    lists: dict[str, KList]
    sources: dict[str, Source]
    people: dict[str, Person] = field(default_factory=dict)
    word_groups: dict[str, WordGroup] = field(default_factory=dict)   # words.yaml: ways of saying one thing

    def synonym_groups(self) -> list[WordGroup]:
        """The word groups whose words say one thing (not the matters no material speaks of)."""
        return [g for g in self.word_groups.values() if not g.outside]

    def outside_words(self) -> tuple[str, ...]:
        """Words of matters no material speaks of (words.yaml groups marked outside), in file order."""
        return tuple(dict.fromkeys(f for g in self.word_groups.values() if g.outside for f in g.forms()))

    @classmethod
    def from_database(cls, db: sqlite_utils.Database) -> "Model":
        rows = lambda sql: list(db.query(sql))  # noqa: E731
        sources = {r["id"]: Source(r["id"], r["title"], r["publisher"], r["date"]) for r in rows("select * from sources")}
        communities = {}
        for r in rows("select * from communities order by rowid"):
            communities[r["id"]] = Community(
                id=r["id"], name=r["name"], source=r["source"], aliases=json.loads(r["aliases"]),
                label=r.get("label") or "", province=r.get("province") or "", city=r.get("city") or "",
                county=r.get("county") or "", street=r.get("street") or "", lat=r.get("lat"), lng=r.get("lng"),
                scene=r.get("scene"), description=r.get("description") or "")
        for r in rows("select * from honours order by community_id, position"):
            communities[r["community_id"]].items.append(Item("honour", r["name"], [], r["source"]))
        for r in rows("select * from facts order by community_id, position"):
            communities[r["community_id"]].items.append(Item("fact", r["text"], json.loads(r["keywords"]), r["source"]))
        for r in rows("select * from figures order by community_id, position"):
            communities[r["community_id"]].items.append(Item(
                "figure", f"{r['label']}：{r['value']}", json.loads(r["keywords"]), r["source"], r["label"], r["value"]))
        cats: dict[str, list[str]] = {}
        for r in rows("select * from programme_categories order by programme_id, position"):
            cats.setdefault(r["programme_id"], []).append(r["category_id"])
        programmes = {}
        for r in rows("select * from programmes order by rowid"):
            p = Programme(id=r["id"], name=r["name"], community_id=r["community_id"], source=r["source"],
                          full_name=r["full_name"] or "", aliases=json.loads(r["aliases"]), kind=r["kind"] or "",
                          categories=cats.get(r["id"], []), serves=r["serves"] or "", description=r["description"] or "")
            programmes[p.id] = p
            communities[p.community_id].programmes.append(p)
        for r in rows("select * from contacts order by id"):
            communities[r["community_id"]].contacts.append(
                Contact(r["name"], r["role"], r["source"], r["phone"], r["address"]))
        synonyms: dict[str, list[str]] = {}
        for r in rows("select * from synonyms order by category_id, position"):
            synonyms.setdefault(r["category_id"], []).append(r["word"])
        categories = {r["id"]: Category(r["id"], r["name"], synonyms.get(r["id"], []), r["menu_key"] or "")
                      for r in rows("select * from categories order by rowid")}
        members: dict[str, list[str]] = {}
        for r in rows("select * from list_members order by list_id, position"):
            members.setdefault(r["list_id"], []).append(r["member_id"])
        lists = {}
        for r in rows("select * from lists order by rowid"):
            kl = KList(r["id"], r["name"], r["kind"], members.get(r["id"], []), r["source"], json.loads(r["aliases"]),
                       r["honour"] or "", bool(r["ordered"]), r["description"] or "", r["expected_size"],
                       [Item("figure", f"{f['label']}：{f['value']}", f.get("keywords") or [], r["source"], f["label"],
                             f["value"]) for f in json.loads(r.get("figures") or "[]")])
            lists[kl.id] = kl
            for m in kl.members:
                if kl.kind == "programmes":
                    programmes[m].lists.append(kl.name)
                cid = m if kl.kind == "communities" else programmes[m].community_id
                c = communities[cid]
                if kl.id not in c.lists:
                    c.lists.append(kl.id)
                    c.items.append(Item("honour", kl.honour or kl.name, [], kl.source))
        people = {}
        if db["people"].exists():
            for r in rows("select * from people order by rowid"):
                people[r["id"]] = Person(r["id"], r["name"], r["role"], r["source"], r["community_id"] or "",
                                         r["organisation"] or "", r["did"] or "", json.loads(r["aliases"]))
        groups = {r["id"]: WordGroup(r["id"], r["name"], json.loads(r["words"]), bool(r.get("outside")))
                  for r in (rows("select * from word_groups order by rowid") if db["word_groups"].exists() else [])}
        return cls(communities, programmes, categories, lists, sources, people, groups)
