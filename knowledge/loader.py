"""Loading the knowledge files into SQLite: validate everything first, then write in one transaction.

A bad file is refused with file, line, field and a plain reason (`KnowledgeError`); nothing
is half-loaded, because the database is only written after every record passed, and then
inside a single transaction. A running bot keeps its in-memory engine until a new one is
built successfully, so it keeps serving the previous knowledge.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils
import yaml

from knowledge.schema import DATE, FILES, ID, ORDER, PHONE, SUB_FIELDS

LINE = "__line__"
KNOWLEDGE_TABLES = ["sources", "categories", "synonyms", "communities", "honours", "facts", "figures",
                    "programmes", "programme_categories", "contacts", "lists", "list_members", "people", "word_groups"]


@dataclass
class Problem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class KnowledgeError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping (as key __line__, 1-based)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def read_folder(folder: Path) -> dict[str, list[dict]]:
    """Parse every knowledge file of a folder (YAML) into records carrying their line numbers."""
    data = {}
    for name in ORDER:
        path = folder / name
        if not path.exists():
            raise KnowledgeError([Problem(name, 0, "-", "file is missing")])
        try:
            docs = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise KnowledgeError([Problem(name, mark.line + 1 if mark else 0, "-",
                                          f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
        if docs is None:
            docs = []
        if not isinstance(docs, list):
            raise KnowledgeError([Problem(name, 1, "-", "the file must be a list of records")])
        data[name] = docs
    return data


def read_export(path: Path) -> dict[str, list[dict]]:
    """Records from a JSON export (`kb export --format json`); lines are record positions."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    data = {}
    for name in ORDER:
        records = doc.get(name.removesuffix(".yaml"), [])
        data[name] = [{**r, LINE: i + 1} for i, r in enumerate(records)]
    return data


def _check_value(kind: str, value: Any) -> str | None:
    """None when value fits kind, else the reason."""
    if kind == "str":
        return None if isinstance(value, str) and value.strip() else "must be non-empty text"
    if kind == "id":
        return None if isinstance(value, str) and ID.match(value) else "must be an id (a-z, 0-9, '.', '-', '_')"
    if kind == "int":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"
    if kind == "float":
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "must be a number"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if value is None or (isinstance(value, str) and DATE.match(value)) else "must be YYYY-MM-DD or null"
    if kind == "phone":
        return None if isinstance(value, str) and PHONE.match(value.strip()) else f"{value!r} is not a phone number"
    if kind.startswith("list["):
        if not isinstance(value, list):
            return "must be a list"
        inner = kind[5:-1]
        for item in value:
            if inner == "str" and not (isinstance(item, str) and item.strip()):
                return "every item must be non-empty text"
            if inner == "dict" and not isinstance(item, dict):
                return "every item must be a mapping"
            if inner == "str|dict" and not isinstance(item, (str, dict)):
                return "every item must be text or a mapping"
        return None
    raise AssertionError(kind)


def validate_form(data: dict[str, list[dict]]) -> list[Problem]:
    problems: list[Problem] = []
    for name in ORDER:
        spec = {f.name: f for f in FILES[name]}
        for rec in data[name]:
            line = rec.get(LINE, 0) if isinstance(rec, dict) else 0
            if not isinstance(rec, dict):
                problems.append(Problem(name, line, "-", "each record must be a mapping"))
                continue
            for key in rec:
                if key != LINE and key not in spec:
                    problems.append(Problem(name, line, key, "unknown field"))
            for f in spec.values():
                if f.name not in rec or rec[f.name] is None and f.kind != "date":
                    if f.required:
                        problems.append(Problem(name, line, f.name, "required field is missing"))
                    continue
                value = rec[f.name]
                if f.name == "value" and isinstance(value, (int, float)):
                    rec[f.name] = str(value)
                reason = _check_value(f.kind, value)
                if reason:
                    problems.append(Problem(name, line, f.name, reason))
            for (fname, field_name), subs in SUB_FIELDS.items():
                if fname != name or not isinstance(rec.get(field_name), list):
                    continue
                for item in rec[field_name]:
                    if isinstance(item, str):
                        continue
                    iline = item.get(LINE, line) if isinstance(item, dict) else line
                    for key, kind in subs.items():
                        need = kind.endswith("!")
                        kind = kind.rstrip("!")
                        if key not in item:
                            if need:
                                problems.append(Problem(name, iline, f"{field_name}.{key}", "required field is missing"))
                            continue
                        if key == "value" and isinstance(item[key], (int, float)):
                            item[key] = str(item[key])
                        reason = _check_value(kind, item[key])
                        if reason:
                            problems.append(Problem(name, iline, f"{field_name}.{key}", reason))
                    for key in item:
                        if key != LINE and key not in subs:
                            problems.append(Problem(name, iline, f"{field_name}.{key}", "unknown field"))
    return problems


