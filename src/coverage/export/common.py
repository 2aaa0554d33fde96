"""Small helpers every rota export shares: times as clock text, the solver's verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Any

PROOF = {
    "OPTIMAL": "proven optimal",
    "FEASIBLE": "NOT proven optimal (time limit)",
    "INTERRUPTED": "NOT proven optimal (interrupted with Ctrl-C: the best rota found by then)",
}


def proof(rota: dict[str, Any]) -> str:
    """Whether the rota is proven the best possible, in words."""
    status = rota["solver"]["status"]
    return PROOF.get(status, f"NOT proven optimal ({status})")


def clock(iso: str) -> str:
    """'HH:MM' of an ISO date-time (local to the conference)."""
    return datetime.fromisoformat(iso).strftime("%H:%M")


def span(meeting: dict[str, Any], dash: str = "-") -> str:
    """'HH:MM-HH:MM' of a meeting or assignment record."""
    return f"{clock(meeting['start'])}{dash}{clock(meeting['end'])}"


def issue_names(rota: dict[str, Any]) -> dict[str, str]:
    """Issue id -> name, in the conference's order; an id only meetings name (a rota
    written before issues were recorded) stands for itself."""
    names: dict[str, str] = {}
    for issue in rota.get("issues") or []:
        names.setdefault(issue["id"], issue["name"])
    for meeting in rota["meetings"]:
        for issue_id in meeting["issues"]:
            names.setdefault(issue_id, issue_id)
    return names


def bound(score: dict[str, Any]) -> str:
    """A tier's bound as text ('-' for a tier that was not solved)."""
    return "-" if score.get("bound") is None else str(score["bound"])
