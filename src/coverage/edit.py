"""Changing a workspace safely: add, cancel and move meetings, mark an attendee unavailable.

Each edit changes one file and leaves the rest of it as it was: YAML is edited in
round trip (ruamel.yaml), and only the lines of the record that changed are replaced,
so comments, key order, quoting and every other record stay byte for byte. The edited
workspace is then validated exactly like `rota check`, on a temporary copy of the
workspace folder, and only when it is valid is the real file replaced, atomically. On
any problem a WorkspaceError names the file, the record and the field, and nothing is
written. Nothing here knows about the command line.
"""

from __future__ import annotations

import csv
import fcntl
import io as _io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from difflib import SequenceMatcher, get_close_matches
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelYAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    SingleQuotedScalarString,
)

from coverage.domain import Attendee, Conference, Meeting, Workspace
from coverage.errors import UsageError, WorkspaceError
from coverage.importing import ImportPlan, Tagged, Update, digest_of, local_text
from coverage.importing import Incoming as ImportedEvent
from coverage.io import (
    ATTENDEES_CSV,
    ATTENDEES_YAML,
    MEETINGS_CSV,
    MEETINGS_FILE,
    Others,
    Source,
    check_edited_attendees,
    check_edited_meetings,
    file_labels,
    known_valid,
    load_yaml,
    others_of,
    parse_workspace,
    present_digest,
    read_file_text,
    read_spreadsheet_text,
    remember_valid,
    sniff_delimiter,
    write_atomic,
)


@dataclass(frozen=True)
class NewMeeting:
    """A meeting to add, as given on the command line; None means "not given" (the field is
    left out of the record, so the schema's default applies)."""

    title: str
    start: str
    end: str
    id: str | None = None
    kind: str | None = None
    room: str | None = None
    issues: tuple[str, ...] | None = None
    access: str | None = None
    delegations: tuple[str, ...] | None = None
    priority: int | None = None
    seats: int | None = None
    status: str | None = None
    assigned: tuple[str, ...] | None = None


# --- The four edits -------------------------------------------------------------------------


def add_meeting(folder: Path, new: NewMeeting) -> str:
    """Append a meeting to meetings.yaml; returns one line saying what was added."""
    (line,) = add_meetings(folder, [new])
    return line


def add_meetings(folder: Path, news: Sequence[NewMeeting]) -> list[str]:
    """Append several meetings to meetings.yaml in one edit: all of them are written, or,
    when one is invalid, none. Returns one line per meeting saying what was added."""
    return _add_meetings(folder, news)[0]


def _add_meetings(
    folder: Path, news: Sequence[NewMeeting], base: Workspace | None = None
) -> tuple[list[str], _Edited | None]:
    root = _workspace_folder(folder)
    doc = _YamlFile(meetings_yaml(root), "meetings")
    records = doc.sequence(create=True)
    first = len(records)
    taken = doc.ids()
    like = next((r for r in reversed(records) if isinstance(r, CommentedMap)), None)
    ids = []
    for new in news:
        meeting_id = (
            new.id if new.id is not None else derive_meeting_id(new.start, new.title, taken)
        )
        taken.add(meeting_id)
        ids.append(meeting_id)
        records.append(_meeting_record(new, meeting_id, like))
    if not ids:
        return [], None
    ws = _commit(root, doc.path, doc.render(first, appended=True), doc.raw, doc, base)
    lines = []
    for meeting_id in ids:
        meeting = ws.meeting(meeting_id)
        room = f", {meeting.room}" if meeting.room else ""
        lines.append(f"added meeting {meeting.id} ({_hours(ws, meeting)}{room})")
    return lines, ws


def cancel_meeting(folder: Path, meeting_id: str) -> str:
    """Set a meeting's status to cancelled (the record stays); returns what changed."""
    return _cancel_meeting(folder, meeting_id)[0]


def _cancel_meeting(
    folder: Path, meeting_id: str, base: Workspace | None = None
) -> tuple[str, _Edited | None]:
    root = _workspace_folder(folder)
    doc = _YamlFile(meetings_yaml(root), "meetings")
    index, record = doc.find(meeting_id, "meeting")
    if str(record.get("status", "")).strip() == "cancelled":
        return f"meeting {meeting_id} is already cancelled: nothing changed", None
    record["status"] = _styled(record.get("status"), "cancelled")
    ws = _commit(root, doc.path, doc.render(index), doc.raw, doc, base)
    meeting = ws.meeting(meeting_id)
    return f"cancelled meeting {meeting_id} ({_when(ws, meeting)})", ws


def move_meeting(folder: Path, meeting_id: str, start: str | None, end: str | None) -> str:
    """Change a meeting's start and/or end; returns what changed."""
    return _move_meeting(folder, meeting_id, start, end)[0]


