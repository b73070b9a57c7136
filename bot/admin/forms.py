"""Knowledge records to form values and back, driven by the schema's field kinds.

Form parsing only turns text into the types a field holds; whether the values are acceptable is
decided by the loader's validators (the same as for the files), so errors read the same."""
from __future__ import annotations

import re

import yaml

from knowledge.schema import Field

SPLIT = re.compile(r"[,，、;；\n]+")
LONG = {"description", "note"}


def widget(f: Field) -> str:
    if f.kind.startswith("list[dict") or f.kind.startswith("list[str|"):
        return "yaml"
    if f.kind == "list[str]":
        return "words"
    if f.kind == "bool":
        return "bool"
    return "textarea" if f.name in LONG else "text"


def to_form(fields, rec: dict | None) -> dict[str, str]:
    rec = rec or {}
    out = {}
    for f in fields:
        v = rec.get(f.name)
        w = widget(f)
        if v is None:
            out[f.name] = ""
        elif w == "yaml":
            out[f.name] = yaml.safe_dump(v, allow_unicode=True, sort_keys=False, default_flow_style=False).strip()
        elif w == "words":
            out[f.name] = "、".join(str(x) for x in v)
        elif w == "bool":
            out[f.name] = "1" if v else ""
        else:
            out[f.name] = str(v)
    return out


def from_form(fields, form) -> tuple[dict, dict[str, str]]:
    """(record, problems by field); empty inputs leave a field out."""
    rec, problems = {}, {}
    for f in fields:
        text = str(form.get(f.name, "")).strip()
        w = widget(f)
        if w == "bool":
            if text:
                rec[f.name] = True
            continue
        if not text:
            continue
        if w == "words":
            rec[f.name] = [p.strip() for p in SPLIT.split(text) if p.strip()]
        elif w == "yaml":
            try:
                rec[f.name] = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                problems[f.name] = f"not valid YAML: {getattr(exc, 'problem', exc)}"
        elif f.kind == "int":
            try:
                rec[f.name] = int(text)
            except ValueError:
                problems[f.name] = "must be a whole number"
        elif f.kind == "float":
            try:
                rec[f.name] = float(text)
            except ValueError:
                problems[f.name] = "must be a number"
        else:
            rec[f.name] = text
    return rec, problems
