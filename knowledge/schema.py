"""The shape of the knowledge files: which fields each record has, and what each must hold.

One spec per file; `knowledge/SCHEMA.md` documents the same for operators (a test keeps the
two in step). Validation here is about form (required, type, pattern); references between
files (unknown community, unknown category, duplicate id) are checked by the loader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# mainland landline (area code + 7-8 digits, optional extension) or mobile; spaces and dashes allowed
PHONE = re.compile(r"^(?:\+?86[- ]?)?(?:0\d{2,3}[- ]?\d{3,4}[- ]?\d{4}(?:-\d{1,5})?|1[3-9]\d[- ]?\d{4}[- ]?\d{4}|\d{3,4}[- ]?\d{4}|12345)$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str              # str, int, float, bool, list[str], list[dict], str|dict, date, id, phone
    required: bool = False
    doc: str = ""


FILES: dict[str, list[Field]] = {
    "sources.yaml": [
        Field("id", "id", True, "stable id other records cite"),
        Field("title", "str", True, "article title, paraphrased"),
        Field("publisher", "str", True, "who published it"),
        Field("date", "date", False, "YYYY-MM-DD, or null when the article gives none"),
        Field("note", "str", False, "caveats about the article"),
    ],
    "categories.yaml": [
        Field("id", "id", True, "category id"),
        Field("name", "str", True, "display name"),
        Field("menu_key", "str", False, "CLICK menu key that asks about this category"),
        Field("synonyms", "list[str]", True, "words residents use for it (two characters and more)"),
    ],
    "communities.yaml": [
        Field("id", "id", True, "stable id"),
        Field("name", "str", True, "official name, e.g. 虞波社区"),
        Field("aliases", "list[str]", False, "other names; the name without 社区 is added automatically"),
        Field("label", "str", False, "what tells it apart from a namesake, shown when asking which one"),
        Field("province", "str", False, "province, where stated"),
        Field("city", "str", False, "city, where stated"),
        Field("county", "str", False, "district or county, where stated"),
        Field("street", "str", False, "street (街道) or town (镇), where stated"),
        Field("lat", "float", False, "latitude, where known"),
        Field("lng", "float", False, "longitude, where known"),
        Field("scene", "int", False, "QR-code scene number that binds a resident to this community"),
        Field("source", "id", True, "source of every fact below unless the fact names its own"),
        Field("description", "str", False, "one or two sentences in our own words"),
        Field("honours", "list[str|dict]", False, "titles: a string, or {name, source}"),
        Field("facts", "list[dict]", False, "{text, keywords, source}: statements residents may ask about"),
        Field("figures", "list[dict]", False, "{label, value, keywords, source}: numbers"),
    ],
    "programmes.yaml": [
        Field("id", "id", True, "stable id"),
        Field("name", "str", True, "the programme's or brand's own name"),
        Field("community", "id", True, "id of the community it belongs to"),
        Field("full_name", "str", False, "the name as published, when longer"),
        Field("aliases", "list[str]", False, "other names residents use"),
        Field("kind", "str", False, "what it is: 志愿服务队, 工作法, 日间照料中心 ..."),
        Field("categories", "list[str]", False, "category ids"),
        Field("serves", "str", False, "who it serves"),
        Field("description", "str", False, "what it does, in our own words"),
        Field("source", "id", True, "source id"),
    ],
    "contacts.yaml": [
        Field("community", "id", True, "community id"),
        Field("name", "str", True, "person's name"),
        Field("role", "str", True, "role as stated, e.g. 党委书记"),
        Field("phone", "phone", False, "only when a source states it"),
        Field("address", "str", False, "only when a source states it"),
        Field("source", "id", True, "source id"),
    ],
    "people.yaml": [
        Field("id", "id", True, "stable id"),
        Field("name", "str", True, "the person's name as published"),
        Field("role", "str", True, "role or title as stated, e.g. 党委书记, 记者, 腰鼓队队长"),
        Field("community", "id", False, "community id, when the person belongs to one"),
        Field("organisation", "str", False, "organisation or place when not a community, e.g. 宁波都市报系"),
        Field("did", "str", False, "what they did or said, in our own words"),
        Field("aliases", "list[str]", False, "other names (pinyin is generated automatically)"),
        Field("source", "id", True, "source id"),
    ],
    "lists.yaml": [
        Field("id", "id", True, "stable id"),
        Field("name", "str", True, "the list's name"),
        Field("aliases", "list[str]", False, "other names"),
        Field("honour", "str", False, "the honour membership confers, shown on each member"),
        Field("kind", "str", True, "communities or programmes"),
        Field("ordered", "bool", False, "true when the published list has an order"),
        Field("description", "str", False, "what the list is"),
        Field("expected_size", "int", False, "size the source states, when the text shows fewer"),
        Field("figures", "list[dict]", False, "{label, value, keywords}: totals the source states about the list"),
        Field("members", "list[str]", True, "community ids or programme ids, in order"),
        Field("source", "id", True, "source id"),
    ],
    "words.yaml": [
        Field("id", "id", True, "stable id"),
        Field("name", "str", True, "what the words say, for operators"),
        Field("words", "list[str]", True, "ways of saying it (two characters and more): a question using one "
                                           "matches a text using any other"),
        Field("outside", "bool", False, "true: matters no material speaks of (天气, 签证, 养老金); asked, the bot "
                                        "says it has nothing on them, and a service word inside one (养老 of 养老金) "
                                        "asks for no service; such words are no synonyms of each other"),
    ],
}

SUB_FIELDS = {
    ("communities.yaml", "facts"): {"text": "str!", "keywords": "list[str]", "source": "id"},
    ("communities.yaml", "figures"): {"label": "str!", "value": "str!", "keywords": "list[str]", "source": "id"},
    ("communities.yaml", "honours"): {"name": "str!", "source": "id"},
    ("lists.yaml", "figures"): {"label": "str!", "value": "str!", "keywords": "list[str]"},
}

ORDER = ["sources.yaml", "categories.yaml", "communities.yaml", "programmes.yaml", "contacts.yaml", "lists.yaml", "people.yaml",
         "words.yaml"]
