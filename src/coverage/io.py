"""Reading workspaces from plain files, and writing files atomically.

A workspace is a folder with `conference.yaml`, `attendees.yaml` (or
`attendees.csv`) and `meetings.yaml`. Every problem found is reported with the
file, the record (its id, or its line) and the field.
"""

from __future__ import annotations

import csv
import io as _io
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from coverage.domain import (
    MAX_TEXT,
    UNPRINTABLE,
    Attendee,
    Coalitions,
    Conference,
    Issue,
    Meeting,
    State,
    StatesHeader,
    Tie,
    Workspace,
    cross_record_problems,
    duplicates,
)
from coverage.errors import FieldError, Problem, UsageError, WorkspaceError

CONFERENCE_FILE = "conference.yaml"
ATTENDEES_YAML = "attendees.yaml"
ATTENDEES_CSV = "attendees.csv"
MEETINGS_FILE = "meetings.yaml"
MEETINGS_CSV = "meetings.csv"  # the same meetings, from a spreadsheet
STATES_FILE = "states.yaml"


class Record(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on (1-based)."""

    line: int = 0


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _WorkspaceLoader(_Loader):  # type: ignore[valid-type,misc]
    """YAML 1.2-like scalars: times and dates stay text (we read them in the conference
    timezone), `23:00` is not a base-60 number, `no` is not false, duplicate keys are errors."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Record:
        record = Record()
        record.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain name, not a list or a mapping",
                    key_node.start_mark,
                )  # fmt: skip
            key = self.construct_object(key_node, deep=deep)
            if key in record:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            record[key] = self.construct_object(value_node, deep=deep)
        return record


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    # At most 100 digits: Python refuses to read an int of over 4,300 (a traceback).
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]{1,100}$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _WorkspaceLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
_WorkspaceLoader.add_constructor(
    "tag:yaml.org,2002:map",
    lambda loader, node: loader.construct_mapping(node, deep=True),
)


MAX_FILE_BYTES = 32 * 1024 * 1024  # a workspace file larger than this is not read
# An anchor (&name) or an alias (*name) where a YAML node may begin.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]")


