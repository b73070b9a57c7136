"""Operators' knowledge use cases. Each returns data; the CLI (knowledge/commands.py) and the web
console only present it. A refused knowledge file raises `KnowledgeError` with every problem
(file, line, field), and nothing is written."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlite_utils

from knowledge.loader import KnowledgeError, build_database, export_records, load

__all__ = ["KnowledgeError", "build", "export_csv", "export_json", "stats", "validate"]


def build(db: sqlite_utils.Database, source: Path) -> dict[str, int]:
    """Validate the files in `source` and load them (one transaction); rows per table."""
    return build_database(db, source)


def validate(source: Path) -> dict[str, int]:
    """Check the files without loading them; entries per file."""
    return {k.removesuffix(".yaml"): len(v) for k, v in load(source).items()}


def export_json(db: sqlite_utils.Database) -> str:
    return json.dumps(export_records(db), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def export_csv(db: sqlite_utils.Database, folder: Path) -> list[Path]:
    """One CSV file per table (lists and objects JSON-encoded in their cell); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, rows in export_records(db).items():
        keys = list(dict.fromkeys(k for r in rows for k in r))
        path = folder / f"{table}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            for r in rows:
                w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                            for k, v in r.items()})
        written.append(path)
    return written


STATS_QUERIES = {
    "Programmes per category": """select c.name category, count(distinct pc.programme_id) programmes,
        count(distinct p.community_id) communities from categories c
        left join programme_categories pc on pc.category_id = c.id left join programmes p on p.id = pc.programme_id
        group by c.id order by programmes desc""",
    "Lists": """select l.name list, (select count(*) from list_members m where m.list_id = l.id) members,
        coalesce(l.expected_size, (select count(*) from list_members m where m.list_id = l.id)) "stated size",
        s.publisher || coalesce('，' || s.date, '') source from lists l join sources s on s.id = l.source""",
    "Facts per source": """select s.publisher || coalesce('，' || s.date, '') source,
        (select count(*) from communities x where x.source = s.id) communities,
        (select count(*) from programmes x where x.source = s.id) programmes,
        (select count(*) from facts x where x.source = s.id) + (select count(*) from figures x where x.source = s.id)
          + (select count(*) from honours x where x.source = s.id) "facts, figures, honours",
        (select count(*) from contacts x where x.source = s.id) contacts from sources s""",
    "Communities": """select c.name community, coalesce(c.label, trim(coalesce(c.province,'') || coalesce(c.city,'') ||
          coalesce(c.county,'') || coalesce(c.street,''))) "where",
        (select count(*) from programmes p where p.community_id = c.id) programmes,
        (select count(*) from facts f where f.community_id = c.id) + (select count(*) from figures f where f.community_id = c.id)
          + (select count(*) from honours f where f.community_id = c.id) facts,
        s.publisher || coalesce('，' || s.date, '') source from communities c join sources s on s.id = c.source
        order by c.rowid""",
    "Programmes": """select coalesce(p.full_name, p.name) programme, c.name community,
        coalesce((select group_concat(k.name, '、') from programme_categories pc join categories k on k.id = pc.category_id
          where pc.programme_id = p.id), '') categories, s.publisher || coalesce('，' || s.date, '') source
        from programmes p join communities c on c.id = p.community_id join sources s on s.id = p.source
        order by p.rowid""",
}
COUNTED_TABLES = ("sources", "communities", "programmes", "categories", "synonyms", "contacts", "lists",
                  "list_members", "honours", "facts", "figures", "people", "word_groups")


def stats(db: sqlite_utils.Database) -> dict[str, list[dict]] | None:
    """Titled tables of rows (None when the knowledge base was never built)."""
    if not db["communities"].exists():
        return None
    tables = {"Knowledge base": [{"table": t, "rows": db[t].count} for t in COUNTED_TABLES if db[t].exists()]}
    tables.update({title: list(db.query(sql)) for title, sql in STATS_QUERIES.items()})
    return tables
