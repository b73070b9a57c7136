"""Editing the knowledge files from the console (owner of the `kb_history` table).

The YAML files stay the source of truth: a change is validated with the loader's own validators
(over every file, so references are checked too), written back with ruamel.yaml's round trip
(comments, order and flow style kept; only the changed file is rewritten), and the running
engine is swapped the way a reload does. Each change is kept with its before and after, for
history and undo.
"""
from __future__ import annotations

import asyncio
import copy
import io
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from knowledge.loader import LINE, KnowledgeError, Problem, validate
from knowledge.schema import FILES, ORDER, Field

EDITED = 999_999  # line number given to the record being edited, to pick its problems out


@dataclass(frozen=True)
class Kind:
    """One knowledge file seen as a list of records with a key."""
    name: str             # communities, programmes, contacts, ... (the file name without .yaml)
    fields: tuple[Field, ...]

    @property
    def file(self) -> str:
        return self.name + ".yaml"

    @property
    def key_fields(self) -> tuple[str, ...]:
        names = [f.name for f in self.fields]
        return ("id",) if "id" in names else tuple(n for n in ("community", "name") if n in names)

    def key(self, rec: dict) -> str:
        return "/".join(str(rec.get(k, "")) for k in self.key_fields)

    def community(self, rec: dict) -> str | None:
        """The community a record belongs to (what staff may edit), None for shared records."""
        if self.name == "communities":
            return rec.get("id")
        return rec.get("community") if any(f.name == "community" for f in self.fields) else None


KINDS = {name.removesuffix(".yaml"): Kind(name.removesuffix(".yaml"), tuple(FILES[name])) for name in ORDER}


class ChangeRefused(ValueError):
    """Validation problems: `fields` maps a field of the edited record to its reason, `other` the rest."""

    def __init__(self, fields: dict[str, str], other: list[str]) -> None:
        self.fields, self.other = fields, other
        super().__init__("; ".join([f"{k}: {v}" for k, v in fields.items()] + other))


