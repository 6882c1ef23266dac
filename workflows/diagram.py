"""Pictures of a process definition, generated so they never drift from it:
Mermaid text (for the README) and a self-contained SVG (for the admin page)."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from .definition import ProcessDefinition
from .states import ApplicationState, ReviewState

_ROLE_SHORT = {
    "producer": "producer",
    "reviewer": "reviewer",
    "supervisor": "supervisor",
    "admin": "org admin",
    "platform_admin": "platform admin",
    "system": "system",
}


def _label(transition) -> str:
    roles = ", ".join(sorted(_ROLE_SHORT[r.value] for r in transition.roles))
    scope = f" [{', '.join(sorted(transition.org_kinds))}]" if transition.org_kinds else ""
    return f"{transition.action} ({roles}{scope})"


def _merged(transitions) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in transitions:
        edges[(t.source, t.target)].append(_label(t))
    return edges


def to_mermaid(defn: ProcessDefinition) -> str:
    """Two state diagrams: the application and one review."""
    lines = [f"%% Generated from the process definition, version {defn.version}. Do not edit by hand.", "stateDiagram-v2"]
    lines.append("    direction LR")
    lines.append("    state \"Application\" as application {")
    lines.append(f"        [*] --> {ApplicationState.DRAFT.value}")
    for (source, target), labels in _merged(defn.application_transitions).items():
        lines.append(f"        {source} --> {target}: {' / '.join(labels)}")
    lines.append("    }")
    lines.append("    state \"Review (one per required review)\" as review {")
    lines.append(f"        [*] --> r_{ReviewState.PENDING.value}")
    for (source, target), labels in _merged(defn.review_transitions).items():
        lines.append(f"        r_{source} --> r_{target}: {' / '.join(labels)}")
    lines.append("    }")
    kinds = "; ".join(f"{k.code} ({k.org_kind}, {k.stage}, {k.sla_business_days} business days)" for k in defn.review_kinds)
    lines.append(f"    note right of review: Review kinds - {kinds}")
    routed = "; ".join(
        f"{rule.review_kind} when {rule.when}" + (f" and any of {', '.join(sorted(rule.activities))}" if rule.activities else "")
        for rule in defn.routing_rules
        if defn.review_kind(rule.review_kind).stage == "parallel"
    )
    lines.append(f"    note left of review: Routing - {routed}")
    if defn.fast_track is not None:
        fast = defn.fast_track
        lines.append(
            f"    note right of application: Fast track - tiers {', '.join(sorted(fast.tiers))}, no activities, every "
            f"parallel review approved by standing consent: no screening, one {fast.decision_kind} decision, "
            f"lead time {fast.lead_time_business_days} business days"
        )
    return "\n".join(lines) + "\n"


def _layers(states: list[str], transitions, start: str) -> dict[str, int]:
    """Rank states by their shortest distance from the start state."""
    rank = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for state in frontier:
            for t in transitions:
                if t.source == state and t.target not in rank:
                    rank[t.target] = rank[state] + 1
                    nxt.append(t.target)
        frontier = nxt
    for state in states:
        rank.setdefault(state, max(rank.values()) + 1)
    # Ends of the process (no way out) share the last column.
    terminal = [s for s in states if not any(t.source == s and t.target != s for t in transitions)]
    last = max((rank[s] for s in states if s not in terminal), default=0) + 1
    for state in terminal:
        rank[state] = last
    order = {state: i for i, state in enumerate(rank)}
    # Push a state right while an earlier state of its column leads to it,
    # so that no arrow runs inside a column.
    for _round in range(len(states)):
        moved = False
        for t in transitions:
            if t.source != t.target and rank[t.source] == rank[t.target] and order[t.source] < order[t.target]:
                rank[t.target] += 1
                moved = True
        if not moved:
            break
    return rank


def _machine_svg(title: str, states: list[str], transitions, start: str, y0: int) -> tuple[list[str], int]:
    rank = _layers(states, transitions, start)
    columns: dict[int, list[str]] = defaultdict(list)
    for state in states:
        columns[rank[state]].append(state)
    box_w, box_h, gap_x, gap_y = 180, 36, 60, 22
    pos = {}
    height = 0
    for col, members in sorted(columns.items()):
        for row, state in enumerate(members):
            x = 20 + col * (box_w + gap_x)
            y = y0 + 60 + row * (box_h + gap_y)
            pos[state] = (x, y)
            height = max(height, y + box_h - y0)
    parts = [f'<text x="20" y="{y0 + 20}" class="diagram-title" font-size="16" font-weight="bold">{escape(title)}</text>']
    for (source, target), labels in _merged(transitions).items():
        (x1, y1), (x2, y2) = pos[source], pos[target]
        tip = escape("; ".join(labels))
        if source == target:
            parts.append(
                f'<path d="M{x1 + box_w - 30},{y1} c 10,-22 30,-22 30,0" fill="none" stroke="#505a5f" '
                f'marker-end="url(#arrow)"><title>{tip}</title></path>'
            )
            continue
        if x2 > x1:
            parts.append(
                f'<line x1="{x1 + box_w}" y1="{y1 + box_h / 2:.0f}" x2="{x2}" y2="{y2 + box_h / 2:.0f}" stroke="#505a5f" '
                f'stroke-width="1.2" marker-end="url(#arrow)"><title>{tip}</title></line>'
            )
        else:
            # A way back: a dashed arc above the boxes, so it does not hide the way forward.
            sx, tx = x1 + box_w / 2, x2 + box_w / 2
            lift = 18 + abs(sx - tx) / 8
            parts.append(
                f'<path d="M{sx:.0f},{y1} C{sx:.0f},{y1 - lift:.0f} {tx:.0f},{y2 - lift:.0f} {tx:.0f},{y2}" fill="none" '
                f'stroke="#8a8f93" stroke-dasharray="4 3" marker-end="url(#arrow)"><title>{tip}</title></path>'
            )
    for state, (x, y) in pos.items():
        fill = "#e8f1f8" if state != start else "#d2e2f1"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" stroke="#0b5394"/>'
            f'<text x="{x + box_w / 2:.0f}" y="{y + 23}" text-anchor="middle" font-size="13">{escape(state)}</text>'
        )
    return parts, height + 50


def to_svg(defn: ProcessDefinition) -> str:
    """A standalone SVG of both state machines; edge labels are tooltips."""
    app_states = [s.value for s in ApplicationState]
    review_states = [s.value for s in ReviewState]
    parts_a, h_a = _machine_svg(
        f"Application (process version {defn.version})", app_states, defn.application_transitions, "draft", 0
    )
    parts_r, h_r = _machine_svg("Each review", review_states, defn.review_transitions, "pending", h_a + 10)
    height = h_a + h_r + 20
    width = 40 + 6 * 240
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="Process diagram, version {defn.version}" font-family="sans-serif">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#505a5f"/></marker></defs>'
        + "".join(parts_a + parts_r)
        + "</svg>"
    )
