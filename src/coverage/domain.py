"""The conference workspace as validated data.

A workspace is a conference (its days, issues and rules), the attendees of the
coordination group, and the meetings to cover. Every model here validates its
own fields; `validate_workspace` checks what spans records (unknown ids,
duplicates, meetings outside the conference). Times are timezone-aware
datetimes in the conference timezone. Nothing here knows about files or solvers:
the loader (`coverage.io`) passes the conference through the validation context
so that local times can be read in the right timezone.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from importlib import resources
from typing import Annotated, Any, Literal, NamedTuple, Self, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import re2
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from coverage.errors import FieldError, Problem

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$"


def _id_from_number(value: Any) -> Any:
    # YAML reads `id: 12` as a number; an id is still a name.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_id_from_number), Field(pattern=ID_PATTERN, max_length=80)]

# What a name, title or room may not hold: control characters (line breaks, tabs, escape
# sequences that act on a terminal), line and paragraph separators, the invisible
# direction marks, overrides and isolates that reorder the text around them (U+061C,
# U+200E/F, U+202A-E, U+2066-9), and the invisible characters that can hide text in a
# name that looks the same as another: the zero-width space, the word joiner and the
# invisible operators (U+2060-4), the byte-order mark, the interlinear annotation marks
# (U+FFF9-B), the tag characters (U+E0000-7F, "ASCII smuggling"), and the characters that
# show as nothing: the soft hyphen, the combining grapheme joiner, the Hangul fillers
# (U+115F, U+1160, U+3164, U+FFA0), the Mongolian vowel separator, the deprecated format
# characters (U+206A-F), the shorthand format controls (U+1BCA0-3) and the variation
# selectors 1 to 14 (U+FE00-D): `An\u00ada` showed as "Ana". The zero-width joiner and
# non-joiner (U+200C/D) stay: Persian, Indic scripts and emoji need them; so do the
# emoji and text presentation selectors (U+FE0E/F, as in the heart of "I ❤️ ...") and
# the ideographic variation selectors (U+E0100-EF, for the exact form of a name's
# character). The exports replace the same characters by spaces in what they read back.
UNPRINTABLE = (
    "[\x00-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u180e\u200b\u200e\u200f"
    "\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0d\ufeff"
    "\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3\U000e0000-\U000e007f]"
)
_FORBIDDEN = re.compile(UNPRINTABLE)
_CHARACTER_NAMES = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    "\x1b": "an escape character (ESC)",
    "\x00": "a NUL character",
}
MAX_TEXT = 500
MAX_MEETING_HOURS = 24  # a meeting belongs to one conference day


def one_line(value: Any) -> Any:
    """Refuse text that is not one line of printable characters (ordinary spaces allowed)
    or is longer than MAX_TEXT."""
    value = printable_line(value)
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value)} characters long (at most {MAX_TEXT})")
    return value


def printable_line(value: Any) -> Any:
    """Refuse text that is not one line of printable characters (ordinary spaces allowed)."""
    if not isinstance(value, str):
        return value
    found = _FORBIDDEN.search(value)
    if found is not None:
        char = found.group()
        kind = "control" if unicodedata.category(char) == "Cc" else "invisible"
        what = _CHARACTER_NAMES.get(char, f"the {kind} character U+{ord(char):04X}")
        raise ValueError(
            f"contains {what} at character {found.start() + 1}: names, titles and rooms are "
            "one line of printable text"
        )
    return value


def _not_a_bool(value: Any) -> Any:
    # YAML's `true` is not the number 1.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


def _read_clock(value: Any) -> Any:
    """A time of day to the minute, as "HH:MM" (no offset: it is read in the conference's
    zone; no seconds; not a number, which YAML would make of 10:00 unquoted in some
    dialects)."""
    if isinstance(value, time):
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ValueError("a time of day as HH:MM, in conference time (no offset, no seconds)")
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", value)
        if match:
            return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(
        f'{value!r} is not a time of day: give HH:MM, e.g. "10:00" (in conference time, no '
        "offset, no seconds)"
    )


Clock = Annotated[time, BeforeValidator(_read_clock)]
Text = Annotated[str, AfterValidator(one_line)]
Line = Annotated[str, AfterValidator(printable_line)]  # one line, of any length
Name = Annotated[str, AfterValidator(one_line), Field(min_length=1)]
Whole = Annotated[int, BeforeValidator(_not_a_bool)]
Number = Annotated[float, BeforeValidator(_not_a_bool)]
Level = Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1, le=3)]
MAX_WEIGHT = 1000  # issue weights: weight x priority x meetings stays exact in the solver
MAX_CONFERENCE_DAYS = 366

MeetingKind = Literal[
    "plenary",
    "committee",
    "working_group",
    "ad_hoc",
    "informal",
    "coordination",
    "bilateral",
    "other",
]
Access = Literal["open", "member_states", "delegations", "closed"]
Status = Literal["confirmed", "tentative", "cancelled"]
Stance = Literal["oppose", "lean_oppose", "undecided", "lean_support", "support"]
STANCES: tuple[str, ...] = ("oppose", "lean_oppose", "undecided", "lean_support", "support")


class Pair(NamedTuple):
    """One person at one meeting: the unit of a rota, from the solver to every output."""

    attendee: str
    meeting: str


@cache
def iso_alpha3() -> dict[str, str]:
    """ISO 3166-1 alpha-3 codes and the country's short name."""
    text = resources.files("coverage").joinpath("data/iso3166_alpha3.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: name for code, name in rows}


def _check_delegation(code: str) -> str:
    if code not in iso_alpha3():
        hint = " (codes are upper case)" if code.upper() in iso_alpha3() else ""
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-3 country code{hint}")
    return code


Delegation = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Issue(_Strict):
    """A policy issue the group follows; its weight says how much covering it matters."""

    id: Id
    name: Name
    weight: Whole = Field(1, gt=0, le=MAX_WEIGHT)


class Rules(_Strict):
    """The group's working rules; see the README for their exact meaning."""

    changeover_minutes: Whole = Field(15, ge=0, le=24 * 60)
    max_duty_hours: Number = Field(10, gt=0, le=24)
    min_rest_hours: Number = Field(7, ge=0, le=48)
    late_night_after: Clock = time(0, 0)
    max_late_nights_in_a_row: Whole = Field(2, ge=0, le=60)
    default_min_expertise: Level = 1


class PublishTarget(_Strict):
    """Where `rota update` and `rota publish` put the calendars when no --caldav is given
    (conference.yaml, `publish:`). The password is never in the workspace: it comes from
    `password_file` (a path outside the workspace) or $ROTA_CALDAV_PASSWORD."""

    caldav: Line
    user: Name
    password_file: Line | None = None

    @field_validator("caldav")
    @classmethod
    def _plain_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value)
        except ValueError:
            raise ValueError("not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http:// or https:// URL")
        if parts.username or parts.password:
            raise ValueError(
                "no user or password in the URL: give `user`, and the password in a file"
            )
        return value