def validate_references(data: dict[str, list[dict]]) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, set] = {}
    for name in ("sources.yaml", "categories.yaml", "communities.yaml", "programmes.yaml", "lists.yaml", "people.yaml",
                 "words.yaml"):
        seen: dict[str, int] = {}
        for rec in data[name]:
            rid = rec.get("id")
            if rid in seen:
                problems.append(Problem(name, rec[LINE], "id", f"duplicate id {rid!r} (first on line {seen[rid]})"))
            seen.setdefault(rid, rec[LINE])
        ids[name] = set(seen)
    scenes: dict[int, int] = {}

    def ref(name: str, rec: dict, field: str, value: Any, target: str, what: str) -> None:
        if value is not None and value not in ids[target]:
            problems.append(Problem(name, rec.get(LINE, 0), field, f"unknown {what} {value!r}"))

    for rec in data["communities.yaml"]:
        ref("communities.yaml", rec, "source", rec.get("source"), "sources.yaml", "source")
        for key in ("facts", "figures", "honours"):
            for item in rec.get(key) or []:
                if isinstance(item, dict):
                    ref("communities.yaml", item, f"{key}.source", item.get("source"), "sources.yaml", "source")
        if "scene" in rec:
            if rec["scene"] in scenes:
                problems.append(Problem("communities.yaml", rec[LINE], "scene",
                                        f"scene {rec['scene']} already used on line {scenes[rec['scene']]}"))
            scenes.setdefault(rec["scene"], rec[LINE])
    for rec in data["programmes.yaml"]:
        ref("programmes.yaml", rec, "community", rec.get("community"), "communities.yaml", "community")
        ref("programmes.yaml", rec, "source", rec.get("source"), "sources.yaml", "source")
        for cat in rec.get("categories") or []:
            ref("programmes.yaml", rec, "categories", cat, "categories.yaml", "category")
    for rec in data["contacts.yaml"]:
        ref("contacts.yaml", rec, "community", rec.get("community"), "communities.yaml", "community")
        ref("contacts.yaml", rec, "source", rec.get("source"), "sources.yaml", "source")
    for rec in data["people.yaml"]:
        ref("people.yaml", rec, "community", rec.get("community"), "communities.yaml", "community")
        ref("people.yaml", rec, "source", rec.get("source"), "sources.yaml", "source")
    for rec in data["lists.yaml"]:
        ref("lists.yaml", rec, "source", rec.get("source"), "sources.yaml", "source")
        if rec.get("kind") not in ("communities", "programmes"):
            problems.append(Problem("lists.yaml", rec[LINE], "kind", "must be communities or programmes"))
            continue
        target = "communities.yaml" if rec["kind"] == "communities" else "programmes.yaml"
        for member in rec.get("members") or []:
            ref("lists.yaml", rec, "members", member, target, rec["kind"][:-1])
    services = {w: rec["id"] for rec in data["categories.yaml"] for w in (rec.get("synonyms") or [])}
    for rec in data["words.yaml"]:
        for w in (rec.get("words") or []) if rec.get("outside") else []:
            if w in services:   # 打零工 cannot be both a service asked for and a matter nobody covers
                problems.append(Problem("words.yaml", rec[LINE], "words",
                                        f"{w!r} is also a synonym of category {services[w]!r}: a word is a service or outside, not both"))
    return problems


def validate(data: dict[str, list[dict]]) -> None:
    problems = validate_form(data)
    if not problems:
        problems = validate_references(data)
    if problems:
        raise KnowledgeError(problems)


def _strip(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k != LINE}


