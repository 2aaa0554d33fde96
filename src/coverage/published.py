"""The published rota: one typed model of `rota.json`, read and written in one place.

Planning produces a rota; publishing turns it into a `PublishedRota`, and every output
(terminal, Markdown, web page, chat digest, messages, iCalendar, CalDAV, outreach slots)
is a function of that model, never of the raw JSON. What several outputs say is computed
here, once: how meetings are counted, who is on duty, free or away, how a reason for an
uncovered meeting is worded, what changed for each person since the previous version, and
how a time after midnight is written.

`read_rota` checks the format and every field (a tampered or truncated file is reported
with the file, the record and the field); `dump_rota` writes the stable JSON format that
the README documents (fields are only ever added, never renamed).
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from coverage.domain import (
    Access,
    Id,
    Line,
    Pair,
    Stance,
    Status,
    fresh_copy,
    known_timezone,
    shown,
)
from coverage.errors import Problem, WorkspaceError

FORMAT: Final = "rota/1"

Moment = Annotated[AwareDatetime, PlainSerializer(lambda d: d.isoformat(), when_used="json")]
Day = Annotated[date, PlainSerializer(lambda d: d.isoformat(), when_used="json")]
MeetingState = Literal["covered", "uncovered", "cancelled"]
SolverStatus = Literal["OPTIMAL", "FEASIBLE", "INTERRUPTED"]
Presence = Literal["on duty", "free", "away"]

# --- Reasons for an uncovered meeting: one wording, used by every output ----------------------

ReasonCode = Literal[
    "closed",
    "no_access",
    "no_expertise",
    "not_available",
    "committed_elsewhere",
    "rule_conflict",
    "time_limit",
    "already_started",
]
REASONS: dict[str, str] = {
    "closed": "closed to civil society",
    "no_access": "no one who could go is admitted",
    "no_expertise": "no one in the group has the expertise",
    "not_available": "everyone who could go is away",
    "committed_elsewhere": "everyone who could go is at another meeting",
    "rule_conflict": "everyone who could go would break a rest or duty rule",
    "time_limit": "the solver ran out of time before placing someone",
    "already_started": "it started before the replan, with no one there",
}
# Uncovered meetings the group can still do something about (the group message lists them).
ACTIONABLE: frozenset[str] = frozenset(REASONS) - {"closed", "already_started"}

# Who may attend, in words (every output says it the same way).
ACCESS_TEXT = {
    "open": "open",
    "member_states": "member states only",
    "delegations": "listed delegations only",
    "closed": "closed",
}

# Versions of a day are numbered 1 to MAX_VERSION (the store names no folder past it).
MAX_VERSION = 1_000_000

PROOF = {
    "OPTIMAL": "proven optimal",
    "FEASIBLE": "NOT proven optimal (time limit)",
    "INTERRUPTED": "NOT proven optimal (interrupted with Ctrl-C: the best rota found by then)",
}


def names_text(names: Sequence[str]) -> str:
    """'Ana', 'Ana and Ben', 'Ana, Ben and Cy'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def are(names: Sequence[str]) -> str:
    """'Ana is', 'Ana and Ben are'."""
    return f"{names_text(names)} {'is' if len(names) == 1 else 'are'}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 person', '2 people', '3 meetings'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


# --- The model --------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class DayWindow(_Model):
    """When a conference day opens and closes (local clock times)."""

    start: time = time(8, 0)
    end: time = time(3, 0)


class IssueRef(_Model):
    """An issue of the conference, as the rota names it."""

    id: Id
    name: Line
    weight: int = 1


class Away(_Model):
    """A stretch of a planned day when a person is not available (no reason: that stays
    in the workspace)."""

    day: Day
    start: Moment
    end: Moment
    all_day: bool = False


class Person(_Model):
    """An attendee as the rota shows them: names only, never contact details."""

    id: Id
    name: Line
    organisation: Line | None = None
    delegation: Line | None = None
    away: tuple[Away, ...] = ()
    # Their preferences (issue ids; `avoids` also meeting kinds), to say how many were met.
    prefers: tuple[Id, ...] = ()
    avoids: tuple[Id, ...] = ()


