"""Planning use case: a workspace, some days and the fixed history in; a rota out.

A `Rota` is what the solver decided, in the workspace's terms. `Rota.published` turns it
into the typed `PublishedRota` that every output reads (see `coverage.published`)."""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coverage import rules
from coverage.domain import Attendee, Meeting, Pair, Workspace
from coverage.explain import Explanation, explain_uncovered, refuse_broken_pins
from coverage.problem import (
    FixedAssignment,
    StaffingProblem,
    build_problem,
    relevant_history,
)
from coverage.published import (
    Assignment,
    Away,
    DayChanges,
    DayWindow,
    Fixed,
    IssueRef,
    Obstacle,
    Person,
    PersonChange,
    PublishedRota,
    Removed,
    Replan,
    RotaMeeting,
    Run,
    Score,
    SolverInfo,
    Uncovered,
    dump_rota,
    person_changes,
)
from coverage.rules import Barrier
from coverage.solver import SolveParams, StaffingModel, TierResult

__all__ = ["FixedAssignment", "PlanOptions", "Rota", "plan", "replan"]

PlanOptions = SolveParams


@dataclass
class Rota:
    """A planned rota: who covers what on the planned days, why the rest is uncovered, and
    how good it is, tier by tier (every tier scored on the whole of the planned days)."""

    workspace: Workspace
    days: list[date]
    assignments: list[Pair]  # by meeting start, then meeting id, then attendee order
    fixed: list[FixedAssignment]
    explanations: dict[str, Explanation]
    tiers: list[TierResult]
    options: PlanOptions
    eligible_pairs: int
    seconds: float
    frozen: list[FixedAssignment] = field(default_factory=list)  # kept exactly as published
    # (attendee, meeting) -> how the attendee's delegation stands on the meeting's issues
    stances: dict[Pair, str] = field(default_factory=dict)
    replanned_at: datetime | None = None
    now_given: bool = True  # False when a replan used the current time
    based_on: int | None = None  # the version of the day a replan started from
    published_before: frozenset[Pair] = frozenset()  # a replan's starting point
    why_released: dict[Pair, str] = field(default_factory=dict)
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
        return [p.attendee for p in self.assignments if p.meeting == meeting_id]

    def score(self, tier: str) -> TierResult | None:
        """The result of one tier."""
        return next((t for t in self.tiers if t.name == tier), None)

    def published(
        self,
        previous: Mapping[date, PublishedRota] | None = None,
        run: Run | None = None,
        workspace_id: str | None = None,
    ) -> PublishedRota:
        """The rota as it is published: meetings with times, room and status, who covers
        them, why the others are uncovered, who is away, the scores, and, for each day that
        had a `previous` version, what changed for each person since (names only, no
        contact details)."""
        return _Publication(self, previous or {}).build(run, workspace_id)

    def to_dict(self) -> dict[str, Any]:
        """The published form as JSON data (as rota.json holds it, without `run`)."""
        data: dict[str, Any] = json.loads(dump_rota(self.published()))
        return data


