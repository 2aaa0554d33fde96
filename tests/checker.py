"""An independent judge of rotas, written from the documented rules only.

It deliberately does not import the solver (`coverage.rules`, `coverage.solver`,
`coverage.plan`, `coverage.explain`) nor the conference-day helpers of
`coverage.domain`: conference days, late-night thresholds and lengths are re-derived
here. Every length and comparison is done on UTC instants, so that real elapsed time
counts across DST changes (Python compares and subtracts two datetimes sharing one
tzinfo object by their wall clocks, which is wrong across a DST change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coverage.domain import Attendee, Conference, Meeting, Workspace

# --------------------------------------------------------------------------- time


def utc(value: Any) -> datetime:
    """An aware datetime (or ISO 8601 text with an offset) as a UTC instant."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"expected an aware date-time, got {value!r}")
    return moment.astimezone(UTC)


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _clock(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second)


def conference_day(conference: Conference, moment: datetime) -> date:
    """The conference day of a moment: the date of (local wall clock - day_end) when the day
    runs overnight (day_end <= day_start), else the local date."""
    local = utc(moment).astimezone(ZoneInfo(conference.timezone)).replace(tzinfo=None)
    if conference.day_end <= conference.day_start:
        return (local - _clock(conference.day_end)).date()
    return local.date()


def late_threshold(conference: Conference, day: date) -> datetime:
    """The late-night threshold of conference day `day`, as a UTC instant: late_night_after on
    the next calendar date when it is before day_start, else on `day` itself. (An ambiguous wall
    clock, repeated by a DST change, is read as its first occurrence: fold=0.)"""
    after = conference.rules.late_night_after
    on = day + timedelta(days=1) if after < conference.day_start else day
    local = datetime.combine(on, after).replace(tzinfo=ZoneInfo(conference.timezone), fold=0)
    return local.astimezone(UTC)


def fmt(moment: datetime, conference: Conference) -> str:
    return moment.astimezone(ZoneInfo(conference.timezone)).strftime("%Y-%m-%d %H:%M%z")


# --------------------------------------------------------------------------- scores


def weight(conference: Conference, meeting: Meeting) -> int:
    """priority * max(1, the highest weight among the meeting's issues)."""
    weights = {issue.id: issue.weight for issue in conference.issues}
    best = max((weights.get(issue, 1) for issue in meeting.issues), default=1)
    return meeting.priority * max(1, best)