def read_file_text(path: Path, label: str, root: Path | None = None) -> bytes:
    """The bytes of a workspace file: a regular file (not a FIFO, a device or a folder),
    inside the workspace when `root` is given (a symbolic link that leads out of it is
    refused), of at most MAX_FILE_BYTES."""
    try:
        if root is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                raise WorkspaceError.single(
                    label, "is a symbolic link to a file outside the workspace: not read"
                )
        info = path.stat()
    except FileNotFoundError:
        raise WorkspaceError.single(label, "file not found") from None
    except OSError as error:
        raise WorkspaceError.single(label, f"cannot read the file ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise WorkspaceError.single(label, "is not a regular file (a folder, a pipe or a device)")
    if info.st_size > MAX_FILE_BYTES:
        raise WorkspaceError.single(
            label, f"is {info.st_size >> 20} MB, larger than {MAX_FILE_BYTES >> 20} MB: not read"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise WorkspaceError.single(label, f"cannot read the file ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise WorkspaceError.single(label, f"larger than {MAX_FILE_BYTES >> 20} MB: not read")
    return data


def load_yaml(path: Path, label: str, root: Path | None = None) -> Any:
    """Read and parse a YAML file (see `parse_yaml`)."""
    return parse_yaml(read_file_text(path, label, root), label)


def parse_yaml(raw: bytes, label: str) -> Any:
    """Parse a YAML file's bytes, turning any syntax error into a located WorkspaceError.
    Anchors and aliases (`&a`, `*a`) are refused: a few of them can make a small file
    expand to gigabytes, and a workspace never needs them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkspaceError.single(label, f"not UTF-8 text ({error.reason})") from None
    if _ANCHOR.search(text):
        _refuse_aliases(text, label)
    try:
        return yaml.load(text, Loader=_WorkspaceLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}" if mark else None
        message = f"malformed YAML: {error.problem or error}"
        context = error.context_mark
        if error.problem and error.context and context and mark and context.line != mark.line:
            message += f" ({error.context} on line {context.line + 1})"
        raise WorkspaceError.single(label, message, line) from None
    except yaml.YAMLError as error:
        raise WorkspaceError.single(label, f"malformed YAML: {error}") from None


def _refuse_aliases(text: str, label: str) -> None:
    """A located error at the first anchor or alias of a YAML text, if it has one."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                mark = event.start_mark
                raise WorkspaceError.single(
                    label,
                    f"YAML anchors and aliases (&{anchor or ''} / *{anchor or ''}) are not "
                    "allowed: write each value out",
                    f"line {mark.line + 1}" if mark is not None else None,
                )
    except yaml.YAMLError:
        return  # malformed: the parse that follows reports where


def _record_name(kind: str, record: Any, line: int | None) -> str:
    """How a message names a record: by its id when it has one, and its line."""
    record_id = record.get("id") if isinstance(record, dict) else None
    at_line = f" (line {line})" if line else ""
    if record_id not in (None, ""):
        shown = str(record_id)
        if len(shown) > 60:  # an id that long is itself the error: named, not quoted whole
            shown = shown[:57] + "..."
        return f"{kind} '{shown}'{at_line}"
    return f"{kind} at line {line}" if line else kind


def _field_name(loc: tuple[int | str, ...]) -> str | None:
    """The field as messages name it: `import_rules.1.match`, the index saying which item
    of a list (from 0, as the cross-record checks name them)."""
    return ".".join(str(part) for part in loc) or None


def _problems_from(error: ValidationError, file: str, record: str | None) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, FieldError):
            loc += (cause.field,)
        field = _field_name(loc)
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "this field is required"
        elif item["type"] == "string_pattern_mismatch" and field and field.endswith("id"):
            message = (
                f"{_shown(item['input'])} is not a valid id: use letters, digits and _ . : + - "
                "(no spaces), starting with a letter or digit"
            )
        elif item["type"] in ("string_too_long", "too_long") and isinstance(item["input"], str):
            limit = item["ctx"]["max_length"]
            message = (
                f"an id has at most {limit} characters"
                if field and field.endswith("id")
                else f"at most {limit} characters (this one has {len(item['input'])})"
            )
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            given = item.get("input")
            if item["type"] != "value_error" and isinstance(given, str | int | float):
                message += f" (got {_shown(given)})"
        problems.append(Problem(file, message, record, field))
    return problems


def _shown(value: Any) -> str:
    """A value as an error message quotes it: escaped, on one line, at most 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


M = TypeVar("M", bound=BaseModel)


def _validate(
    model: type[M], data: Any, file: str, record: str | None, context: dict[str, Any]
) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as error:
        return None, _problems_from(error, file, record)


def _records(data: Any, key: str, file: str) -> list[Any]:
    """The list of records under `key` in a YAML document."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise WorkspaceError.single(file, f"expected a mapping with a '{key}:' list at the top")
    extra = sorted(set(data) - {key})
    if extra:
        raise WorkspaceError.single(
            file, f"unknown top-level key '{extra[0]}' (only '{key}' is read)"
        )
    records = data.get(key) or []
    if not isinstance(records, list):
        raise WorkspaceError.single(file, f"'{key}' must be a list", field=key)
    return records


INPUT_FILES = (
    CONFERENCE_FILE,
    ATTENDEES_YAML,
    ATTENDEES_CSV,
    MEETINGS_FILE,
    MEETINGS_CSV,
    STATES_FILE,
)


class Source:
    """Where a workspace's files come from: its folder (each file read once, through the
    checks of `read_file_text`), except those `given` as bytes (an edit being validated
    before it is written). It keeps the bytes it read, for the input digest."""

    def __init__(self, root: Path, given: dict[str, bytes] | None = None) -> None:
        self.root = root
        self._given = dict(given or {})
        self.read_bytes: dict[str, bytes] = {}

    def label(self, name: str) -> str:
        return str(self.root / name)

    def exists(self, name: str) -> bool:
        path = self.root / name
        return name in self._given or path.exists() or path.is_symlink()

    def read(self, name: str) -> bytes:
        raw = self._given.get(name)
        if raw is None:
            raw = read_file_text(self.root / name, self.label(name), self.root)
        self.read_bytes[name] = raw
        return raw

    def digest(self) -> str:
        """A SHA-256 over the input files read, in a fixed order."""
        import hashlib

        digest = hashlib.sha256()
        for name in INPUT_FILES:
            if name in self.read_bytes:
                digest.update(name.encode() + b"\0" + self.read_bytes[name] + b"\0")
        return "sha256:" + digest.hexdigest()


def load_workspace(folder: Path | str) -> Workspace:
    """Read and validate a workspace folder; raises WorkspaceError listing every problem."""
    root = Path(folder)
    if not root.is_dir():
        raise WorkspaceError.single(str(root), "no such workspace folder")
    workspace = parse_workspace(Source(root))
    remember_valid(workspace.digest)
    return workspace


# --- What is known valid --------------------------------------------------------------------
#
# An edit changes one record. When the files as they are now were validated whole before
# (by any command: each successful load leaves a mark named by the digest of the bytes it
# read), the rest of the workspace is known valid and the edit validates the changed
# record and what refers to it only, with the same checks, instead of the whole workspace
# again. The marks are empty files in the user's cache folder, named by a hash of the
# digest and of this version of the checks: no content, nothing to share.

VALID_MARKS = 500  # the newest kept
_CHECKS_VERSION = "rota-checks/2"  # 2: duplicate sources, RE2 rules


def _marks_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rota" / "valid"


def _mark(digest: str) -> str:
    import hashlib

    return hashlib.sha256(f"{_CHECKS_VERSION}\0{digest}".encode()).hexdigest()


def known_valid(digest: str) -> bool:
    """Whether input files with this digest were validated whole, and were valid."""
    return bool(digest) and (_marks_folder() / _mark(digest)).is_file()


def remember_valid(digest: str) -> None:
    """Leave the mark that files with this digest are valid (nothing when it cannot)."""
    if not digest:
        return
    folder = _marks_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _mark(digest)).touch()
        marks = list(folder.iterdir())
        if len(marks) > VALID_MARKS:
            marks.sort(key=lambda p: p.stat().st_mtime)
            for old in marks[: len(marks) - VALID_MARKS]:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # no mark: the next edit validates the whole workspace


def present_digest(source: Source) -> str:
    """The digest of every input file present, as a whole validation reads them."""
    for name in INPUT_FILES:
        if source.exists(name):
            source.read(name)
    return source.digest()


@dataclass(frozen=True)
class Others:
    """The part of a workspace an edit of one file leaves as it was: its conference, its
    attendees (with how messages name them) and its meetings' ids and names, in order."""

    conference: Conference
    attendees: list[tuple[str, Attendee]]
    labels: dict[str, str]


def others_of(source: Source) -> Others:
    """Conference and attendees validated (small files), for the check of an edited
    meeting; raises WorkspaceError as a whole validation would."""
    conference, attendees, labels, problems = _conference_and_attendees(source)
    if problems:
        raise WorkspaceError(problems)
    return Others(conference, attendees, labels)


def check_edited_meetings(
    source: Source,
    others: Others,
    window: bytes,
    first_line: int,
    other_ids: Sequence[tuple[str, str]],
) -> list[Meeting]:
    """The meeting records an edit wrote, validated with every check a whole validation
    makes of them, when the rest of the file is known valid: `window` is those records
    (as lines of the meetings list), starting on line `first_line` (0-based) of the file;
    `other_ids` names the other records (how a message names each, and its id), in file
    order, those before the window first."""
    label = source.label(MEETINGS_FILE)
    data = parse_yaml(b"meetings:\n" + window, label)
    rows = [
        (r, (line - 1 + first_line) if isinstance(line := getattr(r, "line", None), int) else None)
        for r in _records(data, "meetings", label)
    ]
    meetings, problems = _validate_records(
        Meeting, "meeting", rows, label, {"conference": others.conference}
    )
    problems += cross_record_problems(
        others.conference, others.attendees, meetings, others.labels, other_meetings=other_ids
    )
    if problems:
        raise WorkspaceError(problems)
    return [m for _, m in meetings]


def check_edited_attendees(
    source: Source,
) -> tuple[Conference, tuple[Attendee, ...], Coalitions | None]:
    """The attendees file an edit wrote, validated with every check a whole validation
    makes of it and of states.yaml (which names attendees), when the meetings are known
    valid and the attendees' ids did not change (the caller's part)."""
    conference, attendees, labels, problems = _conference_and_attendees(source)
    problems += cross_record_problems(conference, attendees, [], labels)
    if problems:
        raise WorkspaceError(problems)
    people = tuple(a for _, a in attendees)
    coalitions = None
    if source.exists(STATES_FILE):
        coalitions = parse_states(
            source.read(STATES_FILE), source.label(STATES_FILE), conference, people,
            labels["attendees"],
        )  # fmt: skip
    return conference, people, coalitions


def parse_workspace(source: Source) -> Workspace:
    """Validate a workspace from its files as `source` gives them, states.yaml included
    when there is one; raises WorkspaceError listing every problem."""
    root = source.root
    conference, attendees, label, problems = _conference_and_attendees(source)
    context = {"conference": conference}
    if source.exists(MEETINGS_CSV):
        if source.exists(MEETINGS_FILE):
            raise WorkspaceError.single(
                source.label(MEETINGS_CSV),
                f"both {MEETINGS_FILE} and {MEETINGS_CSV} exist: keep one",
            )
        text = decode_spreadsheet(source.read(MEETINGS_CSV), label["meetings"])
        meeting_rows: list[tuple[Any, int | None]] = list(
            _csv_meeting_records(text, label["meetings"])
        )
    else:
        meeting_data = parse_yaml(source.read(MEETINGS_FILE), label["meetings"])
        meeting_rows = [
            (r, getattr(r, "line", None))
            for r in _records(meeting_data, "meetings", label["meetings"])
        ]
    meetings, found = _validate_records(
        Meeting, "meeting", meeting_rows, label["meetings"], context
    )
    problems += found

    problems += cross_record_problems(conference, attendees, meetings, label)
    if problems:
        raise WorkspaceError(problems)
    people = tuple(a for _, a in attendees)
    coalitions = None
    if source.exists(STATES_FILE):
        raw = source.read(STATES_FILE)
        states_label = source.label(STATES_FILE)
        coalitions = parse_states(raw, states_label, conference, people, label["attendees"])
    return Workspace(
        conference=conference,
        attendees=people,
        meetings=tuple(m for _, m in meetings),
        name=shown_folder_name(root.resolve().name),
        coalitions=coalitions,
        digest=source.digest(),
    )


def shown_folder_name(raw: str) -> str:
    """A folder's name as the workspace's name in what rota writes (rota.json, store.json,
    calendars): bytes that are not UTF-8 (a folder unzipped from another system) as
    U+FFFD, controls and invisible characters as spaces, at most MAX_TEXT characters. A
    folder named with a tab or U+202E had its store's record refused ever after."""
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = " ".join(re.sub(UNPRINTABLE, " ", text).split())[:MAX_TEXT].strip()
    return text or "workspace"


def file_labels(source: Source) -> dict[str, str]:
    """How messages name the workspace's conference, attendees and meetings files: the
    spreadsheet where the workspace keeps that list in one (and not in YAML too)."""
    return {
        "conference": source.label(CONFERENCE_FILE),
        "attendees": source.label(
            ATTENDEES_CSV if source.exists(ATTENDEES_CSV) else ATTENDEES_YAML
        ),
        "meetings": source.label(
            MEETINGS_CSV
            if source.exists(MEETINGS_CSV) and not source.exists(MEETINGS_FILE)
            else MEETINGS_FILE
        ),
    }


def _conference_and_attendees(
    source: Source,
) -> tuple[Conference, list[tuple[str, Attendee]], dict[str, str], list[Problem]]:
    """conference.yaml (raising on a problem) and the attendees' records validated, with
    the labels of the files for messages."""
    label = file_labels(source)
    conference = parse_conference(source.read(CONFERENCE_FILE), label["conference"])
    context = {"conference": conference}

    if source.exists(ATTENDEES_YAML) and source.exists(ATTENDEES_CSV):
        raise WorkspaceError.single(
            source.label(ATTENDEES_CSV),
            f"both {ATTENDEES_YAML} and {ATTENDEES_CSV} exist: keep one",
        )
    attendee_rows: list[tuple[Any, int | None]]
    bad_cells: list[Problem] = []
    if source.exists(ATTENDEES_CSV):
        text = decode_spreadsheet(source.read(ATTENDEES_CSV), label["attendees"])
        attendee_rows = list(_csv_attendee_records(text, label["attendees"], bad_cells))
    else:
        data = parse_yaml(source.read(ATTENDEES_YAML), label["attendees"])
        attendee_rows = [
            (r, getattr(r, "line", None)) for r in _records(data, "attendees", label["attendees"])
        ]

    attendees, problems = _validate_records(
        Attendee, "attendee", attendee_rows, label["attendees"], context
    )
    return conference, attendees, label, bad_cells + problems


def validate_meeting(
    raw: Any, line: int | None, label: str, conference: Conference
) -> tuple[Meeting | None, str, list[Problem]]:
    """One meeting record (from a file `rota import` reads): the meeting, how messages
    name it, and what is wrong with it (cross-record checks against the conference too)."""
    where = _record_name("meeting", raw, line)
    if not isinstance(raw, dict):
        return None, where, [Problem(label, "each meeting must be a mapping", where)]
    item, problems = _validate(Meeting, raw, label, where, {"conference": conference})
    if item is not None:
        files = {"conference": "conference.yaml", "attendees": "attendees", "meetings": label}
        problems += [
            p
            for p in cross_record_problems(conference, [], [(where, item)], files)
            if p.field not in ("assigned", "pinned")  # people are the workspace's
        ]
    return item, where, problems


def _validate_records(
    model: type[M],
    kind: str,
    rows: list[tuple[Any, int | None]],
    file: str,
    context: dict[str, Any],
) -> tuple[list[tuple[str, M]], list[Problem]]:
    """Validate each record of a file, pairing the valid ones with how to name them."""
    valid: list[tuple[str, M]] = []
    problems: list[Problem] = []
    for raw, line in rows:
        where = _record_name(kind, raw, line)
        if not isinstance(raw, dict):
            problems.append(Problem(file, f"each {kind} must be a mapping", where))
            continue
        item, found = _validate(model, raw, file, where, context)
        problems += found
        if item is not None:
            valid.append((where, item))
    return valid, problems


def parse_conference(raw: bytes, label: str) -> Conference:
    """Validate conference.yaml from its bytes."""
    data = parse_yaml(raw, label)
    if not isinstance(data, dict):
        raise WorkspaceError.single(label, "expected a mapping (name, timezone, start, end, ...)")
    problems: list[Problem] = []
    raw_issues = data.get("issues")
    if isinstance(raw_issues, list):
        # Validate issues one by one first, so that a message can name the issue.
        for raw in raw_issues:
            where = _record_name("issue", raw, getattr(raw, "line", None))
            problems += _validate(Issue, raw, label, where, {})[1]
    conference, found = _validate(Conference, data, label, None, {})
    if problems:
        found = [p for p in found if not (p.field or "").startswith("issues")]
    problems += found
    if problems or conference is None:
        raise WorkspaceError(problems)
    return conference


def starter_files(name: str, timezone: str, start: date, end: date) -> dict[str, str]:
    """The files of a new workspace (`rota init`): the conference as given, the usual rules,
    and no issue, person or meeting yet (each file shows, commented out, a record that is
    valid as it stands once uncommented, on the conference's first day). Every value is
    written as a quoted YAML string or a date."""
    quoted = json.dumps(name, ensure_ascii=False)  # a JSON string is a YAML one
    conference = f"""\
# The conference (made by `rota init`). Every field: `rota schema --file conference`.
name: {quoted}
timezone: {json.dumps(timezone)}
start: {start.isoformat()}
end: {end.isoformat()}
day_start: "08:00"   # a conference day runs from day_start
day_end: "03:00"     # to day_end: a meeting after midnight belongs to the day before
# What the group follows; the weight (1 to 1000) says how much a meeting on it matters.
issues:  # none yet: uncomment these, or write your own
#  - {{id: privacy, name: "Privacy and data protection", weight: 4}}
#  - {{id: ai, name: "Artificial intelligence", weight: 2}}
rules:
  changeover_minutes: 15        # between two meetings in a row
  max_duty_hours: 10            # in meetings, per person and day
  min_rest_hours: 7             # between one day's last meeting and the next day's first
  late_night_after: "00:00"     # a meeting ending after this makes a late night
  max_late_nights_in_a_row: 2
  default_min_expertise: 1      # the level (1 to 3) a meeting needs on its issues
"""
    attendees = """\
# The coordination group, one record per person (or attendees.csv, the same columns).
# Every field: `rota schema --file attendees`. Contact details never appear in anything
# shared (pages, digests, calendars).
attendees:  # none yet: uncomment this one, or write your own
#  - id: ana-souza
#    name: "Ana Souza"
#    organisation: "Instituto Rede Aberta"
#    delegation: BRA            # the member state whose delegation seats them, or null
#    expertise: {privacy: 3, ai: 1}
#    email: ana@example.org     # private
#    unavailable:
#      - {start: "{day} 12:00", end: "{day} 14:00"}
"""
    meetings = """\
# The programme, one record per meeting: import the conference's own calendar with
# `rota import WORKSPACE programme.ics` (or a .csv), or add one with `rota add-meeting`.
# Every field: `rota schema --file meetings`. Times are local, in the conference's zone.
meetings:  # none yet: uncomment this one, or import them
#  - id: plenary-1
#    title: "Plenary, Res. 102"
#    start: "{day} 09:00"
#    end: "{day} 12:00"
#    room: "Hall A"
#    issues: [privacy]
#    access: open               # open, member_states, delegations or closed
"""
    # The examples fall on the conference's first day, so that they are valid uncommented.
    day = start.isoformat()
    attendees, meetings = (text.replace("{day}", day) for text in (attendees, meetings))
    return {CONFERENCE_FILE: conference, ATTENDEES_YAML: attendees, MEETINGS_FILE: meetings}


_LIST_SPLIT = re.compile(r"\s*[;,]\s*")


def read_spreadsheet_text(path: Path, label: str, root: Path | None = None) -> str:
    """Read a spreadsheet export (see `decode_spreadsheet`)."""
    return decode_spreadsheet(read_file_text(path, label, root), label)


def decode_spreadsheet(raw: bytes, label: str) -> str:
    """The text of a spreadsheet export: UTF-8 (with or without a byte-order mark), or
    UTF-16 with its byte-order mark (Excel's "Unicode text"). Anything else is refused
    with how to export it as UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise WorkspaceError.single(label, f"not UTF-16 text ({error.reason})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("cp1252")
            guess = " It looks like Windows-1252 (Excel's plain 'CSV' on Windows)."
        except UnicodeDecodeError:
            pass
        raise WorkspaceError.single(
            label,
            f"not UTF-8 text (byte 0x{raw[error.start]:02X} cannot be read).{guess} Save it "
            "as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8; LibreOffice: character set "
            "Unicode (UTF-8))",
            f"line {line}",
        ) from None


def sniff_delimiter(text: str) -> str:
    """The cell delimiter of a spreadsheet export: `;` (the default of many European
    locales) or a tab when the header line has more of it than of commas, else `,`."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_attendee_records(
    text: str, label: str, bad_cells: list[Problem] | None = None
) -> Iterator[tuple[dict[str, Any], int]]:
    """Attendee records from a spreadsheet export: the same fields as attendees.yaml, with
    `expertise` as `privacy:3; ai:2`, `leads` as `privacy; ai` and `unavailable` as
    `2018-11-05 12:00/2018-11-05 14:00; ...`. Cells are separated by `,` or `;` (or tabs),
    whichever the header uses; rows with no cell filled in are skipped. A cell that cannot
    be read is put in `bad_cells` (when given) and left out of its record, so that every
    other error of the file is found too."""
    return _csv_records(text, label, "attendee", _csv_cell, bad_cells)


