"""Why a meeting is uncovered, as data a coordinator can act on.

The reasons, checked in this order: the meeting is closed; no one in the group has the
expertise it needs; those who have it are not admitted by its access rule; those admitted
are away then; it started before a replan with no one there; or everyone who could go is
committed to other meetings (named) or would break a named rule (rest, duty hours, late
nights, changeover) by going: each hard rule of `coverage.hard_rules` says whether and
why it blocks one person. Their wording for people is in `coverage.published`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from coverage import rules
from coverage.domain import Attendee, Meeting, Workspace
from coverage.errors import Problem, WorkspaceError
from coverage.hard_rules import HARD_RULES, Context, Keeper, Obstacle
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
    free = [a for a in admitted if rules.free_then(a, meeting, conference)]
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
    """Every hard rule that adding `meeting` to `attendee`'s rota would break."""
    conference = workspace.conference
    fixed = problem.blocked_by_history.get((attendee, meeting.id))
    context = Context(
        problem=problem,
        name=workspace.attendee(attendee).name,
        meeting_text=lambda m: _meeting_text(workspace, problem, m),
        settings=conference.rules,
        blocked_by=fixed,
        blocked_text=""
        if fixed is None
        else f"{fixed.meeting} on {fixed.day} until {_clock(conference.localize(fixed.end))}",
    )
    found = [rule.obstacle(context, attendee, meeting.id, taken) for rule in HARD_RULES]
    return [o for o in found if o is not None]


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _meeting_text(workspace: Workspace, problem: StaffingProblem, meeting_id: str) -> str:
    meeting = workspace.meeting(meeting_id)
    weight = problem.slots[meeting_id].weight
    local = workspace.conference.localize
    when = f"{_clock(local(meeting.start))}-{_clock(local(meeting.end))}"
    return f"{meeting.title} [{meeting_id}] {when} (weight {weight})"


_BARRIERS = {
    rules.Barrier.CANCELLED: "the meeting is cancelled",
    rules.Barrier.CLOSED: "the meeting is closed to civil society (access)",
    rules.Barrier.NO_DELEGATION: "the meeting is for member states and {name} has no delegation "
    "seat (access)",
    rules.Barrier.NOT_ON_DELEGATIONS: "{name}'s delegation is not among the meeting's "
    "delegations (access)",
    rules.Barrier.EXPERTISE: "{name}'s expertise is below what the meeting needs (expertise)",
    rules.Barrier.NOT_AVAILABLE: "{name} is not available then, or it is outside their own "
    "hours (availability)",
}


def pin_problems(
    workspace: Workspace, problem: StaffingProblem, last: tuple[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """The pins of `problem` that cannot all hold, as (meeting id, attendee id, why, naming
    the rule): who may not attend at all, more pins than seats, and pins that together
    break a rule of one person's day (checked in the order of the meetings' starts, so the
    later pin is named, with the earlier one it clashes with; `last`, a pin being added,
    is checked after all the others, so that it is the one named)."""
    found: list[tuple[str, str, str]] = []
    conference = workspace.conference
    pinned_to: dict[str, int] = defaultdict(int)
    for _, meeting_id in problem.required:
        pinned_to[meeting_id] += 1
    keeper = Keeper(problem)
    order = sorted(
        problem.required, key=lambda p: (p == last, problem.slots[p[1]].start, p[1], p[0])
    )
    for attendee_id, meeting_id in order:
        person, meeting = workspace.attendee(attendee_id), workspace.meeting(meeting_id)
        seats = meeting.seats
        if pinned_to[meeting_id] > seats and (last is None or (attendee_id, meeting_id) == last):
            found.append(
                (
                    meeting_id,
                    attendee_id,
                    f"{pinned_to[meeting_id]} people are pinned to it and it has {seats} "
                    "seat(s) (seats)",
                )
            )
            continue
        if (attendee_id, meeting_id) not in problem.options:
            barrier = rules.eligibility(person, meeting, conference)
            if barrier is not None:
                why = _BARRIERS[barrier].format(name=person.name)
            else:
                obstacles = _obstacles(attendee_id, meeting, workspace, problem, set())
                why = "; ".join(f"{o.message} ({o.rule})" for o in obstacles) or "a rule"
            found.append((meeting_id, attendee_id, why))
            continue
        if not keeper.allows(attendee_id, meeting_id):
            taken = {m for a, m in keeper.taken if a == attendee_id}
            obstacles = _obstacles(attendee_id, meeting, workspace, problem, taken)
            why = "; ".join(f"{o.message} ({o.rule})" for o in obstacles) or "a rule"
            found.append((meeting_id, attendee_id, why))
            continue
        keeper.add(attendee_id, meeting_id)
    return found


def refuse_broken_pins(
    workspace: Workspace, problem: StaffingProblem, new: tuple[str, str] | None = None
) -> None:
    """Raise a WorkspaceError naming each pin that cannot hold, and the rule it breaks
    (`meetings.yaml`, relative: the caller knows the folder). With `new`, a pin being
    added, only that pin is judged (against all the others): the others are the next
    plan's to judge."""
    found = pin_problems(workspace, problem, new)
    if new is not None:
        found = [f for f in found if (f[1], f[0]) == new]
    if found:
        raise WorkspaceError(
            [
                Problem(
                    "meetings.yaml", f"cannot pin {who}: {why}", f"meeting '{meeting}'", "pinned"
                )
                for meeting, who, why in found
            ]
        )
