"""Meetings from where they already are: a calendar feed (`.ics`) or a spreadsheet
(`.csv`), turned into what `rota import` writes to meetings.yaml.

Each event becomes a meeting that remembers where it came from (`source`: the event's
UID, and for an occurrence of a recurring event its RECURRENCE-ID in UTC), so that
importing the same feed again after the organisers changed it moves, renames, re-rooms or
cancels those meetings in place and adds the new ones; meetings without a `source` (added
by hand) are never touched. Issues, access and the rest come from the conference's
`import_rules` (patterns on title, description or location), applied when a meeting is
first imported (a later import leaves what the coordinator tagged since).

Nothing here writes: `plan_import` says what would change; `coverage.edit.import_meetings`
writes it."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from coverage.domain import Conference, ImportRule, Meeting, Workspace, host_zone_file
from coverage.errors import WorkspaceError
from coverage.export.common import printable

TITLE_LIMIT = 200
ROOM_LIMIT = 120
DESCRIPTION_LIMIT = 4000  # what import_rules read of a description (agendas fit)
MAX_OCCURRENCES = 500  # of one recurring event within the conference


@dataclass(frozen=True)
class Incoming:
    """One event (or one occurrence of a recurring event) as a meeting to have."""

    source: str
    title: str
    start: datetime  # aware
    end: datetime
    room: str | None
    status: str  # confirmed, tentative or cancelled
    text: dict[str, str]  # title, description, location: what import_rules read
    where: str  # how a message names the event


@dataclass(frozen=True)
class Skipped:
    where: str
    why: str
    uid: str | None = None  # the event's UID: still in the source, so not gone from it


@dataclass(frozen=True)
class Tagged:
    """What import_rules say of a new meeting."""

    issues: tuple[str, ...] = ()
    access: str | None = None
    delegations: tuple[str, ...] | None = None
    kind: str | None = None
    priority: int | None = None
    seats: int | None = None


@dataclass(frozen=True)
class Update:
    """An imported meeting that changed at the source."""

    meeting: str
    start: datetime | None = None  # new times, when moved
    end: datetime | None = None
    title: str | None = None
    room: str | None = None
    room_changed: bool = False
    status: str | None = None
    digest: str | None = None  # what the source says now (see `digest_of`), recorded


def digest_of(item: Incoming) -> str:
    """A digest of what an event says of its meeting (times as instants, title, room,
    status): recorded with the meeting, so that a later import tells an event changed at
    the source from a meeting changed here."""
    said = [
        item.start.astimezone(UTC).isoformat(),
        item.end.astimezone(UTC).isoformat(),
        item.title,
        item.room or "",
        item.status,
    ]
    return hashlib.sha256(json.dumps(said).encode("utf-8")).hexdigest()[:16]


@dataclass
class ImportPlan:
    """What an import would do."""

    added: list[tuple[Incoming, Tagged]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # imported before, not in this source
    events: int = 0
    # Meetings changed here (moved, cancelled by hand) whose event has not changed since
    # they were imported: left as they are, by id.
    kept: list[str] = field(default_factory=list)
    # The conference days whose meetings the import adds or changes (a moved meeting's
    # old day and new one): those to replan.
    touched: set[date] = field(default_factory=set)

    def count(self, what: str) -> int:
        if what == "moved":
            return sum(1 for u in self.updates if u.start is not None)
        if what == "renamed":
            return sum(1 for u in self.updates if u.title is not None)
        if what == "room":
            return sum(1 for u in self.updates if u.room_changed)
        if what == "cancelled":
            return sum(1 for u in self.updates if u.status == "cancelled")
        if what == "status":
            return sum(1 for u in self.updates if u.status not in (None, "cancelled"))
        raise ValueError(what)

    @property
    def untagged(self) -> list[Incoming]:
        return [incoming for incoming, tags in self.added if not tags.issues]

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updates)


# --- Reading a calendar feed -------------------------------------------------------------------


def read_ics(
    raw: bytes, label: str, conference: Conference
) -> tuple[list[Incoming], list[Skipped], int]:
    """The events of an iCalendar file that fall on conference days, recurring ones
    expanded (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides), as Incoming; the events
    skipped, with why (one whose recurrence cannot be expanded among them, named); and how
    many events the file has. A file icalendar cannot read is refused in one line."""
    with warnings.catch_warnings():  # icalendar's guesses (vendor TZIDs): not for the reader
        warnings.simplefilter("ignore")
        return _read_ics(raw, label, conference)


def _read_ics(
    raw: bytes, label: str, conference: Conference
) -> tuple[list[Incoming], list[Skipped], int]:
    import icalendar

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkspaceError.single(
            label, f"not UTF-8 text (byte {error.start}): export the calendar as UTF-8"
        ) from None
    if "BEGIN:VCALENDAR" not in text.upper() or "END:VCALENDAR" not in text.upper():
        raise WorkspaceError.single(
            label, "not a calendar file: no BEGIN:VCALENDAR ... END:VCALENDAR (cut short?)"
        )
    text = _unnamed_zones(text)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:
        raise WorkspaceError.single(
            label, f"not a calendar file that can be read: {_why(error)}"
        ) from None
    for calendar in calendars:
        for zone in calendar.walk("VTIMEZONE"):
            # A zone's rules are expanded whenever a time in it is read: one that
            # changes every second would keep every read going for hours.
            name = printable(str(zone.get("TZID", "")))[:60]
            for part in zone.subcomponents:
                try:
                    why = _rule_problem(part, "its offset changes and")
                except Exception as error:
                    why = f"it cannot be read ({_why(error)})"
                if why is not None:
                    raise WorkspaceError.single(label, f"time zone {name!r}: {why}")
    opens = conference.day_opens(conference.start) - timedelta(days=1)
    closes = conference.day_closes(conference.end) + timedelta(days=1)
    found: list[Incoming] = []
    skipped: list[Skipped] = []
    events = 0
    for calendar in calendars:
        calendar = _standard(calendar)
        series = [c for c in calendar.walk("VEVENT")]
        events += len(series)
        recurring = {
            _uid(e)
            for e in series
            if e.get("RRULE") is not None
            or e.get("RDATE") is not None
            or e.get("RECURRENCE-ID") is not None
        }
        # Single events as they are (expanding 3,000 of them costs more than reading
        # them); the recurring ones, with their overrides, expanded.
        occurrences = [e for e in series if _uid(e) not in recurring]
        repeated = _only(calendar, [e for e in series if _uid(e) in recurring])
        for group, broken in _expand_each(repeated, opens, closes):
            occurrences += group
            if broken is not None:
                skipped.append(broken)
        per_uid: dict[str, int] = {}
        for occurrence in occurrences:
            uid = _uid(occurrence)
            per_uid[uid] = per_uid.get(uid, 0) + 1
        too_many = {uid for uid, n in per_uid.items() if n > MAX_OCCURRENCES}
        for uid in sorted(too_many):
            skipped.append(
                Skipped(
                    f"event '{uid}'",
                    f"more than {MAX_OCCURRENCES} occurrences within the conference (a "
                    "rule no meeting has)",
                    uid,
                )
            )
        for occurrence in occurrences:
            if occurrence.name != "VEVENT" or _uid(occurrence) in too_many:
                continue
            try:
                item = _incoming(occurrence, recurring, conference)
            except OverflowError:  # a time at the calendar's ends (year 1, 99999999 days)
                item = Skipped(f"event '{_uid(occurrence)}'", "a time out of range")
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                found.append(item)
    return found, skipped, events


def _standard(calendar: Any) -> Any:
    """A Google-style calendar with X-WR-TIMEZONE and floating times, made standard."""
    try:
        import x_wr_timezone  # type: ignore[import-untyped]

        return x_wr_timezone.to_standard(calendar)
    except Exception:
        return calendar


def _only(calendar: Any, events: list[Any]) -> Any:
    """A calendar of `events` alone, with the time zones of `calendar`."""
    import icalendar

    single = icalendar.Calendar()
    for zone in (c for c in calendar.subcomponents if c.name == "VTIMEZONE"):
        single.add_component(zone)
    for event in events:
        single.add_component(event)
    return single


def _expand_each(
    calendar: Any, opens: datetime, closes: datetime
) -> Iterator[tuple[list[Any], Skipped | None]]:
    """The occurrences of each event between `opens` and `closes` (the components sharing
    a UID together, with the calendar's time zones), one more than MAX_OCCURRENCES at
    most: they are generated one at a time, so that a rule of a few bytes (FREQ=HOURLY
    with every minute) cannot take hours or gigabytes. An event whose recurrence cannot
    be expanded is skipped, and named, and the others are not."""
    import recurring_ical_events  # type: ignore[import-untyped]

    groups: dict[str, list[Any]] = {}
    for event in calendar.walk("VEVENT"):
        groups.setdefault(_uid(event), []).append(event)
    for uid, events in groups.items():
        try:
            why = next(
                (w for e in events if (w := _rule_problem(e, "the event")) is not None), None
            )
            if why is not None:
                yield [], Skipped(f"event '{uid}'", why, uid)
                continue
            found: list[Any] = []
            for occurrence in recurring_ical_events.of(_only(calendar, events)).after(opens):
                start = occurrence["DTSTART"].dt
                if _begins_after(start, closes) or len(found) > MAX_OCCURRENCES:
                    break
                found.append(occurrence)
            yield found, None
        except Exception as problem:
            yield (
                [],
                Skipped(
                    f"event '{uid}'",
                    f"it cannot be read or its recurrence expanded ({_why(problem)})",
                ),
            )


# How often a rule may repeat, at the most: a meeting (or a time zone's change) every
# minute or second is no meeting's rule, and expanding it over weeks would take gigabytes.
_TOO_OFTEN = {"SECONDLY": "second", "MINUTELY": "minute"}


def _rule_problem(component: Any, what: str) -> str | None:
    """Why `component`'s RRULE can be no meeting's (or time zone's) rule, or None."""
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [] if rules is None else [rules]:
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        if frequency in _TOO_OFTEN:
            return (
                f"{what} repeats every {_TOO_OFTEN[frequency]} (RRULE FREQ={frequency}): "
                f"more than {MAX_OCCURRENCES} occurrences, a rule no meeting has"
            )
        interval = (rule.get("INTERVAL") or [1])[0]
        if not isinstance(interval, int) or interval < 1:
            return f"{what} repeats with RRULE INTERVAL={interval} (at least 1)"
    return None


def _why(error: BaseException) -> str:
    # Not the file's own text, which some errors quote (a source may be any file).
    text = printable(str(error)).split(": '", 1)[0].split(': "', 1)[0][:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _begins_after(start: Any, closes: datetime) -> bool:
    """Whether an occurrence starting at `start` (a date, or a time with or without a zone)
    begins after `closes`."""
    if not isinstance(start, datetime):
        return bool(start > closes.date())
    if start.tzinfo is None:
        return start > closes.replace(tzinfo=None)
    return start > closes


def _uid(event: Any) -> str:
    uid = event.get("UID")
    if isinstance(uid, list):
        uid = uid[0] if uid else None
    if uid is not None and str(uid).strip():
        return printable(str(uid))[:200]
    # No UID: one made of what the event says, so that the same event is the same again.
    start = event.get("DTSTART")
    stamp = start.to_ical() if start is not None and hasattr(start, "to_ical") else ""
    basis = f"{event.get('SUMMARY', '')}|{stamp!r}"
    return "no-uid-" + hashlib.sha256(basis.encode()).hexdigest()[:16]


# A TZID a feed may not use: one of the host's own zone files (`localtime`, `posixrules`,
# `Factory`, `posix/...`, `right/...`) the feed does not define (VTIMEZONE), which
# icalendar would read and so make the times depend on the machine, or any name too long
# to be one, over 100 characters (thousands of `Asia/` parts sent the zone lookup into a
# RecursionError and the whole feed was refused). A vendor's prefixed name
# (`/freeassociation.sourceforge.net/...`, `/mozilla.org/...`) is icalendar's to read.
_DEFINED_ZONE = re.compile(r"(?im)^TZID(?:;[^:\r\n]*)?:(.*?)\r?$")
_TZID_PARAM = re.compile(r'(?i)(;TZID=)("?)([^";:\r\n]*)(\2)(?=[;:])')
UNNAMED_ZONE = "X-ROTA-NOT-A-ZONE"


def _unnamed_zones(text: str) -> str:
    """`text` with every TZID parameter that names no zone a feed may use replaced by one
    icalendar cannot resolve: the events in it are then skipped, named, as in any zone
    the file does not define."""

    def replaced(match: re.Match[str]) -> str:
        name = match.group(3)
        if len(name) <= 100 and (name in defined or not host_zone_file(name)):
            return match.group(0)
        return f"{match.group(1)}{UNNAMED_ZONE}"

    if "TZID=" not in text.upper():
        return text
    # Unfolded first (RFC 5545 3.1), as icalendar reads it: a long name is folded.
    text = re.sub(r"\r?\n[ \t]", "", text)
    defined = {name.strip() for name in _DEFINED_ZONE.findall(text)}
    return _TZID_PARAM.sub(replaced, text)


def _incoming(event: Any, recurring: set[str], conference: Conference) -> Incoming | Skipped:
    try:
        found = _read_event(event, recurring, conference)
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        # A broken property (icalendar's BrokenCalendarProperty is a ValueError).
        found = Skipped(f"event '{_uid(event)}'", f"unreadable ({_why(error)})")
    if isinstance(found, Skipped):
        return Skipped(found.where, found.why, _uid(event))
    return found


def _read_event(event: Any, recurring: set[str], conference: Conference) -> Incoming | Skipped:
    uid = _uid(event)
    start_prop, end_prop = event.get("DTSTART"), event.get("DTEND")
    where = f"event '{uid}'"
    for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "SUMMARY", "LOCATION"):
        if isinstance(event.get(name), list):  # a property the event gives twice
            return Skipped(where, f"{name} given {len(event.get(name))} times")
    if start_prop is None:
        return Skipped(where, "no start (DTSTART)")
    for name, prop in (("DTSTART", start_prop), ("DTEND", end_prop)):
        zone = prop.params.get("TZID") if prop is not None else None
        value = prop.dt if prop is not None else None
        if zone == UNNAMED_ZONE:
            return Skipped(
                where,
                f"{name} in a time zone of the computer's own files or a name too long to "
                "be one (not an IANA name such as Europe/Berlin)",
            )
        if zone and isinstance(value, datetime) and value.tzinfo is None:
            return Skipped(
                where,
                f"{name} in time zone {printable(str(zone))[:60]!r}, which "
                "the file does not define (no VTIMEZONE) and is no IANA name",
            )
    start_value = start_prop.dt
    if uid in recurring:
        rid = event.get("RECURRENCE-ID")
        moment = rid.dt if rid is not None else start_value
        where = f"event '{uid}' of {_id_text(moment)}"
        uid = f"{uid}/{_id_text(moment)}"
    summary = printable(str(event.get("SUMMARY", "")))[:TITLE_LIMIT].strip() or "(no title)"
    location = printable(str(event.get("LOCATION", "")))[:ROOM_LIMIT].strip() or None
    status = str(event.get("STATUS", "CONFIRMED")).upper()
    state = {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}.get(status, "confirmed")
    text = {
        "title": summary,
        "description": str(event.get("DESCRIPTION", ""))[:DESCRIPTION_LIMIT],
        "location": location or "",
    }
    if isinstance(start_value, datetime):
        start = _aware(start_value, conference)
        if end_prop is not None and isinstance(end_prop.dt, datetime):
            end = _aware(end_prop.dt, conference)
        elif event.get("DURATION") is not None and isinstance(event["DURATION"].dt, timedelta):
            end = start + event["DURATION"].dt
        else:
            return Skipped(where, "no end time (DTEND or DURATION)")
    elif isinstance(start_value, date):
        # An all-day event ("Youth day of action", "Deadline for proposals", a range of
        # days) has no times: a marker, not a meeting someone can sit in. Made a meeting
        # over the day's hours, it was a 19-hour meeting no one could cover.
        return Skipped(
            where,
            "an all-day event (no times: a marker, not a meeting; if it is one, add it with "
            "its hours: `rota add-meeting`)",
        )
    else:
        return Skipped(where, "a start that is not a date or a time")
    # To the minute, as an instant (UTC): a time the clocks show twice compares exactly.
    start = start.astimezone(UTC).replace(second=0, microsecond=0)
    end = end.astimezone(UTC).replace(second=0, microsecond=0)
    if end <= start:
        return Skipped(where, "it ends before it starts")
    if end - start >= timedelta(hours=24):
        return Skipped(where, "a day long or longer (a meeting lasts less than 24 hours)")
    day = conference.day_of(start)
    if not conference.start <= day <= conference.end:
        return Skipped(where, "outside the conference dates")
    return Incoming(uid, summary, start, end, location, state, text, where)


def _aware(moment: datetime, conference: Conference) -> datetime:
    """An event's time, read in the conference's zone when it is floating."""
    return conference.localize(moment) if moment.tzinfo is None else moment


def _id_text(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return f"{moment:%Y%m%dT%H%M%S}" + ("Z" if moment.tzinfo is not None else "")
    return f"{moment:%Y%m%d}"


# --- Reading a spreadsheet ---------------------------------------------------------------------


def read_csv(
    raw: bytes, label: str, conference: Conference
) -> tuple[list[Incoming], list[Skipped], int]:
    """The rows of a meetings spreadsheet (the columns of meetings.csv, `id` required) as
    Incoming, each known by its id (`csv:<id>`); rows are validated as meetings are."""
    from coverage.io import _csv_meeting_records, decode_spreadsheet, validate_meeting

    text = decode_spreadsheet(raw, label)
    found: list[Incoming] = []
    problems = []
    rows = list(_csv_meeting_records(text, label))
    for row, line in rows:
        meeting, where, trouble = validate_meeting(row, line, label, conference)
        problems += trouble
        if meeting is None:
            continue
        found.append(
            Incoming(
                f"csv:{meeting.id}",
                meeting.title,
                meeting.start,
                meeting.end,
                meeting.room,
                meeting.status,
                {"title": meeting.title, "description": "", "location": meeting.room or ""},
                where,
            )
        )
    if problems:
        raise WorkspaceError(problems)
    return found, [], len(rows)


# --- What changes --------------------------------------------------------------------------------


def tags_for(item: Incoming, rules: Sequence[ImportRule]) -> Tagged:
    """The issues (every matching rule's, in order) and the first access, delegations,
    kind, priority and seats a matching rule gives."""
    issues: list[str] = []
    found: dict[str, Any] = {}
    for rule in rules:
        if not rule.matches(item.text):
            continue
        issues += [i for i in dict.fromkeys(rule.issues) if i not in issues]
        for name in ("access", "delegations", "kind", "priority", "seats"):
            value = getattr(rule, name)
            if value is not None and name not in found:
                found[name] = value
    return Tagged(tuple(issues), **found)


def plan_import(
    workspace: Workspace, incoming: Iterable[Incoming], skipped: Sequence[Skipped], events: int
) -> ImportPlan:
    """What importing `incoming` into the workspace would do: add what is new, update the
    meetings imported before whose event changed, count the rest."""
    plan = ImportPlan(skipped=list(skipped), events=events)
    by_source = {m.source: m for m in workspace.meetings if m.source}
    latest: dict[str, Incoming] = {}
    for item in incoming:
        if item.source in latest:
            plan.skipped.append(Skipped(item.where, "the same event twice: the last one is kept"))
        latest[item.source] = item
    rules = workspace.conference.import_rules
    day = workspace.conference.day_of
    for source, item in latest.items():
        known = by_source.get(source)
        if known is None:
            plan.added.append((item, tags_for(item, rules)))
            plan.touched.add(day(item.start))
            continue
        digest = digest_of(item)
        update = _update(known, item)
        if known.source_digest == digest:
            # The event is as it was when imported: what differs was changed here.
            if update is None:
                plan.unchanged += 1
            else:
                plan.kept.append(known.id)
            continue
        if update is None:
            plan.unchanged += 1
            plan.updates.append(Update(known.id, digest=digest))  # recorded, nothing else
        else:
            plan.updates.append(replace(update, digest=digest))
            plan.touched |= {day(known.start), day(item.start)}
    # Gone from this source: meetings imported before from the same calendar system (the
    # part of their UID after "@", or a spreadsheet's rows) that the source no longer has
    # at all (an event skipped this time is still in it).
    origins = {_origin(s) for s in latest}
    still = {s.uid for s in plan.skipped if s.uid}
    plan.missing = sorted(
        m.id
        for source, m in by_source.items()
        if source not in latest
        and _origin(source) in origins
        and source.split("/", 1)[0] not in still
    )
    plan.added.sort(key=lambda pair: (pair[0].start, pair[0].source))
    return plan


def _origin(source: str) -> str:
    """Which system an imported meeting came from: `csv` for a spreadsheet's rows, else
    the domain of its event's UID (`itu.int` of `12345@itu.int`), or '' without one."""
    if source.startswith("csv:"):
        return "csv"
    uid = source.split("/", 1)[0]
    return uid.rsplit("@", 1)[1].lower() if "@" in uid else ""


def _update(meeting: Meeting, item: Incoming) -> Update | None:
    def instant(moment: datetime) -> datetime:
        return moment.astimezone(UTC)

    moved = (instant(meeting.start), instant(meeting.end)) != (
        instant(item.start),
        instant(item.end),
    )
    renamed = meeting.title != item.title
    room = (meeting.room or None) != item.room
    status = meeting.status != item.status
    if not (moved or renamed or room or status):
        return None
    return Update(
        meeting.id,
        start=item.start if moved else None,
        end=item.end if moved else None,
        title=item.title if renamed else None,
        room=item.room,
        room_changed=room,
        status=item.status if status else None,
    )


def local_text(moment: datetime, conference: Conference) -> str:
    """A time as meetings.yaml writes it: 'YYYY-MM-DD HH:MM' in conference time, with the
    offset when that wall-clock time happens twice (the night the clocks go back)."""
    local = conference.localize(moment)
    text = f"{local:%Y-%m-%d %H:%M}"
    wall = local.replace(tzinfo=None)
    first, second = (wall.replace(fold=f, tzinfo=conference.tz) for f in (0, 1))
    if first.utcoffset() != second.utcoffset():
        offset = local.strftime("%z")
        return f"{text}{offset[:3]}:{offset[3:]}"
    return text
