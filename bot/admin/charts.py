"""Inline SVG charts rendered on the server (no script, no CDN): horizontal bars and day columns."""
from __future__ import annotations

from markupsafe import Markup, escape


def bars(items: list[tuple[str, float]], unit: str = "", width: int = 560, row: int = 24) -> Markup:
    """One horizontal bar per (label, value), longest first as given."""
    if not items:
        return Markup('<p class="hint">没有数据</p>')
    top = max(v for _, v in items) or 1
    label_w, h = 150, row * len(items) + 4
    parts = [f'<svg viewBox="0 0 {width} {h}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = (width - label_w - 60) * value / top
        parts.append(f'<text x="{label_w - 6}" y="{y + row * .65:.1f}" text-anchor="end" font-size="13">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#1f7a4d"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + row * .65:.1f}" font-size="12">{value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(series: list[tuple[str, float]], unit: str = "", width: int = 560, height: int = 180) -> Markup:
    """One column per (day, value), oldest on the left; the first and last day are labelled."""
    if not series:
        return Markup('<p class="hint">没有数据</p>')
    top = max(v for _, v in series) or 1
    n = len(series)
    step = (width - 40) / n
    parts = [f'<svg viewBox="0 0 {width} {height + 30}" role="img" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="12" font-size="12">{top:g}{escape(unit)}</text>']
    for i, (day, value) in enumerate(series):
        h = (height - 20) * value / top
        parts.append(f'<rect x="{30 + i * step:.1f}" y="{height - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
                     f'fill="#1f7a4d"><title>{escape(day)}: {value:g}{escape(unit)}</title></rect>')
    for i in {0, n - 1}:
        parts.append(f'<text x="{30 + i * step:.1f}" y="{height + 20}" font-size="12">{escape(series[i][0])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