def scores_of(workspace: Workspace, assignments: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(coverage, depth) of a set of assignments (dicts with 'meeting' and 'attendee')."""
    meetings = {m.id: m for m in workspace.meetings}
    people: dict[str, set[str]] = defaultdict(set)
    for item in assignments:
        if item["meeting"] in meetings:
            people[item["meeting"]].add(item["attendee"])
    coverage = depth = 0
    for meeting_id, who in people.items():
        if not who:
            continue
        meeting = meetings[meeting_id]
        w = weight(workspace.conference, meeting)
        coverage += w
        depth += w * (min(len(who), meeting.seats) - 1)
    return coverage, depth


# --------------------------------------------------------------------------- eligibility


def ineligibility(conference: Conference, attendee: Attendee, meeting: Meeting) -> str | None:
    """Why `attendee` may not attend `meeting`, or None when they may."""
    if meeting.status == "cancelled":
        return "the meeting is cancelled"
    if meeting.access == "closed":
        return "the meeting is closed"
    if meeting.access == "member_states" and attendee.delegation is None:
        return "the meeting is for member states and the attendee has no delegation"
    if meeting.access == "delegations" and attendee.delegation not in meeting.delegations:
        return (
            f"the meeting is for delegations {list(meeting.delegations)}, the attendee's is "
            f"{attendee.delegation!r}"
        )
    if meeting.issues:
        needed = meeting.min_expertise
        if needed is None:
            needed = conference.rules.default_min_expertise
        level = max((attendee.expertise.get(issue, 0) for issue in meeting.issues), default=0)
        if level < needed:
            return f"expertise {level} is below the required {needed}"
    start, end = utc(meeting.start), utc(meeting.end)
    if attendee.available_from is not None and start < utc(attendee.available_from):
        return "the meeting starts before the attendee is available"
    if attendee.available_until is not None and end > utc(attendee.available_until):
        return "the meeting ends after the attendee is available"
    for period in attendee.unavailable:
        if start < utc(period.end) and utc(period.start) < end:
            return "the attendee is unavailable during the meeting"
    # Personal hours, read on the meeting's conference day; a clock time before day_start
    # is on the next morning (README, "Personal limits").
    day = conference_day(conference, meeting.start)
    zone = ZoneInfo(conference.timezone)

    def on_day(clock: time) -> datetime:
        overnight = conference.day_end <= conference.day_start
        date_of = day + timedelta(days=1) if overnight and clock < conference.day_start else day
        return datetime.combine(date_of, clock, tzinfo=zone).astimezone(UTC)

    earliest = (
        datetime.combine(day, attendee.earliest, tzinfo=zone).astimezone(UTC)
        if attendee.earliest is not None
        else None
    )  # on the day's own date
    if earliest is not None and start < earliest:
        return f"the meeting starts before the attendee's earliest {attendee.earliest}"
    if attendee.latest is not None and end > on_day(attendee.latest):
        return f"the meeting ends after the attendee's latest {attendee.latest}"
    return None


# --------------------------------------------------------------------------- personal rules


@dataclass(frozen=True)
class Duty:
    """One meeting in one person's schedule (from the rota, or fixed history)."""

    meeting: str
    attendee: str
    day: date
    start: datetime  # UTC
    end: datetime  # UTC
    fixed: bool = False

    def label(self) -> str:
        return f"{'fixed ' if self.fixed else ''}'{self.meeting}' ({self.day})"


def max_duty_hours(conference: Conference, attendee: Attendee | None) -> float:
    if attendee is not None and attendee.max_duty_hours is not None:
        return attendee.max_duty_hours
    return conference.rules.max_duty_hours


def person_violations(
    conference: Conference,
    person: str,
    duty_hours: float,
    items: Sequence[Duty],
    attendee: Attendee | None = None,
) -> list[str]:
    """What breaks the per-person rules (changeover, duty, rest, late nights, and the
    person's own limits when `attendee` is given) in one person's schedule. Only problems
    involving at least one non-fixed item are reported: fixed history is what it is."""
    rules = conference.rules
    found: list[str] = []
    items = sorted(items, key=lambda d: (d.start, d.end, d.meeting))
    changeover = timedelta(minutes=rules.changeover_minutes)
    rest = timedelta(hours=rules.min_rest_hours)

    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if a.fixed and b.fixed:
                continue
            # a starts no later than b
            if b.start - a.end < changeover:
                found.append(
                    f"{person}: {b.label()} starts {(b.start - a.end).total_seconds() / 60:g} "
                    f"min after {a.label()} ends (changeover {rules.changeover_minutes} min)"
                )
    for a in items:
        for b in items:
            if a.day < b.day and not (a.fixed and b.fixed) and b.start - a.end < rest:
                found.append(
                    f"{person}: only {(b.start - a.end).total_seconds() / 3600:g} h between "
                    f"{a.label()} and {b.label()} (min rest {rules.min_rest_hours} h)"
                )

    by_day: dict[date, list[Duty]] = defaultdict(list)
    for item in items:
        by_day[item.day].append(item)
    for day, todays in sorted(by_day.items()):
        if all(d.fixed for d in todays):
            continue
        seconds = sum((d.end - d.start).total_seconds() for d in todays)
        if seconds > duty_hours * 3600:
            found.append(
                f"{person}: {seconds / 3600:g} h of meetings on {day} (max duty {duty_hours:g} h)"
            )

    late: dict[date, bool] = {}  # late night day -> has a non-fixed late meeting
    for day, todays in by_day.items():
        threshold = late_threshold(conference, day)
        late_ones = [d for d in todays if d.end > threshold]
        if late_ones:
            late[day] = any(not d.fixed for d in late_ones)
    limit = rules.max_late_nights_in_a_row
    if attendee is not None and attendee.max_late_nights_in_a_row is not None:
        limit = attendee.max_late_nights_in_a_row
    if attendee is not None and attendee.max_meetings_per_day is not None:
        for day, todays in sorted(by_day.items()):
            if len(todays) > attendee.max_meetings_per_day and not all(d.fixed for d in todays):
                found.append(
                    f"{person}: {len(todays)} meetings on {day} "
                    f"(max {attendee.max_meetings_per_day} a day)"
                )
    for first in sorted(late):
        if first - timedelta(days=1) in late:
            continue  # not the start of a run
        run = [first]
        while run[-1] + timedelta(days=1) in late:
            run.append(run[-1] + timedelta(days=1))
        if len(run) > limit and any(late[d] for d in run):
            found.append(
                f"{person}: {len(run)} late nights in a row from {run[0]} to {run[-1]} "
                f"(max {limit})"
            )
    return found


# --------------------------------------------------------------------------- the rota


def _duty_from_record(record: Mapping[str, Any], fixed: bool) -> Duty:
    return Duty(
        meeting=str(record["meeting"]),
        attendee=str(record["attendee"]),
        day=as_date(record["day"]),
        start=utc(record["start"]),
        end=utc(record["end"]),
        fixed=fixed,
    )


def fixed_duties(fixed: Iterable[Any]) -> list[Duty]:
    """Fixed history given as dicts or as objects with the same attributes."""
    duties = []
    for item in fixed:
        record = (
            item
            if isinstance(item, Mapping)
            else {k: getattr(item, k) for k in ("meeting", "attendee", "day", "start", "end")}
        )
        duties.append(_duty_from_record(record, fixed=True))
    return duties


def check_rota(workspace: Workspace, rota: Mapping[str, Any]) -> list[str]:
    """Every rule the rota breaks, as readable strings; [] when it is valid."""
    conference = workspace.conference
    meetings = {m.id: m for m in workspace.meetings}
    attendees = {a.id: a for a in workspace.attendees}
    problems: list[str] = []

    days = {as_date(d) for d in rota.get("days", [])}
    day_of = {m.id: conference_day(conference, m.start) for m in workspace.meetings}

    duties: list[Duty] = []
    seen: set[tuple[str, str]] = set()
    assigned: dict[str, set[str]] = defaultdict(set)
    for n, record in enumerate(rota.get("assignments", [])):
        meeting_id, person = record.get("meeting"), record.get("attendee")
        where = f"assignment #{n} ({meeting_id!r}, {person!r})"
        meeting = meetings.get(meeting_id)
        attendee = attendees.get(person)
        if meeting is None:
            problems.append(f"{where}: no such meeting")
        if attendee is None:
            problems.append(f"{where}: no such attendee")
        if meeting is None or attendee is None:
            continue
        if (meeting_id, person) in seen:
            problems.append(f"{where}: the same person is assigned to the same meeting twice")
            continue
        seen.add((meeting_id, person))
        assigned[meeting_id].add(person)
        if record.get("frozen"):
            # Kept by a replan because the meeting had started: it happened as published,
            # so only its interplay with the new assignments is judged.
            duties.append(_duty_from_record(record, fixed=True))
            continue
        day = day_of[meeting_id]
        if day not in days:
            problems.append(f"{where}: the meeting is on {day}, not a planned day")
        if str(record.get("day")) != day.isoformat():
            problems.append(f"{where}: day {record.get('day')} but the meeting is on {day}")
        try:
            if utc(record["start"]) != utc(meeting.start) or utc(record["end"]) != utc(meeting.end):
                problems.append(
                    f"{where}: times {record['start']}..{record['end']} differ from the meeting's "
                    f"{fmt(meeting.start, conference)}..{fmt(meeting.end, conference)}"
                )
        except (KeyError, ValueError, TypeError) as error:
            problems.append(f"{where}: unreadable start/end ({error})")
        reason = ineligibility(conference, attendee, meeting)
        if reason:
            problems.append(f"{where}: not eligible: {reason}")
        duties.append(
            Duty(meeting_id, person, day, utc(meeting.start), utc(meeting.end), fixed=False)
        )

    for n, record in enumerate(rota.get("fixed", [])):
        try:
            duty = _duty_from_record(record, fixed=True)
        except (KeyError, ValueError, TypeError) as error:
            problems.append(f"fixed #{n}: unreadable ({error})")
            continue
        if duty.day in days:
            problems.append(f"fixed #{n} ({duty.meeting!r}): on {duty.day}, a planned day")
        duties.append(duty)

    for meeting_id, who in sorted(assigned.items()):
        seats = meetings[meeting_id].seats
        if len(who) > seats:
            problems.append(f"meeting '{meeting_id}': {len(who)} attendees for {seats} seats")

    per_person: dict[str, list[Duty]] = defaultdict(list)
    for duty in duties:
        per_person[duty.attendee].append(duty)
    for person, items in sorted(per_person.items()):
        if all(d.fixed for d in items):
            continue
        hours = max_duty_hours(conference, attendees.get(person))
        problems += person_violations(conference, person, hours, items, attendees.get(person))

    coverage, depth = scores_of(workspace, rota.get("assignments", []))
    reported = {s.get("tier"): s for s in rota.get("scores", [])}
    for tier, value in (("coverage", coverage), ("depth", depth)):
        if tier not in reported:
            problems.append(f"scores: no '{tier}' tier")
        elif reported[tier].get("value") != value:
            problems.append(
                f"scores: {tier} reported {reported[tier].get('value')}, recomputed {value}"
            )

    # Pins: everyone pinned to a meeting of a planned day (not cancelled; in a replan, not
    # started before the replan's moment) is on it.
    replanned = rota.get("replan") or {}
    now = utc(replanned["now"]) if replanned.get("now") else None
    for meeting in workspace.meetings:
        if day_of[meeting.id] not in days or meeting.status == "cancelled":
            continue
        if now is not None and utc(meeting.start) < now:
            continue
        for person in meeting.pinned:
            if person not in assigned.get(meeting.id, set()):
                problems.append(f"meeting '{meeting.id}': {person} is pinned but not on it")

    uncovered: dict[str, Mapping[str, Any]] = {}
    for entry in rota.get("uncovered", []):
        uncovered[entry.get("meeting")] = entry
    for meeting in workspace.meetings:
        if day_of[meeting.id] not in days:
            continue
        if assigned.get(meeting.id):
            if meeting.id in uncovered:
                problems.append(f"meeting '{meeting.id}' is assigned but listed as uncovered")
        elif meeting.status != "cancelled":
            entry = uncovered.get(meeting.id)
            if entry is None:
                problems.append(f"meeting '{meeting.id}' has nobody and is not listed uncovered")
            elif not str(entry.get("message") or "").strip():
                problems.append(f"meeting '{meeting.id}' is uncovered without a message")
    return problems
