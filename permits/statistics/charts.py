"""Geometry of the server-rendered SVG bar charts (no inline styles: only
SVG presentation attributes, drawn by templates/statistics/_charts.html)."""

from __future__ import annotations

LABEL_WIDTH = 200
PLOT_WIDTH = 380
VALUE_WIDTH = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8
MAX_LABEL = 26


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _scale(maximum: float) -> float:
    return PLOT_WIDTH / maximum if maximum > 0 else 0


def _ticks(maximum: float) -> list[dict]:
    if maximum <= 0:
        return []
    step = maximum / 4
    return [{"x": LABEL_WIDTH + round(i * step * _scale(maximum), 1), "value": round(i * step, 1)} for i in range(5)]


def nice_maximum(value: float) -> float:
    """The axis end: a multiple of 4 so that the five ticks are whole numbers."""
    if value <= 0:
        return 0
    return max(4, -(-value // 4) * 4)


def bars(items: list[tuple[str, float]], *, unit: str = "", maximum: float | None = None) -> dict:
    """One horizontal bar per (label, value)."""
    top = max([float(v or 0) for _, v in items] + [0.0])
    maximum = maximum or nice_maximum(top)
    scale = _scale(maximum)
    rows = []
    for index, (label, value) in enumerate(items):
        value = float(value or 0)
        y = TOP + index * ROW_HEIGHT
        rows.append(
            {
                "label": _short(label),
                "full_label": str(label),
                "value": round(value, 1),
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "x": LABEL_WIDTH,
                "width": round(value * scale, 1),
                "value_x": LABEL_WIDTH + round(value * scale, 1) + 6,
                "segments": [{"class": "", "x": LABEL_WIDTH, "width": round(value * scale, 1), "value": value}],
            }
        )
    return _frame(rows, maximum, unit)


def stacked(items: list[tuple[str, list[tuple[str, float]]]], *, unit: str = "") -> dict:
    """One horizontal bar per label, split in coloured segments (modifier, value)."""
    totals = [sum(float(v or 0) for _, v in parts) for _, parts in items]
    maximum = nice_maximum(max([*totals, 0.0]))
    scale = _scale(maximum)
    rows = []
    for index, ((label, parts), total) in enumerate(zip(items, totals, strict=True)):
        y = TOP + index * ROW_HEIGHT
        x = LABEL_WIDTH
        segments = []
        for modifier, value in parts:
            width = round(float(value or 0) * scale, 1)
            if width > 0:
                segments.append({"class": f"app-bar-chart__bar--{modifier}", "x": x, "width": width, "value": value})
            x = round(x + width, 1)
        rows.append(
            {
                "label": _short(label),
                "full_label": str(label),
                "value": round(total, 1),
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "value_x": x + 6,
                "segments": segments,
            }
        )
    return _frame(rows, maximum, unit)


GROUP_BAR_HEIGHT = 8
GROUP_GAP = 10


def grouped(items: list[tuple[str, list[tuple[str, float]]]], *, unit: str = "") -> dict:
    """Per label, one thin bar per series (modifier, value), one under the
    other: amounts that do not add up (invoiced, paid, waived, refunded)."""
    top = max([float(v or 0) for _, parts in items for _, v in parts] + [0.0])
    maximum = nice_maximum(top)
    scale = _scale(maximum)
    rows = []
    y = TOP
    for label, parts in items:
        segments = []
        for index, (modifier, value) in enumerate(parts):
            value = float(value or 0)
            segments.append({"class": f"app-bar-chart__bar--{modifier}" if modifier else "", "x": LABEL_WIDTH,
                             "y": y + index * GROUP_BAR_HEIGHT, "height": GROUP_BAR_HEIGHT,
                             "width": round(value * scale, 1), "value": round(value, 2)})
        height = max(1, len(parts)) * GROUP_BAR_HEIGHT
        rows.append({
            "label": _short(label),
            "full_label": str(label),
            "value": round(max([s["value"] for s in segments] + [0.0]), 2),
            "y": y,
            "text_y": y + height / 2 + 4,
            "value_x": None,
            "segments": segments,
            "details": ", ".join(f"{s['value']:g}" for s in segments),
        })
        y += height + GROUP_GAP
    frame = _frame(rows, maximum, unit)
    frame["height"] = y + TOP + 16
    frame["plot_bottom"] = frame["height"] - 16
    return frame


def _frame(rows: list[dict], maximum: float, unit: str) -> dict:
    height = TOP * 2 + max(1, len(rows)) * ROW_HEIGHT + 16
    return {
        "rows": rows,
        "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        "height": height,
        "plot_bottom": height - 16,
        "axis_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "ticks": _ticks(maximum),
        "unit": unit,
        "empty": not rows,
    }
