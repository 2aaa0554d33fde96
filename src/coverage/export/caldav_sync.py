"""Publishing each person's calendar to a CalDAV server, one collection per person.

Every event is its own calendar object resource (a VCALENDAR holding the one VEVENT and
the calendar's time zones), found on the server by its UID. An event is written only when
its content differs from what the server holds, so publishing the same version twice
sends nothing. Objects the rota does not mention (other days published earlier, or
anything the person added) are left alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import caldav
import icalendar
from caldav.lib import error as dav_error

from coverage.errors import UsageError

# The caldav library logs through `logging`; without a handler of ours Python would print
# its warnings to stderr on top of the one-line message the command gives.
logging.getLogger("caldav").addHandler(logging.NullHandler())

# caldav 3 exports DAVClient through a module `__getattr__` (typed `object`), caldav 1
# and 2 from a submodule: reach it through the package, untyped.
_caldav: Any = caldav

COLLECTION_PREFIX = "rota-"
TIMEOUT_SECONDS = 30
# RFC 4791 section 4.1: objects in a calendar collection carry no METHOD.
_CALENDAR_PROPERTIES = ("VERSION", "PRODID", "CALSCALE")


@dataclass(frozen=True)
class PersonSync:
    """What publishing did to one person's calendar collection."""

    attendee: str
    name: str
    calendar_url: str
    created_calendar: bool
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class SyncReport:
    """What publishing did, per person (in attendee id order)."""

    people: list[PersonSync] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(p.created for p in self.people)

    @property
    def updated(self) -> int:
        return sum(p.updated for p in self.people)

    @property
    def unchanged(self) -> int:
        return sum(p.unchanged for p in self.people)


def redacted(url: str) -> str:
    """The URL with any user name and password in it replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def collection_id(attendee: str) -> str:
    """The last path segment of a person's calendar collection."""
    return f"{COLLECTION_PREFIX}{attendee}"


def display_name(name: str) -> str:
    """The display name of a person's calendar collection."""
    return f"rota: {name}"


def sync_people(
    url: str,
    user: str,
    password: str,
    calendars: Mapping[str, icalendar.Calendar],
    names: Mapping[str, str],
    timeout: int = TIMEOUT_SECONDS,
) -> SyncReport:
    """Put each attendee's events into their own calendar collection under `user`'s
    calendar home at `url`, creating the collection if missing and creating, replacing or
    leaving each event by UID. Raises UsageError, with one line naming the server and
    never the password, when the server cannot be reached, refuses the login or is not a
    CalDAV server."""
    shown = redacted(url)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise UsageError(f"--caldav {shown}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise UsageError(f"--caldav {shown}: not an http:// or https:// URL")
    if parts.username or parts.password:
        raise UsageError(
            f"--caldav {shown}: put the user name in --user and the password in "
            "--password-file, not in the URL"
        )
    report = SyncReport()
    with _plain_errors(shown, user, password) as stage:
        client = _caldav.DAVClient(url=url, username=user, password=password, timeout=timeout)
        try:
            stage["now"] = "login"
            principal = client.principal()
            existing = {_last_segment(str(c.url)): c for c in principal.calendars()}
            stage["now"] = "sync"
            for attendee in sorted(calendars):
                name = names.get(attendee, attendee)
                cal_id = collection_id(attendee)
                collection = existing.get(cal_id)
                made = collection is None
                if collection is None:
                    collection = principal.make_calendar(name=display_name(name), cal_id=cal_id)
                counts = _sync_collection(client, collection, calendars[attendee], made)
                report.people.append(PersonSync(attendee, name, str(collection.url), made, *counts))
        finally:
            client.close()
    return report


def _sync_collection(
    client: Any, collection: Any, calendar: icalendar.Calendar, empty: bool
) -> tuple[int, int, int]:
    """Create, replace or leave each event of `calendar` in `collection`; returns the
    numbers created, updated and unchanged."""
    on_server: dict[str, list[Any]] = {}
    if not empty:
        for item in collection.events():
            uid = _uid_of(item.data)
            if uid is not None:
                on_server.setdefault(uid, []).append(item)
    created = updated = unchanged = 0
    for uid, text in objects_of(calendar).items():
        found = on_server.get(uid, [])
        if not found:
            _put(client, _object_url(collection, uid), text, create=True)
            created += 1
            continue
        first, *duplicates = found
        for duplicate in duplicates:  # one UID, one object: never left twice
            duplicate.delete()
        if not duplicates and _same(first.data, text):
            unchanged += 1
            continue
        _put(client, str(first.url), text, create=False)  # in place: same URL, same UID
        updated += 1
    return created, updated, unchanged


def _object_url(collection: Any, uid: str) -> str:
    return f"{str(collection.url).rstrip('/')}/{quote(uid, safe='@')}.ics"


def _put(client: Any, url: str, text: str, create: bool) -> None:
    """Store `text` at `url` byte for byte. (The caldav library's own save raises SEQUENCE
    in some versions whatever it is told; the rota's SEQUENCE must stay as built.)"""
    headers = {"Content-Type": 'text/calendar; charset="utf-8"'}
    if create:
        headers["If-None-Match"] = "*"  # never overwrite what another client just made
    response = client.put(url, text, headers)
    status = getattr(response, "status", None)
    if not isinstance(status, int) or not 200 <= status < 300:
        raise dav_error.PutError(url, f"{status} {getattr(response, 'reason', '')}".strip())


def objects_of(calendar: icalendar.Calendar) -> dict[str, str]:
    """Each VEVENT of `calendar` as the text of its own calendar object (with the
    calendar's VERSION, PRODID, CALSCALE and time zones), by UID."""
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    found: dict[str, str] = {}
    for event in calendar.subcomponents:
        if event.name != "VEVENT":
            continue
        single = icalendar.Calendar()
        for key in _CALENDAR_PROPERTIES:
            if key in calendar:
                single.add(key, calendar[key])
        if "VERSION" not in single:
            single.add("VERSION", "2.0")
        if "PRODID" not in single:
            single.add("PRODID", "-//rota//coverage//EN")
        for zone in zones:
            single.add_component(zone)
        single.add_component(event)
        found[str(event["UID"])] = single.to_ical().decode("utf-8")
    return found


def canonical(component: icalendar.cal.Component) -> tuple[Any, ...]:
    """A form of a component that ignores how it was written (property order, line
    folding and line ends, parameter order): equal forms, same content."""
    properties = sorted(
        (
            name,
            _params(value),
            value.to_ical() if hasattr(value, "to_ical") else str(value).encode(),
        )
        for name, value in component.property_items(recursive=False, sorted=False)
    )
    children = sorted(canonical(child) for child in component.subcomponents)
    return (component.name, tuple(properties), tuple(children))


def _params(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k).upper(), str(v)) for k, v in getattr(value, "params", {}).items()))