class Assignment(_Model):
    """One person at one meeting, with the times they are there."""

    meeting: Id
    attendee: Id
    day: Day
    start: Moment
    end: Moment
    # Kept exactly as published by a replan, because the meeting had started.
    frozen: bool = False
    delegation_stance: Stance | None = None

    @property
    def pair(self) -> Pair:
        """The (attendee, meeting) pair."""
        return Pair(self.attendee, self.meeting)


class RotaMeeting(_Model):
    """A meeting of a planned day, with who covers it."""

    id: Id
    title: Line
    kind: Line = "other"
    day: Day
    start: Moment
    end: Moment
    room: Line | None = None
    issues: tuple[Id, ...] = ()
    access: Access = "open"
    delegations: tuple[Line, ...] = ()
    meeting_status: Status = "confirmed"
    weight: int = 1
    seats: int = 1
    status: MeetingState
    attendees: tuple[Id, ...] = ()

    @property
    def held(self) -> bool:
        """Counted: every meeting that is not cancelled."""
        return self.status != "cancelled"

    def snapshot(self) -> Snapshot:
        """What a person sees of the meeting: title, times, room and status."""
        return Snapshot(
            title=self.title,
            start=self.start,
            end=self.end,
            room=self.room,
            status=self.meeting_status,
        )


class Obstacle(_Model):
    """What keeps one qualified attendee from also covering an uncovered meeting."""

    attendee: Id
    rule: Line
    message: Line
    meetings: tuple[Id, ...] = ()


class Uncovered(_Model):
    """Why a meeting has no one from the group."""

    meeting: Id
    reason: ReasonCode
    message: Line
    committed_to: tuple[Id, ...] = ()
    obstacles: tuple[Obstacle, ...] = ()

    @property
    def label(self) -> str:
        """The reason in a few plain words (the same in every output)."""
        return REASONS[self.reason]


class Score(_Model):
    """One objective tier: its value on the rota, the solver's bound, and the proof."""

    tier: Line
    sense: Literal["max", "min"]
    meaning: Line = ""
    value: int
    bound: int | None = None
    optimal: bool
    status: str = ""

    @property
    def bound_text(self) -> str:
        """The bound as text ('-' for a tier that was not solved)."""
        return "-" if self.bound is None else str(self.bound)


class SolverInfo(_Model):
    """How the rota was searched for, and whether it is proven the best possible."""

    status: SolverStatus
    interrupted: bool = False
    unsolved_tiers: tuple[str, ...] = ()
    workers: int = 1
    seed: int = 0
    time_limit: float = 60.0
    eligible_pairs: int = 0


class Run(_Model):
    """The publication: the version number (per day), when, why, from which input."""

    version: int = Field(ge=1, le=MAX_VERSION)
    reason: Line
    created_at: Moment
    seconds: float = 0.0
    input_digest: str = ""
    # The version of each other day this one was planned against (its published history).
    history: dict[str, int] = Field(default_factory=dict)
    # Wall seconds spent searching in each tier (like `seconds`, not part of the rota).
    tier_seconds: dict[str, float] = Field(default_factory=dict)


class Snapshot(_Model):
    """A meeting as someone saw it in one version."""

    title: Line
    start: Moment
    end: Moment
    room: Line | None = None
    status: Status = "confirmed"

    def differences(self, other: Snapshot) -> tuple[str, ...]:
        """The fields in which `other` differs: time, room, title, status."""
        found = []
        # In UTC: Python never finds a time in the hour the clocks go back (in a zone with
        # that hour twice) equal to the same instant in another zone (PEP 495), and a rota
        # read from its file has fixed offsets; a meeting then was "moved" by every replan.
        if _utc(self.start, self.end) != _utc(other.start, other.end):
            found.append("time")
        for name in ("room", "title", "status"):
            if getattr(self, name) != getattr(other, name):
                found.append(name)
        return tuple(found)


def _utc(*moments: datetime) -> tuple[datetime, ...]:
    return tuple(m.astimezone(UTC) for m in moments)


class Removed(_Model):
    """A meeting taken off someone's rota, why, and how it looked when they had it."""

    meeting: Id
    why: Line
    was: Snapshot | None = None


