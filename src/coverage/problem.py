"""The staffing decision in numbers: what the solver needs, derived from the workspace by
the rules, and nothing the solver would have to look up elsewhere.

`build_problem` applies `coverage.rules` to a workspace and the fixed history; the
solver never sees a date, a file or a delegation, only whole minutes, weights and the
groups of choices the rules forbid together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from coverage import rules
from coverage.domain import STANCES, Meeting, Workspace, stance_bonus
from coverage.rules import Barrier, Duty


@dataclass(frozen=True)
class FixedAssignment:
    """A published assignment of a day outside the plan: fixed history the rules still see."""

    meeting: str
    attendee: str
    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    """A meeting to staff, in numbers."""

    id: str
    day: int  # date.toordinal() of its conference day
    start: int  # minutes since the epoch
    end: int
    weight: int
    seats: int
    issues: tuple[str, ...]
    late: bool  # attending makes the day a late night
    night_minutes: int

    @property
    def minutes(self) -> int:
        """Real elapsed length."""
        return self.end - self.start

    @property
    def load(self) -> int:
        """What sitting in it weighs on a person (fairness): its minutes, night minutes
        counted twice."""
        return self.minutes + self.night_minutes


LEAD_BONUS = 3  # expertise levels a lead counts more, reporting on their own issue


@dataclass(frozen=True)
class Option:
    """An (attendee, meeting) pair the rules allow, with what makes it more or less good."""

    attendee: str
    meeting: str
    level: int  # best expertise over the meeting's issues (0 for a meeting with no issues)
    leads: bool  # the attendee leads one of the meeting's issues
    # How the attendee's delegation stands on the meeting's issues, relative to the group's
    # position (the least supportive of them; None when states.yaml says nothing).
    stance: str | None = None
    # +1 an issue the attendee prefers, -1 an issue or kind they avoid (`Attendee.preference`).
    preference: int = 0

    @property
    def stance_bonus(self) -> int:
        """Expertise levels a supportive delegation adds; an opposing one is never an asset."""
        return stance_bonus(self.stance)

    @property
    def quality_levels(self) -> int:
        """What the pair is worth per unit of meeting weight in the expertise tier: the
        level, LEAD_BONUS more for a lead, and the delegation's stance bonus."""
        return self.level + (LEAD_BONUS if self.leads else 0) + self.stance_bonus


@dataclass(frozen=True)
class FrozenPart:
    """The part of a replanned day that already happened, as constants of each tier: the
    weight its meetings cover, their depth, the quality of who sat in them, each person's
    load and the (person, day, issue) threads they started."""

    coverage: int = 0
    depth: int = 0
    quality: int = 0
    load: Mapping[str, int] = field(default_factory=dict)
    threads: frozenset[tuple[str, int, str]] = frozenset()
    preference: int = 0


