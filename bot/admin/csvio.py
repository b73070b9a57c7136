"""CSV export and import of one kind of knowledge record (a round trip: import(export) changes nothing).

Lists of words are joined with `|`; nested fields (facts, figures, honours) are JSON in their cell."""
from __future__ import annotations

import csv
import io
import json

from bot.admin.forms import widget


def export(fields, records: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([f.name for f in fields])
    for rec in records:
        row = []
        for f in fields:
            v = rec.get(f.name)
            kind = widget(f)
            if v is None:
                row.append("")
            elif kind == "words":
                row.append("|".join(str(x) for x in v))
            elif kind == "yaml":
                row.append(json.dumps(v, ensure_ascii=False))
            elif kind == "bool":
                row.append("true" if v else "false")
            else:
                row.append(v)
        w.writerow(row)
    return buf.getvalue()


def parse(fields, text: str) -> list[dict]:
    """Records from CSV text; raises ValueError naming the row and column of a bad cell."""
    by_name = {f.name: f for f in fields}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    unknown = set(reader.fieldnames or []) - set(by_name)
    if unknown:
        raise ValueError(f"unknown column {sorted(unknown)[0]!r}")
    out = []
    for n, row in enumerate(reader, start=2):
        rec = {}
        for name, cell in row.items():
            f, cell = by_name[name], (cell or "").strip()
            if not cell:
                continue
            kind = widget(f)
            if kind == "words":
                rec[name] = [p for p in cell.split("|") if p]
            elif kind == "yaml":
                try:
                    rec[name] = json.loads(cell)
                except json.JSONDecodeError:
                    raise ValueError(f"row {n}, column {name}: not valid JSON") from None
            elif kind == "bool":
                rec[name] = cell.lower() in ("true", "1", "yes")
            elif f.kind in ("int", "float"):
                try:
                    rec[name] = int(cell) if f.kind == "int" else float(cell)
                except ValueError:
                    raise ValueError(f"row {n}, column {name}: not a number") from None
            else:
                rec[name] = cell
        out.append(rec)
    return out