def _same(server_text: Any, ours: str) -> bool:
    try:
        theirs = icalendar.Calendar.from_ical(_text(server_text))
    except ValueError:
        return False  # not readable: replace it
    return canonical(theirs) == canonical(icalendar.Calendar.from_ical(ours))


def _uid_of(data: Any) -> str | None:
    try:
        calendar = icalendar.Calendar.from_ical(_text(data))
    except ValueError:
        return None
    for event in calendar.walk("VEVENT"):
        if "UID" in event:
            return str(event["UID"])
    return None


def _text(data: Any) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _last_segment(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


@contextmanager
def _plain_errors(url: str, user: str, password: str) -> Iterator[dict[str, str]]:
    """Turn what the network and the server may answer into one-line UsageErrors."""
    stage = {"now": "login"}

    def clean(text: str) -> str:
        line = (text.strip().splitlines() or [""])[0][:200]
        return line.replace(password, "***") if password else line

    def detail(problem: dav_error.DAVError) -> str:
        # caldav puts the status line in `reason`, or (some versions) in `url`
        reason = str(problem.reason)
        text = reason if reason and reason != "no reason" else str(problem.url or "")
        return f"{type(problem).__name__}: {clean(text)}"

    try:
        yield stage
    except dav_error.AuthorizationError as problem:
        if getattr(problem, "status", None) == 401 or "unauthorized" in str(problem.reason).lower():
            raise UsageError(
                f"the CalDAV server at {url} refused the login of user '{user}' "
                "(wrong user name or password?)"
            ) from None
        raise UsageError(
            f"the CalDAV server at {url} does not let user '{user}' write to "
            f"{clean(str(problem.url))} (forbidden)"
        ) from None
    except dav_error.DAVError as problem:
        if stage["now"] == "login":
            raise UsageError(
                f"{url} does not answer as a CalDAV server ({detail(problem)})"
            ) from None
        raise UsageError(
            f"the CalDAV server at {url} refused a request ({detail(problem)})"
        ) from None
    except OSError as problem:  # connection refused, unknown host, timeout, TLS
        raise UsageError(f"cannot reach the CalDAV server at {url}: {_why(problem)}") from None


def _why(problem: OSError) -> str:
    text = str(problem)
    for needle, meaning in (
        ("NameResolution", "host name not found"),
        ("Name or service not known", "host name not found"),
        ("refused", "connection refused"),
        ("timed out", "timed out"),
        ("Timeout", "timed out"),
        ("SSL", "TLS handshake failed"),
        ("certificate", "TLS certificate not accepted"),
    ):
        if needle in text:
            return meaning
    return type(problem).__name__