@dataclass
class StaffingProblem:
    """Everything the solver decides over.

    `options` are the allowed (attendee, meeting) pairs; `overlap_groups[a]` lists groups of
    meetings of which attendee `a` may take at most one (changeover rule); `rest_pairs[a]`
    pairs of meetings on different days that `a` may not both take (rest rule);
    `changeover` the minutes anyone needs between two meetings (two closer ones clash for
    everyone); `duty_caps[a]` the minutes `a` may sit in per day (`duty_used` those
    already spent in frozen meetings of a planned day); `late_windows[a]` the runs of days
    with at most `max_late` late nights, each with the late nights already in history.
    """

    slots: dict[str, Slot]
    attendees: tuple[str, ...]
    options: dict[tuple[str, str], Option]
    overlap_groups: dict[str, list[tuple[str, ...]]]
    rest_pairs: dict[str, list[tuple[str, str]]]
    duty_caps: dict[str, int]
    late_windows: dict[str, list[tuple[tuple[int, ...], int]]]
    max_late: int
    days: tuple[int, ...]
    changeover: int = 0
    barriers: dict[tuple[str, str], Barrier] = field(default_factory=dict)
    blocked_by_history: dict[tuple[str, str], FixedAssignment] = field(default_factory=dict)
    duty_used: dict[tuple[str, int], int] = field(default_factory=dict)
    # When replanning: the published (attendee, meeting) pairs of the meetings re-planned.
    previous: frozenset[tuple[str, str]] | None = None
    # When replanning: people who get a message whatever the solver does (a meeting they
    # are on moved, or changed room, title or status).
    told: frozenset[str] = frozenset()
    # (attendee, meeting) pairs a meeting's `assigned` commits and the rules allow.
    pinned: frozenset[tuple[str, str]] = frozenset()
    # Personal limits: late nights in a row where a person's own differs from `max_late`,
    # meetings per day for those who have a cap, and the meetings of a replanned day that
    # already happened (as `duty_used` counts their minutes).
    late_limits: dict[str, int] = field(default_factory=dict)
    meeting_caps: dict[str, int] = field(default_factory=dict)
    meetings_used: dict[tuple[str, int], int] = field(default_factory=dict)
    # (attendee, meeting) pairs a meeting's `pinned` requires (a hard rule): every rota has
    # them. Pins of meetings not planned here (other days, or started before a replan's
    # moment) are not in it. `check_pins` refuses a problem whose pins break a rule.
    required: frozenset[tuple[str, str]] = frozenset()
    # When replanning: what the assignments kept as published (their meetings started)
    # add to each tier, so that every tier is scored on the whole day.
    base: FrozenPart = field(default_factory=lambda: FrozenPart())

    def late_limit(self, attendee: str) -> int:
        """The most late nights in a row `attendee` may have."""
        return self.late_limits.get(attendee, self.max_late)

    def duty_left(self, attendee: str, day: int) -> int:
        """Minutes the attendee may still sit in on `day` beyond the frozen ones."""
        return self.duty_caps[attendee] - self.duty_used.get((attendee, day), 0)

    def options_of(self, attendee: str) -> list[Option]:
        """The options of one attendee, by meeting start."""
        found = [o for (a, _), o in self.options.items() if a == attendee]
        return sorted(found, key=lambda o: (self.slots[o.meeting].start, o.meeting))


def slot_of(meeting: Meeting, workspace: Workspace) -> Slot:
    """A meeting in numbers."""
    conference = workspace.conference
    return Slot(
        id=meeting.id,
        day=conference.day_of(meeting.start).toordinal(),
        start=rules.minute(meeting.start),
        end=rules.minute(meeting.end),
        weight=rules.meeting_weight(meeting, conference),
        seats=meeting.seats,
        issues=meeting.issues,
        late=rules.is_late(meeting, conference),
        night_minutes=rules.night_minutes(meeting, conference),
    )


def relevant_history(
    workspace: Workspace, days: Sequence[date], history: Sequence[FixedAssignment]
) -> list[FixedAssignment]:
    """The published assignments of other days near enough to `days` to constrain them."""
    planned = {d.toordinal() for d in days}
    reach = rules.history_reach(workspace.conference, workspace.attendees)
    return [
        f
        for f in history
        if f.day.toordinal() not in planned
        and any(abs(f.day.toordinal() - d) <= reach for d in planned)
    ]


# Where people enter on their delegation's seat, they speak for its government: stances
# count there. Open meetings admit anyone from the group, and what they bring is expertise.
SEAT_ACCESS = ("member_states", "delegations")


def delegation_stance(
    stances: Mapping[str, Mapping[str, str]], delegation: str | None, issues: Sequence[str]
) -> str | None:
    """The least supportive stance of a delegation over some issues (an issue it has no
    stance on counts as undecided); None without a delegation, issues or any stance."""
    if delegation is None or not issues or delegation not in stances:
        return None
    known = stances[delegation]
    return min((known.get(issue, "undecided") for issue in issues), key=STANCES.index)