class _Publication:
    """Builds the typed published rota of a planned `Rota`."""

    def __init__(self, rota: Rota, previous: Mapping[date, PublishedRota]) -> None:
        self.rota = rota
        self.ws = rota.workspace
        self.conference = rota.workspace.conference
        self.previous = previous

    def build(self, run: Run | None, workspace_id: str | None) -> PublishedRota:
        rota, conference = self.rota, self.conference
        assignments = [self._assignment(pair) for pair in rota.assignments]
        new = PublishedRota(
            workspace=self.ws.name,
            workspace_id=workspace_id,
            conference=conference.name,
            timezone=conference.timezone,
            days=tuple(rota.days),
            day_window=DayWindow(start=conference.day_start, end=conference.day_end),
            issues=tuple(
                IssueRef(id=i.id, name=i.name, weight=i.weight) for i in conference.issues
            ),
            solver=SolverInfo(
                status=rota.status,
                interrupted=rota.interrupted,
                unsolved_tiers=rota.unsolved,
                workers=rota.options.workers,
                seed=rota.options.seed,
                time_limit=rota.options.time_limit,
                eligible_pairs=rota.eligible_pairs,
            ),
            scores=tuple(
                Score(
                    tier=t.name,
                    sense=t.sense,
                    meaning=t.meaning,
                    value=t.value,
                    bound=t.bound,
                    optimal=t.optimal,
                    status=t.status,
                )
                for t in rota.tiers
            ),
            attendees=tuple(self._people(assignments)),
            assignments=tuple(assignments),
            meetings=tuple(self._meetings(assignments)),
            uncovered=tuple(self._uncovered(e) for e in rota.explanations.values()),
            fixed=tuple(
                Fixed(meeting=f.meeting, attendee=f.attendee, day=f.day, start=f.start, end=f.end)
                for f in rota.fixed
            ),
            run=run,
        )
        order = [a.id for a in self.ws.attendees]
        changes = tuple(
            DayChanges(
                day=day,
                since=self.previous[day].version or 0,
                people=person_changes(self.previous[day], new, day, rota.why_released, order=order),
            )
            for day in rota.days
            if day in self.previous
        )
        replan = None
        if rota.replanned_at is not None:
            day = rota.days[0]
            if day in self.previous:
                people = next(c.people for c in changes if c.day == day)
            else:
                people = _pair_changes(rota, order)
            replan = Replan(
                based_on=rota.based_on or 0,
                now=self.conference.localize(rota.replanned_at),
                now_given=rota.now_given,
                disruption=len(rota.published_before ^ set(rota.assignments)),
                people_affected=len(people),
                changes=people,
            )
        return new.model_copy(update={"changes": changes, "replan": replan})

    def _people(self, assignments: list[Assignment]) -> list[Person]:
        """The workspace's attendees, then anyone a replan kept on a meeting that had
        started who has left the workspace since (as the previous version named them)."""
        people = [self._person(a) for a in self.ws.attendees]
        known = {p.id for p in people}
        for item in assignments:
            if item.attendee in known:
                continue
            known.add(item.attendee)
            before = self.previous.get(item.day)
            if before is not None and before.has_person(item.attendee):
                people.append(before.person(item.attendee).model_copy(update={"away": ()}))
            else:
                people.append(Person(id=item.attendee, name=item.attendee))
        return people

    def _person(self, attendee: Attendee) -> Person:
        return Person(
            id=attendee.id,
            name=attendee.name,
            organisation=attendee.organisation,
            delegation=attendee.delegation,
            away=tuple(a for day in self.rota.days for a in self._away(attendee, day)),
            prefers=attendee.prefers,
            avoids=attendee.avoids,
        )

    def _away(self, attendee: Attendee, day: date) -> list[Away]:
        """When the person is not available within conference day `day`."""
        opens, closes = self.conference.day_opens(day), self.conference.day_closes(day)
        gaps: list[tuple[datetime, datetime]] = []
        if attendee.available_from is not None and attendee.available_from > opens:
            gaps.append((opens, min(attendee.available_from, closes)))
        if attendee.available_until is not None and attendee.available_until < closes:
            gaps.append((max(attendee.available_until, opens), closes))
        for period in attendee.unavailable:
            if period.overlaps(opens, closes):
                gaps.append((max(period.start, opens), min(period.end, closes)))
        merged: list[tuple[datetime, datetime]] = []
        for start, end in sorted(g for g in gaps if g[0] < g[1]):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        local = self.conference.localize
        return [
            Away(
                day=day,
                start=local(start),
                end=local(end),
                all_day=start <= opens and end >= closes,
            )
            for start, end in merged
        ]

    def _assignment(self, pair: Pair) -> Assignment:
        local = self.conference.localize
        frozen = next(
            (f for f in self.rota.frozen if Pair(f.attendee, f.meeting) == pair),
            None,
        )
        if frozen is not None:
            return Assignment(
                meeting=pair.meeting,
                attendee=pair.attendee,
                day=frozen.day,
                start=local(frozen.start),
                end=local(frozen.end),
                frozen=True,
            )
        meeting = self.ws.meeting(pair.meeting)
        return Assignment(
            meeting=pair.meeting,
            attendee=pair.attendee,
            day=self.conference.day_of(meeting.start),
            start=local(meeting.start),
            end=local(meeting.end),
            delegation_stance=self.rota.stances.get(pair),
        )

    def _meetings(self, assignments: list[Assignment]) -> list[RotaMeeting]:
        by_meeting: dict[str, list[str]] = {}
        for item in assignments:
            by_meeting.setdefault(item.meeting, []).append(item.attendee)
        listed = []
        for meeting in self.ws.meetings_on(self.rota.days):
            attendees = by_meeting.get(meeting.id, [])
            listed.append(self._meeting(meeting, attendees))
        known = {m.id for m in listed}
        # A meeting someone attended (frozen by a replan) that has since left the day, or
        # the workspace: kept as the previous version showed it.
        for item in assignments:
            if item.meeting in known:
                continue
            known.add(item.meeting)
            listed.append(self._gone_meeting(item, by_meeting[item.meeting]))
        return sorted(listed, key=lambda m: (m.start, m.id))

    def _meeting(self, meeting: Meeting, attendees: list[str]) -> RotaMeeting:
        local = self.conference.localize
        # A meeting that had started when a replan kept its attendees happened at the times
        # they were published for, whatever the workspace says of it since.
        held = next((f for f in self.rota.frozen if f.meeting == meeting.id), None)
        start, end = (held.start, held.end) if held else (meeting.start, meeting.end)
        if meeting.status == "cancelled" and not attendees:
            status = "cancelled"
        elif attendees:
            status = "covered"
        else:
            status = "uncovered"
        return RotaMeeting(
            id=meeting.id,
            title=meeting.title,
            kind=meeting.kind,
            day=self.conference.day_of(meeting.start),
            start=local(start),
            end=local(end),
            room=meeting.room,
            issues=meeting.issues,
            access=meeting.access,
            delegations=meeting.delegations,
            meeting_status=meeting.status,
            weight=rules.meeting_weight(meeting, self.conference),
            seats=meeting.seats,
            status=status,
            attendees=tuple(attendees),
        )

    def _gone_meeting(self, item: Assignment, attendees: list[str]) -> RotaMeeting:
        before = self.previous.get(item.day)
        if before is not None and before.has_meeting(item.meeting):
            old = before.meeting(item.meeting)
            return old.model_copy(update={"status": "covered", "attendees": tuple(attendees)})
        return RotaMeeting(
            id=item.meeting,
            title=item.meeting,
            day=item.day,
            start=item.start,
            end=item.end,
            status="covered",
            attendees=tuple(attendees),
        )

    @staticmethod
    def _uncovered(e: Explanation) -> Uncovered:
        return Uncovered(
            meeting=e.meeting,
            reason=e.reason,
            message=e.message,
            committed_to=e.committed_to,
            obstacles=tuple(
                Obstacle(attendee=o.attendee, rule=o.rule, message=o.message, meetings=o.meetings)
                for o in e.obstacles
            ),
        )


