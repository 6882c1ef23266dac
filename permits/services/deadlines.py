"""The deadline sweep (reminders, escalations, lapses, expiries).

Deadline rows arrive with the review workflow; until then there is nothing
to sweep and the sweep reports zero.
"""

from __future__ import annotations


def sweep() -> int:
    return 0