def build_problem(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment] = (),
    frozen: Sequence[FixedAssignment] = (),
    not_before: datetime | None = None,
    stances: Mapping[str, Mapping[str, str]] | None = None,
    explain: Collection[tuple[str, str]] = (),
) -> StaffingProblem:
    """Apply the rules to the meetings of `days` (those starting at `not_before` or later,
    when given), with `history` (other days) and `frozen` (assignments of the planned days
    that already happened) as fixed duties. `stances` (delegation -> issue -> stance, from
    states.yaml) tells which delegations support the group's position. For the
    (attendee, meeting) pairs of `explain` (a published rota being replanned), the rule
    that keeps a pair out is recorded in `barriers`."""
    conference = workspace.conference
    changeover = conference.rules.changeover_minutes
    rest = round(conference.rules.min_rest_hours * 60)
    happened = {f.meeting for f in frozen}
    meetings = [
        m
        for m in workspace.meetings_on(days)
        if (not_before is None or m.start >= not_before) and m.id not in happened
    ]
    slots = {m.id: slot_of(m, workspace) for m in meetings}
    planned = {d.toordinal() for d in days}
    history = [*relevant_history(workspace, days, history), *frozen]
    duty_used: dict[tuple[str, int], int] = defaultdict(int)
    meetings_used: dict[tuple[str, int], int] = defaultdict(int)
    for fixed in frozen:
        duty_used[fixed.attendee, fixed.day.toordinal()] += rules.minute(fixed.end) - rules.minute(
            fixed.start
        )
        meetings_used[fixed.attendee, fixed.day.toordinal()] += 1

    options: dict[tuple[str, str], Option] = {}
    barriers: dict[tuple[str, str], Barrier] = {}
    blocked: dict[tuple[str, str], FixedAssignment] = {}
    overlap: dict[str, list[tuple[str, ...]]] = {}
    rest_pairs: dict[str, list[tuple[str, str]]] = {}
    late_windows: dict[str, list[tuple[tuple[int, ...], int]]] = {}
    history_of: dict[str, list[FixedAssignment]] = defaultdict(list)
    for fixed in history:
        history_of[fixed.attendee].append(fixed)

    # Only published duties within reach of the planned meetings can clash with them.
    reach = max(rest, changeover)
    earliest = min((s.start for s in slots.values()), default=0) - reach
    latest = max((s.end for s in slots.values()), default=0) + reach
    admission = rules.Admission(workspace.attendees, conference)
    eligible: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:  # by start: each person's list is too
        for person in admission.candidates(meeting):
            eligible[person.id].append(meeting)
    people = {a.id: a for a in workspace.attendees}
    meeting_of = {m.id: m for m in meetings}
    for attendee_id, meeting_id in explain:
        if attendee_id in people and meeting_id in meeting_of:
            barrier = rules.eligibility(people[attendee_id], meeting_of[meeting_id], conference)
            if barrier is not None:
                barriers[attendee_id, meeting_id] = barrier
    for attendee in workspace.attendees:
        nearby = [
            (f, Duty(f"fixed:{f.meeting}", start, end, f.day.toordinal()))
            for f in history_of[attendee.id]
            if (start := rules.minute(f.start)) < latest and (end := rules.minute(f.end)) > earliest
        ]
        own: list[Duty] = []
        for meeting in eligible[attendee.id]:
            key = (attendee.id, meeting.id)
            slot = slots[meeting.id]
            duty = Duty(meeting.id, slot.start, slot.end, slot.day)
            clash = next(
                (f for f, d in nearby if rules.clashes(duty, d, changeover, rest)),
                None,
            )
            if clash is not None:
                blocked[key] = clash
                continue
            options[key] = Option(
                attendee=attendee.id,
                meeting=meeting.id,
                level=attendee.best_level(meeting.issues),
                leads=any(issue in attendee.leads for issue in meeting.issues),
                stance=delegation_stance(stances or {}, attendee.delegation, meeting.issues)
                if meeting.access in SEAT_ACCESS
                else None,
                preference=attendee.preference(meeting),
            )
            own.append(duty)
        overlap[attendee.id] = rules.overlap_groups(own, changeover)
        rest_pairs[attendee.id] = rules.rest_clashes(own, changeover, rest)
        history_late = {
            f.day.toordinal()
            for f in history_of[attendee.id]
            if f.end > rules.late_night_threshold(conference, f.day)
        }
        late_windows[attendee.id] = rules.late_night_windows(
            planned, history_late, rules.late_nights_limit(attendee, conference)
        )

    return StaffingProblem(
        base=_frozen_part(workspace, frozen, stances or {}),
        slots=slots,
        attendees=tuple(a.id for a in workspace.attendees),
        options=options,
        overlap_groups=overlap,
        rest_pairs=rest_pairs,
        duty_caps={a.id: rules.duty_cap_minutes(a, conference) for a in workspace.attendees},
        duty_used=dict(duty_used),
        pinned=frozenset((a, m.id) for m in meetings for a in m.assigned if (a, m.id) in options),
        required=frozenset(
            (a, m.id) for m in meetings if m.status != "cancelled" for a in m.pinned
        ),
        late_windows=late_windows,
        max_late=conference.rules.max_late_nights_in_a_row,
        late_limits={
            a.id: limit
            for a in workspace.attendees
            if (limit := rules.late_nights_limit(a, conference))
            != conference.rules.max_late_nights_in_a_row
        },
        meeting_caps={
            a.id: a.max_meetings_per_day
            for a in workspace.attendees
            if a.max_meetings_per_day is not None
        },
        meetings_used=dict(meetings_used),
        days=tuple(sorted(planned)),
        changeover=changeover,
        barriers=barriers,
        blocked_by_history=blocked,
    )