def _pair_changes(rota: Rota, order: list[str]) -> tuple[PersonChange, ...]:
    """Changes from the published pairs alone (no previous version to compare details)."""
    before, after = rota.published_before, set(rota.assignments)
    people = [*order, *sorted({p.attendee for p in before | after} - set(order))]
    changes = []
    for attendee in people:
        old = {p.meeting for p in before if p.attendee == attendee}
        new = {p.meeting for p in after if p.attendee == attendee}
        if old == new:
            continue
        changes.append(
            PersonChange(
                attendee=attendee,
                added=tuple(sorted(new - old)),
                removed=tuple(
                    Removed(
                        meeting=m,
                        why=rota.why_released.get(Pair(attendee, m), "no longer assigned"),
                    )
                    for m in sorted(old - new)
                ),
                unchanged=tuple(sorted(old & new)),
            )
        )
    return tuple(changes)


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
    refuse_broken_pins(workspace, problem)
    model = StaffingModel(problem)
    solution = model.solve(options)
    assignments = _ordered(workspace, solution.assignments)
    covered = {p.meeting for p in assignments}
    explanations = {}
    for meeting in workspace.meetings_on(days):
        if meeting.status != "cancelled" and meeting.id not in covered:
            explanations[meeting.id] = explain_uncovered(meeting, workspace, problem, assignments)
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


def _stances(problem: StaffingProblem) -> dict[Pair, str]:
    return {Pair(a, m): o.stance for (a, m), o in problem.options.items() if o.stance is not None}


