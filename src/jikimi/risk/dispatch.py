"""What a dispatcher is told of a case's risk: coarse words, never the officer's answers or
the cues found in the consultation note.

A factor's own name says what drove the score ("strangulation", "note_suicide_threat"):
that is the questionnaire's answer, or what the victim told the counsellor, in other
words. A dispatcher sending a unit needs the kind of danger, not the answer, so each
factor is shown as the group it belongs to, and the contributions of a group are summed
(rounded, so that no single factor's value can be told back). Only groups that raise the
risk are shown: a group that lowers it would tell an answer ("no threats") just as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# group -> (Korean, English): the words a situation room uses.
COARSE_FACTORS: dict[str, tuple[str, str]] = {
    "severe_violence": ("중대한 폭력 이력", "history of severe violence"),
    "threats": ("위협·흉기", "threats or weapons"),
    "stalking_pattern": ("스토킹·집착 양상", "stalking pattern"),
    "order_violations": ("신고·보호조치 위반 이력", "reports and breaches of orders"),
    "circumstances": ("관계·생활 여건", "relationship and living situation"),
    "consultation_concerns": ("상담상 우려", "consultation concerns"),
    "other": ("기타 요인", "other factors"),
}

_GROUPS: dict[str, tuple[str, ...]] = {
    "severe_violence": ("strangulation", "prior_violence", "escalation"),
    "threats": ("threat_to_kill", "weapon_threat", "gun_access"),
    "stalking_pattern": ("stalking_behaviours", "jealousy_control"),
    "order_violations": (
        "reports",
        "contact_violations",
        "proximity_violations",
        "days_since_last_violation",
        "order_extensions",
        "device_tamper",
    ),
    "circumstances": (
        "separation",
        "children_in_home",
        "stepchild",
        "unemployed",
        "substance_abuse",
        "victim_fear",
        "answers_unknown",
    ),
}
GROUP_OF: dict[str, str] = {name: group for group, names in _GROUPS.items() for name in names}
NOTE_PREFIX = "note_"  # every cue found in the consultation note


def group_of(factor: str) -> str:
    """The coarse group of one factor; a name this table does not know is `other`
    (fails closed: a new feature never reaches a dispatcher by its own name)."""
    if factor.startswith(NOTE_PREFIX):
        return "consultation_concerns"
    return GROUP_OF.get(factor, "other")


def coarse_factors(factors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The factors as a dispatcher sees them: groups that raise the risk, strongest
    first, each with its summed contribution rounded to one decimal."""
    totals: dict[str, float] = {}
    for f in factors:
        group = group_of(str(f.get("name", "")))
        totals[group] = totals.get(group, 0.0) + float(f.get("contribution") or 0.0)
    raising = [(group, total) for group, total in totals.items() if total > 0]
    raising.sort(key=lambda pair: (-pair[1], pair[0]))
    return [{"name": group, "contribution": round(total, 1)} for group, total in raising]