# The fields of meetings.csv whose cells are lists (`privacy; ai`, or `privacy, ai`).
MEETING_LISTS = ("issues", "delegations", "assigned", "pinned")


def _csv_meeting_records(text: str, label: str) -> Iterator[tuple[dict[str, Any], int]]:
    """Meeting records from a spreadsheet export (meetings.csv): the same fields as
    meetings.yaml, lists (`issues`, `delegations`, `assigned`, `pinned`) as `privacy; ai`;
    the delimiter, encodings and empty rows as for attendees.csv."""

    def cell(key: str, value: str, file: str, where: str) -> Any:
        if key in MEETING_LISTS:
            return [part for part in _LIST_SPLIT.split(value) if part]
        return value

    return _csv_records(text, label, "meeting", cell)


def _csv_records(
    text: str,
    label: str,
    kind: str,
    cell: Callable[[str, str, str, str], Any],
    bad_cells: list[Problem] | None = None,
) -> Iterator[tuple[dict[str, Any], int]]:
    """The records of a spreadsheet export, each with the line it starts on; `cell` reads
    one non-empty cell (the cells it refuses go to `bad_cells` when given, else raise)."""
    delimiter = sniff_delimiter(text)
    reader = csv.DictReader(_io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    rows: list[tuple[dict[Any, Any], int]] = []  # each row with the line it starts on
    starts = 1  # the line the next record starts on
    try:
        header = reader.fieldnames or []
        starts = reader.line_num + 1
        for row in reader:
            # A quoted cell may span lines, and blank lines are skipped: count back from
            # the line the row ends on.
            cells = [v for v in row.values() if v is not None]
            flat = [c for v in cells for c in (v if isinstance(v, list) else [v])]
            if all(not str(c).strip() for c in flat):
                starts = reader.line_num + 1
                continue  # an empty row (a spreadsheet's trailing ones: ;;;;)
            rows.append((row, reader.line_num - sum(c.count("\n") for c in flat)))
            starts = reader.line_num + 1
    except csv.Error as error:
        raise WorkspaceError.single(
            label, f"malformed CSV: {error}", f"the record starting on line {starts}"
        ) from None
    if "id" not in [name.strip() for name in header]:
        listed = ", ".join(repr(name) for name in header[:6])
        raise WorkspaceError.single(
            label,
            "malformed CSV: the first line must name the columns, with 'id' among them "
            f"(read with the delimiter {delimiter!r}: {listed})",
            "line 1",
        )
    repeated = next(duplicates(name.strip() for name in header), None)
    if repeated is not None:
        raise WorkspaceError.single(
            label, "malformed CSV: this column appears more than once", "line 1", repeated
        )
    for row, line in rows:
        where = _record_name(kind, {"id": (row.get("id") or "").strip()}, line)
        if None in row:
            raise WorkspaceError.single(
                label, f"malformed CSV: more cells than the {len(header)} columns", where
            )
        record: dict[str, Any] = {}
        for key, value in row.items():
            value = (value or "").strip()
            if value == "":
                continue
            try:
                record[key.strip()] = cell(key.strip(), value, label, where)
            except WorkspaceError as error:
                if bad_cells is None:
                    raise
                bad_cells += error.problems
        yield record, line


def _csv_cell(key: str, value: str, label: str, where: str) -> Any:
    if key == "expertise":
        expertise: dict[str, Any] = {}
        for part in _LIST_SPLIT.split(value):
            if not part:
                continue
            issue, sep, level = part.partition(":")
            if not sep:
                raise WorkspaceError.single(
                    label, f"'{part}' should be issue:level, e.g. privacy:3", where, key
                )
            if issue.strip() in expertise:
                raise WorkspaceError.single(
                    label, f"issue '{issue.strip()}' is given twice", where, key
                )
            expertise[issue.strip()] = level.strip()
        return expertise
    if key == "leads":
        return [part for part in _LIST_SPLIT.split(value) if part]
    if key == "unavailable":
        periods = []
        for part in (p for p in value.split(";") if p.strip()):
            start, sep, end = part.partition("/")
            if not sep:
                raise WorkspaceError.single(
                    label, f"'{part.strip()}' should be start/end", where, key
                )
            periods.append({"start": start.strip(), "end": end.strip()})
        return periods
    return value


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see either nothing or the whole text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp creates the file private (0600): keep the mode of the file replaced, or
        # give a new file the mode the umask allows.
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as error:
        # Named by the file being written, not by the hidden temporary one (a full disk
        # fails in write(), which names no file at all).
        Path(tmp).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_json(data: Any) -> str:
    """Stable, readable JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


MAX_PASSWORD = 4096
PASSWORD_WAIT = 10.0  # seconds a pipe may take to give the password


def _password_source(path: Path, label: str) -> _io.TextIOWrapper:
    """The password file, open for reading. A pipe (`<(pass show rota)`) is opened without
    waiting for a writer and read once something arrives, within PASSWORD_WAIT seconds: a
    named pipe no one writes to was waited on for ever."""
    import select

    if not stat.S_ISFIFO(os.stat(path).st_mode):
        return path.open(encoding="utf-8")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    ready, _, _ = select.select([descriptor], [], [], PASSWORD_WAIT)
    if not ready:
        os.close(descriptor)
        raise UsageError(f"{label}: nothing to read after {PASSWORD_WAIT:g} s (a pipe)")
    os.set_blocking(descriptor, True)
    return open(descriptor, encoding="utf-8")  # closed by the caller's `with`


def read_password(path: Path, label: str | None = None) -> str:
    """The first line of a password file, stripped; the file may hold nothing else. At
    most MAX_PASSWORD characters are read (a device such as /dev/zero never ends), and a
    password holds no control characters. `label` names where the path was given
    (`--password-file PATH` by default)."""
    label = label or f"--password-file {path}"
    try:
        with _password_source(path, label) as file:
            line = file.readline(MAX_PASSWORD + 1)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise UsageError(f"{label}: cannot read it ({reason})") from None
    if len(line) > MAX_PASSWORD and not line.endswith("\n"):
        raise UsageError(f"{label}: the first line is over {MAX_PASSWORD:,} characters")
    password = line.strip()
    if not password:
        raise UsageError(f"{label}: the first line is empty")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in password):
        raise UsageError(f"{label}: the password holds a control character")
    return password


# --- states.yaml --------------------------------------------------------------------------


def parse_states(
    raw: bytes,
    label: str,
    conference: Conference,
    attendees: Sequence[Attendee],
    attendees_label: str,
) -> Coalitions:
    """Validate states.yaml from its bytes against the rest of the workspace (issues of
    stances, attendees' contacts); raises WorkspaceError listing every problem."""
    data = parse_yaml(raw, label)
    if not isinstance(data, dict):
        raise WorkspaceError.single(label, "expected a mapping with 'states:' and 'ties:' lists")
    extra = sorted(set(data) - {"states", "ties", "regional_tie_weight"})
    if extra:
        raise WorkspaceError.single(
            label, f"unknown top-level key '{extra[0]}' (read: regional_tie_weight, states, ties)"
        )
    problems: list[Problem] = []
    header, found = _validate(
        StatesHeader,
        {k: v for k, v in data.items() if k == "regional_tie_weight"},
        label,
        None,
        {},
    )
    problems += found
    states: list[tuple[str, State]] = []
    for raw in _list(data, "states", label):
        where = _record_name("state", _with_id(raw, "code"), getattr(raw, "line", None))
        if not isinstance(raw, dict):
            problems.append(Problem(label, "each state must be a mapping", where))
            continue
        state, found = _validate(State, raw, label, where, {})
        problems += found
        if state is not None:
            states.append((where, state))
    for code in duplicates(s.code for _, s in states):
        problems.append(Problem(label, f"state '{code}' appears twice", f"state '{code}'", "code"))
    known_issues = conference.issue_ids()
    for where, state in states:
        for issue in state.stances:
            if issue not in known_issues:
                problems.append(
                    Problem(
                        label,
                        f"unknown issue '{issue}' (issues: {', '.join(sorted(known_issues))})",
                        where,
                        f"stances.{issue}",
                    )
                )
    codes = {s.code for _, s in states}
    ties: dict[frozenset[str], Tie] = {}
    for raw in _list(data, "ties", label):
        line = getattr(raw, "line", None)
        where = f"tie at line {line}" if line else "tie"
        if not isinstance(raw, dict):
            problems.append(
                Problem(label, "each tie must be a mapping {a, b, weight, kind}", where)
            )
            continue
        tie, found = _validate(Tie, raw, label, where, {})
        problems += found
        if tie is None:
            continue
        bad = False
        for end in ("a", "b"):
            code = getattr(tie, end)
            if code not in codes:
                problems.append(
                    Problem(label, f"unknown state '{code}' (not in 'states')", where, end)
                )
                bad = True
        if tie.a == tie.b and not bad:
            problems.append(Problem(label, "a tie needs two different states", where, "b"))
            bad = True
        if not bad:
            ties[frozenset((tie.a, tie.b))] = tie  # the last one given for a pair wins
    for attendee in attendees:
        for code in attendee.contacts:
            if code not in codes:
                problems.append(
                    Problem(
                        attendees_label,
                        f"contact '{code}' is not a state in {STATES_FILE}",
                        f"attendee '{attendee.id}'",
                        "contacts",
                    )
                )
    if problems or header is None:
        raise WorkspaceError(problems)
    by_code = {s.code: s for _, s in states}
    weight = header.regional_tie_weight
    everything = dict(ties)
    ordered = sorted(by_code)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            pair = frozenset((a, b))
            region = by_code[a].region
            same = region != "other" and region == by_code[b].region
            if pair not in everything and same and weight > 0:
                everything[pair] = Tie(a=a, b=b, weight=weight, kind="regional")
    return Coalitions(by_code, everything, weight)


def _with_id(raw: Any, key: str) -> Any:
    return {"id": raw.get(key)} if isinstance(raw, dict) else raw


def _list(data: dict[str, Any], key: str, label: str) -> list[Any]:
    records = data.get(key) or []
    if not isinstance(records, list):
        raise WorkspaceError.single(label, f"'{key}' must be a list", field=key)
    return records