class ImportRule(_Strict):
    """One of conference.yaml's `import_rules`: when `match` (a regular expression, case
    ignored) is found in one of the event's `fields`, the meeting `rota import` makes of it
    gets these issues (every matching rule's), and the first access, delegations, kind,
    priority and seats a matching rule gives."""

    # Kept as written: ' AI ' (quoted, spaces and all) says "the word AI", not MAIN.
    match: Annotated[str, StringConstraints(strip_whitespace=False)] = Field(
        min_length=1, max_length=500
    )
    fields: tuple[Literal["title", "description", "location"], ...] = (
        "title",
        "description",
        "location",
    )
    issues: tuple[str, ...] = ()
    access: Access | None = None
    delegations: tuple[str, ...] | None = None
    kind: MeetingKind | None = None
    priority: Whole | None = Field(None, ge=1, le=5)
    seats: Whole | None = Field(None, ge=1, le=50)

    @field_validator("match")
    @classmethod
    def _a_pattern(cls, value: str) -> str:
        try:
            _compiled(value)
        except re2.error as error:
            said = error.args[0] if error.args else error
            reason = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Python's own warnings are not the user's
                try:
                    re.compile(value)
                except re.error as python:
                    raise ValueError(f"not a regular expression: {python}") from None
            end = " (`\\z`, not `\\Z`, for the end)" if "\\Z" in value else ""
            raise ValueError(
                f"not for a linear-time matcher ({reason}): rules are matched with RE2, "
                "which has no look-around, back-references, possessive or atomic groups "
                f"(a feed's text could keep such a rule matching for hours){end}"
            ) from None
        return value

    @field_validator("delegations", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(_check_delegation(str(code).strip()) for code in value)
        return value

    @model_validator(mode="after")
    def _delegations_go_with_their_access(self) -> ImportRule:
        if self.access == "delegations" and not self.delegations:
            raise FieldError("delegations", "access: delegations needs the list of delegations")
        if self.delegations and self.access != "delegations":
            raise FieldError("access", "delegations are given: say access: delegations too")
        return self

    def matches(self, text: Mapping[str, str]) -> bool:
        pattern = _compiled(self.match)
        return any(pattern.search(text.get(name, "")) for name in self.fields)


@cache
def _compiled(pattern: str) -> Any:  # re2's compiled pattern (the package has no types)
    """`pattern`, case ignored, for RE2: its matching takes time linear in the text, where
    a backtracking matcher (Python's `re`) can take time doubling with each character of
    a title someone else wrote (`(\\w+\\s?)+:` on one long word)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # refused patterns are told in the workspace's message
    return re2.compile(pattern, options)


class Conference(_Strict):
    """The conference: where its days begin and end, its issues and its rules."""

    name: Name
    timezone: str
    start: date
    end: date
    day_start: Clock = time(8, 0)
    day_end: Clock = time(3, 0)
    issues: tuple[Issue, ...] = ()
    rules: Rules = Rules()
    publish: PublishTarget | None = None
    import_rules: tuple[ImportRule, ...] = ()

    @field_validator("issues", "import_rules", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return () if value is None else value  # `issues:` with nothing under it: none

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not known_timezone(value):
            raise ValueError(
                f"unknown timezone {shown(value)} (use an IANA name such as 'Asia/Dubai')"
            )
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Conference:
        for name in ("start", "end"):
            day = getattr(self, name)
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise FieldError(
                    name, f"{day} is not a year from {FIRST_YEAR} to {LAST_YEAR}: a typing slip?"
                )
        if self.end < self.start:
            raise FieldError("end", f"end {self.end} is before start {self.start}")
        if (self.end - self.start).days >= MAX_CONFERENCE_DAYS:
            raise FieldError(
                "end",
                f"the conference would last {(self.end - self.start).days + 1} days "
                f"(at most {MAX_CONFERENCE_DAYS})",
            )
        if self.day_start == self.day_end:
            raise FieldError("day_end", "day_start and day_end are equal: a day needs a length")
        known = {issue.id for issue in self.issues}
        for n, rule in enumerate(self.import_rules):
            for issue in rule.issues:
                if issue not in known:
                    raise FieldError(
                        f"import_rules.{n}.issues",
                        f"unknown issue id '{issue}' (the conference defines: "
                        f"{', '.join(sorted(known)) or 'none'})",
                    )
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The conference timezone."""
        return ZoneInfo(self.timezone)

    @property
    def overnight(self) -> bool:
        """Whether a conference day ends on the next calendar morning (e.g. 08:00-03:00)."""
        return self.day_end <= self.day_start

    def days(self) -> list[date]:
        """The conference days, first to last."""
        n = (self.end - self.start).days
        return [self.start + timedelta(days=i) for i in range(n + 1)]

    def localize(self, moment: datetime) -> datetime:
        """A naive wall-clock time read in the conference timezone, or an aware one converted."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def on_day(self, day: date, clock: time) -> datetime:
        """The moment of conference day `day` at local time `clock`: on the next morning
        when the day runs overnight and `clock` is before day_start (01:00 of the night of
        the 5th is on the 6th)."""
        on = day + timedelta(days=1) if self.overnight and clock < self.day_start else day
        return self.localize(datetime.combine(on, clock))

    def day_opens(self, day: date) -> datetime:
        """The moment conference day `day` begins (its day_start)."""
        return self.localize(datetime.combine(day, self.day_start))

    def day_closes(self, day: date) -> datetime:
        """The moment conference day `day` ends (its day_end, on the next morning if overnight)."""
        closing_date = day + timedelta(days=1) if self.overnight else day
        return self.localize(datetime.combine(closing_date, self.day_end))

    def day_of(self, moment: datetime) -> date:
        """The conference day a moment belongs to.

        With an overnight day (day_end <= day_start) that is the date of the local
        wall-clock time minus day_end: 02:00 on the 6th belongs to the 5th.
        """
        local = self.localize(moment).replace(tzinfo=None)
        if not self.overnight:
            return local.date()
        shift = timedelta(hours=self.day_end.hour, minutes=self.day_end.minute)
        return (local - shift).date()

    def issue_ids(self) -> set[str]:
        """The ids of the conference's issues."""
        return {issue.id for issue in self.issues}


_NOT_ZONES = {"factory", "localtime", "posixrules"}


def host_zone_file(name: str) -> bool:
    """Whether `name` is one of the tz database's files that are no zone of their own:
    `localtime`, `posixrules`, `Factory` (the host's settings), or a zone under `posix/`
    or `right/` (leap seconds counted); any case."""
    lowered = name.lower()
    return lowered in _NOT_ZONES or lowered.startswith(("posix/", "right/"))


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for a message, cut to `limit` characters (a hostile value can be
    megabytes long)."""
    return (
        repr(value) if len(value) <= limit else f"{value[:limit]!r}... ({len(value):,} characters)"
    )


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,40}(?:/[A-Za-z0-9_+-]{1,40}){0,3}")


def known_timezone(name: str) -> bool:
    """Whether `name` is a real IANA time zone (not a tz database file such as
    `localtime`, `posixrules` or `Factory`, nor one under `posix/` or `right/`)."""
    if host_zone_file(name):
        return False
    # The shape of an IANA name (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`) before the
    # tz database is asked: a name of thousands of `a/` parts sent Python's resource
    # lookup into a RecursionError.
    if not _ZONE_NAME.fullmatch(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, RecursionError):
        return False
    return True


def _conference(info: ValidationInfo) -> Conference:
    context = info.context or {}
    conference = context.get("conference")
    if not isinstance(conference, Conference):
        raise ValueError("internal: validation needs the conference in its context")
    return conference


def parse_moment(
    value: Any, conference: Conference, date_means: Literal["open", "close"]
) -> datetime:
    """Read a date-time (local unless it has an offset) or a date (the opening or closing of that
    conference day) as an aware datetime in UTC.

    Moments are kept in UTC because Python compares and subtracts two datetimes that share
    a tzinfo by their wall clocks, which is wrong across a DST change.

    A moment more than YEARS_AROUND years from the conference is refused: it means nothing
    to it, and at the ends of the calendar (year 1, year 9999) a day's opening or a time
    zone's offset cannot be worked out."""
    moment = _read_moment(value, conference, date_means)
    if abs(moment.year - conference.start.year) > YEARS_AROUND:
        raise ValueError(
            f"'{value}' is more than {YEARS_AROUND} years from the conference "
            f"({conference.start}): give a time near it (for 'for good', the conference's "
            "last day or a year after it)"
        )
    if isinstance(moment, _Day):
        return (
            conference.day_opens(moment) if date_means == "open" else conference.day_closes(moment)
        )
    try:
        return _in_utc(moment, value, conference)
    except OverflowError:  # within a day of the calendar's ends: the check above keeps out
        raise ValueError(f"'{value}' is out of range") from None


class _Day(date):
    """A date read where a moment was expected (its opening or closing is meant)."""


YEARS_AROUND = 100  # how far from its conference a workspace's times may be
FIRST_YEAR, LAST_YEAR = 1900, 2199  # a conference's years


def _read_moment(
    value: Any, conference: Conference, date_means: Literal["open", "close"]
) -> datetime | _Day:
    """`value` read as a datetime (naive when local) or, for a date, a _Day."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return _Day(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                day = date.fromisoformat(text)
            except ValueError as error:
                raise ValueError(f"'{value}' is not a date ({error})") from None
            return _Day(day.year, day.month, day.day)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date-time: write 'YYYY-MM-DD HH:MM' "
                "(local time) or add an offset such as '+04:00'"
            ) from None
    raise ValueError(f"expected a date-time like '2018-11-05 14:30', got {value!r}")


def _in_utc(moment: datetime, value: Any, conference: Conference) -> datetime:
    """A moment read from `value` (local unless it has an offset), in UTC."""
    if moment.second or moment.microsecond:
        raise ValueError(f"'{value}' has seconds: give times to the minute ('HH:MM')")
    if moment.tzinfo is None:
        local = moment.replace(tzinfo=conference.tz)
        # A wall-clock time skipped by a DST change does not exist: refuse it.
        round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(conference.tz)
        if round_trip.replace(tzinfo=None) != moment:
            raise ValueError(
                f"'{value}' does not exist in {conference.timezone} (the clocks skip it)"
            )
        # One the clocks go through twice is ambiguous: say which.
        first, second = local.replace(fold=0), local.replace(fold=1)
        if first.utcoffset() != second.utcoffset():
            raise ValueError(
                f"'{value}' happens twice in {conference.timezone} (the clocks go back): add "
                f"the offset, '{_offset(first)}' for the first time or '{_offset(second)}' "
                "for the second"
            )
        return local.astimezone(UTC)
    return moment.astimezone(UTC)


def _offset(moment: datetime) -> str:
    text = moment.isoformat(timespec="minutes")
    return text.replace("T", " ")


def _not_after(start: datetime, end: datetime, conference: Conference) -> str:
    local = conference.localize
    return f"end {local(end):%Y-%m-%d %H:%M} is not after start {local(start):%Y-%m-%d %H:%M}"


class Period(_Strict):
    """A stretch of time, [start, end), with an optional note on why."""

    start: datetime
    end: datetime
    reason: Text | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _read_start(cls, value: Any, info: ValidationInfo) -> datetime:
        return parse_moment(value, _conference(info), "open")

    @field_validator("end", mode="before")
    @classmethod
    def _read_end(cls, value: Any, info: ValidationInfo) -> datetime:
        return parse_moment(value, _conference(info), "close")

    @model_validator(mode="after")
    def _end_after_start(self, info: ValidationInfo) -> Period:
        if self.end <= self.start:
            raise FieldError("end", _not_after(self.start, self.end, _conference(info)))
        return self

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) shares any moment with this period."""
        return start < self.end and self.start < end


class Attendee(_Strict):
    """A member of the coordination group."""

    id: Id
    name: Name
    organisation: Text | None = None
    delegation: str | None = None
    contacts: tuple[str, ...] = ()
    expertise: dict[str, Level] = Field(default_factory=dict)
    leads: tuple[str, ...] = ()
    available_from: datetime | None = None
    available_until: datetime | None = None
    unavailable: tuple[Period, ...] = ()
    max_duty_hours: Number | None = Field(None, gt=0, le=24)
    # Personal limits, over the conference's rules for this person only: no meeting that
    # starts before `earliest` (local time, on the conference day's own date) or ends after
    # `latest` (read as `late_night_after` is: a time before day_start is on the next
    # morning), at most `max_late_nights_in_a_row` late nights in a row and
    # `max_meetings_per_day` meetings a day.
    earliest: Clock | None = None
    latest: Clock | None = None
    max_late_nights_in_a_row: Whole | None = Field(None, ge=0, le=60)
    max_meetings_per_day: Whole | None = Field(None, ge=1, le=50)
    # Preferences (soft: the `preferences` tier, after expertise): issues the person would
    # rather follow, and issues or meeting kinds they would rather not.
    prefers: tuple[str, ...] = ()
    avoids: tuple[str, ...] = ()
    email: Text | None = None
    phone: Text | None = None

    @field_validator("delegation", mode="before")
    @classmethod
    def _read_delegation(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() in ("", "null", "none")):
            return None
        if isinstance(value, str):
            return _check_delegation(value.strip())
        return value

    @field_validator("prefers", "avoids", mode="before")
    @classmethod
    def _read_words(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):  # a spreadsheet cell: `ai; privacy`
            return tuple(part for part in re.split(r"[,;\s]+", value) if part)
        return value

    def preference(self, meeting: Meeting) -> int:
        """+1 when the meeting is on an issue the person prefers, -1 when it is on an
        issue or of a kind they avoid (0 when both, or neither)."""
        likes = any(issue in self.prefers for issue in meeting.issues)
        dislikes = meeting.kind in self.avoids or any(i in self.avoids for i in meeting.issues)
        return int(likes) - int(dislikes)

    @field_validator("contacts", mode="before")
    @classmethod
    def _read_contacts(cls, value: Any) -> Any:
        # Delegations where the person has a working relationship beyond their own: ISO codes,
        # as a list or (from a spreadsheet) as `KEN; GHA`.
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in re.split(r"[,;\s]+", value) if part]
        if isinstance(value, list | tuple):
            return tuple(_check_delegation(str(code).strip()) for code in value)
        return value

    @field_validator("available_from", mode="before")
    @classmethod
    def _read_from(cls, value: Any, info: ValidationInfo) -> datetime | None:
        return None if value is None else parse_moment(value, _conference(info), "open")

    @field_validator("available_until", mode="before")
    @classmethod
    def _read_until(cls, value: Any, info: ValidationInfo) -> datetime | None:
        return None if value is None else parse_moment(value, _conference(info), "close")

    @model_validator(mode="after")
    def _availability_in_order(self) -> Attendee:
        if (
            self.available_from
            and self.available_until
            and self.available_until <= self.available_from
        ):
            raise FieldError("available_until", "available_until is not after available_from")
        return self

    def best_level(self, issues: Iterable[str]) -> int:
        """The person's best expertise level over `issues` (0 when none)."""
        return max((self.expertise.get(issue, 0) for issue in issues), default=0)


