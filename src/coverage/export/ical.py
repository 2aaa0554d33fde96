"""Published rotas as iCalendar (RFC 5545) feeds: one per person, one for the team, one per
issue.

Every event's UID is made of ids only (meeting, attendee or calendar, workspace), never of
times, so it stays the same across versions. The versions covering a day are walked oldest
first: an event's SEQUENCE starts at 0 and rises by one each time what its calendar shows
changes (times, title, room, description, status), and an event that a later version drops
stays in the feed as STATUS:CANCELLED with a raised SEQUENCE, so that calendars that
subscribed remove it. DTSTAMP is the creation time of the version in which the event last
changed, so the same versions always give byte-identical files. Times are written in UTC.

Privacy: people appear by name only. E-mail addresses and phone numbers are written only
with `include_contacts=True`; a person's own calendar never needs their own contact details
and does not carry them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import icalendar

from coverage.domain import Workspace
from coverage.published import ACCESS_TEXT, Assignment, PublishedRota, RotaMeeting

__all__ = ["Calendars", "build_calendars", "event_uid"]

PRODID = "-//rota//Coverage rotas//EN"
# At most this many issue names (and issue leads) in one event: what each event repeats
# stays bounded whatever a meeting lists, so the calendars grow with the meetings and
# issues, not with their product.
MAX_LISTED = 12
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _escaped(text: str) -> bytes:
    """TEXT escaped as RFC 5545 section 3.3.11 says: backslash first, then `;`, `,` and line
    breaks. (icalendar's own escaping turns a typed `\\N` into a line break first, so a
    title `C:\\Notes` showed on two lines.)"""
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"),
                         ("\n", "\\n"), ("\r", "\\n")):  # fmt: skip
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


class _Text(icalendar.vText):
    """A TEXT value escaped by `_escaped`."""

    def to_ical(self) -> bytes:
        return _escaped(str(self))


class _Categories(icalendar.vCategory):
    """CATEGORIES, each escaped by `_escaped`."""

    def to_ical(self) -> bytes:
        return b",".join(_escaped(str(category)) for category in self.cats)


CalendarKey = tuple[str, str]  # ("person", attendee id), ("team", ""), ("issue", issue id)


@dataclass
class Calendars:
    """The calendars of some published days."""

    people: dict[str, icalendar.Calendar]  # attendee id -> that person's calendar
    team: icalendar.Calendar
    issues: dict[str, icalendar.Calendar]  # issue id -> calendar


def event_uid(workspace_name: str, meeting: str, attendee: str | None = None) -> str:
    """The UID of a person's event (with `attendee`) or of a team event: ids only;
    `workspace_name` is the workspace's identity (`workspace_id`)."""
    domain = f"{_domain_part(workspace_name)}.rota"
    return f"{meeting}.{attendee}@{domain}" if attendee else f"{meeting}@team.{domain}"


def _issue_uid(workspace_name: str, meeting: str, issue: str) -> str:
    return f"{meeting}@issue-{issue}.{_domain_part(workspace_name)}.rota"