def _move_meeting(
    folder: Path,
    meeting_id: str,
    start: str | None,
    end: str | None,
    base: Workspace | None = None,
) -> tuple[str, _Edited]:
    if start is None and end is None:
        raise UsageError("say where the meeting goes: --start and/or --end")
    root = _workspace_folder(folder)
    doc = _YamlFile(meetings_yaml(root), "meetings")
    index, record = doc.find(meeting_id, "meeting")
    before = f"{record.get('start')} - {record.get('end')}"
    if start is not None:
        record["start"] = DoubleQuotedScalarString(time_text(start))
    if end is not None:
        record["end"] = DoubleQuotedScalarString(time_text(end))
    ws = _commit(root, doc.path, doc.render(index), doc.raw, doc, base)
    meeting = ws.meeting(meeting_id)
    return f"moved meeting {meeting_id} to {_when(ws, meeting)} (was {before})", ws


def pin(folder: Path, meeting_id: str, attendee_id: str, on: bool = True) -> str:
    """Add `attendee_id` to a meeting's `pinned` list (or, with `on` False, take them off
    it); returns what changed. Whether the pin can hold with the rules is the use case's
    to check before (`usecases.pin_attendee`), and every plan checks it again
    (`explain.pin_problems`)."""
    return _pin(folder, meeting_id, attendee_id, on)[0]


def _pin(
    folder: Path, meeting_id: str, attendee_id: str, on: bool, base: Workspace | None = None
) -> tuple[str, _Edited | None]:
    root = _workspace_folder(folder)
    doc = _YamlFile(meetings_yaml(root), "meetings")
    index, record = doc.find(meeting_id, "meeting")
    listed = record.get("pinned")
    if listed is not None and not isinstance(listed, list):
        raise WorkspaceError.single(
            doc.label,
            "expected a list of attendee ids",
            _record_name("meeting", meeting_id, doc.line(record)),
            "pinned",
        )
    current = [str(item).strip() for item in listed or []]
    if on:
        if attendee_id in current:
            return f"{attendee_id} is already pinned to meeting {meeting_id}: nothing changed", None
        if isinstance(listed, list):
            listed.append(attendee_id)
        else:
            record["pinned"] = _flow((attendee_id,))
    else:
        if attendee_id not in current:
            return f"{attendee_id} is not pinned to meeting {meeting_id}: nothing changed", None
        if len(current) == 1:
            del record["pinned"]
        else:
            assert isinstance(listed, list)
            del listed[current.index(attendee_id)]
    ws = _commit(root, doc.path, doc.render(index), doc.raw, doc, base)
    meeting = ws.meeting(meeting_id)
    done = "pinned {} to" if on else "unpinned {} from"
    return f"{done.format(attendee_id)} meeting {meeting_id} ({_when(ws, meeting)})", ws


def add_unavailable(
    folder: Path, attendee_id: str, start: str, end: str, reason: str | None = None
) -> str:
    """Append a period to an attendee's `unavailable` list (attendees.yaml or attendees.csv);
    returns what changed."""
    return _add_unavailable(folder, attendee_id, start, end, reason)[0]


def _add_unavailable(
    folder: Path,
    attendee_id: str,
    start: str,
    end: str,
    reason: str | None = None,
    base: Workspace | None = None,
) -> tuple[str, _Edited]:
    root = _workspace_folder(folder)
    yaml_path, csv_path = root / ATTENDEES_YAML, root / ATTENDEES_CSV
    if yaml_path.exists() and csv_path.exists():
        raise WorkspaceError.single(
            str(csv_path), f"both {ATTENDEES_YAML} and {ATTENDEES_CSV} exist: keep one"
        )
    start, end = time_text(start), time_text(end)
    note = ""
    doc: _YamlFile | None = None
    if csv_path.exists():
        path, raw, text = csv_path, *_csv_with_period(csv_path, attendee_id, start, end)
        if reason:
            note = f"; the reason is not kept ({ATTENDEES_CSV} has no column for it)"
    else:
        doc = _YamlFile(yaml_path, "attendees")
        index, record = doc.find(attendee_id, "attendee")
        period = CommentedMap()
        period["start"] = DoubleQuotedScalarString(start)
        period["end"] = DoubleQuotedScalarString(end)
        if reason:
            period["reason"] = reason
        period.fa.set_flow_style()
        periods = record.get("unavailable")
        if periods is None:
            record["unavailable"] = CommentedSeq([period])
        elif isinstance(periods, list):
            periods.append(period)
        else:
            raise WorkspaceError.single(
                doc.label,
                "expected a list of {start, end} periods",
                _record_name("attendee", attendee_id, doc.line(record)),
                "unavailable",
            )
        path, raw, text = doc.path, doc.raw, doc.render(index)
    ws = _commit(root, path, text, raw, doc, base)
    person = ws.attendee(attendee_id)
    period_model = person.unavailable[-1]
    local = ws.conference.localize
    because = f" ({reason})" if reason else ""
    return (
        f"marked {attendee_id} unavailable from {local(period_model.start):%Y-%m-%d %H:%M} "
        f"to {local(period_model.end):%Y-%m-%d %H:%M}{because}{note}"
    ), ws


# --- One change, as `rota update` makes it ---------------------------------------------------


@dataclass(frozen=True)
class AddChange:
    meeting: NewMeeting


@dataclass(frozen=True)
class MoveChange:
    meeting: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class CancelChange:
    meeting: str


@dataclass(frozen=True)
class AbsentChange:
    attendee: str
    start: str
    end: str
    reason: str | None = None


