"""Publishing each person's calendar to a CalDAV server, one collection per person.

Every event is its own calendar object resource (a VCALENDAR holding the one VEVENT and
the calendar's time zones), found on the server by its UID. An event is written only when
its content differs from what the server holds, so publishing the same version twice
sends nothing. Objects the rota does not mention (other days published earlier, or
anything the person added) are left alone.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

import caldav
import icalendar
from caldav.lib import error as dav_error
from pydantic import BaseModel, ConfigDict, Field

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
_DAV = "DAV:"
_CALDAV = "urn:ietf:params:xml:ns:caldav"


@dataclass(frozen=True)
class PersonSync:
    """What publishing did to one person's calendar collection. `asked` is False when
    the collection was known to hold what the rota says (its sync token unchanged since
    the last publish, no event of the person changed): nothing was sent about it."""

    attendee: str
    name: str
    calendar_url: str
    created_calendar: bool
    created: int
    updated: int
    unchanged: int
    asked: bool = True


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

    @property
    def not_asked(self) -> int:
        return sum(not p.asked for p in self.people)


class KnownObject(BaseModel):
    """One event as the last publish left it on the server."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    href: str = Field(pattern=r"^/[^\x00-\x20\x7f]*$")  # its path on the server
    etag: str = Field(pattern=r"^[\x20-\x7e]{0,200}$")  # its ETag then ("" if not known)
    digest: str = Field(pattern=r"^([0-9a-f]{64})?$")  # sha256 of the text ("": may differ)


class KnownCalendar(BaseModel):
    """One person's collection as the last publish left it: its URL, its sync token
    (RFC 6578) just after, and each event written, by UID."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    url: str = Field(pattern=r"^https?://[^\x00-\x20\x7f]+$")
    token: str = Field(pattern=r"^[^\x00-\x1f\x7f]{0,1000}$")
    objects: dict[str, KnownObject]


# What the last publish to one server and user left there, by attendee id. The caller keeps
# it between runs (a cache: lost or stale, publishing is still exact, only slower).
Known = dict[str, KnownCalendar]


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


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sync_people(
    url: str,
    user: str,
    password: str,
    calendars: Mapping[str, icalendar.Calendar],
    names: Mapping[str, str],
    timeout: int = TIMEOUT_SECONDS,
    known: Known | None = None,
) -> SyncReport:
    """Put each attendee's events into their own calendar collection under `user`'s
    calendar home at `url`, creating the collection if missing and creating, replacing or
    leaving each event by UID. Raises UsageError, with one line naming the server and
    never the password, when the server cannot be reached, refuses the login or is not a
    CalDAV server.

    `known` (updated in place, also when a later person fails) is what earlier publishes
    left on the server: a collection whose sync token is the one recorded holds exactly
    those events, so only events whose text changed are written (with If-Match on their
    ETag) and a person with no change costs no request at all. Any other collection is
    read whole (one sync-collection REPORT) and compared event by event."""
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
    known = {} if known is None else known
    report = SyncReport()
    with _plain_errors(shown, user, password) as stage:
        client = _caldav.DAVClient(url=url, username=user, password=password, timeout=timeout)
        try:
            stage["now"] = "login"
            principal = client.principal()
            home = str(principal.calendar_home_set.url)
            existing = _collections(client, home)
            stage["now"] = "sync"
            for attendee in sorted(calendars):
                name = names.get(attendee, attendee)
                cal_id = collection_id(attendee)
                found = existing.get(cal_id)
                made = found is None
                if found is None:
                    collection_url = str(
                        principal.make_calendar(name=display_name(name), cal_id=cal_id).url
                    )
                    token = None
                else:
                    collection_url, token = found
                objects = objects_of(calendars[attendee])
                before = known.pop(attendee, None)
                if (
                    before is not None
                    and token is not None
                    and before.token == token
                    and _path(before.url) == _path(collection_url)
                ):
                    counts = _sync_known(client, collection_url, objects, before, known, attendee)
                else:
                    counts = None
                if counts is None:
                    counts = _sync_whole(client, collection_url, objects, made, known, attendee)
                report.people.append(PersonSync(attendee, name, collection_url, made, *counts))
        finally:
            client.close()
    return report


def _sync_known(
    client: Any,
    collection_url: str,
    objects: Mapping[str, str],
    before: KnownCalendar,
    known: Known,
    attendee: str,
) -> tuple[int, int, int, bool] | None:
    """Write only the events whose text changed since `before`, which the server is known
    to hold; None when the server's copy turns out to differ (read it whole then)."""
    changed = {
        uid: text
        for uid, text in objects.items()
        if uid not in before.objects or before.objects[uid].digest != digest(text)
    }
    if not changed:
        known[attendee] = before
        return 0, 0, len(objects), False
    inside = _path(collection_url).rstrip("/") + "/"
    if any(
        _path(obj.href) != obj.href or not obj.href.startswith(inside) or obj.href == inside
        for obj in before.objects.values()
    ):
        return None  # not a record this collection can have: read it whole
    created = updated = 0
    written: dict[str, tuple[str, str]] = {}  # uid -> (path, digest)
    for uid, text in changed.items():
        was = before.objects.get(uid)
        target = _join(collection_url, was.href) if was else _object_url(collection_url, uid)
        status = _put(client, target, text, create=was is None, etag=was.etag if was else None)
        if status == 412:  # changed on the server since: compare it whole
            return None
        _check(status, target)
        written[uid] = (_path(target), digest(text))
        if was is None:
            created += 1
        else:
            updated += 1
    _remember(client, collection_url, before, objects, written, known, attendee)
    return created, updated, len(objects) - len(changed), True