def plain(value):
    """ruamel's commented containers as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _styled(value, flow: bool):
    """Plain values as ruamel containers: lists of scalars in flow style, like the files."""
    if isinstance(value, dict):
        m = CommentedMap((k, _styled(v, False)) for k, v in value.items())
        if flow:
            m.fa.set_flow_style()
        return m
    if isinstance(value, list):
        s = CommentedSeq(_styled(v, False) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            s.fa.set_flow_style()
        return s
    return value


def _meaning(rec: dict) -> dict:
    """A record without its empty fields: `categories: []` and no categories mean the same."""
    return {k: v for k, v in rec.items() if v not in (None, "", [], {})}


class KnowledgeFiles:
    def __init__(self, cfg, db, deps) -> None:
        self.cfg, self.db, self.deps = cfg, db, deps
        self.folder = Path(cfg.path(cfg.knowledge.data_dir))
        self.yaml = YAML()
        self.yaml.width = 4096
        self.yaml.preserve_quotes = True
        self.yaml.indent(mapping=2, sequence=2, offset=0)
        self._cache: dict[str, tuple] = {}    # file -> (stat signature, ruamel document, plain records)
        self._lock = threading.Lock()
        self.history = db["kb_history"]
        if not self.history.exists():
            self.history.create({"id": int, "at": float, "who": str, "kind": str, "key": str, "before": str,
                                 "after": str, "undone": int}, pk="id")
            self.history.create_index(["kind", "key"])

    # reading
    def _parsed(self, kind: Kind) -> tuple[CommentedSeq, list[dict]]:
        """The file's round-trip document and its records, parsed again only when the file changed
        (ruamel's round trip is slow; pages read far more often than they write)."""
        path = self.folder / kind.file
        st = path.stat()
        sig = (st.st_mtime_ns, st.st_size)
        cached = self._cache.get(kind.file)
        if cached is None or cached[0] != sig:
            doc = self.yaml.load(path.read_text(encoding="utf-8"))
            doc = doc if doc is not None else CommentedSeq()
            cached = self._cache[kind.file] = (sig, doc, [plain(r) for r in doc])
        return cached[1], cached[2]

    def _load(self, kind: Kind) -> CommentedSeq:
        return self._parsed(kind)[0]

    def records(self, kind: str) -> list[dict]:
        return copy.deepcopy(self._parsed(KINDS[kind])[1])

    def get(self, kind: str, key: str) -> dict | None:
        k = KINDS[kind]
        return next((r for r in self.records(kind) if k.key(r) == key), None)

    def search(self, kind: str, query: str = "") -> list[dict]:
        query = query.strip().lower()
        recs = self.records(kind)
        return [r for r in recs if not query or query in json.dumps(r, ensure_ascii=False).lower()]

    # writing
    def _validate(self, kind: Kind, changed: list[dict | None], edited_key: str | None) -> None:
        data = {}
        for name in ORDER:
            docs = changed if name == kind.file else self._parsed(KINDS[name.removesuffix(".yaml")])[1]
            recs = []
            for i, r in enumerate(d for d in docs if d is not None):
                r = copy.deepcopy(r)
                r[LINE] = EDITED if name == kind.file and edited_key is not None and kind.key(r) == edited_key else i + 1
                recs.append(r)
            data[name] = recs
        try:
            validate(data)
        except KnowledgeError as exc:
            mine = {p.field: p.reason for p in exc.problems if p.file == kind.file and p.line == EDITED}
            other = [self._describe(p) for p in exc.problems if not (p.file == kind.file and p.line == EDITED)]
            raise ChangeRefused(mine, other) from None

    @staticmethod
    def _describe(p: Problem) -> str:
        return f"{p.file} record {p.line}: {p.field}: {p.reason}"

    def _write(self, kind: Kind, doc: CommentedSeq) -> None:
        buf = io.StringIO()
        self.yaml.dump(doc, buf)
        path = self.folder / kind.file
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        tmp.replace(path)
        self._cache.pop(kind.file, None)

    def _reload(self) -> None:
        """Rebuild and swap the engine; off the event loop's thread a connection of its own is used."""
        from bot.wiring import open_database, reload_knowledge
        own = threading.current_thread() is not threading.main_thread() and self.cfg.storage.database != ":memory:"
        db = open_database(self.cfg) if own else self.db
        try:
            if not reload_knowledge(self.cfg, db, self.deps):
                raise ChangeRefused({}, ["the knowledge files were refused on reload; see the log"])
        finally:
            if own:
                db.conn.close()

    def _off_loop(self) -> bool:
        return self.cfg.storage.database != ":memory:"

    async def apply_async(self, who: str, kind_name: str, key: str | None, record: dict | None) -> dict:
        """`apply` with the files written and the engine rebuilt in a worker thread, so the webhook
        keeps answering meanwhile; history is written here, on the loop's own connection."""
        if not self._off_loop():
            return self.apply(who, kind_name, key, record)
        entry = await asyncio.to_thread(self._locked, self._apply, who, kind_name, key, record)
        self.history.insert(entry)
        return entry

    async def replace_all_async(self, who: str, kind_name: str, records: list[dict]) -> int:
        if not self._off_loop():
            return self.replace_all(who, kind_name, records)
        entries = await asyncio.to_thread(self._locked, self._replace_all, who, kind_name, records)
        if entries:
            self.history.insert_all(entries)
        return len(entries)

    def _locked(self, fn, *args):
        with self._lock:
            return fn(*args)

    def apply(self, who: str, kind_name: str, key: str | None, record: dict | None) -> dict:
        """Put `record` in place of the record `key` (None: add it; record None: delete). Validated
        first; on success the file is written, the engine swapped and the change kept in history."""
        entry = self._locked(self._apply, who, kind_name, key, record)
        self.history.insert(entry)
        return entry

    def _apply(self, who: str, kind_name: str, key: str | None, record: dict | None) -> dict:
        kind = KINDS[kind_name]
        doc = self._load(kind)
        index = next((i for i, r in enumerate(doc) if key is not None and kind.key(plain(r)) == key), None)
        if key is not None and index is None:
            raise ChangeRefused({}, [f"no {kind_name} record {key!r} (changed meanwhile?)"])
        before = plain(doc[index]) if index is not None else None
        records = [plain(r) for r in doc]
        if index is None:
            records.append(record)
        else:
            records[index] = record
        self._validate(kind, records, kind.key(record) if record is not None else None)
        if record is None:
            del doc[index]
        else:
            flow = bool(len(doc) and doc[0].fa.flow_style()) if index is None else bool(doc[index].fa.flow_style())
            new = _styled(record, flow)
            if index is None:
                doc.append(new)
            else:
                doc[index] = new
        self._write(kind, doc)
        self._reload()
        return {"at": time.time(), "who": who, "kind": kind_name,
                 "key": kind.key(record) if record is not None else key,
                 "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
                 "after": json.dumps(record, ensure_ascii=False) if record is not None else None, "undone": 0}

    def replace_all(self, who: str, kind_name: str, records: list[dict]) -> int:
        """Upsert many records at once (CSV import): all validated together, one write and reload."""
        entries = self._locked(self._replace_all, who, kind_name, records)
        if entries:
            self.history.insert_all(entries)
        return len(entries)

    def _replace_all(self, who: str, kind_name: str, records: list[dict]) -> list[dict]:
        kind = KINDS[kind_name]
        doc = self._load(kind)
        current = [plain(r) for r in doc]
        where = {kind.key(r): i for i, r in enumerate(current)}
        changes = []
        for rec in records:
            i = where.get(kind.key(rec))
            if i is None:
                where[kind.key(rec)] = len(current)
                current.append(rec)
                changes.append((None, rec))
            elif _meaning(current[i]) != _meaning(rec):
                changes.append((current[i], rec))
                current[i] = rec
        if not changes:
            return []
        self._validate(kind, current, None)
        flow = bool(len(doc) and doc[0].fa.flow_style())
        new = CommentedSeq()
        for i, rec in enumerate(current):
            new.append(doc[i] if i < len(doc) and _meaning(plain(doc[i])) == _meaning(rec) else _styled(rec, flow))
        doc[:] = new
        self._write(kind, doc)
        self._reload()
        return [{"at": time.time(), "who": who, "kind": kind_name, "key": kind.key(after),
                 "before": json.dumps(before, ensure_ascii=False) if before else None,
                 "after": json.dumps(after, ensure_ascii=False), "undone": 0} for before, after in changes]

    # history
    def changes(self, kind: str | None = None, key: str | None = None, limit: int = 50) -> list[dict]:
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if key:
            where.append("key = ?")
            args.append(key)
        return list(self.history.rows_where(" and ".join(where) or None, args, order_by="id desc", limit=limit))

    async def undo(self, who: str, change_id: int) -> dict:
        """Put the record back as it was before change `change_id` (itself a new change)."""
        h = self.history.get(change_id)
        kind = KINDS[h["kind"]]
        before = json.loads(h["before"]) if h["before"] else None
        after = json.loads(h["after"]) if h["after"] else None
        current_key = kind.key(after) if after is not None else None
        if after is not None and self.get(h["kind"], current_key) is None:
            raise ChangeRefused({}, ["the record was changed or deleted since; nothing to undo"])
        entry = await self.apply_async(who, h["kind"], current_key, before)
        self.history.update(change_id, {"undone": 1})
        return entry