def _frozen_part(
    workspace: Workspace,
    frozen: Sequence[FixedAssignment],
    stances: Mapping[str, Mapping[str, str]],
) -> FrozenPart:
    """What the assignments kept as published contribute to each tier."""
    if not frozen:
        return FrozenPart()
    conference = workspace.conference
    meetings = {m.id: m for m in workspace.meetings}
    people = {a.id: a for a in workspace.attendees}
    by_meeting: dict[str, int] = defaultdict(int)
    quality = preference = 0
    load: dict[str, int] = defaultdict(int)
    threads: set[tuple[str, int, str]] = set()
    for fixed in frozen:
        meeting = meetings.get(fixed.meeting)
        by_meeting[fixed.meeting] += 1
        start, end = rules.minute(fixed.start), rules.minute(fixed.end)
        threshold = rules.minute(rules.late_night_threshold(conference, fixed.day))
        load[fixed.attendee] += (end - start) + max(0, end - max(start, threshold))
        if meeting is None:
            continue
        for issue in meeting.issues:
            threads.add((fixed.attendee, fixed.day.toordinal(), issue))
        person = people.get(fixed.attendee)
        if person is None:
            continue
        stance = (
            delegation_stance(stances, person.delegation, meeting.issues)
            if meeting.access in SEAT_ACCESS
            else None
        )
        option = Option(
            attendee=person.id,
            meeting=meeting.id,
            level=person.best_level(meeting.issues),
            leads=any(issue in person.leads for issue in meeting.issues),
            stance=stance,
        )
        quality += rules.meeting_weight(meeting, conference) * option.quality_levels
        preference += person.preference(meeting)
    coverage = depth = 0
    for meeting_id, count in by_meeting.items():
        meeting = meetings.get(meeting_id)
        weight = rules.meeting_weight(meeting, conference) if meeting else 1
        seats = meeting.seats if meeting else count
        coverage += weight
        depth += weight * (min(count, seats) - 1)
    return FrozenPart(coverage, depth, quality, dict(load), frozenset(threads), preference)
