"""Why a meeting is uncovered, as data a coordinator can act on.

The reasons, checked in this order: the meeting is closed; no one in the group has the
expertise it needs; those who have it are not admitted by its access rule; those admitted
are away then; it started before a replan with no one there; or everyone who could go is
committed to other meetings (named) or would break a named rule (rest, duty hours, late
nights, changeover) by going. Their wording for people is in `coverage.published`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from coverage import rules
from coverage.domain import Attendee, Meeting, Workspace
from coverage.problem import StaffingProblem
from coverage.published import are, names_text

CLOSED = "closed"
NO_ACCESS = "no_access"
NO_EXPERTISE = "no_expertise"
NOT_AVAILABLE = "not_available"
COMMITTED = "committed_elsewhere"
RULES = "rule_conflict"
NOT_PROVEN = "time_limit"
ALREADY_STARTED = "already_started"


@dataclass(frozen=True)
class Obstacle:
    """What keeps one qualified attendee from also covering the meeting."""

    attendee: str
    rule: str  # changeover | rest | duty | late_nights
    message: str
    meetings: tuple[str, ...] = ()  # the attendee's meetings it clashes with
    # The rule would block the attendee even with no other meeting of the rota.
    standalone: bool = False


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
    replanned_at: datetime | None = None,
) -> Explanation:
    """The reason `meeting` got nobody in the rota given by `assignments` (attendee,
    meeting pairs). A meeting that is not in the problem started before `replanned_at`.

    The reason that holds whatever the solver does comes first: closed, nobody in the
    group knows the issues well enough, those who do cannot get in, those who could go
    are away; only then what the rota itself decided (a meeting that already started,
    everyone busy elsewhere, a rule that would break)."""
    conference = workspace.conference
    if meeting.access == "closed":
        return Explanation(meeting.id, CLOSED, "a closed meeting: no civil-society seat gets in")
    people = workspace.attendees
    need = rules.required_expertise(meeting, conference)
    experts = [a for a in people if rules.knows_enough(a, meeting, conference)]
    issues = ", ".join(meeting.issues)
    if not experts:
        best = max((a.best_level(meeting.issues) for a in people), default=0)
        return Explanation(
            meeting.id,
            NO_EXPERTISE,
            f"needs expertise level {need} on {issues}; no one in the group has it "
            f"(the best is {best})",
        )
    admitted = [a for a in experts if rules.access_barrier(a, meeting) is None]
    if not admitted:
        return Explanation(meeting.id, NO_ACCESS, _access_text(meeting, workspace, experts))
    free = [a for a in admitted if rules.available(a, meeting.start, meeting.end)]
    if not free:
        names = [a.name for a in admitted]
        return Explanation(
            meeting.id,
            NOT_AVAILABLE,
            f"{are(names)} not available then",
        )
    if meeting.id not in problem.slots:
        local = conference.localize
        when = f" at {local(replanned_at):%H:%M}" if replanned_at is not None else ""
        return Explanation(
            meeting.id,
            ALREADY_STARTED,
            f"it started at {local(meeting.start):%H:%M}, before the rota was replanned{when}",
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
            f"the solver stopped at its time limit before placing {names_text(unblocked)} here",
        )
    committed = tuple(sorted({m for o in obstacles if o.rule == "changeover" for m in o.meetings}))
    # Busy elsewhere only when each could go but for another meeting: a rule that blocks
    # someone even with nothing else that day (a meeting longer than their duty cap) is a
    # rule conflict.
    everyone_committed = all(
        any(o.rule == "changeover" and o.attendee == a.id for o in obstacles)
        and not any(o.standalone for o in obstacles if o.attendee == a.id)
        for a in free
    )
    details = "; ".join(o.message for o in obstacles)
    if everyone_committed:
        return Explanation(
            meeting.id,
            COMMITTED,
            details,
            tuple(obstacles),
            committed,
        )
    return Explanation(
        meeting.id,
        RULES,
        details,
        tuple(obstacles),
        committed,
    )


def _access_text(meeting: Meeting, workspace: Workspace, experts: list[Attendee]) -> str:
    """Why the people who know the issues cannot enter."""
    names = [a.name for a in experts]
    if meeting.access == "member_states":
        rule = "member states only"
        their = "on no national delegation"
    else:
        rule = f"only the delegations of {', '.join(meeting.delegations)} may enter"
        their = "on none of them"
    who = "the one who knows" if len(names) == 1 else "those who know"
    topic = f" {', '.join(meeting.issues)} well enough" if meeting.issues else ""
    if len(names) == len(workspace.attendees):
        return f"{rule}, and no one in the group sits {their}"
    return (
        f"{rule}: {who}{topic} ({names_text(names)}) {'sits' if len(names) == 1 else 'sit'} {their}"
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
        alone = slot.minutes + problem.duty_used.get((attendee, slot.day), 0) > cap
        found.append(
            Obstacle(
                attendee,
                "duty",
                f"{name} would sit {minutes / 60:g} h that day, over max_duty_hours "
                f"({cap / 60:g} h)",
                tuple(sorted(same_day)),
                standalone=alone,
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