@dataclass(frozen=True)
class PinChange:
    meeting: str
    attendee: str
    on: bool = True  # False: unpin


Change = AddChange | MoveChange | CancelChange | AbsentChange | PinChange


def apply(
    folder: Path, change: Change, before: Workspace
) -> tuple[str, list[date], date, Workspace | None]:
    """Make one change (validated before it is written); the line saying what changed,
    the conference days it touches (a moved meeting's old day and new one; the days an
    absence overlaps; none when nothing changed), the day it is about (the earlier of a
    moved meeting's two days, the day an absence begins), on which a time of day such as
    `--now 14:00` is read,
    and the workspace as validated and written (None when nothing changed)."""
    conference = before.conference
    days: set[date] = set()
    anchor: date | None = None
    edited: _Edited | None
    if isinstance(change, AddChange):
        new = change.meeting
        if new.id is None:
            new = replace(
                new, id=derive_meeting_id(new.start, new.title, {m.id for m in before.meetings})
            )
        lines, edited = _add_meetings(folder, [new], before)
        line = lines[0]
        assert edited is not None and new.id is not None
        anchor = conference.day_of(edited.meeting(new.id).start)
        days.add(anchor)
    elif isinstance(change, MoveChange):
        old = _known_meeting(before, change.meeting, folder)
        days.add(conference.day_of(old.start))
        line, edited = _move_meeting(folder, change.meeting, change.start, change.end, before)
        days.add(conference.day_of(edited.meeting(change.meeting).start))
        # The earlier of its two days: at 22:00 tonight's meeting moves to tomorrow, and
        # tonight's person must be told (read on tomorrow, `22:00` left tonight as over).
        anchor = min(days)
    elif isinstance(change, CancelChange):
        old = _known_meeting(before, change.meeting, folder)
        line, edited = _cancel_meeting(folder, change.meeting, before)
        anchor = conference.day_of(old.start)
        if edited is not None:  # None: it was cancelled already, nothing to replan
            days.add(anchor)
    elif isinstance(change, PinChange):
        old = _known_meeting(before, change.meeting, folder)
        line, edited = _pin(folder, change.meeting, change.attendee, change.on, before)
        anchor = conference.day_of(old.start)
        if edited is not None:  # None: already pinned (or not pinned): nothing to replan
            days.add(anchor)
    else:
        line, edited = _add_unavailable(
            folder, change.attendee, change.start, change.end, change.reason, before
        )
        period = edited.attendee(change.attendee).unavailable[-1]
        days.update(
            d
            for d in conference.days()
            if period.overlaps(conference.day_opens(d), conference.day_closes(d))
        )
        anchor = min(days, default=conference.day_of(period.start))
    assert anchor is not None
    # Built from `before`, or validated whole: the workspace as written, either way.
    assert edited is None or edited.workspace is not None
    return line, sorted(days), anchor, edited.workspace if edited else None