def _sync_whole(
    client: Any,
    collection_url: str,
    objects: Mapping[str, str],
    empty: bool,
    known: Known,
    attendee: str,
) -> tuple[int, int, int, bool]:
    """Read the collection whole, then create, replace or leave each event."""
    listing = None if empty else _sync_report(client, collection_url, "", with_data=True)
    on_server: dict[str, list[tuple[str, str, str]]] = {}  # uid -> [(path, etag, text)]
    if listing is not None:
        for path, (etag, data) in listing.members.items():
            uid = _uid_of(data) if data is not None else None
            if uid is not None:
                on_server.setdefault(uid, []).append((path, etag, data or ""))
    elif not empty:  # no sync-collection on this server: a calendar-query, no token kept
        collection = _caldav.Calendar(client=client, url=collection_url)
        for item in collection.events():
            uid = _uid_of(item.data)
            if uid is not None:
                on_server.setdefault(uid, []).append((_path(str(item.url)), "", item.data))
    created = updated = unchanged = 0
    written: dict[str, tuple[str, str]] = {}
    left: dict[str, KnownObject] = {}
    for uid, text in objects.items():
        found = on_server.get(uid, [])
        if not found:
            target = _object_url(collection_url, uid)
            _check(_put(client, target, text, create=True), target)
            written[uid] = (_path(target), digest(text))
            created += 1
            continue
        (path, etag, data), *duplicates = found
        for duplicate in duplicates:  # one UID, one object: never left twice
            _delete(client, _join(collection_url, duplicate[0]))
        if not duplicates and _same(data, text):
            unchanged += 1
            left[uid] = KnownObject(href=path, etag=etag, digest=digest(text))
            continue
        target = _join(collection_url, path)
        _check(_put(client, target, text, create=False), target)  # in place: same URL
        written[uid] = (path, digest(text))
        updated += 1
    if listing is not None and listing.token:
        start = KnownCalendar(url=collection_url, token=listing.token, objects=left)
        _remember(client, collection_url, start, objects, written, known, attendee)
    elif empty and written:
        start = KnownCalendar(url=collection_url, token="", objects={})
        _remember(client, collection_url, start, objects, written, known, attendee)
    return created, updated, unchanged, True


def _remember(
    client: Any,
    collection_url: str,
    before: KnownCalendar,
    objects: Mapping[str, str],
    written: Mapping[str, tuple[str, str]],
    known: Known,
    attendee: str,
) -> None:
    """Record what the collection holds after writing `written` on top of `before`: one
    sync-collection REPORT from `before.token` gives the new token and the new ETags. An
    object that changed there and was not written by us (someone else, at the same time)
    is recorded as not known, so the next publish compares it."""
    if not written and before.token:
        known[attendee] = before
        return
    try:
        after = _sync_report(client, collection_url, before.token, with_data=False)
    except dav_error.DAVError:
        after = None
    if after is None or not after.token:
        return  # nothing recorded: the next publish reads the collection whole
    ours = {path for path, _ in written.values()}
    entries = {uid: obj for uid, obj in before.objects.items() if uid in objects}
    for uid, (path, text_digest) in written.items():
        entries[uid] = KnownObject(href=path, etag="", digest=text_digest)
    by_path = {obj.href: uid for uid, obj in entries.items()}
    for path, (etag, _) in after.members.items():
        mine = by_path.get(path)
        if mine is None:
            continue  # someone else's object
        entries[mine] = KnownObject(
            href=path, etag=etag, digest=entries[mine].digest if path in ours else ""
        )
    for path in after.removed:
        if path in by_path:
            entries.pop(by_path[path], None)
    if any(not obj.etag for obj in entries.values()):
        return  # an ETag the server did not give: read whole next time
    known[attendee] = KnownCalendar(url=collection_url, token=after.token, objects=entries)