def _rows(data: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Records -> table rows; every fact row carries its own source."""
    t: dict[str, list[dict]] = {name: [] for name in KNOWLEDGE_TABLES}
    t["sources"] = [_strip(r) | {"date": r.get("date"), "note": r.get("note")} for r in data["sources.yaml"]]
    for r in data["categories.yaml"]:
        t["categories"].append({"id": r["id"], "name": r["name"], "menu_key": r.get("menu_key")})
        t["synonyms"] += [{"category_id": r["id"], "word": w, "position": i} for i, w in enumerate(r["synonyms"])]
    for r in data["communities.yaml"]:
        src = r["source"]
        t["communities"].append({
            "id": r["id"], "name": r["name"], "aliases": json.dumps(r.get("aliases") or [], ensure_ascii=False),
            **{k: r.get(k) for k in ("label", "province", "city", "county", "street", "lat", "lng", "scene",
                                     "description")}, "source": src})
        for i, h in enumerate(r.get("honours") or []):
            h = {"name": h} if isinstance(h, str) else h
            t["honours"].append({"community_id": r["id"], "position": i, "name": h["name"],
                                 "source": h.get("source", src), "explicit_source": int("source" in h)})
        for i, f in enumerate(r.get("facts") or []):
            t["facts"].append({"community_id": r["id"], "position": i, "text": f["text"],
                               "keywords": json.dumps(f.get("keywords") or [], ensure_ascii=False),
                               "source": f.get("source", src), "explicit_source": int("source" in f)})
        for i, f in enumerate(r.get("figures") or []):
            t["figures"].append({"community_id": r["id"], "position": i, "label": f["label"], "value": f["value"],
                                 "keywords": json.dumps(f.get("keywords") or [], ensure_ascii=False),
                                 "source": f.get("source", src), "explicit_source": int("source" in f)})
    for r in data["programmes.yaml"]:
        t["programmes"].append({
            "id": r["id"], "name": r["name"], "community_id": r["community"], "full_name": r.get("full_name"),
            "aliases": json.dumps(r.get("aliases") or [], ensure_ascii=False), "kind": r.get("kind"),
            "serves": r.get("serves"), "description": r.get("description"), "source": r["source"]})
        t["programme_categories"] += [{"programme_id": r["id"], "category_id": c, "position": i}
                                      for i, c in enumerate(r.get("categories") or [])]
    for i, r in enumerate(data["contacts.yaml"]):
        t["contacts"].append({"id": i + 1, "community_id": r["community"], "name": r["name"], "role": r["role"],
                              "phone": r.get("phone"), "address": r.get("address"), "source": r["source"]})
    for r in data["lists.yaml"]:
        t["lists"].append({"id": r["id"], "name": r["name"], "aliases": json.dumps(r.get("aliases") or [], ensure_ascii=False),
                           "honour": r.get("honour"), "kind": r["kind"], "ordered": int(bool(r.get("ordered"))),
                           "description": r.get("description"), "expected_size": r.get("expected_size"),
                           "figures": json.dumps([_strip(f) for f in r.get("figures") or []], ensure_ascii=False),
                           "source": r["source"]})
        t["list_members"] += [{"list_id": r["id"], "position": i, "member_id": m} for i, m in enumerate(r["members"])]
    for r in data["people.yaml"]:
        t["people"].append({"id": r["id"], "name": r["name"], "role": r["role"], "community_id": r.get("community"),
                            "organisation": r.get("organisation"), "did": r.get("did"),
                            "aliases": json.dumps(r.get("aliases") or [], ensure_ascii=False), "source": r["source"]})
    t["word_groups"] = [{"id": r["id"], "name": r["name"], "words": json.dumps(r["words"], ensure_ascii=False),
                         "outside": int(bool(r.get("outside")))} for r in data["words.yaml"]]
    return t


COLUMNS = {
    "sources": {"id": str, "title": str, "publisher": str, "date": str, "note": str},
    "categories": {"id": str, "name": str, "menu_key": str},
    "synonyms": {"category_id": str, "word": str, "position": int},
    "communities": {"id": str, "name": str, "aliases": str, "label": str, "province": str, "city": str, "county": str,
                    "street": str, "lat": float, "lng": float, "scene": int, "description": str, "source": str},
    "honours": {"community_id": str, "position": int, "name": str, "source": str, "explicit_source": int},
    "facts": {"community_id": str, "position": int, "text": str, "keywords": str, "source": str, "explicit_source": int},
    "figures": {"community_id": str, "position": int, "label": str, "value": str, "keywords": str, "source": str,
                "explicit_source": int},
    "programmes": {"id": str, "name": str, "community_id": str, "full_name": str, "aliases": str, "kind": str,
                   "serves": str, "description": str, "source": str},
    "programme_categories": {"programme_id": str, "category_id": str, "position": int},
    "contacts": {"id": int, "community_id": str, "name": str, "role": str, "phone": str, "address": str, "source": str},
    "lists": {"id": str, "name": str, "aliases": str, "honour": str, "kind": str, "ordered": int, "description": str,
              "expected_size": int, "figures": str, "source": str},
    "list_members": {"list_id": str, "position": int, "member_id": str},
    "people": {"id": str, "name": str, "role": str, "community_id": str, "organisation": str, "did": str, "aliases": str,
               "source": str},
    "word_groups": {"id": str, "name": str, "words": str, "outside": int},
}
INDEXES = {"honours": ["community_id"], "facts": ["community_id"], "figures": ["community_id"],
           "programmes": ["community_id"], "programme_categories": ["programme_id"], "contacts": ["community_id"],
           "list_members": ["list_id"], "synonyms": ["category_id"]}
PKS = {"sources": "id", "categories": "id", "communities": "id", "programmes": "id", "contacts": "id", "lists": "id",
       "people": "id", "word_groups": "id"}


def digest(folder: Path) -> str:
    """Fingerprint of the knowledge files, to notice edits made since the last build."""
    import hashlib
    h = hashlib.sha256()
    for name in ORDER:
        path = Path(folder) / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()


@contextmanager
def _write_lock(db: sqlite_utils.Database):
    """A transaction that holds the write lock from its start (BEGIN IMMEDIATE). A plain BEGIN reads
    first; if another connection (the serving process's question log) commits before the first
    write, SQLite refuses the upgrade at once ("database is locked") instead of waiting."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def write(db: sqlite_utils.Database, data: dict[str, list[dict]], fingerprint: str = "") -> dict[str, int]:
    """Replace the knowledge tables in one transaction; returns row counts."""
    rows = _rows(data)
    with _write_lock(db), db.atomic():  # one transaction: all tables or none
        for table in KNOWLEDGE_TABLES:
            if db[table].exists():
                db[table].drop()
            for suffix in ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content"):
                db.execute(f"drop table if exists [{table}{suffix}]")
        for table in KNOWLEDGE_TABLES:
            db[table].create(COLUMNS[table], pk=PKS.get(table))
            for column in INDEXES.get(table, []):
                db[table].create_index([column])
            if rows[table]:
                db[table].insert_all(rows[table], batch_size=1000)
        db["kb_meta"].upsert({"key": "built", "value": str(sum(len(r) for r in rows.values()))}, pk="key")
        db["kb_meta"].upsert({"key": "digest", "value": fingerprint}, pk="key")
        # passage search is built in memory by the engine (knowledge/passages.py); the old table goes
        for suffix in ("", "_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config"):
            db.execute(f"drop table if exists [search_docs{suffix}]")
    return {table: db[table].count for table in KNOWLEDGE_TABLES}


def is_built(db: sqlite_utils.Database) -> bool:
    return db["kb_meta"].exists() and db["communities"].exists()


def is_current(db: sqlite_utils.Database, folder: Path) -> bool:
    """Built, and from the files as they are now."""
    if not is_built(db):
        return False
    row = db.execute("select value from kb_meta where key = 'digest'").fetchone()
    return bool(row) and row[0] == digest(folder)


def load(source: Path) -> dict[str, list[dict]]:
    data = read_export(source) if source.is_file() else read_folder(source)
    validate(data)
    return data


def build_database(db: sqlite_utils.Database, source: Path) -> dict[str, int]:
    """Validate `source` (a folder of YAML files or a JSON export) and load it."""
    source = Path(source)
    return write(db, load(source), digest(source) if source.is_dir() else "export:" + source.name)


def export_records(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """The knowledge as records of the source format (the inverse of `_rows`)."""
    q = lambda sql, *a: list(db.query(sql, list(a)))  # noqa: E731
    out: dict[str, list[dict]] = {}
    out["sources"] = [{k: v for k, v in r.items() if v is not None or k == "date"}
                      for r in q("select id, title, publisher, date, note from sources order by rowid")]
    out["categories"] = []
    for r in q("select * from categories order by rowid"):
        rec = {"id": r["id"], "name": r["name"]}
        if r["menu_key"]:
            rec["menu_key"] = r["menu_key"]
        rec["synonyms"] = [s["word"] for s in q("select word from synonyms where category_id = ? order by position", r["id"])]
        out["categories"].append(rec)
    out["communities"] = []
    for r in q("select * from communities order by rowid"):
        rec = {"id": r["id"], "name": r["name"]}
        if json.loads(r["aliases"]):
            rec["aliases"] = json.loads(r["aliases"])
        for k in ("label", "province", "city", "county", "street", "lat", "lng", "scene", "source", "description"):
            if r.get(k) is not None:
                rec[k] = r[k]
        honours = []
        for h in q("select * from honours where community_id = ? order by position", r["id"]):
            honours.append({"name": h["name"], "source": h["source"]} if h["explicit_source"] else h["name"])
        if honours:
            rec["honours"] = honours
        for table, keys in (("facts", ("text",)), ("figures", ("label", "value"))):
            items = []
            for f in q(f"select * from {table} where community_id = ? order by position", r["id"]):
                item = {k: f[k] for k in keys}
                if json.loads(f["keywords"]):
                    item["keywords"] = json.loads(f["keywords"])
                if f["explicit_source"]:
                    item["source"] = f["source"]
                items.append(item)
            if items:
                rec[table] = items
        out["communities"].append(rec)
    out["programmes"] = []
    for r in q("select * from programmes order by rowid"):
        rec = {"id": r["id"], "name": r["name"], "community": r["community_id"]}
        if r["full_name"]:
            rec["full_name"] = r["full_name"]
        if json.loads(r["aliases"]):
            rec["aliases"] = json.loads(r["aliases"])
        if r["kind"]:
            rec["kind"] = r["kind"]
        rec["categories"] = [c["category_id"] for c in q(
            "select category_id from programme_categories where programme_id = ? order by position", r["id"])]
        for k in ("serves", "description"):
            if r[k]:
                rec[k] = r[k]
        rec["source"] = r["source"]
        out["programmes"].append(rec)
    out["contacts"] = [{k: v for k, v in r.items() if v is not None}
                       for r in q("select community_id as community, name, role, phone, address, source from contacts order by id")]
    out["lists"] = []
    for r in q("select * from lists order by rowid"):
        rec = {"id": r["id"], "name": r["name"]}
        if json.loads(r["aliases"]):
            rec["aliases"] = json.loads(r["aliases"])
        for k in ("honour",):
            if r[k]:
                rec[k] = r[k]
        rec["kind"] = r["kind"]
        rec["ordered"] = bool(r["ordered"])
        for k in ("description", "expected_size"):
            if r[k] is not None:
                rec[k] = r[k]
        if json.loads(r.get("figures") or "[]"):
            rec["figures"] = json.loads(r["figures"])
        rec["members"] = [m["member_id"] for m in q("select member_id from list_members where list_id = ? order by position", r["id"])]
        rec["source"] = r["source"]
        out["lists"].append(rec)
    out["people"] = []
    for r in q("select * from people order by rowid") if db["people"].exists() else []:
        rec = {"id": r["id"], "name": r["name"], "role": r["role"]}
        if r["community_id"]:
            rec["community"] = r["community_id"]
        for k in ("organisation", "did"):
            if r[k]:
                rec[k] = r[k]
        if json.loads(r["aliases"]):
            rec["aliases"] = json.loads(r["aliases"])
        rec["source"] = r["source"]
        out["people"].append(rec)
    out["words"] = [{"id": r["id"], "name": r["name"], "words": json.loads(r["words"])} |
                    ({"outside": True} if r.get("outside") else {})
                    for r in (q("select * from word_groups order by rowid") if db["word_groups"].exists() else [])]
    return out


def table_rows(db: sqlite_utils.Database, tables: Iterable[str] = KNOWLEDGE_TABLES):
    for table in tables:
        if db[table].exists():
            yield table, list(db[table].rows)
