"""Planning use case: a workspace, some days and the fixed history in; a rota out."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from coverage import rules
from coverage.changes import PersonChange, person_changes
from coverage.domain import Workspace
from coverage.explain import Explanation, explain_uncovered
from coverage.problem import (
    FixedAssignment,
    StaffingProblem,
    build_problem,
    relevant_history,
)
from coverage.rules import Barrier
from coverage.solver import SolveParams, StaffingModel, TierResult

__all__ = ["FixedAssignment", "PlanOptions", "Rota", "plan", "replan"]

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
    frozen: list[FixedAssignment] = field(default_factory=list)  # kept exactly as published
    # (meeting, attendee) -> how the attendee's delegation stands on the meeting's issues
    stances: dict[tuple[str, str], str] = field(default_factory=dict)
    changes: list[PersonChange] = field(default_factory=list)
    replanned_at: datetime | None = None
    based_on: int | None = None  # the published version a replan started from
    interrupted: bool = False  # stopped by Ctrl-C: the best rota found until then
    unsolved: tuple[str, ...] = ()  # tiers not solved (interrupted, or out of time)

    @property
    def status(self) -> str:
        """OPTIMAL (every tier proven), INTERRUPTED (Ctrl-C) or FEASIBLE (time limit)."""
        if self.optimal:
            return "OPTIMAL"
        return "INTERRUPTED" if self.interrupted else "FEASIBLE"

    @property
    def optimal(self) -> bool:
        """Whether every tier is solved and proven optimal."""
        return not self.unsolved and all(t.optimal for t in self.tiers)

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
            "day_window": {
                "start": f"{conference.day_start:%H:%M}",
                "end": f"{conference.day_end:%H:%M}",
            },
            "issues": [{"id": i.id, "name": i.name, "weight": i.weight} for i in conference.issues],
            "solver": {
                "status": self.status,
                "interrupted": self.interrupted,
                "unsolved_tiers": list(self.unsolved),
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
            "assignments": [self._assignment(m, a) for m, a in self.assignments],
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
            **self._replan_block(),
        }

    def _assignment(self, meeting_id: str, attendee_id: str) -> dict[str, Any]:
        conference = self.workspace.conference
        frozen = next(
            (f for f in self.frozen if (f.meeting, f.attendee) == (meeting_id, attendee_id)),
            None,
        )
        if frozen is not None:
            return {
                "meeting": meeting_id,
                "attendee": attendee_id,
                "day": frozen.day.isoformat(),
                "start": conference.localize(frozen.start).isoformat(),
                "end": conference.localize(frozen.end).isoformat(),
                "frozen": True,
            }
        meeting = self.workspace.meeting(meeting_id)
        entry: dict[str, Any] = {
            "meeting": meeting_id,
            "attendee": attendee_id,
            "day": conference.day_of(meeting.start).isoformat(),
            "start": conference.localize(meeting.start).isoformat(),
            "end": conference.localize(meeting.end).isoformat(),
        }
        stance = self.stances.get((meeting_id, attendee_id))
        if stance is not None:
            entry["delegation_stance"] = stance
        return entry

    def _replan_block(self) -> dict[str, Any]:
        if self.replanned_at is None:
            return {}
        return {
            "replan": {
                "based_on": self.based_on,
                "now": self.workspace.conference.localize(self.replanned_at).isoformat(),
                "disruption": sum(len(c.added) + len(c.removed) for c in self.changes),
                "people_affected": len(self.changes),
                "changes": [c.to_dict() for c in self.changes],
            }
        }


def plan(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment] = (),
    options: PlanOptions | None = None,
    stances: Mapping[str, Mapping[str, str]] | None = None,
) -> Rota:
    """Plan the given conference days jointly, keeping the rules against `history`
    (published assignments of other days); `stances` (delegation -> issue -> stance) makes
    supportive delegations count in the expertise tier."""
    options = options or PlanOptions()
    started = time.monotonic()
    days = sorted(set(days))
    problem = build_problem(workspace, days, history, stances=stances)
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
        stances=_stances(problem),
        interrupted=solution.interrupted,
        unsolved=solution.unsolved,
    )


def _stances(problem: StaffingProblem) -> dict[tuple[str, str], str]:
    return {(m, a): o.stance for (a, m), o in problem.options.items() if o.stance is not None}


def _ordered(
    workspace: Workspace, problem: StaffingProblem, chosen: frozenset[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(meeting, attendee) pairs by meeting start, then meeting id, then attendee order."""
    rank = {a.id: i for i, a in enumerate(workspace.attendees)}
    return sorted(
        ((m, a) for a, m in chosen),
        key=lambda pair: (problem.slots[pair[0]].start, pair[0], rank[pair[1]]),
    )