def _domain_part(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "workspace"


@dataclass(frozen=True)
class _Entry:
    """What one event shows; two versions of an event differ when their entries differ."""

    uid: str
    start: datetime  # UTC
    end: datetime  # UTC
    summary: str
    location: str | None
    description: str
    categories: tuple[str, ...]
    status: str  # CONFIRMED, TENTATIVE or CANCELLED
    busy: bool  # a person's own event blocks their time; overview calendars do not


@dataclass
class _State:
    entry: _Entry
    sequence: int
    stamp: datetime
    day: date
    last_seen: _Entry = field(init=False)

    def __post_init__(self) -> None:
        self.last_seen = self.entry


def build_calendars(
    workspace: Workspace,
    versions: Sequence[PublishedRota],
    days: Sequence[date],
    include_contacts: bool = False,
    alarm_minutes: int | None = None,
) -> Calendars:
    """The calendars of `days` from the published `versions` (rota JSON, oldest first).

    The newest version covering a day is its current state; the earlier ones give each
    event its SEQUENCE and keep what they dropped as cancelled events. `include_contacts`
    adds e-mail addresses and phone numbers (from the workspace) next to names;
    `alarm_minutes` adds a reminder that long before each event of a person's calendar."""
    if alarm_minutes is not None and alarm_minutes < 0:
        raise ValueError("alarm_minutes must not be negative")
    wanted = set(days)
    context = _Context(workspace, versions, include_contacts)
    states: dict[tuple[CalendarKey, str], _State] = {}
    # In the order they were published, not by their number per day: a meeting moved to
    # another day is dropped by the old day's next version and added by the new day's,
    # and read by number (v1 of the 5th, v1 of the 6th, v2 of the 5th, ...) the old day's
    # later versions undid the new day's, leaving it CANCELLED at its old time.
    for version in _published_order(versions):
        covered = [d for d in version.days if d in wanted]
        if not covered:
            continue
        stamp = _created(version)
        current = context.entries(version, covered)
        for key, (day, entry) in current.items():
            state = states.get(key)
            if state is None:
                states[key] = _State(entry, 0, stamp, day)
                continue
            if state.entry != entry:
                state.entry = entry
                state.sequence += 1
                state.stamp = stamp
            state.last_seen = entry
            state.day = day
        for key, state in states.items():
            if key in current or state.day not in covered or state.entry.status == "CANCELLED":
                continue
            state.entry = _cancelled(state.last_seen, key[0], version)
            state.sequence += 1
            state.stamp = stamp

    by_calendar: dict[CalendarKey, list[_State]] = {}
    for (calendar_key, _uid), state in states.items():
        by_calendar.setdefault(calendar_key, []).append(state)

    conference = workspace.conference.name
    people = {
        attendee: _calendar(
            f"{context.name(attendee)}: {conference}",
            by_calendar.get(("person", attendee), []),
            alarm_minutes,
        )
        for attendee in context.people()
    }
    team = _calendar(f"{conference}: team rota", by_calendar.get(("team", ""), []), None)
    issues = {
        issue: _calendar(
            f"{conference}: {context.issue_name(issue)}",
            by_calendar.get(("issue", issue), []),
            None,
        )
        for issue in context.issues()
    }
    return Calendars(people=people, team=team, issues=issues)


def _cancelled(entry: _Entry, calendar_key: CalendarKey, version: PublishedRota) -> _Entry:
    """The event as shown once a version dropped it, with why when the version says."""
    why = None
    if calendar_key[0] == "person":
        meeting = entry.uid.split("@", 1)[0].removesuffix(f".{calendar_key[1]}")
        for changes in version.changes:
            for change in changes.people:
                if change.attendee != calendar_key[1]:
                    continue
                for removed in change.removed:
                    if removed.meeting == meeting:
                        why = removed.why
    note = f"No longer on your rota: {why}." if why else "No longer on the rota."
    # What the meeting is (issues, access, kind) stays; who was there no longer holds
    # ("Mei is pinned to it" above "Nobody else from the group is there").
    kept = "\n".join(
        line for line in entry.description.split("\n") if not line.startswith(_WHO_LINES)
    )
    return replace(entry, status="CANCELLED", description=f"{note}\n\n{kept}".rstrip())


_WHO_LINES = ("With you: ", "Nobody else from the group is there.", "Covered by: ", "Uncovered")


class _Context:
    """Names, issue names, leads and contacts, from the workspace and the versions."""

    def __init__(
        self, workspace: Workspace, versions: Sequence[PublishedRota], include_contacts: bool
    ) -> None:
        self.workspace = workspace
        self.include_contacts = include_contacts
        self._names: dict[str, str] = {}
        for version in versions:
            for attendee in version.attendees:
                self._names[attendee.id] = attendee.name or attendee.id
        self._names |= {a.id: a.name for a in workspace.attendees}
        self._people = {a.id: a for a in workspace.attendees}
        self._why: dict[str, str] = {}  # meeting -> why uncovered, versions walked in order
        self._issue_names = {i.id: i.name for i in workspace.conference.issues}
        self._extra_people: dict[str, None] = {}
        self._extra_issues: dict[str, None] = {}
        self._leads: dict[str, list[str]] = {}
        for person in workspace.attendees:
            for issue in person.leads:
                self._leads.setdefault(issue, []).append(person.id)
        for version in versions:
            for item in version.assignments:
                if item.attendee not in self._people:
                    self._extra_people.setdefault(item.attendee)
            for meeting in version.meetings:
                for issue in meeting.issues:
                    if issue not in self._issue_names:
                        self._extra_issues.setdefault(issue)

    def people(self) -> list[str]:
        """Everyone in the workspace, then anyone a version assigned who has left it."""
        return [a.id for a in self.workspace.attendees] + list(self._extra_people)

    def issues(self) -> list[str]:
        """The conference's issues, then any a version mentions that it no longer has."""
        return [i.id for i in self.workspace.conference.issues] + list(self._extra_issues)

    def name(self, attendee: str) -> str:
        return self._names.get(attendee, attendee)

    def issue_name(self, issue: str) -> str:
        return self._issue_names.get(issue, issue)

    def who(self, attendee: str, contacts: bool) -> str:
        """A name, with e-mail and phone when asked for and known."""
        name = self.name(attendee)
        person = self._people.get(attendee)
        if not contacts or person is None:
            return name
        details = [d for d in (person.email, person.phone) if d]
        return f"{name} ({', '.join(details)})" if details else name

    def leads(self, issues: Sequence[str]) -> list[tuple[str, str]]:
        """(attendee, issue) for each lead of one of `issues`."""
        return [(a, issue) for issue in issues for a in self._leads.get(issue, [])]

    def entries(
        self, version: PublishedRota, days: Sequence[date]
    ) -> dict[tuple[CalendarKey, str], tuple[date, _Entry]]:
        """Every event the version shows on `days`, in every calendar. UIDs are named by
        the workspace's identity (a workspace moved or renamed keeps its events), or by
        its folder's name for a version published before workspaces had one."""
        ws = version.workspace_id or self.workspace.name
        wanted = set(days)
        found: dict[tuple[CalendarKey, str], tuple[date, _Entry]] = {}
        for item in version.assignments:
            if item.day not in wanted:
                continue
            meeting = version.meeting(item.meeting)
            uid = event_uid(ws, item.meeting, item.attendee)
            entry = _Entry(
                uid=uid,
                start=item.start.astimezone(UTC),
                end=item.end.astimezone(UTC),
                summary=meeting.title,
                location=meeting.room,
                description=self._personal_text(meeting, item),
                categories=self._categories(meeting),
                status=_status(meeting, assigned=True),
                busy=True,
            )
            found[(("person", item.attendee), uid)] = (item.day, entry)
        for meeting in version.meetings:
            if meeting.day not in wanted:
                continue
            # One overview per meeting, shown in the team calendar and in each of its
            # issues' calendars under a UID of each (not rebuilt per calendar: a meeting
            # on thousands of issues would make that quadratic).
            overview = self._overview(meeting, "", version)
            if meeting.status == "covered":
                uid = event_uid(ws, meeting.id)
                found[(("team", ""), uid)] = (meeting.day, replace(overview, uid=uid))
            for issue in meeting.issues:
                uid = _issue_uid(ws, meeting.id, issue)
                found[(("issue", issue), uid)] = (meeting.day, replace(overview, uid=uid))
        return found

    def _categories(self, meeting: RotaMeeting) -> tuple[str, ...]:
        return tuple(self.issue_name(i) for i in meeting.issues[:MAX_LISTED])

    def _common_lines(self, meeting: RotaMeeting) -> list[str]:
        lines = []
        if meeting.issues:
            more = len(meeting.issues) - MAX_LISTED
            extra = f" and {more} more" if more > 0 else ""
            lines.append("Issues: " + ", ".join(self._categories(meeting)) + extra)
        listed = meeting.delegations
        access = ACCESS_TEXT.get(meeting.access, meeting.access)
        lines.append(f"Access: {access}" + (f" ({', '.join(listed)})" if listed else ""))
        if meeting.kind:
            lines.append(f"Kind: {meeting.kind.replace('_', ' ')}")
        if meeting.meeting_status == "tentative":
            lines.append("The meeting is tentative.")
        return lines

    def _report_lines(self, meeting: RotaMeeting, me: str | None) -> list[str]:
        leads = self.leads(meeting.issues)[:MAX_LISTED]
        if not leads:
            return []
        parts = []
        for attendee, issue in leads:
            if attendee == me:
                parts.append(f"you lead {self.issue_name(issue)}")
            else:
                who = self.who(attendee, self.include_contacts)
                parts.append(f"{who} (lead, {self.issue_name(issue)})")
        return ["Report to: " + "; ".join(parts)]

    def _personal_text(self, meeting: RotaMeeting, item: Assignment) -> str:
        me = item.attendee
        others = [a for a in meeting.attendees if a != me]
        lines = self._common_lines(meeting)
        if others:
            names = ", ".join(self.who(a, self.include_contacts) for a in others)
            lines.append(f"With you: {names}")
        else:
            lines.append("Nobody else from the group is there.")
        return "\n".join(lines + self._report_lines(meeting, me))

    def _why_uncovered(self, meeting_id: str, version: PublishedRota) -> str:
        """Why a meeting is uncovered. A replan calls a meeting that started with nobody
        there `already_started`; a reason an earlier version gave says more, and keeps the
        event from changing when nothing about it did."""
        why = version.why_uncovered(meeting_id)
        if why is not None:
            text = f"Uncovered: {why.label} ({why.message})"
            if why.reason != "already_started" or meeting_id not in self._why:
                self._why[meeting_id] = text
        return self._why.get(meeting_id, "Uncovered.")

    def _overview(self, meeting: RotaMeeting, uid: str, version: PublishedRota) -> _Entry:
        """A meeting as the team and issue calendars show it: who covers it, or why not."""
        title = meeting.title
        attendees = list(meeting.attendees)
        lines = self._common_lines(meeting)
        if attendees:
            names = ", ".join(self.who(a, self.include_contacts) for a in attendees)
            lines.append(f"Covered by: {names}")
            summary = f"{title} ({', '.join(self.name(a) for a in attendees)})"
        elif meeting.status == "cancelled":
            summary = title
        else:
            summary = f"UNCOVERED: {title}"
            lines.append(self._why_uncovered(meeting.id, version))
        lines += self._report_lines(meeting, None)
        return _Entry(
            uid=uid,
            start=meeting.start.astimezone(UTC),
            end=meeting.end.astimezone(UTC),
            summary=summary,
            location=meeting.room,
            description="\n".join(lines),
            categories=self._categories(meeting),
            status=_status(meeting, assigned=bool(attendees)),
            busy=False,
        )


def _status(meeting: RotaMeeting, assigned: bool) -> str:
    # A person still assigned to a cancelled meeting was frozen by a replan: it took place.
    if meeting.meeting_status == "cancelled" and not assigned:
        return "CANCELLED"
    if meeting.meeting_status == "tentative":
        return "TENTATIVE"
    return "CONFIRMED"


def _calendar(name: str, states: list[_State], alarm_minutes: int | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _Text(name))
    for state in sorted(states, key=lambda s: (s.entry.start, s.entry.end, s.entry.uid)):
        calendar.add_component(_event(state, alarm_minutes))
    return calendar


def _event(state: _State, alarm_minutes: int | None) -> icalendar.Event:
    entry = state.entry
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", state.stamp)
    event.add("last-modified", state.stamp)
    event.add("sequence", state.sequence)
    event.add("dtstart", entry.start)
    event.add("dtend", entry.end)
    event.add("summary", _Text(entry.summary))
    if entry.location:
        event.add("location", _Text(entry.location))
    if entry.description:
        event.add("description", _Text(entry.description))
    if entry.categories:
        event.add("categories", _Categories(list(entry.categories)))
    event.add("status", entry.status)
    event.add("transp", "OPAQUE" if entry.busy and entry.status != "CANCELLED" else "TRANSPARENT")
    if alarm_minutes is not None and entry.status != "CANCELLED":
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        alarm.add("description", _Text(entry.summary))
        event.add_component(alarm)
    return event


def _published_order(versions: Sequence[PublishedRota]) -> list[PublishedRota]:
    """`versions` as they were published: by creation time (a version from before rota
    recorded it first), versions made the same moment by day and number, then as given
    (the sort is stable)."""

    def made(version: PublishedRota) -> datetime:
        return _EPOCH if version.run is None else version.run.created_at.astimezone(UTC)

    return sorted(versions, key=lambda v: (made(v), v.days[0], v.version or 0))


def _created(version: PublishedRota) -> datetime:
    """When the version was published, in UTC, to whole seconds (the epoch if unknown)."""
    if version.run is None:
        return _EPOCH
    return version.run.created_at.astimezone(UTC).replace(microsecond=0)