class Changed(_Model):
    """A meeting someone stays on whose time, room, title or status changed."""

    meeting: Id
    was: Snapshot
    now: Snapshot

    @property
    def what(self) -> tuple[str, ...]:
        """What changed: 'time', 'room', 'title', 'status'."""
        return self.was.differences(self.now)


class PersonChange(_Model):
    """One person's changes since the previous version of a day."""

    attendee: Id
    added: tuple[Id, ...] = ()
    removed: tuple[Removed, ...] = ()
    unchanged: tuple[Id, ...] = ()
    changed: tuple[Changed, ...] = ()


class DayChanges(_Model):
    """What changed on one day since the version before (`since`)."""

    day: Day
    since: int
    people: tuple[PersonChange, ...] = ()


class Replan(_Model):
    """How a replan went: from which version, at what time, and what it changed."""

    based_on: int
    now: Moment
    now_given: bool = True  # False when the current time was used (no --now)
    disruption: int = 0  # (attendee, meeting) pairs added or removed
    people_affected: int = 0  # people with a message
    changes: tuple[PersonChange, ...] = ()


class Fixed(_Model):
    """A published assignment of another day that the rota respected."""

    meeting: Id
    attendee: Id
    day: Day
    start: Moment
    end: Moment


@dataclass(frozen=True)
class DayCounts:
    """How many meetings a day has, by the one definition every output uses: a meeting
    counts unless it is cancelled; it is covered when someone from the group attends."""

    meetings: int
    covered: int
    cancelled: int

    @property
    def uncovered(self) -> int:
        return self.meetings - self.covered

    def text(self) -> str:
        """'103 of 116 meetings covered'."""
        return f"{self.covered} of {plural(self.meetings, 'meeting')} covered"