def _ordered(
    workspace: Workspace,
    chosen: Collection[tuple[str, str]],
    starts: Mapping[str, datetime] | None = None,
) -> list[Pair]:
    """(attendee, meeting) pairs by meeting start, then meeting id, then attendee order."""
    rank = {a.id: i for i, a in enumerate(workspace.attendees)}
    when = {m.id: m.start for m in workspace.meetings} | dict(starts or {})
    return sorted(
        (Pair(*pair) for pair in chosen),
        key=lambda p: (when[p.meeting], p.meeting, rank.get(p.attendee, len(rank)), p.attendee),
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
    changed_meetings: Collection[str] = (),
    now_given: bool = True,
) -> Rota:
    """Re-plan `day` at `now`, changing as little as possible of the `published` rota.

    Assignments to meetings that started before `now` are kept exactly as published; the
    rest is solved again with a stability tier (pairs added or removed, then people
    affected) right after coverage and depth. Every published assignment that is dropped
    gets a reason. People on `changed_meetings` (moved, or with a new room, title or
    status since publication) are told anyway, so the solver counts them as messaged."""
    options = options or PlanOptions()
    started = time.monotonic()
    frozen = [p for p in published if p.start < now]
    problem = build_problem(
        workspace,
        [day],
        history,
        frozen,
        not_before=now,
        stances=stances,
        explain=[(p.attendee, p.meeting) for p in published],
    )
    refuse_broken_pins(workspace, problem)
    later = {Pair(p.attendee, p.meeting) for p in published if p.start >= now}
    problem.previous = frozenset(later)
    changed = set(changed_meetings)
    problem.told = frozenset(p.attendee for p in later if p.meeting in changed)
    model = StaffingModel(problem)
    model.hint(later)
    solution = model.solve(options)

    frozen_pairs = {Pair(f.attendee, f.meeting) for f in frozen}
    pairs = frozen_pairs | {Pair(*pair) for pair in solution.assignments}
    assignments = _ordered(workspace, pairs, {f.meeting: f.start for f in frozen})
    covered = {p.meeting for p in pairs}
    explanations: dict[str, Explanation] = {}
    for meeting in workspace.meetings_on([day]):
        if meeting.status == "cancelled" or meeting.id in covered:
            continue
        explanations[meeting.id] = explain_uncovered(
            meeting, workspace, problem, solution.assignments, replanned_at=now
        )
    before = {Pair(p.attendee, p.meeting) for p in published}
    after = set(pairs)
    why = {
        pair: _why_released(workspace, problem, published, pair, after) for pair in before - after
    }
    return Rota(
        workspace=workspace,
        days=[day],
        assignments=assignments,
        fixed=relevant_history(workspace, [day], history),
        explanations=explanations,
        tiers=solution.tiers,
        options=options,
        eligible_pairs=len(problem.options),
        seconds=time.monotonic() - started,
        frozen=frozen,
        replanned_at=now,
        now_given=now_given,
        based_on=based_on,
        published_before=frozenset(before),
        why_released=why,
        stances=_stances(problem),
        interrupted=solution.interrupted,
        unsolved=solution.unsolved,
    )


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
    pair: Pair,
    after: set[Pair],
) -> str:
    """Why a published assignment is not in the new rota, in words for that person."""
    attendee, meeting_id = pair
    meetings = {m.id: m for m in workspace.meetings}
    meeting = meetings.get(meeting_id)
    if meeting is None:
        return "the meeting was removed from the programme"
    local = workspace.conference.localize
    was = next(p for p in published if Pair(p.attendee, p.meeting) == pair)
    barrier = problem.barriers.get(pair)
    if barrier is Barrier.CANCELLED:
        return _BARRIER_TEXT[barrier]
    parts = []
    other_day = workspace.conference.day_of(meeting.start) != was.day
    if (meeting.start, meeting.end) != (was.start, was.end):
        when = f"{local(meeting.start):%H:%M}-{local(meeting.end):%H:%M}"
        if other_day:
            day = workspace.conference.day_of(meeting.start)
            when = f"{day:%a} {day.day} {day:%b} {when}"
        parts.append(f"the meeting moved to {when}")
    if other_day:
        pass  # on another day: that day's rota says who goes
    elif barrier is not None:
        parts.append(_BARRIER_TEXT[barrier])
    elif (clash := problem.blocked_by_history.get(pair)) is not None:
        other = meetings.get(clash.meeting)
        title = other.title if other else clash.meeting
        parts.append(
            f"it would clash with {title} ({local(clash.start):%H:%M}-{local(clash.end):%H:%M}), "
            "which you already attended"
        )
    elif meeting_id not in problem.slots:
        parts.append("the meeting already started")
    else:
        published_pairs = {Pair(p.attendee, p.meeting) for p in published}
        elsewhere = sorted(
            (meetings[m] for a, m in after if a == attendee and Pair(a, m) not in published_pairs),
            key=lambda m: (m.start, m.id),
        )
        if elsewhere:
            listed = ", ".join(
                f"{m.title} ({local(m.start):%H:%M}-{local(m.end):%H:%M})" for m in elsewhere
            )
            parts.append(f"you are needed at {listed} instead")
        elif not parts:
            parts.append(_who_has_it(workspace, meeting, attendee, after))
    return " and ".join(parts)


def _who_has_it(workspace: Workspace, meeting: Meeting, attendee: str, after: set[Pair]) -> str:
    """What became of a meeting someone was taken off (no rule bars them from it alone, and
    nothing else needs them): who has it now, or that no one does."""
    now_on = sorted(a for a, m in after if m == meeting.id and a != attendee)
    if not now_on:
        # Coverage comes first: a covered meeting is left uncovered only when the rules
        # (limits, rest, duty hours) no longer let its person keep it with the rest of
        # the day, and nobody else can take it.
        return (
            "the rules as they are now (your limits, rest and duty hours) do not let you "
            "keep it with the rest of your day, and no one else can take it: it is uncovered"
        )
    pinned = [a for a in now_on if a in meeting.pinned]
    if pinned:
        names = {a.id: a.name for a in workspace.attendees}
        listed = ", ".join(names.get(a, a) for a in pinned)
        return f"{listed} {'is' if len(pinned) == 1 else 'are'} pinned to it"
    return "someone else covers it now"
