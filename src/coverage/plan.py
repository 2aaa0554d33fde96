"""Planning use case: a workspace, some days and the fixed history in; a rota out."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from coverage import rules
from coverage.domain import Workspace
from coverage.explain import Explanation, explain_uncovered
from coverage.problem import (
    FixedAssignment,
    StaffingProblem,
    build_problem,
    relevant_history,
)
from coverage.solver import SolveParams, StaffingModel, TierResult

__all__ = ["FixedAssignment", "PlanOptions", "Rota", "plan"]

PlanOptions = SolveParams

ROTA_FORMAT = "rota/1"


@dataclass
class Rota:
    """A planned rota: who covers what on the planned days, why the rest is uncovered, and
    how good it is, tier by tier."""

    workspace: Workspace
    days: list[date]
    assignments: list[tuple[str, str]]  # (meeting, attendee), by meeting start
    fixed: list[FixedAssignment]
    explanations: dict[str, Explanation]
    tiers: list[TierResult]
    options: PlanOptions
    eligible_pairs: int
    seconds: float

    @property
    def optimal(self) -> bool:
        """Whether every tier is proven optimal."""
        return all(t.optimal for t in self.tiers)

    def attendees_of(self, meeting_id: str) -> list[str]:
        """Who covers a meeting."""
        return [a for m, a in self.assignments if m == meeting_id]

    def score(self, tier: str) -> TierResult | None:
        """The result of one tier."""
        return next((t for t in self.tiers if t.name == tier), None)

    def to_dict(self) -> dict[str, Any]:
        """The rota as JSON-ready data (no contact details)."""
        ws = self.workspace
        conference = ws.conference
        by_meeting: dict[str, list[str]] = {}
        for meeting_id, attendee_id in self.assignments:
            by_meeting.setdefault(meeting_id, []).append(attendee_id)
        meetings = []
        for meeting in ws.meetings_on(self.days):
            attendees = by_meeting.get(meeting.id, [])
            if meeting.status == "cancelled":
                status = "cancelled"
            elif attendees:
                status = "covered"
            else:
                status = "uncovered"
            meetings.append(
                {
                    "id": meeting.id,
                    "title": meeting.title,
                    "kind": meeting.kind,
                    "day": conference.day_of(meeting.start).isoformat(),
                    "start": conference.localize(meeting.start).isoformat(),
                    "end": conference.localize(meeting.end).isoformat(),
                    "room": meeting.room,
                    "issues": list(meeting.issues),
                    "access": meeting.access,
                    "delegations": list(meeting.delegations),
                    "meeting_status": meeting.status,
                    "weight": rules.meeting_weight(meeting, conference),
                    "seats": meeting.seats,
                    "status": status,
                    "attendees": attendees,
                }
            )
        return {
            "format": ROTA_FORMAT,
            "workspace": ws.name,
            "conference": conference.name,
            "timezone": conference.timezone,
            "days": [d.isoformat() for d in self.days],
            "solver": {
                "status": "OPTIMAL" if self.optimal else "FEASIBLE",
                "workers": self.options.workers,
                "seed": self.options.seed,
                "time_limit": self.options.time_limit,
                "eligible_pairs": self.eligible_pairs,
            },
            "scores": [
                {
                    "tier": t.name,
                    "sense": t.sense,
                    "meaning": t.meaning,
                    "value": t.value,
                    "bound": t.bound,
                    "optimal": t.optimal,
                    "status": t.status,
                }
                for t in self.tiers
            ],
            "attendees": [
                {
                    "id": a.id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "delegation": a.delegation,
                }
                for a in ws.attendees
            ],
            "assignments": [
                _assignment(ws, meeting_id, attendee_id)
                for meeting_id, attendee_id in self.assignments
            ],
            "meetings": meetings,
            "uncovered": [
                {
                    "meeting": e.meeting,
                    "reason": e.reason,
                    "message": e.message,
                    "committed_to": list(e.committed_to),
                    "obstacles": [
                        {
                            "attendee": o.attendee,
                            "rule": o.rule,
                            "message": o.message,
                            "meetings": list(o.meetings),
                        }
                        for o in e.obstacles
                    ],
                }
                for e in self.explanations.values()
            ],
            "fixed": [
                {
                    "meeting": f.meeting,
                    "attendee": f.attendee,
                    "day": f.day.isoformat(),
                    "start": conference.localize(f.start).isoformat(),
                    "end": conference.localize(f.end).isoformat(),
                }
                for f in self.fixed
            ],
        }


def _assignment(ws: Workspace, meeting_id: str, attendee_id: str) -> dict[str, str]:
    meeting = ws.meeting(meeting_id)
    return {
        "meeting": meeting_id,
        "attendee": attendee_id,
        "day": ws.conference.day_of(meeting.start).isoformat(),
        "start": ws.conference.localize(meeting.start).isoformat(),
        "end": ws.conference.localize(meeting.end).isoformat(),
    }


def plan(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment] = (),
    options: PlanOptions | None = None,
) -> Rota:
    """Plan the given conference days jointly, keeping the rules against `history`
    (published assignments of other days)."""
    options = options or PlanOptions()
    started = time.monotonic()
    days = sorted(set(days))
    problem = build_problem(workspace, days, history)
    model = StaffingModel(problem)
    solution = model.solve(options)
    assignments = _ordered(workspace, problem, solution.assignments)
    explanations = {}
    for meeting in workspace.meetings_on(days):
        if meeting.status != "cancelled" and not any(m == meeting.id for m, _ in assignments):
            explanations[meeting.id] = explain_uncovered(
                meeting, workspace, problem, [(a, m) for m, a in assignments]
            )
    return Rota(
        workspace=workspace,
        days=list(days),
        assignments=assignments,
        fixed=relevant_history(workspace, days, history),
        explanations=explanations,
        tiers=solution.tiers,
        options=options,
        eligible_pairs=len(problem.options),
        seconds=time.monotonic() - started,
    )


def _ordered(
    workspace: Workspace, problem: StaffingProblem, chosen: frozenset[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(meeting, attendee) pairs by meeting start, then meeting id, then attendee order."""
    rank = {a.id: i for i, a in enumerate(workspace.attendees)}
    return sorted(
        ((m, a) for a, m in chosen),
        key=lambda pair: (problem.slots[pair[0]].start, pair[0], rank[pair[1]]),
    )