def replan(
    workspace: Workspace,
    day: date,
    published: Sequence[FixedAssignment],
    now: datetime,
    history: Sequence[FixedAssignment] = (),
    options: PlanOptions | None = None,
    based_on: int | None = None,
    stances: Mapping[str, Mapping[str, str]] | None = None,
) -> Rota:
    """Re-plan `day` at `now`, changing as little as possible of the `published` rota.

    Assignments to meetings that started before `now` are kept exactly as published; the
    rest is solved again with a stability tier (pairs added or removed, then people
    affected) right after coverage and depth. Every published assignment that is dropped
    gets a reason."""
    options = options or PlanOptions()
    started = time.monotonic()
    frozen = [p for p in published if p.start < now]
    problem = build_problem(workspace, [day], history, frozen, not_before=now, stances=stances)
    later = {(p.attendee, p.meeting) for p in published if p.start >= now}
    problem.previous = frozenset(later)
    model = StaffingModel(problem)
    model.hint(later)
    solution = model.solve(options)

    pairs = {(f.meeting, f.attendee) for f in frozen} | {(m, a) for a, m in solution.assignments}
    starts = {m.id: m.start for m in workspace.meetings} | {f.meeting: f.start for f in frozen}
    rank = {a.id: i for i, a in enumerate(workspace.attendees)}
    assignments = sorted(pairs, key=lambda p: (starts[p[0]], p[0], rank.get(p[1], len(rank))))
    explanations: dict[str, Explanation] = {}
    covered = {m for m, _ in pairs}
    for meeting in workspace.meetings_on([day]):
        if meeting.status == "cancelled" or meeting.id in covered:
            continue
        if meeting.id not in problem.slots:
            explanations[meeting.id] = Explanation(
                meeting.id,
                "already_started",
                f"it started before {workspace.conference.localize(now):%H:%M}, "
                "when the rota was replanned",
            )
        else:
            explanations[meeting.id] = explain_uncovered(
                meeting, workspace, problem, solution.assignments
            )
    after = {(a, m) for m, a in pairs}
    before = {(p.attendee, p.meeting) for p in published}
    why = {
        pair: _why_released(workspace, problem, published, pair, after) for pair in before - after
    }
    order = [a.id for a in workspace.attendees]
    order += sorted({a for a, _ in before} - set(order))
    return Rota(
        workspace=workspace,
        days=[day],
        assignments=assignments,
        fixed=relevant_history(workspace, [day], history),
        explanations=explanations,
        tiers=_with_frozen(workspace, solution.tiers, frozen),
        options=options,
        eligible_pairs=len(problem.options),
        seconds=time.monotonic() - started,
        frozen=frozen,
        changes=person_changes(before, after, order, why),
        replanned_at=now,
        based_on=based_on,
        stances=_stances(problem),
        interrupted=solution.interrupted,
        unsolved=solution.unsolved,
    )


def _with_frozen(
    workspace: Workspace, tiers: list[TierResult], frozen: Sequence[FixedAssignment]
) -> list[TierResult]:
    """Coverage and depth of the whole day: the solver's part plus the frozen meetings."""
    count: dict[str, int] = {}
    for f in frozen:
        count[f.meeting] = count.get(f.meeting, 0) + 1
    weights = {
        m.id: (rules.meeting_weight(m, workspace.conference), m.seats) for m in workspace.meetings
    }
    extra = {"coverage": 0, "depth": 0}
    for meeting, n in count.items():
        weight, seats = weights.get(meeting, (1, n))
        extra["coverage"] += weight
        extra["depth"] += weight * (min(n, seats) - 1)
    return [
        replace(
            t,
            value=t.value + extra[t.name],
            bound=None if t.bound is None else t.bound + extra[t.name],
        )
        if t.name in extra
        else t
        for t in tiers
    ]


_BARRIER_TEXT = {
    Barrier.CANCELLED: "the meeting was cancelled",
    Barrier.CLOSED: "the meeting is now closed",
    Barrier.NO_DELEGATION: "the meeting is now for member states only",
    Barrier.NOT_ON_DELEGATIONS: "your delegation is no longer admitted",
    Barrier.EXPERTISE: "the meeting now needs more expertise",
    Barrier.NOT_AVAILABLE: "you are not available then",
}


def _why_released(
    workspace: Workspace,
    problem: StaffingProblem,
    published: Sequence[FixedAssignment],
    pair: tuple[str, str],
    after: set[tuple[str, str]],
) -> str:
    """Why a published assignment is not in the new rota, in words for that person."""
    attendee, meeting_id = pair
    meetings = {m.id: m for m in workspace.meetings}
    meeting = meetings.get(meeting_id)
    if meeting is None:
        return "the meeting was removed from the programme"
    local = workspace.conference.localize
    was = next(p for p in published if (p.attendee, p.meeting) == pair)
    barrier = problem.barriers.get(pair)
    if barrier is Barrier.CANCELLED:
        return _BARRIER_TEXT[barrier]
    if (meeting.start, meeting.end) != (was.start, was.end):
        moved = f"the meeting moved to {local(meeting.start):%H:%M}-{local(meeting.end):%H:%M}"
        return moved + (f" and {_BARRIER_TEXT[barrier]}" if barrier else "")
    if barrier is not None:
        return _BARRIER_TEXT[barrier]
    clash = problem.blocked_by_history.get(pair)
    if clash is not None:
        return f"it would clash with {clash.meeting}, which you already attended"
    if meeting_id not in problem.slots:
        return "the meeting already started"
    elsewhere = sorted(
        m
        for a, m in after
        if a == attendee and (attendee, m) not in {(p.attendee, p.meeting) for p in published}
    )
    if elsewhere:
        titles = ", ".join(meetings[m].title for m in elsewhere if m in meetings)
        return f"you are needed at {titles} instead"
    return "someone else covers it now, to cover more meetings"