def _known_meeting(ws: Workspace, meeting_id: str, folder: Path) -> Meeting:
    try:
        return ws.meeting(meeting_id)
    except KeyError:
        close = get_close_matches(meeting_id, [m.id for m in ws.meetings], n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise WorkspaceError.single(
            str(folder / MEETINGS_FILE), f"no meeting has the id '{meeting_id}'{hint}"
        ) from None


# --- Ids and values -------------------------------------------------------------------------


def derive_meeting_id(start: str, title: str, taken: set[str]) -> str:
    """A readable id from the start date and the title (`2018-11-15-informal-on-res-206`),
    with `-2`, `-3`, ... when it is taken."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] if "-" in slug[:60] else slug[:60]
    day = re.match(r"\s*(\d{4}-\d{2}-\d{2})", start)
    parts = [p for p in (day.group(1) if day else "", slug or "meeting") if p]
    base = "-".join(parts)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def time_text(value: str) -> str:
    """A local date-time as 'YYYY-MM-DD HH:MM'; anything else (a bare date, a time with an
    offset, something unreadable) is kept as given, for the validation to read or refuse."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None or moment.second or moment.microsecond:
        return text
    return f"{moment:%Y-%m-%d %H:%M}"


def _styled(like: Any, value: str) -> str:
    """`value` quoted the way `like` (the same field elsewhere) is quoted."""
    styled: str = value
    if isinstance(like, DoubleQuotedScalarString):
        styled = DoubleQuotedScalarString(value)
    elif isinstance(like, SingleQuotedScalarString):
        styled = SingleQuotedScalarString(value)
    return styled


def _flow(items: tuple[str, ...]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _meeting_record(new: NewMeeting, meeting_id: str, like: CommentedMap | None) -> CommentedMap:
    """The new record, in the field order and quoting of its neighbours."""
    neighbour: CommentedMap = like if like is not None else CommentedMap()
    record = CommentedMap()
    record["id"] = _styled(neighbour.get("id"), meeting_id)
    record["title"] = _styled(neighbour.get("title"), new.title)
    if new.kind is not None:
        record["kind"] = _styled(neighbour.get("kind"), new.kind)
    record["start"] = DoubleQuotedScalarString(time_text(new.start))
    record["end"] = DoubleQuotedScalarString(time_text(new.end))
    if new.room is not None:
        record["room"] = _styled(neighbour.get("room"), new.room)
    if new.issues is not None:
        record["issues"] = _flow(tuple(dict.fromkeys(new.issues)))  # each once
    if new.access is not None:
        record["access"] = _styled(neighbour.get("access"), new.access)
    if new.delegations is not None:
        record["delegations"] = _flow(new.delegations)
    if new.priority is not None:
        record["priority"] = new.priority
    if new.seats is not None:
        record["seats"] = new.seats
    if new.status is not None:
        record["status"] = _styled(neighbour.get("status"), new.status)
    if new.assigned is not None:
        record["assigned"] = _flow(new.assigned)
    return record


def _hours(ws: Workspace | _Edited, meeting: Meeting) -> str:
    local = ws.conference.localize
    return f"{local(meeting.start):%H:%M}-{local(meeting.end):%H:%M}"


def _when(ws: Workspace | _Edited, meeting: Meeting) -> str:
    return f"{ws.conference.localize(meeting.start):%Y-%m-%d} {_hours(ws, meeting)}"


def _record_name(kind: str, record_id: str, line: int | None) -> str:
    return f"{kind} '{record_id}'" + (f" (line {line + 1})" if line is not None else "")


# --- Files ----------------------------------------------------------------------------------


def meetings_yaml(root: Path) -> Path:
    """meetings.yaml, which the editing commands change; a workspace that keeps its
    meetings in a spreadsheet is changed there."""
    if (root / MEETINGS_CSV).exists():
        raise WorkspaceError.single(
            str(root / MEETINGS_CSV),
            "this workspace keeps its meetings in meetings.csv: change them in the "
            "spreadsheet (the editing commands and `rota import` write meetings.yaml)",
        )
    return root / MEETINGS_FILE


def _workspace_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise WorkspaceError.single(str(folder), "no such workspace folder")
    return folder


def _read(path: Path) -> bytes:
    return read_file_text(path, str(path), path.parent)


def _null(representer: RoundTripRepresenter, data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


class _Representer(RoundTripRepresenter):
    """Round trip, but null written as `null` (ruamel writes an empty value)."""


_Representer.add_representer(type(None), _null)


def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its newline; only \\n breaks a line (as in YAML)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class _Unspliceable(Exception):
    """The changed record cannot be cut out of the round-trip output cleanly."""


class _YamlFile:
    """One YAML file of records under a top-level key, loaded for a round-trip edit."""

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key, self.label = path, key, str(path)
        self.raw = _read(path)
        try:
            text = self.raw.decode("utf-8")
        except UnicodeDecodeError:
            load_yaml(path, self.label, path.parent)  # says where, as `rota check` does
            raise
        self.bom = text.startswith("\ufeff")
        self.crlf = "\r\n" in text
        self.full = text.removeprefix("\ufeff").replace("\r\n", "\n")
        self.yaml = YAML(typ="rt")
        self.yaml.Representer = _Representer
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        sequence, offset = _guess_indent(self.full)
        self.yaml.indent(mapping=2, sequence=sequence, offset=offset)
        # Where each record is, from a fast parse (the C composer): an edit then goes
        # through the round-trip parser with the records it changes only, and is spliced
        # back; the rest of the file is never re-parsed or re-written (measured: four
        # round-trip parses of the example's 682 meetings took over 4 s of a 5.8 s edit).
        self.spans = _record_spans(self.full, key)
        self.window: tuple[int, int] | None = None  # lines of the file being edited
        self.written: str | None = None  # the window's new lines, once rendered
        self._stale = False  # spans to find again (several records were edited)
        self.data: Any = None
        self.starts: list[int] | None = None
        if self.spans is None:
            # Not a plain list of records, or not YAML at all: located errors first, as
            # `rota check` gives them, then the whole file through the round-trip parser.
            # (A plain list is checked the same way, whole, before anything is written.)
            load_yaml(path, self.label, path.parent)
            self._load(self.full)

    def _load(self, text: str) -> None:
        self.text = text
        try:
            self.data = self.yaml.load(text)
        except RuamelYAMLError as error:
            raise WorkspaceError.single(self.label, f"cannot edit this YAML: {error}") from None
        self.starts = self._starts(self.data)

    def _narrow(self, first: int, last: int, lines: list[str] | None = None) -> None:
        """Edit records `first` to `last` (indices) only: the round-trip document is the
        key and those records' lines (of `lines`, the file's, when given)."""
        assert self.spans is not None
        _, starts, end = self.spans
        a = starts[first]
        b = starts[last + 1] if last + 1 < len(starts) else end
        lines = _lines(self.full) if lines is None else lines
        self.window = (a, b)
        self._load(f"{self.key}:\n" + "".join(lines[a:b]))

    def _fresh_spans(self) -> None:
        if self._stale:
            self.spans = _record_spans(self.full, self.key)
            self._stale = False

    def ids(self) -> set[str]:
        """The ids of every record of the file."""
        self._fresh_spans()
        if self.spans is not None:
            return set(self.spans[0])
        records = self.data.get(self.key) if isinstance(self.data, CommentedMap) else None
        return {str(r.get("id")) for r in records or [] if isinstance(r, dict)}

    def line(self, record: Any) -> int | None:
        """The line (0-based) of the file a record of the round-trip document starts on."""
        line = getattr(getattr(record, "lc", None), "line", None)
        if line is None or self.window is None:
            return line
        return int(line) - 1 + self.window[0]

    def _starts(self, data: Any) -> list[int] | None:
        """The line (0-based) each record starts on, or None when that is not clear."""
        records = data.get(self.key) if isinstance(data, CommentedMap) else None
        if not isinstance(records, CommentedSeq) or records.fa.flow_style():
            return None
        if not all(isinstance(r, CommentedMap) for r in records):
            return None
        return [r.lc.line for r in records]

    def sequence(self, create: bool = False) -> CommentedSeq:
        """The list of records (made when `create` and there is none yet): to append to,
        it holds the last record only (the one new records take their style from)."""
        if create and self.spans is not None and self.spans[1] and self.window is None:
            self._narrow(len(self.spans[1]) - 1, len(self.spans[1]) - 1)
        if self.data is None and create:
            self.data = CommentedMap()
        if not isinstance(self.data, CommentedMap):
            raise WorkspaceError.single(
                self.label, f"expected a mapping with a '{self.key}:' list at the top"
            )
        records = self.data.get(self.key)
        if create and (records is None or (isinstance(records, list) and not records)):
            records = CommentedSeq()
            self.data[self.key] = records
        if not isinstance(records, CommentedSeq):
            raise WorkspaceError.single(self.label, f"'{self.key}' must be a list", field=self.key)
        return records

    def find(self, record_id: str, kind: str) -> tuple[int, CommentedMap]:
        """The record with this id, and its index (in the document being edited)."""
        if self.spans is not None and self.window is None:
            ids = self.spans[0]
            if record_id not in ids:
                raise self._unknown(record_id, kind, ids)
            self._narrow(ids.index(record_id), ids.index(record_id))
        records = self.sequence()
        ids = []
        for index, record in enumerate(records):
            if isinstance(record, CommentedMap):
                if str(record.get("id", "")).strip() == record_id:
                    return index, record
                ids.append(str(record.get("id", "")))
        raise self._unknown(record_id, kind, ids)

    def _unknown(self, record_id: str, kind: str, ids: list[str]) -> WorkspaceError:
        close = get_close_matches(record_id, ids, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        return WorkspaceError.single(self.label, f"no {kind} has the id '{record_id}'{hint}")

    def render(self, index: int, appended: bool = False) -> str:
        """The file's new text, with only record `index` (or the appended one) changed."""
        return self.as_written(self._rendered(index, appended))

    def as_written(self, text: str) -> str:
        """Text with the file's own line ends and byte-order mark."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "") + text

    def edit_each(self, edits: Mapping[str, Callable[[CommentedMap], None]]) -> None:
        """Change several records (by id), each through the round-trip parser alone and
        spliced back, from the last to the first (so that the lines of the ones before stay
        where the fast parse found them); `self.full` holds the result."""
        if self.spans is None:  # not a plain list: the whole file, in round trip
            for record in self.sequence():
                if isinstance(record, CommentedMap) and str(record.get("id")) in edits:
                    edits[str(record.get("id"))](record)
            out = _io.StringIO()
            self.yaml.dump(self.data, out)
            self.full = out.getvalue()
            self._load(self.full)
            return
        ids, _, _ = self.spans
        position = {record_id: n for n, record_id in enumerate(ids)}
        lines = _lines(self.full)
        for index in sorted((position[i] for i in edits), reverse=True):
            self._narrow(index, index, lines)
            (record,) = self.sequence()
            edits[ids[index]](record)
            a, b = self.window or (0, 0)
            edited = _lines(self._window_text(0))[1:]  # without the key's line
            if a and not lines[a - 1].endswith("\n"):
                lines[a - 1] += "\n"
            lines[a:b] = edited
            self.window = None
        self.full = "".join(lines)
        self.spans = None  # found again only when needed (an append)
        self._stale = True

    def append_text(self, records: str) -> None:
        """Records already written as YAML lines, appended after the last record."""
        self._fresh_spans()
        lines = _lines(self.full)
        if self.spans is None:
            data = self.data
            listed = data.get(self.key) if isinstance(data, CommentedMap) else None
            if data is None or (isinstance(listed, list) and not listed) or listed is None:
                # No records yet: the list starts here (anything else in the file kept).
                kept = [line for line in lines if not re.match(rf"{self.key}\s*:", line)]
                head = "".join(kept)
                if head and not head.endswith("\n"):
                    head += "\n"
                self.full = head + f"{self.key}:\n" + records
                return
            raise WorkspaceError.single(
                self.label, "rota import appends to a plain list of records (`- id: ...`)"
            )
        end = self.spans[2]
        before = "".join(lines[:end])
        if before and not before.endswith("\n"):
            before += "\n"
        self.full = before + records + "".join(lines[end:])

    def _window_text(self, index: int, appended: bool = False) -> str:
        """The round-trip document being edited, dumped, with the unchanged lines of
        record `index` (or of those before an appended one) kept as they were."""
        out = _io.StringIO()
        self.yaml.dump(self.data, out)
        dumped = out.getvalue()
        try:
            return self._splice(dumped, index, appended)
        except (_Unspliceable, RuamelYAMLError):
            return dumped  # still a faithful round trip, only less local

    def _rendered(self, index: int, appended: bool) -> str:
        text = self._window_text(index, appended)
        if self.window is not None:
            a, b = self.window
            lines = _lines(self.full)
            edited = _lines(text)[1:]  # without the key's line
            if lines[:a] and not lines[a - 1].endswith("\n"):
                lines[a - 1] += "\n"
            text = "".join([*lines[:a], *edited, *lines[b:]])
            self.written = "".join(edited)
        return text

    def _splice(self, dumped: str, index: int, appended: bool) -> str:
        new_starts = self._starts(self.yaml.load(dumped))
        if self.starts is None or new_starts is None or (appended and not self.starts):
            raise _Unspliceable
        old, new = _lines(self.text), _lines(dumped)
        if appended:
            head = old if not old or old[-1].endswith("\n") else [*old[:-1], old[-1] + "\n"]
            candidate = [*head, *new[new_starts[index] :]]
        else:
            a = self.starts[index]
            b = self.starts[index + 1] if index + 1 < len(self.starts) else len(old)
            na = new_starts[index]
            nb = new_starts[index + 1] if index + 1 < len(new_starts) else len(new)
            region = self._old_lines_kept(old[a:b], _filler_last(new[na:nb], old[a:b]))
            candidate = [*old[:a], *region, *old[b:]]
        candidate = [line if line.endswith("\n") else line + "\n" for line in candidate]
        text = "".join(candidate)
        if _plain(self.yaml.load(text)) != _plain(self.yaml.load(dumped)):
            raise _Unspliceable
        return text

    def _old_lines_kept(self, old: list[str], new: list[str]) -> list[str]:
        """The record's new lines, with each changed line that says the same as the old one
        (`~` written `null`, say) put back as it was."""

        def read(lines: list[str]) -> Any:
            return _plain(self.yaml.load(f"{self.key}:\n" + "".join(lines)))

        wanted = read(new)
        matcher = SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "replace" or i2 - i1 != j2 - j1:
                continue
            for k in range(i2 - i1):
                trial = [*new[: j1 + k], old[i1 + k], *new[j1 + k + 1 :]]
                try:
                    same = read(trial) == wanted
                except RuamelYAMLError:
                    same = False
                if same:
                    new = trial
        return new


def _record_spans(text: str, key: str) -> tuple[list[str], list[int], int] | None:
    """The records under `key` as the C composer finds them: their ids, the line (0-based)
    each starts on, and the line after the last one; None when the file is not a plain
    block list of mappings with distinct ids (then the whole file is edited)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    lines = _lines(text)
    for n, (name, value) in enumerate(root.value):
        if not (isinstance(name, yaml.ScalarNode) and name.value == key):
            continue
        if not isinstance(value, yaml.SequenceNode) or value.flow_style or not value.value:
            return None
        ids, starts = [], []
        for item in value.value:
            if not isinstance(item, yaml.MappingNode) or item.flow_style:
                return None
            found = [
                v.value for k, v in item.value if k.value == "id" and isinstance(v, yaml.ScalarNode)
            ]
            if len(found) != 1:
                return None
            ids.append(str(found[0]))
            starts.append(item.start_mark.line)
        if len(set(ids)) != len(ids) or starts != sorted(set(starts)):
            return None
        after = root.value[n + 1][0].start_mark.line if n + 1 < len(root.value) else len(lines)
        return ids, starts, after
    return None


def _filler_last(region: list[str], old_region: list[str]) -> list[str]:
    """Keep the blank and comment lines that ended the record's old lines (a day's heading,
    say) after its new lines: ruamel attaches them to the last key, so a key or list item
    added to the record would otherwise come out below them."""
    filler: list[str] = []
    for line in reversed(old_region):
        if not _is_filler(line):
            break
        filler.insert(0, line)
    size = len(filler)
    if not size:
        return region
    for i in range(len(region) - size, -1, -1):
        if region[i : i + size] == filler:
            return [*region[:i], *region[i + size :], *filler]
    return region


def _guess_indent(text: str) -> tuple[int, int]:
    """The sequence indent and dash offset of the top-level list (`  - id:` is 4 and 2)."""
    for line in text.splitlines():
        match = re.match(r"( *)- +(\S)", line)
        if match and not line.lstrip().startswith("#"):
            offset = len(match.group(1))
            return max(2, match.start(2)), offset
    return 4, 2


# --- attendees.csv --------------------------------------------------------------------------


def _csv_with_period(path: Path, attendee_id: str, start: str, end: str) -> tuple[bytes, str]:
    """The bytes of attendees.csv and its new text with `start/end` appended to the
    attendee's `unavailable` cell; only that row is rewritten (when the column is missing,
    it is added to every row, with the other cells as they were)."""
    label = str(path)
    raw = _read(path)
    read_spreadsheet_text(path, label, path.parent)  # a located message when not UTF-8
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WorkspaceError.single(
            label, "rota edits spreadsheets saved as UTF-8 only: save it as 'CSV UTF-8'"
        ) from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    delimiter = sniff_delimiter(text.removeprefix("\ufeff"))
    lines = list(_io.StringIO(text.removeprefix("\ufeff"), newline=""))
    reader = csv.reader(iter(lines), strict=True, delimiter=delimiter)
    rows: list[tuple[list[str], int, int]] = []  # cells, first line, end line (0-based)
    first = 0
    try:
        for cells in reader:
            rows.append((cells, first, reader.line_num))
            first = reader.line_num
    except csv.Error as error:
        raise WorkspaceError.single(
            label, f"malformed CSV: {error}", f"the record starting on line {first + 1}"
        ) from None
    header = rows[0][0] if rows else []
    if "id" not in header:
        raise WorkspaceError.single(
            label, "malformed CSV: the first line must name the columns, with 'id'", "line 1"
        )
    id_column = header.index("id")
    target = next(
        (
            n
            for n, (cells, _, _) in enumerate(rows[1:], start=1)
            if len(cells) > id_column and cells[id_column].strip() == attendee_id
        ),
        None,
    )
    if target is None:
        ids = [c[id_column].strip() for c, _, _ in rows[1:] if len(c) > id_column]
        close = get_close_matches(attendee_id, ids, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise WorkspaceError.single(label, f"no attendee has the id '{attendee_id}'{hint}")
    period = f"{start}/{end}"
    ending = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"

    def row_text(cells: list[str], line_end: str) -> str:
        out = _io.StringIO()
        csv.writer(out, lineterminator=line_end, delimiter=delimiter).writerow(cells)
        return out.getvalue()

    if "unavailable" in header:
        column = header.index("unavailable")
        cells, begin, stop = rows[target]
        cells = cells + [""] * (column + 1 - len(cells))
        kept = cells[column].strip()
        cells[column] = f"{kept}; {period}" if kept else period
        last = lines[stop - 1]
        line_end = "\r\n" if last.endswith("\r\n") else "\n" if last.endswith("\n") else ""
        new_lines = [*lines[:begin], row_text(cells, line_end), *lines[stop:]]
        return raw, bom + "".join(new_lines)
    out = []
    for n, (cells, _, _) in enumerate(rows):
        if not cells:
            out.append(ending)
            continue
        cells = cells + [""] * (len(header) - len(cells))
        extra = "unavailable" if n == 0 else period if n == target else ""
        out.append(row_text([*cells, extra], ending))
    return raw, bom + "".join(out)


# --- Validate, then write -------------------------------------------------------------------


@dataclass(frozen=True)
class _Edited:
    """What an edit wrote, validated: the records it changed, and the whole workspace
    when it was validated whole or built from one known to be the files before."""

    conference: Conference
    meetings: dict[str, Meeting]
    attendees: dict[str, Attendee]
    workspace: Workspace | None

    def meeting(self, meeting_id: str) -> Meeting:
        found = self.meetings.get(meeting_id)
        if found is None:
            assert self.workspace is not None
            return self.workspace.meeting(meeting_id)
        return found

    def attendee(self, attendee_id: str) -> Attendee:
        found = self.attendees.get(attendee_id)
        if found is None:
            assert self.workspace is not None
            return self.workspace.attendee(attendee_id)
        return found


def _commit(
    root: Path,
    target: Path,
    text: str,
    original: bytes,
    doc: _YamlFile | None = None,
    base: Workspace | None = None,
) -> _Edited:
    """Validate the workspace with `target` holding `text` (the other files as they are in
    the folder); when it is valid (and the file did not change meanwhile), replace
    `target`. When the files before the edit are known valid (`base`, validated from
    them, or a mark a whole validation left, see `io.known_valid`), only what the edit
    wrote is checked, with the same checks; otherwise the whole workspace."""
    written = text.encode("utf-8")
    before = Source(root, {target.name: original})
    digest_before = present_digest(before)
    after = Source(root, {**before.read_bytes, target.name: written})
    digest_after = present_digest(after)
    valid = base.digest == digest_before if base is not None else known_valid(digest_before)
    edited = _checked_part(after, target, doc, base, before) if valid else None
    if edited is None:
        workspace = parse_workspace(after)
        edited = _Edited(workspace.conference, {}, {}, workspace)
    elif edited.workspace is not None:
        edited = replace(
            edited, workspace=edited.workspace.model_copy(update={"digest": digest_after})
        )
    with _folder_locked(target.parent):  # another edit's compare and replace, not between
        if _read(target) != original:
            raise WorkspaceError.single(
                str(target),
                "the file changed while it was being edited: nothing written, try again",
            )
        write_atomic(target, text)
    remember_valid(digest_after)
    return edited


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold a lock on `folder` (the directory itself: no file is made), so that two edits
    of it at once cannot both find their file unchanged and then both replace it, the
    second one losing the first's edit. A folder that cannot be locked is not locked
    (writing there will say why)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _checked_part(
    after: Source, target: Path, doc: _YamlFile | None, base: Workspace | None, before: Source
) -> _Edited | None:
    """The edit checked on its own, the rest being known valid; None when it cannot be
    (the whole file was rewritten: the whole workspace is checked then)."""
    if target.name == MEETINGS_FILE:
        if doc is None or doc.spans is None or doc.window is None or doc.written is None:
            return None
        ids, starts, _ = doc.spans
        a, b = doc.window
        first = starts.index(a)
        count = sum(1 for line in starts if a <= line < b)
        shift = doc.written.count("\n") - (b - a)
        other_ids = [
            (f"meeting '{ids[i]}' (line {starts[i] + 1 + (shift if i >= first else 0)})", ids[i])
            for i in [*range(first), *range(first + count, len(ids))]
        ]
        if base is not None:
            named = [(f"attendee '{p.id}'", p) for p in base.attendees]
            others = Others(base.conference, named, file_labels(after))
        else:
            others = others_of(after)
        meetings = check_edited_meetings(after, others, doc.written.encode("utf-8"), a, other_ids)
        workspace = None
        if base is not None:
            kept = base.meetings
            workspace = base.model_copy(
                update={"meetings": (*kept[:first], *meetings, *kept[first + count :])}
            )
        return _Edited(others.conference, {m.id: m for m in meetings}, {}, workspace)
    # An attendees file: small, checked whole with states.yaml; the meetings refer to
    # attendees by id only, so they stay valid when no id changed.
    conference, people, coalitions = check_edited_attendees(after)
    if base is not None:
        was = [a.id for a in base.attendees]
    else:
        was = [a.id for a in check_edited_attendees(before)[1]]
    if [p.id for p in people] != was:
        return None
    workspace = None
    if base is not None:
        workspace = base.model_copy(update={"attendees": people, "coalitions": coalitions})
    return _Edited(conference, {}, {p.id: p for p in people}, workspace)


# --- rota import ------------------------------------------------------------------------------


def import_meetings(folder: Path, plan: ImportPlan, conference: Conference) -> Workspace:
    """Write what an import found (`importing.plan_import`) to meetings.yaml: the meetings
    imported before that changed, each in place (the record only), and the new ones after
    the last record; validated as a whole before the file is replaced."""
    root = _workspace_folder(folder)
    doc = _YamlFile(meetings_yaml(root), "meetings")
    edits: dict[str, Callable[[CommentedMap], None]] = {}
    for update in plan.updates:

        def change(record: CommentedMap, u: Update = update) -> None:
            if u.start is not None and u.end is not None:
                record["start"] = DoubleQuotedScalarString(local_text(u.start, conference))
                record["end"] = DoubleQuotedScalarString(local_text(u.end, conference))
            if u.title is not None:
                record["title"] = _styled(record.get("title"), u.title)
            if u.room_changed:
                if u.room is None:
                    record.pop("room", None)
                else:
                    record["room"] = _styled(record.get("room"), u.room)
            if u.status is not None:
                record["status"] = _styled(record.get("status"), u.status)
            if u.digest is not None:
                record["source_digest"] = DoubleQuotedScalarString(u.digest)

        edits[update.meeting] = change
    if edits:
        doc.edit_each(edits)
    if plan.added:
        taken = doc.ids()
        sequence, offset = _guess_indent(doc.full)
        parts = []
        for item, tags in plan.added:
            start = local_text(item.start, conference)
            meeting_id = derive_meeting_id(start, item.title, taken)
            taken.add(meeting_id)
            parts.append(_record_text(item, tags, meeting_id, start, conference, sequence, offset))
        doc.append_text("".join(parts))
    edited = _commit(root, doc.path, doc.as_written(doc.full), doc.raw)
    assert edited.workspace is not None
    return edited.workspace


def _record_text(
    item: ImportedEvent,
    tags: Tagged,
    meeting_id: str,
    start: str,
    conference: Conference,
    sequence: int,
    offset: int,
) -> str:
    """A new meeting record as YAML lines (strings double-quoted as JSON writes them, which
    YAML reads back exactly), in the file's indentation."""

    def q(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    fields: list[tuple[str, str]] = [("title", q(item.title))]
    if tags.kind:
        fields.append(("kind", q(tags.kind)))
    fields += [("start", q(start)), ("end", q(local_text(item.end, conference)))]
    if item.room:
        fields.append(("room", q(item.room)))
    if tags.issues:
        fields.append(("issues", "[" + ", ".join(q(i) for i in tags.issues) + "]"))
    if tags.access:
        fields.append(("access", q(tags.access)))
    if tags.delegations is not None:
        fields.append(("delegations", "[" + ", ".join(q(d) for d in tags.delegations) + "]"))
    if tags.priority is not None:
        fields.append(("priority", str(tags.priority)))
    if tags.seats is not None:
        fields.append(("seats", str(tags.seats)))
    if item.status != "confirmed":
        fields.append(("status", q(item.status)))
    fields.append(("source", q(item.source)))
    fields.append(("source_digest", q(digest_of(item))))
    first = " " * offset + "- " + " " * max(0, sequence - offset - 2)
    lines = [f"{first}id: {q(meeting_id)}"]
    lines += [f"{' ' * sequence}{key}: {value}" for key, value in fields]
    return "\n".join(lines) + "\n"
