"""A small horizontal bar chart as inline SVG, drawn without JavaScript so that a PDF renderer can show it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from cloudledger.reports.money import display

WIDTH = 700
LABEL_WIDTH = 210
BAR_AREA = 380
ROW_HEIGHT = 18
TOP = 22
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="10"'


def _short(label: str, limit: int = 36) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(title: str, items: Sequence[tuple[str, Decimal]], currency: str) -> str:
    """Bars for the positive amounts of `items` (label, amount), in the order given; "" when there are none."""
    bars = [(label, amount) for label, amount in items if amount > 0]
    if not bars:
        return ""
    largest = max(amount for _label, amount in bars)
    height = TOP + ROW_HEIGHT * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="12" {FONT} font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, amount) in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        length = max(float(amount / largest) * BAR_AREA, 1.0)  # drawing only: float is fine here
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" {FONT}>{escape(_short(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW_HEIGHT - 4}" fill="#3b6ea8"/>',
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 13}" {FONT}>{escape(display(amount, currency))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)