class PublishedRota(_Model):
    """A published version of the rota of one or more days (the contents of rota.json)."""

    format: Literal["rota/1"] = FORMAT
    workspace: Line
    workspace_id: Line | None = None
    conference: Line
    timezone: str
    days: tuple[Day, ...] = Field(min_length=1)
    day_window: DayWindow = DayWindow()
    issues: tuple[IssueRef, ...] = ()
    solver: SolverInfo
    scores: tuple[Score, ...] = ()
    attendees: tuple[Person, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    meetings: tuple[RotaMeeting, ...] = ()
    uncovered: tuple[Uncovered, ...] = ()
    fixed: tuple[Fixed, ...] = ()
    run: Run | None = None
    replan: Replan | None = None
    changes: tuple[DayChanges, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not known_timezone(value):
            raise ValueError(f"unknown timezone {shown(value)}")
        return value

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with some fields changed (lookups recomputed)."""
        copied: Self = fresh_copy(self, update, deep)
        return copied

    @model_validator(mode="after")
    def _references(self) -> PublishedRota:
        meetings = {m.id for m in self.meetings}
        people = {p.id for p in self.attendees}
        for index, item in enumerate(self.assignments):
            if item.meeting not in meetings:
                raise _Located("assignments", index, "meeting", f"unknown meeting '{item.meeting}'")
            if item.attendee not in people:
                raise _Located(
                    "assignments", index, "attendee", f"unknown attendee '{item.attendee}'"
                )
        for index, meeting in enumerate(self.meetings):
            for who in meeting.attendees:
                if who not in people:
                    raise _Located("meetings", index, "attendees", f"unknown attendee '{who}'")
        for index, entry in enumerate(self.uncovered):
            if entry.meeting not in meetings:
                raise _Located("uncovered", index, "meeting", f"unknown meeting '{entry.meeting}'")
        return self

    # --- lookups ------------------------------------------------------------------------------

    @cached_property
    def zone(self) -> ZoneInfo:
        """The conference timezone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def _meetings(self) -> dict[str, RotaMeeting]:
        return {m.id: m for m in self.meetings}

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.attendees}

    @cached_property
    def _reasons(self) -> dict[str, Uncovered]:
        return {u.meeting: u for u in self.uncovered}

    def meeting(self, meeting_id: str) -> RotaMeeting:
        """The meeting with this id."""
        return self._meetings[meeting_id]

    def has_meeting(self, meeting_id: str) -> bool:
        """Whether the rota lists this meeting."""
        return meeting_id in self._meetings

    def has_person(self, attendee_id: str) -> bool:
        """Whether the rota lists this attendee."""
        return attendee_id in self._people

    def person(self, attendee_id: str) -> Person:
        """The attendee with this id."""
        return self._people[attendee_id]

    def name(self, attendee_id: str) -> str:
        """An attendee's name (the id when the rota does not know them)."""
        person = self._people.get(attendee_id)
        return person.name if person else attendee_id

    def why_uncovered(self, meeting_id: str) -> Uncovered | None:
        """Why a meeting is uncovered (None when it is covered or cancelled)."""
        return self._reasons.get(meeting_id)

    def issue_names(self) -> dict[str, str]:
        """Issue id -> name, in the conference's order; an id only meetings name stands for
        itself."""
        names = {issue.id: issue.name for issue in self.issues}
        for meeting in self.meetings:
            for issue in meeting.issues:
                names.setdefault(issue, issue)
        return names

    @property
    def version(self) -> int | None:
        """The version number (per day), once published."""
        return self.run.version if self.run else None

    @property
    def pairs(self) -> frozenset[Pair]:
        """Every (attendee, meeting) pair of the rota."""
        return frozenset(a.pair for a in self.assignments)

    # --- per day ------------------------------------------------------------------------------

    def meetings_on(self, day: date) -> list[RotaMeeting]:
        """The meetings of a day, by start."""
        return list(self._by_day.get(day, ([], []))[0])

    def assignments_on(self, day: date) -> list[Assignment]:
        """The assignments of a day, by meeting start."""
        return list(self._by_day.get(day, ([], []))[1])

    @cached_property
    def _by_person(self) -> dict[str, list[Assignment]]:
        found: dict[str, list[Assignment]] = {}
        for item in self.assignments:
            found.setdefault(item.attendee, []).append(item)
        for items in found.values():
            items.sort(key=lambda a: (a.start, a.end, a.meeting))
        return found

    @cached_property
    def _by_day(self) -> dict[date, tuple[list[RotaMeeting], list[Assignment]]]:
        found: dict[date, tuple[list[RotaMeeting], list[Assignment]]] = {
            d: ([], []) for d in self.days
        }
        for meeting in self.meetings:
            found.setdefault(meeting.day, ([], []))[0].append(meeting)
        for item in self.assignments:
            found.setdefault(item.day, ([], []))[1].append(item)
        return found

    def preferences_met(self, attendee_id: str) -> tuple[int, int] | None:
        """(meetings on an issue the person prefers, meetings on an issue or of a kind
        they avoid) among their assignments; None when they stated no preference."""
        person = self.person(attendee_id)
        if not person.prefers and not person.avoids:
            return None
        met = against = 0
        for item in self.assignments_of(attendee_id):
            meeting = self.meeting(item.meeting)
            met += any(i in person.prefers for i in meeting.issues)
            against += meeting.kind in person.avoids or any(
                i in person.avoids for i in meeting.issues
            )
        return met, against

    def preferences_text(self, attendee_id: str) -> str:
        """'2 meetings they prefer, 1 they would rather avoid', or '' without preferences."""
        found = self.preferences_met(attendee_id)
        if found is None:
            return ""
        met, against = found
        return f"{plural(met, 'meeting')} on issues they prefer, {against} they would rather avoid"

    def day_of(self, attendee_id: str) -> list[tuple[Assignment, RotaMeeting, list[str]]]:
        """One person's rota, by start: each assignment, its meeting and the others on it
        (their ids, in the rota's order): what "my day" shows on the page and in a direct
        message."""
        found = []
        for item in self.assignments_of(attendee_id):
            meeting = self.meeting(item.meeting)
            found.append((item, meeting, [a for a in meeting.attendees if a != attendee_id]))
        return found

    def assignments_of(self, attendee_id: str, day: date | None = None) -> list[Assignment]:
        """One person's assignments (of one day when given), by start."""
        mine = self._by_person.get(attendee_id, [])
        return [a for a in mine if day is None or a.day == day]

    def away_during(self, day: date) -> list[tuple[Assignment, Away]]:
        """Assignments of `day` that overlap a stretch when their person is away, with
        that stretch, by time. A plan never makes one; a replan keeps a meeting that had
        started as published, so someone marked away during it is still shown on it
        (and the group must be told that nobody is there from then)."""
        found = []
        for assignment in self.assignments:
            if assignment.day != day:
                continue
            person = self._people.get(assignment.attendee)
            for away in person.away if person else ():
                if away.start < assignment.end and assignment.start < away.end:
                    found.append((assignment, away))
                    break
        return sorted(found, key=lambda pair: (pair[0].start, pair[0].meeting, pair[0].attendee))

    def away_span(self, away: Away, dash: str = "-") -> str:
        """'12:00-14:00', 'all day', or 'from 01:00' for a stretch that runs to the day's
        close (the rota knows the day only: the absence may go on after it, and
        '01:00-03:00' read as back at 03:00)."""
        if away.all_day:
            return "all day"
        if self.clock(away.end) == f"{self.day_window.end:%H:%M}":
            return f"from {self.clock(away.start)}"
        return self.span(away, dash)

    def counts(self, day: date | None = None, issue: str | None = None) -> DayCounts:
        """The meeting counts of a day (or of every planned day), optionally of one issue."""
        chosen = [
            m
            for m in self.meetings
            if (day is None or m.day == day) and (issue is None or issue in m.issues)
        ]
        held = [m for m in chosen if m.held]
        covered = sum(1 for m in held if m.status == "covered")
        return DayCounts(len(held), covered, len(chosen) - len(held))

    def away(self, attendee_id: str, day: date) -> list[Away]:
        """When a person is away on a planned day."""
        person = self._people.get(attendee_id)
        return [a for a in person.away if a.day == day] if person else []

    def presence(self, attendee_id: str, day: date) -> Presence:
        """'on duty' (some meeting that day), 'away' (not available at all that day) or
        'free' (available and given nothing; possibly away part of the day)."""
        if self.assignments_of(attendee_id, day):
            return "on duty"
        if any(a.all_day for a in self.away(attendee_id, day)):
            return "away"
        return "free"

    def changes_on(self, day: date) -> DayChanges | None:
        """What changed on `day` since the version before (None for a first version)."""
        return next((c for c in self.changes if c.day == day), None)

    # --- words ------------------------------------------------------------------------------

    @property
    def optimal(self) -> bool:
        """Whether every tier is proven optimal."""
        return self.solver.status == "OPTIMAL"

    def proof(self) -> str:
        """Whether the rota is proven the best possible, in words."""
        return PROOF.get(self.solver.status, f"NOT proven optimal ({self.solver.status})")

    def local(self, moment: datetime) -> datetime:
        """A moment in conference time."""
        return moment.astimezone(self.zone)

    def clock(self, moment: datetime) -> str:
        """'HH:MM' in conference time."""
        return f"{self.local(moment):%H:%M}"

    def clock_on(self, moment: datetime, day: date) -> str:
        """'HH:MM' in conference time when `moment` is on `day`'s date, else with its own
        date ('Fri 16 Nov 22:00'): a replan's moment on another day says which."""
        local = self.local(moment)
        return (
            self.clock(moment) if local.date() == day else f"{day_text(local.date())} {local:%H:%M}"
        )

    def span(self, item: RotaMeeting | Assignment | Snapshot | Away, dash: str = "-") -> str:
        """'16:30-17:30' in conference time."""
        return f"{self.clock(item.start)}{dash}{self.clock(item.end)}"

    def after_midnight(self, start: datetime, day: date) -> bool:
        """Whether a meeting of conference day `day` starts on the next calendar date."""
        return self.local(start).date() > day

    def span_in_day(self, item: RotaMeeting | Assignment, dash: str = "-") -> str:
        """The times, as read under the heading of their conference day: '16:30-17:30', or
        '00:30-01:30 (after midnight)' for the night that belongs to the day."""
        text = self.span(item, dash)
        return f"{text} (after midnight)" if self.after_midnight(item.start, item.day) else text

    def when(self, item: RotaMeeting | Assignment, dash: str = "-") -> str:
        """Day and times: 'Thu 15 Nov 16:30-17:30', or '00:30-01:30, the night of Thu 15 Nov'
        for a meeting after midnight (it belongs to the conference day before)."""
        if self.after_midnight(item.start, item.day):
            return f"{self.span(item, dash)}, the night of {day_text(item.day)}"
        return f"{day_text(item.day)} {self.span(item, dash)}"

    def snapshot_span(self, snap: Snapshot, day: date) -> str:
        """A snapshot's times as read under its day (see `span_in_day`)."""
        text = self.span(snap)
        return f"{text} (after midnight)" if self.after_midnight(snap.start, day) else text

    def days_text(self) -> str:
        """'Thu 15 Nov', or 'Mon 29 Oct to Fri 16 Nov'."""
        first, last = self.days[0], self.days[-1]
        return day_text(first) if first == last else f"{day_text(first)} to {day_text(last)}"

    def version_text(self) -> str:
        """'version 3' (versions are numbered per day), or '' before publication."""
        return f"version {self.version}" if self.version else ""


class _Located(ValueError):
    """A cross-record problem of a published rota, located like a field error."""

    def __init__(self, collection: str, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.where = (collection, index, field)


# A reason told to the person ("you are needed at ... instead"), said of them to the
# group (on the page, in `rota diff`): the planner's own phrases, whole, so that a title
# quoted in a reason ("you are needed at Ask your questions ...") is not rewritten (but
# for a title that holds one of these phrases itself).
_OF_THEM = {
    "you are not available then": "{name} is not available then",
    "your delegation is no longer admitted": "their delegation is no longer admitted",
    "which you already attended": "which {name} already attended",
    "you are needed at ": "{name} is needed at ",
    "(your limits, rest and duty hours) do not let you keep it with the rest of your day": (
        "(their limits, rest and duty hours) do not let them keep it with the rest of their day"
    ),
}
_TO_THEM = re.compile("|".join(re.escape(phrase) for phrase in _OF_THEM))


def said_of(why: str, name: str) -> str:
    """`why`, written to a person, as said of them (`name`) to the others (in one pass:
    a name is text, never read again)."""
    return _TO_THEM.sub(lambda match: _OF_THEM[match.group()].format(name=name), why)


def day_text(day: date) -> str:
    """'Thu 15 Nov'."""
    return f"{day:%a} {day.day} {day:%b}"


def long_day_text(day: date) -> str:
    """'Thursday 15 November 2018'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- Changes between versions -------------------------------------------------------------------


def person_changes(
    old: PublishedRota | None,
    new: PublishedRota,
    day: date,
    why_removed: Mapping[Pair, str] | None = None,
    order: Sequence[str] | None = None,
) -> tuple[PersonChange, ...]:
    """What changed on `day` for each person between two versions: meetings added, removed
    (with why, and how they looked), and kept meetings whose time, room, title or status
    changed. People with no change are left out; `order` (attendee ids) sets the order."""
    if old is None:
        return ()
    why_removed = why_removed or {}
    before = {a.pair: a for a in old.assignments_on(day)}
    after = {a.pair: a for a in new.assignments_on(day)}
    people = list(order or [p.id for p in new.attendees])
    for pair in sorted({*before, *after}):
        if pair.attendee not in people:
            people.append(pair.attendee)
    changes = []
    for attendee in people:
        was = {p.meeting for p in before if p.attendee == attendee}
        now = {p.meeting for p in after if p.attendee == attendee}
        added = sorted(now - was, key=lambda m: _start_key(new, m))
        removed = [
            Removed(
                meeting=m,
                why=why_removed.get(Pair(attendee, m), "no longer assigned"),
                was=_seen(old, before[Pair(attendee, m)]),
            )
            for m in sorted(was - now, key=lambda m: _start_key(old, m))
        ]
        changed = []
        unchanged = []
        for m in sorted(was & now, key=lambda m: _start_key(new, m)):
            seen_before = _seen(old, before[Pair(attendee, m)])
            seen_now = _seen(new, after[Pair(attendee, m)])
            if seen_before.differences(seen_now) and not after[Pair(attendee, m)].frozen:
                changed.append(Changed(meeting=m, was=seen_before, now=seen_now))
            else:
                unchanged.append(m)
        if added or removed or changed:
            changes.append(
                PersonChange(
                    attendee=attendee,
                    added=tuple(added),
                    removed=tuple(removed),
                    unchanged=tuple(unchanged),
                    changed=tuple(changed),
                )
            )
    return tuple(changes)


def _start_key(rota: PublishedRota, meeting_id: str) -> tuple[datetime, str]:
    if rota.has_meeting(meeting_id):
        return rota.meeting(meeting_id).start, meeting_id
    return datetime.max.replace(tzinfo=rota.zone), meeting_id


def _seen(rota: PublishedRota, assignment: Assignment) -> Snapshot:
    """The meeting as the person saw it: the assignment's times, the meeting's details."""
    if rota.has_meeting(assignment.meeting):
        snap = rota.meeting(assignment.meeting).snapshot()
        return snap.model_copy(update={"start": assignment.start, "end": assignment.end})
    return Snapshot(title=assignment.meeting, start=assignment.start, end=assignment.end)


def recorded_why(old: PublishedRota, new: PublishedRota) -> dict[Pair, str]:
    """The reasons `new` recorded for what it removed, when it was replanned from `old`."""
    if new.replan is None or old.version != new.replan.based_on:
        return {}
    return {
        Pair(change.attendee, item.meeting): item.why
        for change in new.replan.changes
        for item in change.removed
    }


# --- Reading and writing ----------------------------------------------------------------------

MAX_ROTA_BYTES = 64 * 1024 * 1024


def parse_rota(text: str, label: str) -> PublishedRota:
    """A published rota from its JSON text; WorkspaceError naming `label`, the record and
    the field when it is not one."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:  # `[[[[...` nested 200,000 deep
        raise WorkspaceError.single(
            label, "not a published rota: malformed JSON (nested too deep)"
        ) from None
    except (json.JSONDecodeError, ValueError) as error:
        raise WorkspaceError.single(
            label, f"not a published rota: malformed JSON ({error})"
        ) from None
    if not isinstance(data, dict):
        raise WorkspaceError.single(label, "not a published rota (expected a JSON object)")
    given = data.get("format")
    if given != FORMAT:
        raise WorkspaceError.single(
            label,
            f"not a published rota of a format this rota reads ({FORMAT}): format is {given!r}",
            field="format",
        )
    try:
        return PublishedRota.model_validate(data)
    except ValidationError as error:
        raise WorkspaceError(_problems(error, label)) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_rota(path: Path) -> PublishedRota:
    """Read and validate a published rota.json."""
    label = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise WorkspaceError.single(label, "is not a regular file: not read")
        if info.st_size > MAX_ROTA_BYTES:
            raise WorkspaceError.single(label, f"larger than {MAX_ROTA_BYTES >> 20} MB: not read")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkspaceError.single(label, "file not found") from None
    except UnicodeDecodeError as error:
        raise WorkspaceError.single(label, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise WorkspaceError.single(label, f"cannot read the file ({error.strerror})") from None
    return parse_rota(text, label)


def dump_rota(rota: PublishedRota) -> str:
    """The rota as stable, readable JSON (the documented rota.json format)."""
    data = rota.model_dump(mode="json")
    if data.get("replan") is None:
        data.pop("replan", None)
    for item in data["assignments"]:
        # As rota.json has always had them: `frozen` only when true, a stance only when known.
        if not item["frozen"]:
            del item["frozen"]
        if item["delegation_stance"] is None:
            del item["delegation_stance"]
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    return text + "\n"


def _problems(error: ValidationError, label: str) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc: tuple[Any, ...] = tuple(item["loc"])
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, _Located):
            loc = cause.where
        record = None
        if len(loc) >= 2 and isinstance(loc[1], int):
            record = f"{loc[0]}[{loc[1]}]"
            rest = loc[2:]
        else:
            rest = loc
        field = ".".join(str(p) for p in rest) or None
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "this field is required"
        given = item.get("input")
        if item["type"] not in ("missing", "value_error") and isinstance(given, str | int | float):
            message += f" (got {str(given)[:60]!r})"
        problems.append(Problem(label, f"not a valid published rota: {message}", record, field))
    return problems[:20]
