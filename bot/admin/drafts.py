"""Drafts proposed from an article (owner of `admin_draft_batches` and `admin_drafts`).

A batch is one pasted article; its drafts carry generated ids and the article as their source.
Nothing enters the knowledge until a person accepts a draft (see pages/drafts.py)."""
from __future__ import annotations

import json
import time

import sqlite_utils
from sqlite_utils import Migrations

from bot.admin.extract import extract, slug

FACT_KINDS = ("honours", "figures")


MIGRATIONS = Migrations("admin_drafts")


@MIGRATIONS()
def m001_admin_drafts(db: sqlite_utils.Database) -> None:
    if not db["admin_draft_batches"].exists():
        db["admin_draft_batches"].create({"id": int, "title": str, "publisher": str, "date": str, "source_id": str,
                                          "text": str, "who": str, "created": float}, pk="id")
    if not db["admin_drafts"].exists():
        db["admin_drafts"].create({"id": int, "batch": int, "kind": str, "data": str, "status": str, "note": str,
                                   "evidence": str, "decided_by": str}, pk="id")
        db["admin_drafts"].create_index(["batch"])


class Drafts:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.batches, self.items = db["admin_draft_batches"], db["admin_drafts"]
        MIGRATIONS.apply(db)

    def propose(self, who: str, title: str, publisher: str, date: str, text: str, kb, found=None) -> int:
        """Store the proposals extracted from `text` (`found`: the extraction, when already done
        off the event loop); ids are generated against the knowledge as it is (`kb`: KnowledgeFiles)."""
        communities = kb.records("communities")
        known = {}
        for c in communities:
            for n in [c["name"], *(c.get("aliases") or [])]:
                known[n] = c["id"]
        taken = {c["id"] for c in communities} | {p["id"] for p in kb.records("programmes")}
        people = kb.records("people")
        person_ids = {p["id"] for p in people}
        named = {p["name"]: p["id"] for p in people}
        sources = {s["id"] for s in kb.records("sources")}
        bid = self.batches.insert({"title": title, "publisher": publisher, "date": date, "text": text, "who": who,
                                   "created": time.time(), "source_id": ""}).last_pk
        source_id = slug(f"article{bid}", set(sources))
        self.batches.update(bid, {"source_id": source_id})
        found = found if found is not None else extract(text)
        ids = dict(known)
        for p in found.proposals:
            if p.kind == "communities" and p.data["name"].removesuffix("社区") in known:
                ids[p.data["name"]] = known[p.data["name"].removesuffix("社区")]
            elif p.kind == "communities" and p.data["name"] not in known:
                ids[p.data["name"]] = slug(p.data["name"].removesuffix("社区"), taken)
        rows = []
        for p in found.proposals:
            data = dict(p.data)
            if p.kind == "communities":
                if data["name"] in known or data["name"].removesuffix("社区") in known:
                    continue  # already in the knowledge: nothing to propose about the community itself
                data = {"id": ids[data["name"]], **data, "source": source_id}
            elif p.kind == "programmes":
                cid = ids.get(data["community"], data["community"])
                data = {"id": f"{cid}.{slug(data['name'], taken)}", **data, "community": cid, "source": source_id}
            elif p.kind == "people":   # the people knowledge (people.yaml), with a generated id
                where = ({"community": ids.get(data["community"], data["community"])} if data.get("community")
                         else {"organisation": publisher})
                data = {"id": slug(data["name"], person_ids), "name": data["name"], "role": data["role"], **where,
                        "source": source_id}
                note = f"已有同名：{named[data['name']]}" if data["name"] in named else p.note
                rows.append({"batch": bid, "kind": p.kind, "data": json.dumps(data, ensure_ascii=False),
                             "status": "pending", "note": note, "evidence": p.evidence, "decided_by": ""})
                continue
            else:
                data = {**data, "community": ids.get(data["community"], data["community"])}
            rows.append({"batch": bid, "kind": p.kind, "data": json.dumps(data, ensure_ascii=False),
                         "status": "pending", "note": p.note, "evidence": p.evidence, "decided_by": ""})
        if rows:
            self.items.insert_all(rows)
        return bid

    def batch(self, bid: int) -> dict | None:
        rows = list(self.batches.rows_where("id = ?", [bid]))
        return rows[0] if rows else None

    def all_batches(self) -> list[dict]:
        return list(self.batches.rows_where(order_by="id desc", limit=50,
                                            select="id, title, publisher, date, source_id, who, created"))

    def of(self, bid: int) -> list[dict]:
        return [{**r, "data": json.loads(r["data"])} for r in self.items.rows_where("batch = ?", [bid], order_by="id")]

    def get(self, did: int) -> dict | None:
        rows = list(self.items.rows_where("id = ?", [did]))
        return {**rows[0], "data": json.loads(rows[0]["data"])} if rows else None

    def decide(self, did: int, status: str, who: str, data: dict | None = None) -> None:
        change = {"status": status, "decided_by": who}
        if data is not None:
            change["data"] = json.dumps(data, ensure_ascii=False)
        self.items.update(did, change)