class Meeting(_Strict):
    """A meeting that the group may cover."""

    id: Id
    title: Name
    kind: MeetingKind = "other"
    start: datetime
    end: datetime
    room: Text | None = None
    issues: tuple[str, ...] = ()
    access: Access = "open"
    delegations: tuple[str, ...] = ()
    priority: Whole = Field(1, ge=1, le=5)
    seats: Whole = Field(1, ge=1, le=50)
    min_expertise: Level | None = None
    status: Status = "confirmed"
    # Attendees committed to this meeting (a bilateral they arranged): the plan seats them
    # before anything else whenever the rules allow.
    assigned: tuple[Id, ...] = ()
    # Attendees who must be there (a hard rule): a plan that cannot seat them is refused.
    pinned: tuple[Id, ...] = ()
    # Where `rota import` found it: the event's UID (and RECURRENCE-ID), or `csv:<id>`. A
    # meeting with no source was added by hand, and no import touches it.
    source: Text | None = None
    # What the source said of it when it was last imported (a digest of its times, title,
    # room and status): an import leaves a meeting changed here as it is while its event
    # has not changed since (a move typed at 2 a.m. is not undone by the next import).
    source_digest: str | None = Field(None, pattern=r"^[0-9a-f]{16}$")

    @field_validator("source")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None  # `source: ""` (cleared by hand): added by hand, as none

    @field_validator("start", "end", mode="before")
    @classmethod
    def _read_time(cls, value: Any, info: ValidationInfo) -> datetime:
        if isinstance(value, date) and not isinstance(value, datetime):
            raise ValueError("a meeting needs a time as well as a date")
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            raise ValueError("a meeting needs a time as well as a date")
        return parse_moment(value, _conference(info), "open")

    @field_validator("issues")
    @classmethod
    def _each_issue_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))  # `[privacy, privacy]`: one issue, one thread

    @field_validator("delegations", mode="before")
    @classmethod
    def _read_delegations(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in re.split(r"[,;\s]+", value) if part]
        if isinstance(value, list | tuple):
            return tuple(_check_delegation(str(code).strip()) for code in value)
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Meeting:
        if self.end <= self.start:
            raise FieldError("end", _not_after(self.start, self.end, _conference(info)))
        if self.end - self.start >= timedelta(hours=MAX_MEETING_HOURS):
            # A meeting belongs to one conference day; over days it read '08:00-08:00'.
            hours = (self.end - self.start).total_seconds() / 3600
            raise FieldError(
                "end",
                f"a meeting lasts less than {MAX_MEETING_HOURS} hours (this one {hours:g}): "
                "give each day's sitting as a meeting of its own",
            )
        if self.access == "delegations" and not self.delegations:
            raise FieldError("delegations", "access 'delegations' needs a list of delegations")
        if self.access != "delegations" and self.delegations:
            raise FieldError(
                "access", f"delegations are listed but access is '{self.access}', not 'delegations'"
            )
        return self

    @property
    def minutes(self) -> int:
        """The meeting's real elapsed length in minutes."""
        return int((self.end - self.start).total_seconds()) // 60