@dataclass(frozen=True)
class _Listing:
    """A sync-collection answer: the new token, the members changed (path -> ETag and,
    when asked, the calendar data) and the paths removed."""

    token: str
    members: dict[str, tuple[str, str | None]]
    removed: set[str]


def _sync_report(client: Any, collection_url: str, token: str, with_data: bool) -> _Listing | None:
    """RFC 6578 sync-collection on the collection; None when the server does not do it."""
    prop = "<d:getetag/>" + ("<c:calendar-data/>" if with_data else "")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<d:sync-collection xmlns:d="{_DAV}" xmlns:c="{_CALDAV}">'
        f"<d:sync-token>{xml_escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
        f"<d:prop>{prop}</d:prop></d:sync-collection>"
    )
    try:
        response = client.report(collection_url, body, depth=0)
    except dav_error.AuthorizationError:
        if not token:
            raise
        return None  # an expired token is refused with 403 by some servers
    if response.status != 207 or response.tree is None:
        return None
    tree = response.tree
    new_token = tree.findtext(f"{{{_DAV}}}sync-token") or ""
    members: dict[str, tuple[str, str | None]] = {}
    removed: set[str] = set()
    for item in tree.iter(f"{{{_DAV}}}response"):
        href = item.findtext(f"{{{_DAV}}}href")
        if not href:
            continue
        path = _path(_join(collection_url, href.strip()))
        if path == _path(collection_url):
            continue
        status = item.findtext(f"{{{_DAV}}}status") or ""
        if " 404" in status:
            removed.add(path)
            continue
        etag = item.findtext(f".//{{{_DAV}}}getetag") or ""
        data = item.findtext(f".//{{{_CALDAV}}}calendar-data")
        members[path] = (etag.strip(), data)
    return _Listing(new_token.strip(), members, removed)


def _collections(client: Any, home: str) -> dict[str, tuple[str, str | None]]:
    """The calendar collections under `home`: last path segment -> (URL, sync token or
    None), from one PROPFIND."""
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<d:propfind xmlns:d="{_DAV}"><d:prop><d:resourcetype/><d:sync-token/></d:prop>'
        "</d:propfind>"
    )
    response = client.propfind(home, body, depth=1)
    if response.status != 207 or response.tree is None:
        raise dav_error.PropfindError(home, f"{response.status} {response.reason}")
    found: dict[str, tuple[str, str | None]] = {}
    for item in response.tree.iter(f"{{{_DAV}}}response"):
        href = item.findtext(f"{{{_DAV}}}href")
        if not href or item.find(f".//{{{_DAV}}}resourcetype/{{{_CALDAV}}}calendar") is None:
            continue
        url = _join(home, href.strip())
        if _path(url) == _path(home):
            continue
        token = item.findtext(f".//{{{_DAV}}}sync-token")
        found[_last_segment(url)] = (url, token.strip() if token else None)
    return found


def _join(base: str, href: str) -> str:
    return urljoin(base if base.endswith("/") else base + "/", href)


def _path(url: str) -> str:
    """The path of `url`, quoted one way whatever way the server quoted it, with `.` and
    `..` segments resolved (so that a path can be compared with its collection's)."""
    plain = unquote(urlsplit(url).path)
    resolved = posixpath.normpath(plain) if plain else "/"
    if plain.endswith("/") and resolved != "/":
        resolved += "/"
    return quote(resolved, safe="/@:+,;=!$&'()*~")


def _object_url(collection_url: str, uid: str) -> str:
    return f"{collection_url.rstrip('/')}/{quote(uid, safe='@')}.ics"


def _put(client: Any, url: str, text: str, create: bool, etag: str | None = None) -> int:
    """Store `text` at `url` byte for byte; returns the HTTP status. (The caldav library's
    own save raises SEQUENCE in some versions whatever it is told; the rota's SEQUENCE
    must stay as built.) `create` never overwrites what another client just made; `etag`
    replaces only the version last seen."""
    headers = {"Content-Type": 'text/calendar; charset="utf-8"'}
    if create:
        headers["If-None-Match"] = "*"
    elif etag:
        headers["If-Match"] = etag
    response = client.put(url, text, headers)
    status = getattr(response, "status", None)
    return status if isinstance(status, int) else 0


def _check(status: int, url: str) -> None:
    if not 200 <= status < 300:
        raise dav_error.PutError(url, f"{status}")


def _delete(client: Any, url: str) -> None:
    response = client.delete(url)
    status = getattr(response, "status", None)
    if not isinstance(status, int) or not (200 <= status < 300 or status == 404):
        raise dav_error.DeleteError(url, f"{status}")


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
