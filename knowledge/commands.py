"""`run_bot.py kb ...`: build, validate, export and count the knowledge base, with rich output."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from knowledge.loader import KnowledgeError, build_database, export_records, load

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _report(exc: KnowledgeError) -> int:
    err.print(f"[red]knowledge refused: {len(exc.problems)} problem(s); nothing was loaded[/red]")
    for p in exc.problems[:50]:
        err.print(f"  {p}")
    return 1


def kb_build(db, source: Path) -> int:
    try:
        counts = build_database(db, source)
    except KnowledgeError as exc:
        return _report(exc)
    console.print(f"[green]built[/green] from {source}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    return 0


def kb_validate(source: Path) -> int:
    try:
        data = load(source)
    except KnowledgeError as exc:
        return _report(exc)
    console.print("[green]valid[/green]: " + ", ".join(f"{len(v)} {k.removesuffix('.yaml')}" for k, v in data.items()))
    return 0


def kb_export(db, fmt: str, out: str | None) -> int:
    records = export_records(db)
    if fmt == "json":
        text = json.dumps(records, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    folder = Path(out or "kb-export")
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in records.items():
        keys = list(dict.fromkeys(k for r in rows for k in r))
        with open(folder / f"{table}.csv", "w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            for r in rows:
                w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                            for k, v in r.items()})
    console.print(f"wrote {len(records)} CSV files to {folder}/")
    return 0


def kb_stats(db) -> int:
    if not db["communities"].exists():
        err.print("the knowledge base is empty: run `run_bot.py kb build`")
        return 1
    t = Table(title="Knowledge base")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for table in ("sources", "communities", "programmes", "categories", "synonyms", "contacts", "lists",
                  "list_members", "honours", "facts", "figures", "people"):
        t.add_row(table, str(db[table].count if db[table].exists() else 0))
    console.print(t)
    c = Table(title="Programmes per category")
    c.add_column("category")
    c.add_column("programmes", justify="right")
    c.add_column("communities", justify="right")
    for r in db.query("select c.name, count(distinct pc.programme_id) n, count(distinct p.community_id) m "
                      "from categories c left join programme_categories pc on pc.category_id = c.id "
                      "left join programmes p on p.id = pc.programme_id group by c.id order by n desc"):
        c.add_row(r["name"], str(r["n"]), str(r["m"]))
    console.print(c)
    ls = Table(title="Lists")
    for col in ("list", "members", "stated size", "source"):
        ls.add_column(col)
    for r in db.query("select l.name, l.expected_size, s.publisher || coalesce('，' || s.date, '') src, "
                      "(select count(*) from list_members m where m.list_id = l.id) n "
                      "from lists l join sources s on s.id = l.source"):
        ls.add_row(r["name"], str(r["n"]), str(r["expected_size"] or r["n"]), r["src"])
    console.print(ls)
    s = Table(title="Facts per source")
    for col in ("source", "communities", "programmes", "facts, figures, honours", "contacts"):
        s.add_column(col)
    for r in db.query("""select s.publisher || coalesce('，' || s.date, '') name,
        (select count(*) from communities x where x.source = s.id) c, (select count(*) from programmes x where x.source = s.id) p,
        (select count(*) from facts x where x.source = s.id) + (select count(*) from figures x where x.source = s.id)
          + (select count(*) from honours x where x.source = s.id) f, (select count(*) from contacts x where x.source = s.id) k
        from sources s"""):
        s.add_row(r["name"], str(r["c"]), str(r["p"]), str(r["f"]), str(r["k"]))
    console.print(s)
    cm = Table(title="Communities")
    for col in ("community", "where", "programmes", "facts", "source"):
        cm.add_column(col)
    for r in db.query("""select c.name, coalesce(c.label, trim(coalesce(c.province,'') || coalesce(c.city,'') ||
          coalesce(c.county,'') || coalesce(c.street,''))) place,
        (select count(*) from programmes p where p.community_id = c.id) p,
        (select count(*) from facts f where f.community_id = c.id) + (select count(*) from figures f where f.community_id = c.id)
          + (select count(*) from honours f where f.community_id = c.id) f,
        s.publisher || coalesce('，' || s.date, '') src from communities c join sources s on s.id = c.source order by c.rowid"""):
        cm.add_row(r["name"], r["place"] or "", str(r["p"]), str(r["f"]), r["src"])
    console.print(cm)
    pg = Table(title="Programmes")
    for col in ("programme", "community", "categories", "source"):
        pg.add_column(col)
    for r in db.query("""select coalesce(p.full_name, p.name) name, c.name community,
        (select group_concat(k.name, '、') from programme_categories pc join categories k on k.id = pc.category_id
          where pc.programme_id = p.id) cats, s.publisher || coalesce('，' || s.date, '') src
        from programmes p join communities c on c.id = p.community_id join sources s on s.id = p.source order by p.rowid"""):
        pg.add_row(r["name"], r["community"], r["cats"] or "", r["src"])
    console.print(pg)
    return 0


def register(sub, needs) -> None:
    """Add `kb` and its subcommands to an argparse subparsers object."""
    kb = sub.add_parser("kb", help="build, validate, export or count the knowledge base")
    ks = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    b = ks.add_parser("build", help="validate the knowledge files and load them into the database (one transaction)")
    b.add_argument("--from", dest="source", help="folder of YAML files or a JSON export (default: knowledge.data_dir)")
    v = ks.add_parser("validate", help="check the knowledge files without loading them")
    v.add_argument("--from", dest="source", help="folder of YAML files or a JSON export")
    e = ks.add_parser("export", help="write the knowledge base as JSON (stdout) or CSV files")
    e.add_argument("--format", choices=("json", "csv"), default="json")
    e.add_argument("--output", "-o", help="file (json) or folder (csv)")
    ks.add_parser("stats", help="counts per table, per category, per list and per source")

    def run(args, cfg) -> int:
        source = Path(args.source) if getattr(args, "source", None) else cfg.path(cfg.knowledge.data_dir)
        if args.kb_command == "validate":
            return kb_validate(source)
        db = needs(cfg)
        if args.kb_command == "build":
            return kb_build(db, source)
        if args.kb_command == "export":
            return kb_export(db, args.format, args.output)
        return kb_stats(db)
    kb.set_defaults(func=run)


__all__ = ["register"]
