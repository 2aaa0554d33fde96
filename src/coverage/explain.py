"""Why a meeting is uncovered, as data a coordinator can act on.

The reasons, checked in this order: the meeting is closed; no attendee is admitted by
its access rule; no admitted attendee has the expertise; no one qualified is available
then; or everyone who could go is committed to other meetings (named) or would break a
named rule (rest, duty hours, late nights, changeover) by going.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from coverage import rules
from coverage.domain import Meeting, Workspace
from coverage.problem import StaffingProblem
from coverage.rules import Barrier

CLOSED = "closed"
NO_ACCESS = "no_access"
NO_EXPERTISE = "no_expertise"
NOT_AVAILABLE = "not_available"
COMMITTED = "committed_elsewhere"
RULES = "rule_conflict"
NOT_PROVEN = "time_limit"


@dataclass(frozen=True)
class Obstacle:
    """What keeps one qualified attendee from also covering the meeting."""

    attendee: str
    rule: str  # changeover | rest | duty | late_nights
    message: str
    meetings: tuple[str, ...] = ()  # the attendee's meetings it clashes with


@dataclass(frozen=True)
class Explanation:
    """Why a meeting is uncovered."""

    meeting: str
    reason: str
    message: str
    obstacles: tuple[Obstacle, ...] = ()
    committed_to: tuple[str, ...] = field(default=())


def explain_uncovered(
    meeting: Meeting,
    workspace: Workspace,
    problem: StaffingProblem,
    assignments: Iterable[tuple[str, str]],
) -> Explanation:
    """The reason `meeting` got nobody in the rota given by `assignments`."""
    conference = workspace.conference
    if meeting.access == "closed":
        return Explanation(meeting.id, CLOSED, "closed meeting: no civil-society seat gets in")
    barrier = {a.id: problem.barriers.get((a.id, meeting.id)) for a in workspace.attendees}
    access_barriers = {Barrier.NO_DELEGATION, Barrier.NOT_ON_DELEGATIONS}
    admitted = [a for a in workspace.attendees if barrier[a.id] not in access_barriers]
    if not admitted:
        if meeting.access == "member_states":
            text = "member states only, and no attendee sits on a national delegation"
        else:
            codes = ", ".join(meeting.delegations)
            text = f"only the delegations of {codes} may enter, and no attendee sits on one"
        return Explanation(meeting.id, NO_ACCESS, text)
    qualified = [a for a in admitted if barrier[a.id] != Barrier.EXPERTISE]
    if not qualified:
        need = rules.required_expertise(meeting, conference)
        issues = ", ".join(meeting.issues)
        best = max(a.best_level(meeting.issues) for a in admitted)
        return Explanation(
            meeting.id,
            NO_EXPERTISE,
            f"needs expertise level {need} on {issues}; the best among those admitted is {best}",
        )
    free = [a for a in qualified if barrier[a.id] != Barrier.NOT_AVAILABLE]
    if not free:
        names = ", ".join(a.name for a in qualified)
        return Explanation(
            meeting.id, NOT_AVAILABLE, f"no one qualified is available then ({names} are away)"
        )

    chosen: dict[str, set[str]] = defaultdict(set)
    for attendee_id, meeting_id in assignments:
        chosen[attendee_id].add(meeting_id)
    obstacles: list[Obstacle] = []
    for attendee in free:
        obstacles += _obstacles(attendee.id, meeting, workspace, problem, chosen[attendee.id])
    blocked = {o.attendee for o in obstacles}
    unblocked = [a.name for a in free if a.id not in blocked]
    if unblocked:
        return Explanation(
            meeting.id,
            NOT_PROVEN,
            "the solver stopped at its time limit before placing " + ", ".join(unblocked) + " here",
        )
    committed = tuple(sorted({m for o in obstacles if o.rule == "changeover" for m in o.meetings}))
    everyone_committed = all(
        any(o.rule == "changeover" and o.attendee == a.id for o in obstacles) for a in free
    )
    details = "; ".join(o.message for o in obstacles)
    if everyone_committed:
        return Explanation(
            meeting.id,
            COMMITTED,
            f"everyone who could go covers other meetings: {details}",
            tuple(obstacles),
            committed,
        )
    return Explanation(
        meeting.id,
        RULES,
        f"everyone who could go would break a rule: {details}",
        tuple(obstacles),
        committed,
    )


def _obstacles(
    attendee: str,
    meeting: Meeting,
    workspace: Workspace,
    problem: StaffingProblem,
    taken: set[str],
) -> list[Obstacle]:
    """Every rule that adding `meeting` to `attendee`'s rota would break."""
    conference = workspace.conference
    name = workspace.attendee(attendee).name
    fixed = problem.blocked_by_history.get((attendee, meeting.id))
    if fixed is not None:
        gap_rule = "rest" if fixed.day != conference.day_of(meeting.start) else "changeover"
        return [
            Obstacle(
                attendee,
                gap_rule,
                f"{name} is published for {fixed.meeting} on {fixed.day} "
                f"until {_clock(conference.localize(fixed.end))} "
                f"({_rule_text(gap_rule, workspace)})",
                (fixed.meeting,),
            )
        ]
    slot = problem.slots[meeting.id]
    found: list[Obstacle] = []
    clashing = sorted(
        {
            m
            for group in problem.overlap_groups.get(attendee, [])
            if meeting.id in group
            for m in group
        }
        & taken
    )
    if clashing:
        listed = ", ".join(_meeting_text(workspace, problem, m) for m in clashing)
        found.append(Obstacle(attendee, "changeover", f"{name} covers {listed}", tuple(clashing)))
    resting = sorted(
        {
            b if a == meeting.id else a
            for a, b in problem.rest_pairs.get(attendee, [])
            if meeting.id in (a, b)
        }
        & taken
    )
    if resting:
        listed = ", ".join(_meeting_text(workspace, problem, m) for m in resting)
        found.append(
            Obstacle(
                attendee,
                "rest",
                f"{name} would not get {conference.rules.min_rest_hours:g} h of rest "
                f"(min_rest_hours) around {listed}",
                tuple(resting),
            )
        )
    same_day = [m for m in taken if problem.slots[m].day == slot.day]
    minutes = (
        sum(problem.slots[m].minutes for m in same_day)
        + slot.minutes
        + problem.duty_used.get((attendee, slot.day), 0)
    )
    cap = problem.duty_caps[attendee]
    if minutes > cap:
        found.append(
            Obstacle(
                attendee,
                "duty",
                f"{name} would sit {minutes / 60:.1f} h that day, over max_duty_hours "
                f"({cap / 60:g} h)",
                tuple(sorted(same_day)),
            )
        )
    if slot.late and _late_run_broken(attendee, slot.day, taken, problem):
        found.append(
            Obstacle(
                attendee,
                "late_nights",
                f"{name} would have more than {problem.max_late} late nights in a row "
                "(max_late_nights_in_a_row)",
            )
        )
    return found


def _late_run_broken(attendee: str, day: int, taken: set[str], problem: StaffingProblem) -> bool:
    late_days = {problem.slots[m].day for m in taken if problem.slots[m].late} | {day}
    for days, already in problem.late_windows.get(attendee, []):
        if day in days and already + sum(1 for d in days if d in late_days) > problem.max_late:
            return True
    return False


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _meeting_text(workspace: Workspace, problem: StaffingProblem, meeting_id: str) -> str:
    meeting = workspace.meeting(meeting_id)
    weight = problem.slots[meeting_id].weight
    local = workspace.conference.localize
    when = f"{_clock(local(meeting.start))}-{_clock(local(meeting.end))}"
    return f"{meeting.title} [{meeting_id}] {when} (weight {weight})"


def _rule_text(rule: str, workspace: Workspace) -> str:
    if rule == "rest":
        return f"min_rest_hours {workspace.conference.rules.min_rest_hours:g} h"
    return f"changeover_minutes {workspace.conference.rules.changeover_minutes}"