# --- states.yaml: member states, their stances and ties ---------------------------------

Region = Literal["CEPT", "ATU", "APT", "CITEL", "RCC", "Arab Group", "other"]
# How far a stance is from the group's position: support +2 ... oppose -2.
STANCE_VALUE: dict[str, int] = {
    "oppose": -2,
    "lean_oppose": -1,
    "undecided": 0,
    "lean_support": 1,
    "support": 2,
}


class State(_Strict):
    """A member state, its delegation and its stances (relative to the group's position)."""

    code: str
    name: Name
    region: Region = "other"
    delegation_size: Whole = Field(1, ge=0, le=1000)
    open_to_civil_society: bool = False
    stances: dict[str, Stance] = Field(default_factory=dict)

    @field_validator("code", mode="before")
    @classmethod
    def _read_code(cls, value: Any) -> Any:
        return _check_delegation(value.strip()) if isinstance(value, str) else value


class Tie(_Strict):
    """A working relationship between two states; weight 0 (none) to 1 (very close)."""

    a: str
    b: str
    weight: Number = Field(ge=0, le=1)
    kind: Name = "bilateral"


class StatesHeader(_Strict):
    """The top level of states.yaml, without its lists."""

    regional_tie_weight: Number = Field(0.5, ge=0, le=1)


