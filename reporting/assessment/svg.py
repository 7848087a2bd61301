"""Charts of the assessment reports and bulletins as vector SVG, drawn on the server
(WeasyPrint embeds them as vectors; no browser, no script). Labels are escaped
text in the CJK faces of the PDF stylesheet."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

FONT = "Portal Serif, Noto Serif CJK SC, WenQuanYi Micro Hei, sans-serif"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str = "",
    maximum: float | None = None,
    width: int = 640,
    unit: str = "",
) -> str:
    """Horizontal bars, one per (label, value); a missing value is drawn as "—"."""
    bar_height, gap, label_width, top = 16, 6, 150, 26 if title else 6
    values = [v for _label, v in rows if v is not None]
    scale_max = maximum if maximum is not None else max(values + [1.0])
    scale_max = scale_max or 1.0
    plot_width = width - label_width - 60
    height = top + len(rows) * (bar_height + gap) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="12" font-weight="bold">{escape(title)}</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{label_width + 4}" y="{y + 12}">—</text>')
            continue
        length = max(0.0, min(value / scale_max, 1.0)) * plot_width
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            'fill="#2b6cb0"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + 12}">{_fmt(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
