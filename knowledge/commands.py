"""`run_bot.py kb ...`: build, validate, export and count the knowledge base. The use cases are
knowledge/operations.py; this module only parses arguments and prints their results with rich."""
from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from knowledge import operations
from knowledge.operations import KnowledgeError

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _report(exc: KnowledgeError) -> int:
    err.print(f"[red]knowledge refused: {len(exc.problems)} problem(s); nothing was loaded[/red]")
    for p in exc.problems[:50]:
        err.print(f"  {p}")
    return 1


def _print_tables(tables: dict[str, list[dict]]) -> None:
    for title, rows in tables.items():
        t = Table(title=title)
        for col in (rows[0] if rows else {}):
            t.add_column(col, justify="right" if isinstance(rows[0][col], int) else "left")
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r.values()))
        console.print(t)


def run_kb(args, db_for, source: Path) -> int:
    try:
        if args.kb_command == "validate":
            counts = operations.validate(source)
            console.print("[green]valid[/green]: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            return 0
        db = db_for()
        if args.kb_command == "build":
            counts = operations.build(db, source)
            console.print(f"[green]built[/green] from {source}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
        elif args.kb_command == "export" and args.format == "json":
            text = operations.export_json(db)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        elif args.kb_command == "export":
            files = operations.export_csv(db, Path(args.output or "kb-export"))
            console.print(f"wrote {len(files)} CSV files to {Path(args.output or 'kb-export')}/")
        else:
            tables = operations.stats(db)
            if tables is None:
                err.print("the knowledge base is empty: run `run_bot.py kb build`")
                return 1
            _print_tables(tables)
    except KnowledgeError as exc:
        return _report(exc)
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
        return run_kb(args, lambda: needs(cfg), source)
    kb.set_defaults(func=run)


__all__ = ["register"]