@dataclass(frozen=True)
class Coalitions:
    """states.yaml: the states and the ties between them (regional defaults added)."""

    states: dict[str, State]
    ties: dict[frozenset[str], Tie]
    regional_tie_weight: float


def stance_bonus(stance: str | None) -> int:
    """Expertise levels a delegation's stance adds where its seat speaks: +2 support, +1
    leaning; never less than nothing (an opposing delegation is no asset, nor a cost)."""
    return max(0, STANCE_VALUE.get(stance or "", 0))


def fresh_copy(model: Any, update: Mapping[str, Any] | None, deep: bool) -> Any:
    """`model.model_copy` without the values its cached properties computed (pydantic
    copies them along, and they would describe the original)."""
    copied = BaseModel.model_copy(model, update=update, deep=deep)
    for klass in type(model).__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, cached_property):
                copied.__dict__.pop(name, None)
    return copied


class Workspace(BaseModel):
    """A whole workspace, validated across records."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with some fields changed (lookups recomputed)."""
        copied: Self = fresh_copy(self, update, deep)
        return copied

    conference: Conference
    attendees: tuple[Attendee, ...]
    meetings: tuple[Meeting, ...]
    name: str = "workspace"
    # states.yaml, when the workspace has one.
    coalitions: Coalitions | None = None
    # A SHA-256 over the bytes of the input files read (empty for a workspace built in
    # memory): which input made a rota.
    digest: str = ""

    @property
    def stances(self) -> dict[str, dict[str, str]] | None:
        """Each delegation's stance per issue (None without states.yaml)."""
        if self.coalitions is None:
            return None
        return {code: dict(s.stances) for code, s in self.coalitions.states.items()}

    def attendee(self, attendee_id: str) -> Attendee:
        """The attendee with this id."""
        return self._attendees_by_id[attendee_id]

    def meeting(self, meeting_id: str) -> Meeting:
        """The meeting with this id."""
        return self._meetings_by_id[meeting_id]

    @cached_property
    def _attendees_by_id(self) -> dict[str, Attendee]:
        return {a.id: a for a in self.attendees}

    @cached_property
    def _meetings_by_id(self) -> dict[str, Meeting]:
        return {m.id: m for m in self.meetings}

    def meetings_on(self, days: Iterable[date]) -> list[Meeting]:
        """The meetings of the given conference days, by start time then id."""
        wanted = set(days)
        chosen = [m for m in self.meetings if self.conference.day_of(m.start) in wanted]
        return sorted(chosen, key=lambda m: (m.start, m.id))


def duplicates(ids: Iterable[str]) -> Iterator[str]:
    """Each id that appears more than once (reported once)."""
    seen: set[str] = set()
    reported: set[str] = set()
    for item in ids:
        if item in seen and item not in reported:
            reported.add(item)
            yield item
        seen.add(item)


def cross_record_problems(
    conference: Conference,
    attendees: Iterable[tuple[str, Attendee]],
    meetings: Iterable[tuple[str, Meeting]],
    files: dict[str, str],
    other_meetings: Sequence[tuple[str, str]] = (),
) -> list[Problem]:
    """What is wrong across records: unknown issue ids, duplicate ids, meetings outside the
    conference. `attendees` and `meetings` pair each record with how to name it; `files` maps
    'conference', 'attendees' and 'meetings' to the file names used in messages.
    `other_meetings` are the names and ids of the file's other meetings, known valid and
    earlier in the file (when an edit checks the meetings it wrote only)."""
    problems: list[Problem] = []
    known = conference.issue_ids()
    conf_file = files["conference"]
    for issue_id in duplicates(issue.id for issue in conference.issues):
        problems.append(
            Problem(conf_file, f"issue id '{issue_id}' appears twice", f"issue '{issue_id}'", "id")
        )

    attendee_list = list(attendees)
    problems += _repeated_ids(files["attendees"], [(where, a.id) for where, a in attendee_list])
    for where, attendee in attendee_list:
        for issue_id in attendee.expertise:
            if issue_id not in known:
                problems.append(
                    Problem(
                        files["attendees"],
                        _unknown_issue(issue_id, known),
                        where,
                        f"expertise.{issue_id}",
                    )
                )
        for issue_id in attendee.leads:
            if issue_id not in known:
                problems.append(
                    Problem(files["attendees"], _unknown_issue(issue_id, known), where, "leads")
                )
        for issue_id in attendee.prefers:
            if issue_id not in known:
                problems.append(
                    Problem(files["attendees"], _unknown_issue(issue_id, known), where, "prefers")
                )
        kinds = set(get_args(MeetingKind))
        for word in attendee.avoids:
            if word not in known and word not in kinds:
                problems.append(
                    Problem(
                        files["attendees"],
                        f"'{word}' is neither an issue id nor a meeting kind (issues: "
                        f"{', '.join(sorted(known))}; kinds: {', '.join(sorted(kinds))})",
                        where,
                        "avoids",
                    )
                )

    for where, attendee in attendee_list:
        if attendee.earliest is not None and attendee.latest is not None:
            day = conference.start
            opening = conference.localize(datetime.combine(day, attendee.earliest))
            if conference.on_day(day, attendee.latest) <= opening:
                problems.append(
                    Problem(
                        files["attendees"],
                        f"latest {attendee.latest:%H:%M} is not after earliest "
                        f"{attendee.earliest:%H:%M} (on a conference day, a time before "
                        f"day_start {conference.day_start:%H:%M} is on the next morning)",
                        where,
                        "latest",
                    )
                )

    meeting_list = list(meetings)
    problems += _repeated_ids(
        files["meetings"], [*other_meetings, *((where, m.id) for where, m in meeting_list)]
    )
    # An import finds the meeting of a feed event by its `source`: two meetings with one
    # would leave one of them behind, moved or cancelled in the feed and not here.
    problems += _repeated_ids(
        files["meetings"],
        [(where, m.source) for where, m in meeting_list if m.source is not None],
        "source",
        ": an import would update only one of them (a copy of an imported meeting needs "
        "its own id and no source)",
    )
    first, last = conference.start, conference.end
    attendee_ids = {a.id for _, a in attendee_list}
    for where, meeting in meeting_list:
        for name, listed in (("assigned", meeting.assigned), ("pinned", meeting.pinned)):
            for attendee_id in listed:
                if attendee_id not in attendee_ids:
                    problems.append(
                        Problem(
                            files["meetings"],
                            f"unknown attendee id '{attendee_id}' (not in the attendees file)",
                            where,
                            name,
                        )
                    )
        for attendee_id in duplicates(meeting.pinned):
            problems.append(
                Problem(files["meetings"], f"'{attendee_id}' is pinned twice", where, "pinned")
            )
        for issue_id in meeting.issues:
            if issue_id not in known:
                problems.append(
                    Problem(files["meetings"], _unknown_issue(issue_id, known), where, "issues")
                )
        day = conference.day_of(meeting.start)
        if not first <= day <= last:
            problems.append(
                Problem(
                    files["meetings"],
                    f"starts {conference.localize(meeting.start):%Y-%m-%d %H:%M}, on conference "
                    f"day {day}, outside the "
                    f"conference ({first} to {last})",
                    where,
                    "start",
                )
            )
    return problems


def _repeated_ids(
    file: str, records: list[tuple[str, str]], field: str = "id", why: str = ""
) -> list[Problem]:
    """A problem for each record that repeats an earlier record's `field` (its id unless
    told), naming the first; `why` is said after."""
    first: dict[str, str] = {}
    problems = []
    for where, value in records:
        if value in first:
            message = f"{field} '{value}' is already used by {first[value]}{why}"
            problems.append(Problem(file, message, where, field))
        else:
            first[value] = where
    return problems


def _unknown_issue(issue_id: str, known: set[str]) -> str:
    listed = ", ".join(sorted(known)) or "none defined"
    return f"unknown issue id '{issue_id}' (conference.yaml defines: {listed})"
