"""The use cases behind the commands: plan days, replan a day, with the workspace's own
store, its lock and its history. Each takes plain values, returns what happened, and
prints nothing; the command line only parses, calls one of these and prints."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from coverage import rules
from coverage.domain import Conference, Workspace, parse_moment, shown
from coverage.errors import UsageError, WorkspaceError
from coverage.problem import FixedAssignment, relevant_history
from coverage.published import PublishedRota
from coverage.store import RotaStore, Version, default_store

if TYPE_CHECKING:
    # The planner (and OR-Tools with it, a third of a second) is imported by the use
    # cases that solve, not by every command (an import or an edit solves nothing).
    from coverage.advice import Criticality, Ranking, Scenario
    from coverage.edit import Change, NewMeeting
    from coverage.export.caldav_sync import Known, SyncReport
    from coverage.importing import ImportPlan
    from coverage.plan import PlanOptions, Rota

Notify = Callable[[str], None]


@dataclass(frozen=True)
class Loaded:
    """A workspace as one command read it: the models, the stances, the input digest."""

    folder: Path
    workspace: Workspace
    stances: dict[str, dict[str, str]] | None
    digest: str


def load(folder: Path) -> Loaded:
    """Read and validate the workspace folder, with states.yaml when it has one; the
    digest is of the bytes read, whatever happens to the files later."""
    from coverage.io import load_workspace

    workspace = load_workspace(folder)
    return Loaded(folder, workspace, workspace.stances, workspace.digest)


@dataclass(frozen=True)
class Outcome:
    """A published version: where it is, what it says, and the history it respected."""

    folder: Path
    rota: PublishedRota
    result: Rota
    history: dict[date, int]
    based_on: Version | None = None


@contextlib.contextmanager
def _located(folder: Path) -> Iterator[None]:
    """A problem the planner found in a workspace file (a pin that cannot hold) named with
    the workspace's folder."""
    meetings = "meetings.csv" if (folder / "meetings.csv").exists() else "meetings.yaml"
    try:
        yield
    except WorkspaceError as error:
        raise WorkspaceError(
            [
                replace(p, file=str(folder / (meetings if p.file == "meetings.yaml" else p.file)))
                for p in error.problems
            ]
        ) from None


def conference_days(
    conference: Conference, day: date | None, first: date | None, last: date | None
) -> list[date]:
    """The days asked for: one (`day`) or a range (`first` to `last`), all conference days."""
    days = conference.days()
    if day is not None and (first is not None or last is not None):
        raise UsageError("give either --day or --from/--to, not both")
    if day is not None:
        first = last = day
    if first is None or last is None:
        raise UsageError("say which days: --day D, or --from D1 --to D2")
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")
    for option, value in (("--day" if day is not None else "--from", first), ("--to", last)):
        if value not in days:
            raise UsageError(
                f"{option} {value}: not a conference day (the conference runs from "
                f"{days[0]} to {days[-1]})"
            )
    return [d for d in days if first <= d <= last]


def one_day(workspace: Workspace, day: date) -> date:
    """A conference day of the workspace, or a UsageError saying which days it has."""
    (the_day,) = conference_days(workspace.conference, day, None, None)
    return the_day


def known_person(workspace: Workspace, rota: PublishedRota, attendee: str) -> None:
    """Refuse an attendee the rota does not know."""
    if not rota.has_person(attendee):
        from difflib import get_close_matches

        close = get_close_matches(attendee, [a.id for a in rota.attendees], n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise UsageError(f"--person {attendee}: no attendee of this rota has this id{hint}")


def person_links(
    folder: Path, day: date, base_url: str, out: Path | None
) -> list[tuple[str, str, int]]:
    """(name, link, meetings that day) per person of the day's latest version: the page's
    address with `#person=<id>`, the people with meetings first, then by name."""
    from urllib.parse import quote, urlsplit

    try:
        parts = urlsplit(base_url.strip())
    except ValueError:
        raise UsageError(f"--base-url {base_url!r}: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--base-url {base_url!r}: not an http:// or https:// address")
    if parts.username or parts.password:
        raise UsageError("--base-url: no user name or password in an address sent to people")
    if not re.fullmatch(
        r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+", base_url.strip()
    ):
        raise UsageError(
            "--base-url: an address of plain characters only (no spaces, quotes, <, >, "
            "control or other characters; %XX for anything else)"
        )
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise UsageError("--base-url: not a valid port") from None
    page = parts._replace(fragment="").geturl()
    _, the_day, version = day_version(folder, day, None, out)
    rota = version.rota
    found = []
    for person in rota.attendees:
        count = len(rota.assignments_of(person.id, the_day))
        found.append((person.name, f"{page}#person={quote(person.id, safe='')}", count))
    return sorted(found, key=lambda f: (f[2] == 0, f[0].casefold()))


def known_issue(workspace: Workspace, issue: str | None) -> None:
    """Refuse an issue the conference does not have."""
    if issue is not None and issue not in workspace.conference.issue_ids():
        known = ", ".join(sorted(workspace.conference.issue_ids()))
        raise UsageError(f"--issue {issue}: not an issue of the conference ({known})")


def reading_store(folder: Path, workspace: Workspace, out: Path | None) -> RotaStore:
    """The store, for a command that only reads it (none is created)."""
    return RotaStore.open(folder, workspace.name, out, create=False)


def day_versions(folder: Path, day: date, out: Path | None) -> tuple[date, list[Version], Path]:
    """The published versions of a conference day, and the store's folder (`rota
    history`)."""
    from coverage.io import load_workspace

    workspace = load_workspace(folder)
    the_day = one_day(workspace, day)
    store = reading_store(folder, workspace, out)
    return the_day, store.versions_of(the_day), store.folder


def day_version(
    folder: Path, day: date, number: int | None, out: Path | None
) -> tuple[Workspace, date, Version]:
    """Version `number` of a conference day, or its latest (`rota digest`); a UsageError
    saying which versions there are when it has no such version."""
    from coverage.io import load_workspace

    workspace = load_workspace(folder)
    the_day = one_day(workspace, day)
    store = reading_store(folder, workspace, out)
    if number is None:
        version = store.latest_for(the_day)
        if version is None:
            raise UsageError(
                f"no published rota for {the_day} in {store.folder}: run "
                f"`rota plan {folder} --day {the_day}`"
            )
        return workspace, the_day, version
    return workspace, the_day, _numbered(store, the_day, number)


def _numbered(store: RotaStore, day: date, number: int) -> Version:
    version = store.version_of(day, number)
    if version is None:
        numbers = [str(v.number) for v in store.versions_of(day)]
        which = (
            f"its versions are {', '.join(numbers)}"
            if numbers
            else f"it has no published version in {store.folder}"
        )
        raise UsageError(f"{day} has no version {number}: {which}")
    return version


def compare_versions(folder: Path, day: date, first: int, second: int, out: Path | None) -> str:
    """Per person, what changed on a day between two of its versions (`rota diff`)."""
    from coverage.export.messages import diff_text
    from coverage.io import load_workspace
    from coverage.published import person_changes, recorded_why

    workspace = load_workspace(folder)
    the_day = one_day(workspace, day)
    store = reading_store(folder, workspace, out)
    old, new = _numbered(store, the_day, first), _numbered(store, the_day, second)
    changes = person_changes(old.rota, new.rota, the_day, recorded_why(old.rota, new.rota))
    return diff_text(old.rota, new.rota, the_day, changes)


def parse_now(text: str | None, conference: Conference, day: date) -> tuple[datetime, bool]:
    """`--now`: 'HH:MM' on the conference day (before `day_end` on an overnight day: the
    next morning), a full 'YYYY-MM-DD HH:MM', or, without it, the current time. Returns
    the moment (in UTC, to the minute) and whether it was given."""
    if text is None:
        return datetime.now(UTC).replace(second=0, microsecond=0), False
    try:
        clock = time.fromisoformat(text.strip())
    except ValueError:
        if re.fullmatch(r"\s*\d{1,2}[:.h]\d{2}\s*", text):
            raise UsageError(
                f"--now {text}: not a time of day: give HH:MM, 00:00 to 23:59 (after "
                "midnight, e.g. 01:30, is the night of the day), or 'YYYY-MM-DD HH:MM'"
            ) from None
        try:
            return parse_moment(text, conference, "open"), True
        except ValueError as error:
            raise UsageError(f"--now {text}: {error}") from None
    if clock.tzinfo is not None:  # `09:30Z`, `09:30+05:00`: a time of day has no offset
        raise UsageError(
            f"--now {text}: a time of day is in conference time, without an offset; for "
            "another zone give the full moment ('YYYY-MM-DD HH:MM+05:00')"
        )
    if clock.second or clock.microsecond:
        raise UsageError(f"--now {text}: give the time to the minute (HH:MM)")
    on = day + timedelta(days=1) if conference.overnight and clock < conference.day_end else day
    try:
        return parse_moment(f"{on.isoformat()} {clock:%H:%M}", conference, "open"), True
    except ValueError as error:
        raise UsageError(f"--now {text}: {error}") from None


def _history_versions(
    store: RotaStore, workspace: Workspace, days: Sequence[date]
) -> tuple[list[FixedAssignment], dict[date, int]]:
    """The published assignments of other days that can constrain `days`, and which
    version of each of those days they come from."""
    newest = store.newest(set(days))
    reach = rules.history_reach(workspace.conference)
    near = {
        d: v
        for d, v in newest.items()
        if any(abs(d.toordinal() - p.toordinal()) <= reach for p in days)
    }
    history = store.history(excluding=list(days))
    return relevant_history(workspace, days, history), {d: v.number for d, v in near.items()}


def plan_days(
    loaded: Loaded,
    days: Sequence[date],
    options: PlanOptions,
    out: Path | None = None,
    wait: float = 300.0,
    on_wait: Notify | None = None,
    from_scratch: bool = False,
) -> Outcome:
    """Plan `days` jointly against the published history of the other days and publish
    a new version. Holds the store's lock from reading the history to publishing. A day
    whose newest version is a replan is refused unless `from_scratch`: a plan would plan again
    the meetings that had started, telling people who attended them that they had not."""
    import shutil

    from coverage.publish import publish

    ws = loaded.workspace
    fresh = not (default_store(loaded.folder) if out is None else out).exists()
    store = RotaStore.open(loaded.folder, ws.name, out)
    try:
        with store.lock(wait, on_wait), _located(loaded.folder):
            if not from_scratch:
                _not_over_a_replan(store, ws, loaded.folder, days)
            history, used = _history_versions(store, ws, days)
            from coverage.plan import plan as solve_plan

            rota = solve_plan(ws, days, history, options, stances=loaded.stances)
            folder, published = publish(rota, store, "plan", loaded.digest, history=used)
    except WorkspaceError:
        if fresh and not any(store.folder.glob("v*")):
            # Refused before anything was published: no folder of versions left behind.
            shutil.rmtree(store.folder, ignore_errors=True)
        raise
    return Outcome(folder, published, rota, used)


def _not_over_a_replan(store: RotaStore, ws: Workspace, folder: Path, days: Sequence[date]) -> None:
    """Refuse a plan of a day whose newest version was replanned (see `plan_days`)."""
    for day in days:
        version = store.latest_for(day)
        if version is None or version.rota.replan is None:
            continue
        at = ws.conference.localize(version.rota.replan.now)
        raise UsageError(
            f"{day} was replanned at {at:%Y-%m-%d %H:%M} (version {version.number}): a new "
            "plan would plan again the meetings that had started, as if they had not; "
            f"replan it (`rota replan {folder} --day {day} --now HH:MM`), or give --fresh to "
            "plan it from scratch anyway: nothing written"
        )


def replan_day(
    loaded: Loaded,
    day: date,
    now_text: str | None,
    options: PlanOptions,
    out: Path | None = None,
    wait: float = 300.0,
    on_wait: Notify | None = None,
    after_the_day: bool = False,
) -> Outcome:
    """Replan a published day at `now_text` (see `parse_now`), changing as little as
    possible, and publish a new version with a message for each person affected. A
    `now_text` after the day's last meeting ended is refused unless `after_the_day`
    (`rota update`: an edit may have taken a meeting off a day that is over, and the
    day's version must say so)."""
    from coverage.export.messages import messages_file
    from coverage.publish import publish

    ws = loaded.workspace
    now, given = parse_now(now_text, ws.conference, day)
    store = RotaStore.open(loaded.folder, ws.name, out, create=False)
    if store.latest_for(day) is None:  # before the lock, which would make the folder
        raise _nothing_to_replan(store, loaded.folder, day)
    ends = [m.end for m in ws.meetings_on([day])]
    if ends and now >= max(ends) and not after_the_day:
        # Nothing can change any more: a `--now` past the day is a typing slip (a wrong
        # date or year), not a replan worth a new version; so is the time of the run
        # (a day of a conference that is over, replanned without --now).
        last = ws.conference.localize(max(ends))
        said = (
            f"--now {now_text}"
            if given
            else f"the time of the run ({ws.conference.localize(now):%Y-%m-%d %H:%M})"
        )
        raise UsageError(
            f"{said}: every meeting of {day} has ended by then (the last at "
            f"{last:%Y-%m-%d %H:%M}): nothing left to replan"
            + ("" if given else "; give --now with the moment of the change")
        )
    _not_before_the_last_replan(store.latest_for(day), ws, day, now, now_text, given)
    store = RotaStore.open(loaded.folder, ws.name, out)
    with store.lock(wait, on_wait), _located(loaded.folder):
        version = store.latest_for(day)
        if version is None:
            raise _nothing_to_replan(store, loaded.folder, day)
        _not_before_the_last_replan(version, ws, day, now, now_text, given)
        before = version.rota
        published = _assignments(before, day)
        history, used = _history_versions(store, ws, [day])
        from coverage.plan import replan as solve_replan

        rota = solve_replan(
            ws,
            day,
            published,
            now,
            history,
            options,
            based_on=version.number,
            stances=loaded.stances,
            changed_meetings=changed_meetings(before, ws, day),
            now_given=given,
        )
        folder, new = publish(rota, store, "replan", loaded.digest, messages_file, history=used)
    return Outcome(folder, new, rota, used, version)


def _not_before_the_last_replan(
    version: Version | None,
    ws: Workspace,
    day: date,
    now: datetime,
    now_text: str | None,
    given: bool,
) -> None:
    """Refuse a replan at a moment before the one the newest version was replanned at:
    the meetings that started in between are held as that version says, and planning
    them again would tell people to go to meetings that are over (or take them off ones
    they attended)."""
    last = version.rota.replan if version is not None else None
    if version is None or last is None or now >= last.now:
        return
    local = ws.conference.localize
    said = f"--now {now_text}" if given else f"the time of the run ({local(now):%Y-%m-%d %H:%M})"
    raise TooEarly(
        f"{said}: version {version.number} of {day} was replanned at "
        f"{local(last.now):%Y-%m-%d %H:%M}, later: the meetings that started by then are "
        f"held as it says; nothing written; give --now '{local(last.now):%Y-%m-%d %H:%M}' "
        "or later",
        f"{local(last.now):%Y-%m-%d %H:%M}",
    )


class TooEarly(UsageError):
    """A replan asked for before the moment the newest version was replanned at."""

    def __init__(self, message: str, earliest: str) -> None:
        super().__init__(message)
        self.earliest = earliest  # the first moment a replan may be at, as `--now` takes it


def _nothing_to_replan(store: RotaStore, folder: Path, day: date) -> UsageError:
    return UsageError(
        f"no published rota for {day} in {store.folder}: run `rota plan {folder} --day {day}` first"
    )


def _assignments(rota: PublishedRota, day: date) -> list[FixedAssignment]:
    from coverage.store import assignments_of

    return assignments_of(rota, day)


def changed_meetings(before: PublishedRota, workspace: Workspace, day: date) -> set[str]:
    """Meetings of `day` that someone is on in `before` whose time, room, title or status
    is different in the workspace now."""
    current = {m.id: m for m in workspace.meetings}
    changed = set()
    for item in before.assignments_on(day):
        meeting = current.get(item.meeting)
        if meeting is None or not before.has_meeting(item.meeting):
            continue
        was = before.meeting(item.meeting)
        if (
            # In UTC: Python never finds a time in the hour the clocks go back equal to
            # the same instant in another zone (PEP 495), so a meeting then was "moved"
            # by every replan.
            (meeting.start, meeting.end) != (was.start.astimezone(UTC), was.end.astimezone(UTC))
            or meeting.room != was.room
            or meeting.title != was.title
            or meeting.status != was.meeting_status
        ):
            changed.add(item.meeting)
    return changed


def versions_text(versions: Mapping[date, int]) -> str:
    """'2018-11-14 v2, 2018-11-16 v1' (or 'none')."""
    if not versions:
        return "none"
    return ", ".join(f"{d} v{n}" for d, n in sorted(versions.items()))


# --- Calendars ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDays:
    """The asked days that have a published rota, the versions covering them (oldest
    first), and the asked days that have none."""

    days: list[date]
    versions: list[Version]
    missing: list[date]


def published_days(
    store: RotaStore,
    conference: Conference,
    day: date | None,
    first: date | None,
    last: date | None,
    folder: Path,
) -> PublishedDays:
    """The days asked for (default: every published day) that have a published rota."""
    versions = store.versions()
    published = sorted({d for v in versions for d in v.days})
    if day is None and first is None and last is None:
        asked = published
    else:
        asked = conference_days(conference, day, first, last)
    days = [d for d in asked if d in published]
    if not days:
        which = "" if not asked else f" for {asked[0]}" if len(asked) == 1 else " for these days"
        raise UsageError(
            f"no published rota{which} in {store.folder}: run `rota plan {folder} --day D` first"
        )
    wanted = set(days)
    return PublishedDays(
        days,
        [v for v in versions if wanted & set(v.days)],
        [d for d in asked if d not in published],
    )


@dataclass(frozen=True)
class WrittenCalendars:
    """What `write_calendars` wrote."""

    folder: Path
    people: int
    issues: int
    team: bool
    without_events: list[str]  # attendees with no event: no file for them


def write_calendars(
    loaded: Loaded,
    store: RotaStore,
    chosen: PublishedDays,
    to: Path | None,
    include_contacts: bool,
    alarm: int | None,
) -> WrittenCalendars:
    """Write the iCalendar files of the chosen days: into `ical/` of the newest version of
    the last day, or into `to`. Calendars with contact details only go to a folder the
    user names, outside the store, so they never sit beside the names-only ones. A
    calendar with no event is not written (a calendar file needs at least one)."""
    from coverage.export.ical import build_calendars
    from coverage.io import write_atomic

    if include_contacts and to is None:
        raise UsageError(
            "--include-contacts needs --into DIR: calendars with contact details go to a folder "
            "you name, never beside the names-only ones"
        )
    if to is not None:
        inside = _inside(to, store.folder)
        if include_contacts and inside:
            raise UsageError(
                f"--into {to} is inside the folder of versions ({store.folder}): calendars with "
                "contact details must go somewhere else"
            )
        if to.exists() and not to.is_dir():
            raise UsageError(f"--into {to} is a file, not a folder")
    calendars = build_calendars(
        loaded.workspace,
        [v.rota for v in chosen.versions],
        chosen.days,
        include_contacts=include_contacts,
        alarm_minutes=alarm,
    )
    if to is None:
        newest = store.latest_for(chosen.days[-1])
        assert newest is not None
        folder = newest.path / "ical"
    else:
        folder = to
    files = {}
    empty = []
    for who, calendar in calendars.people.items():
        if calendar.walk("VEVENT"):
            files[f"person-{who}.ics"] = calendar
        else:
            empty.append(who)
    if calendars.team.walk("VEVENT"):
        files["team.ics"] = calendars.team
    for issue, calendar in calendars.issues.items():
        if calendar.walk("VEVENT"):
            files[f"issue-{issue}.ics"] = calendar
    try:
        for name, calendar in files.items():
            write_atomic(folder / name, calendar.to_ical().decode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {folder}: {error.strerror}") from None
    return WrittenCalendars(
        folder,
        people=sum(1 for n in files if n.startswith("person-")),
        issues=sum(1 for n in files if n.startswith("issue-")),
        team="team.ics" in files,
        without_events=empty,
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


# --- Outreach -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachResult:
    """What `rota outreach` found and wrote, the bilaterals `--add` would write, and what
    it added (one line per meeting; none without `add`)."""

    data: dict[str, object]
    folder: Path
    bilaterals: list[NewMeeting]
    added: list[str]


def outreach_now(text: str | None, conference: Conference, day: date) -> datetime | None:
    """The moment before which no bilateral is proposed on `day`: `--now` when given, else
    the current time when `day` is today's conference day, else none."""
    if text is not None:
        return parse_now(text, conference, day)[0]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now if conference.day_of(now) == day else None


def outreach_report(
    loaded: Loaded,
    issue: str | None,
    top: int | None,
    day: date | None,
    minutes: int,
    now_text: str | None,
    out: Path | None,
    add: bool = False,
) -> OutreachResult:
    """Coalition graphs, ranked bilateral suggestions and, with `day`, a free slot for each
    in its broker's published rota (never before `now_text`); written to a new numbered
    folder `outreach/vNNN-<issue or all>/` of the store. With `add`, the bilaterals with a
    slot are added to meetings.yaml, and a workspace whose meetings cannot be edited is
    refused before anything is written."""
    from coverage import edit
    from coverage import outreach as coalitions_model
    from coverage.export.coalitions import write_outreach
    from coverage.store import assignments_of, clean_staging, next_number_in, stage_folder

    if add:
        edit.meetings_yaml(loaded.folder)  # refuses a workspace kept in meetings.csv
    ws = loaded.workspace
    coalitions = ws.coalitions
    if coalitions is None:
        raise WorkspaceError.single(
            str(loaded.folder / "states.yaml"), "file not found (outreach needs the member states)"
        )
    report = coalitions_model.outreach(ws, coalitions, issue, top)
    store = RotaStore.open(loaded.folder, ws.name, out)
    if day is not None:
        version = store.latest_for(day)
        today = assignments_of(version.rota, day) if version else []
        history = store.history(excluding=[day])
        number = version.number if version else None
        not_before = outreach_now(now_text, ws.conference, day)
        coalitions_model.schedule(ws, report, day, minutes, today, history, number, not_before)
    data = report.as_json(coalitions)
    parent = store.folder / "outreach"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        store.claim()
    except OSError as error:
        raise UsageError(f"cannot create {parent}: {error.strerror}") from None
    clean_staging(parent)
    folder = stage_folder(
        parent,
        lambda n: f"v{n:03d}-{issue or 'all'}",
        lambda staging, _: write_outreach(staging, data, report.graphs),
        next_number_in(parent),
    )
    bilaterals = [
        edit.NewMeeting(
            title=f"Bilateral {item.messenger}-{item.swing} on {item.issue}",
            start=item.slot["start"],
            end=item.slot["end"],
            kind="bilateral",
            issues=(item.issue,),
            assigned=(item.broker.attendee,),
        )
        for item in report.suggestions
        if item.slot is not None and item.broker is not None
    ]
    added: list[str] = []
    if add:
        # A bilateral already in the workspace (an earlier --add, its day not replanned
        # since, so the broker's rota does not show it yet) is not added twice.
        there = {
            (m.title, ws.conference.day_of(m.start)): m.id
            for m in ws.meetings
            if m.kind == "bilateral" and m.status != "cancelled"
        }
        fresh = []
        for new in bilaterals:
            on = ws.conference.day_of(parse_moment(new.start, ws.conference, "open"))
            known = there.get((new.title, on))
            if known is None:
                fresh.append(new)
            else:
                added.append(f"already in the workspace: {new.title} (meeting {known})")
        added += edit.add_meetings(loaded.folder, fresh)
    return OutreachResult(data, folder, bilaterals, added)


# --- The last-minute loop: edit, replan, publish ----------------------------------------------


@dataclass(frozen=True)
class CalDavTarget:
    """Where `update` puts the changed calendars (the password never stored)."""

    url: str
    user: str
    password: str
    password_hint: str  # how the command gets it, for the command that finishes a failed publish


def caldav_target(
    folder: Path, url: str | None, user: str | None, password_file: Path | None
) -> CalDavTarget | None:
    """The CalDAV server to publish to: the one given (`--caldav`, `--user`), else the
    workspace's `publish:` setting in conference.yaml, else none. The password comes from
    `password_file` (given, or the setting's), else $ROTA_CALDAV_PASSWORD; never from the
    workspace itself."""
    import os
    import shlex

    from coverage.io import CONFERENCE_FILE, Source, parse_conference, read_password

    setting = None
    if url is None and folder.is_dir():  # the setting: conference.yaml alone
        source = Source(folder)
        conference = parse_conference(source.read(CONFERENCE_FILE), source.label(CONFERENCE_FILE))
        setting = conference.publish
    if url is None and setting is None:
        return None
    label = f"--password-file {password_file}"
    if setting is not None:
        url, user = setting.caldav, user or setting.user
        if password_file is None and setting.password_file:
            label = (
                f"{source.label(CONFERENCE_FILE)}: publish: field 'password_file' "
                f"({setting.password_file})"
            )
            # A path in conference.yaml is read from the workspace's folder, not from
            # wherever the command is run.
            try:
                password_file = folder / Path(setting.password_file).expanduser()
            except RuntimeError:  # `~nobody/pw`: no such user's home
                raise UsageError(f"{label}: no such home folder") from None
    if not user:
        raise UsageError("--caldav needs --user")
    assert url is not None
    _check_caldav_url(url)
    if password_file is not None:
        if _inside(password_file, folder):
            raise UsageError(f"{label}: inside the workspace; keep passwords out of it")
        hint = f"--password-file {shlex.quote(str(password_file))}"
        return CalDavTarget(url, user, read_password(password_file, label), hint)
    if os.environ.get("ROTA_CALDAV_PASSWORD"):
        return CalDavTarget(url, user, os.environ["ROTA_CALDAV_PASSWORD"], "--password-file FILE")
    raise UsageError("publishing needs --password-file or $ROTA_CALDAV_PASSWORD")


def _check_caldav_url(url: str) -> None:
    """Refuse a CalDAV URL that is not a plain http(s) address, before anything is done."""
    from pydantic import ValidationError

    from coverage.domain import PublishTarget
    from coverage.export.caldav_sync import redacted

    try:
        PublishTarget(caldav=url, user="check")
    except ValidationError as error:
        messages = [str(e.get("msg", "")).removeprefix("Value error, ") for e in error.errors()]
        reason = "; ".join(messages) or "not a valid URL"
        raise UsageError(f"--caldav {redacted(url)}: {reason}") from None
    try:
        from urllib.parse import urlsplit

        urlsplit(url).port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise UsageError(f"--caldav {redacted(url)}: not a valid port") from None


@dataclass
class Updated:
    """What `rota update` did, step by step; `pending` says what is left when a step after
    the edit failed, with the command that finishes it."""

    edit: str
    outcomes: list[Outcome]
    unplanned: list[date]  # affected days with no published rota (the edit is kept)
    published: str | None = None  # the CalDAV report line
    pending: str | None = None
    seconds: dict[str, float] | None = None


def update(
    folder: Path,
    change: Change,
    now_text: str | None,
    options: PlanOptions,
    caldav: CalDavTarget | None = None,
    out: Path | None = None,
    wait: float = 300.0,
    on_wait: Notify | None = None,
) -> Updated:
    """One last-minute change: edit the workspace, replan each day it touches at
    `now_text` (each published day; a day never published is left for `rota plan`), and,
    with `caldav`, put the calendars of the people whose day changed on the server. The
    edit is validated before anything is written; a failure after it leaves the edit and
    every version written, and says in `pending` what is left and how to finish."""
    import time as clock

    from coverage.edit import apply as apply_change
    from coverage.io import load_workspace

    started = clock.perf_counter()
    before = load_workspace(folder)
    if now_text is not None:
        parse_now(now_text, before.conference, before.conference.days()[0])  # refused early
    else:
        # The time of the run after the conference: every day would be kept as it was
        # published (a cancelled meeting still staffed), which is never what is meant.
        now, _ = parse_now(None, before.conference, before.conference.end)
        over = before.conference.day_closes(before.conference.end)
        if now >= over:
            local = before.conference.localize(now)
            raise UsageError(
                f"the time of the run ({local:%Y-%m-%d %H:%M}) is after the conference "
                f"(its last day, {before.conference.end}, ended "
                f"{before.conference.localize(over):%Y-%m-%d %H:%M}): nothing written; give "
                "--now with the moment of the change"
            )
    _refuse_a_pin_that_cannot_hold(folder, before, change, out)
    _refuse_an_absence_over_a_pin(folder, before, change)
    _refuse_a_replan_before_the_last(folder, before, change, now_text, out)
    line, days, anchor, after = apply_change(folder, change, before)
    if now_text is not None:
        # One moment for every day replanned: `14:00` is read on the day of the change.
        moment, _ = parse_now(now_text, before.conference, anchor)
        now_text = f"{before.conference.localize(moment):%Y-%m-%d %H:%M}"
    seconds = {"edit": clock.perf_counter() - started}
    store = RotaStore.open(folder, before.name, out, create=False)
    published = [d for d in days if store.latest_for(d) is not None]
    unplanned = [d for d in days if d not in published]
    result = Updated(line, [], unplanned, seconds=seconds)
    if after is None or not published:
        return result
    # The workspace as the edit validated and wrote it: no need to read it again.
    loaded = Loaded(folder, after, after.stances, after.digest)
    tick = clock.perf_counter()
    for day in published:
        try:
            outcome = replan_day(
                loaded, day, now_text, options, out, wait, on_wait, after_the_day=True
            )
            result.outcomes.append(outcome)
            if outcome.result.interrupted:
                # Stopped on purpose: nothing more is sent without a word from the user.
                result.pending = (
                    f"interrupted: the edit is kept and {day}'s new version holds the best rota "
                    "found by then (not proven optimal); "
                    + ("the calendars were not updated: " if caldav else "")
                    + f"replan again with `rota replan {folder} --day {day}`"
                    + (" and publish with `rota publish`" if caldav else "")
                )
                seconds["replan"] = clock.perf_counter() - tick
                return result
        except (UsageError, WorkspaceError) as error:
            at = f" --now '{now_text}'" if now_text is not None else ""
            if isinstance(error, TooEarly):
                at = f" --now '{error.earliest}'"  # the earliest it can be replanned at
            result.pending = (
                f"the edit is kept, {day} was not replanned ({error}): finish with "
                f"`rota replan {folder} --day {day}{at}`"
            )
            return result
    seconds["replan"] = clock.perf_counter() - tick
    if caldav is None or not result.outcomes:
        return result
    tick = clock.perf_counter()
    try:
        result.published = _publish_changed(loaded, out, result.outcomes, caldav)
    except UsageError as error:
        from coverage.export.caldav_sync import redacted

        replanned = sorted(o.rota.days[0] for o in result.outcomes)
        days_text = (
            f"--day {replanned[0]}"
            if len(replanned) == 1
            else f"--from {replanned[0]} --to {replanned[-1]}"
        )
        result.pending = (
            f"the edit and the new version(s) are kept; the calendars were not updated "
            f"({error}): finish with `rota publish {folder} {days_text} "
            f"--caldav {redacted(caldav.url)} --user {caldav.user} {caldav.password_hint}`"
        )
    seconds["publish"] = clock.perf_counter() - tick
    return result


def pin_attendee(
    folder: Path, meeting: str, attendee: str, on: bool = True, out: Path | None = None
) -> str:
    """`rota pin` (or, with `on` False, `rota unpin`): the pin written to meetings.yaml,
    after checking it against every rule with the day's other pins and the published days
    around it (`out`: the store, default the workspace's), as `rota update --pin` does; a
    pin that cannot hold is refused naming the rule, and nothing is written. Returns what
    changed."""
    from coverage.edit import PinChange
    from coverage.edit import apply as apply_change
    from coverage.io import load_workspace

    before = load_workspace(folder)
    if not on and attendee not in {a.id for a in before.attendees}:
        # (A pin of someone unknown is refused by the edit's own check.)
        from coverage.io import Source, file_labels

        raise WorkspaceError.single(
            file_labels(Source(folder))["attendees"],
            f"unknown attendee id '{attendee}': no pin of theirs to take off",
        )
    change = PinChange(meeting, attendee, on)
    _refuse_a_pin_that_cannot_hold(folder, before, change, out)
    line, _, _, _ = apply_change(folder, change, before)
    return line


def _refuse_a_replan_before_the_last(
    folder: Path, ws: Workspace, change: Change, now_text: str | None, out: Path | None
) -> None:
    """A `--now` before the moment the newest version of the change's day was replanned
    at is refused before the edit is written (`replan_day` refuses it too, but only after
    the edit), and so is a time of day that, read on the day of the change, comes after
    the end of the meeting added or moved. The day is the one the edit reads `HH:MM` on
    (see `edit.apply`); a day never published is not replanned, and when the change's
    times do not parse, the edit says what is wrong with them."""
    from coverage.domain import parse_moment
    from coverage.edit import AbsentChange, AddChange, MoveChange

    if now_text is None:
        return
    conference = ws.conference
    ends: datetime | None = None  # when the meeting added or moved will end
    try:
        if isinstance(change, AddChange):
            ends = parse_moment(change.meeting.end, conference, "close")
            day = conference.day_of(parse_moment(change.meeting.start, conference, "open"))
        elif isinstance(change, AbsentChange):
            day = conference.day_of(parse_moment(change.start, conference, "open"))
        else:
            old = ws.meeting(change.meeting)
            day = conference.day_of(old.start)
            if isinstance(change, MoveChange) and change.start is not None:
                starts = parse_moment(change.start, conference, "open")
                ends = (
                    parse_moment(change.end, conference, "close")
                    if change.end is not None
                    else starts + (old.end - old.start)
                )
                day = min(day, conference.day_of(starts))
    except (ValueError, KeyError):
        return
    if not conference.start <= day <= conference.end:
        return
    store = RotaStore.open(folder, ws.name, out, create=False)
    version = store.latest_for(day)
    if version is None:
        return  # a day never published is not replanned
    now, given = parse_now(now_text, conference, day)
    if _a_time_of_day(now_text) and ends is not None and now >= ends:
        # `23:00` typed the evening before, for tomorrow morning's meeting, is read on
        # tomorrow: the meeting would be over before it is planned, and tomorrow kept as
        # it was. (A meeting that has started, not ended, is a change like any other.)
        local = conference.localize
        before = now - timedelta(days=1)
        example = (
            f" (e.g. '{local(before):%Y-%m-%d %H:%M}' for the day before)"
            if conference.day_of(before) >= conference.start
            else ""
        )
        raise UsageError(
            f"--now {now_text} is read on {day} (the day of the change), after the meeting "
            f"ends ({local(ends):%Y-%m-%d %H:%M}): it would be planned as over; nothing "
            f"written; give the date too{example}"
        )
    _not_before_the_last_replan(version, ws, day, now, now_text, given)


def _a_time_of_day(text: str) -> bool:
    """Whether `--now` was given as a time of day (`14:00`, `1400`, `14:00:00`), not a date."""
    try:
        time.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _refuse_an_absence_over_a_pin(folder: Path, ws: Workspace, change: Change) -> None:
    """An absence over a meeting the person is pinned to is refused before anything is
    written (the replan could not hold the pin: the absence was written and the replan
    then failed, with a command to finish that could not succeed)."""
    from coverage.domain import parse_moment
    from coverage.edit import AbsentChange
    from coverage.io import Source, file_labels

    if not isinstance(change, AbsentChange):
        return
    try:
        start = parse_moment(change.start, ws.conference, "open")
        end = parse_moment(change.end, ws.conference, "close")
    except ValueError:
        return  # the edit says what is wrong with the times
    local = ws.conference.localize
    for meeting in ws.meetings:
        if (
            change.attendee in meeting.pinned
            and meeting.status != "cancelled"
            and meeting.start < end
            and start < meeting.end
        ):
            raise WorkspaceError.single(
                file_labels(Source(folder))["meetings"],
                f"{change.attendee} is pinned to it ({local(meeting.start):%Y-%m-%d %H:%M}-"
                f"{local(meeting.end):%H:%M}), which the absence overlaps: nothing written; "
                f"unpin first (`rota update {folder} --unpin {meeting.id} --who "
                f"{change.attendee}`)",
                f"meeting '{meeting.id}'",
                "pinned",
            )


def _refuse_a_pin_that_cannot_hold(
    folder: Path, ws: Workspace, change: Change, out: Path | None
) -> None:
    """A pin the rules refuse (against the day's other pins and the published days around
    it) is refused before anything is written, naming the rule, as `rota plan` would."""
    from coverage.edit import PinChange
    from coverage.explain import refuse_broken_pins
    from coverage.problem import build_problem

    if not isinstance(change, PinChange) or not change.on:
        return
    from coverage.edit import meetings_yaml

    meetings_yaml(folder)  # a workspace kept in meetings.csv is edited there, not by rota
    known = {m.id: m for m in ws.meetings}
    meeting = known.get(change.meeting)
    if meeting is None or change.attendee not in {a.id for a in ws.attendees}:
        return  # the edit names what is unknown
    if change.attendee in meeting.pinned:
        return
    pinned = meeting.model_copy(update={"pinned": (*meeting.pinned, change.attendee)})
    trial = ws.model_copy(
        update={"meetings": tuple(pinned if m.id == meeting.id else m for m in ws.meetings)}
    )
    day = ws.conference.day_of(meeting.start)
    store = RotaStore.open(folder, ws.name, out, create=False)
    # The days near enough to share a rule with it (rest, late nights) that are not
    # published are judged with it, their pins included: a pin tonight and one tomorrow
    # morning that break the rest rule are refused now, not when the two days are planned.
    reach = rules.history_reach(ws.conference, ws.attendees)
    days = [
        d
        for d in ws.conference.days()
        if d == day or (abs((d - day).days) <= reach and store.latest_for(d) is None)
    ]
    history, _ = _history_versions(store, ws, days)
    with _located(folder):
        problem = build_problem(trial, days, history)
        refuse_broken_pins(trial, problem, (change.attendee, change.meeting))


def _publish_changed(
    loaded: Loaded, out: Path | None, outcomes: Sequence[Outcome], caldav: CalDavTarget
) -> str:
    """The calendars of the people the replans told, put on the CalDAV server (nobody
    else's changed, so nobody else's is asked about)."""
    from coverage.export.caldav_sync import redacted

    told = {c.attendee for o in outcomes for c in (o.rota.replan.changes if o.rota.replan else ())}
    days = sorted({d for o in outcomes for d in o.rota.days})
    if not told:
        return "no calendar changed: nothing sent"
    ws = loaded.workspace
    store = RotaStore.open(loaded.folder, ws.name, out, create=False)
    versions = [v.rota for v in store.versions() if set(v.days) & set(days)]
    report = put_calendars(ws, store, versions, days, caldav, only=told)
    return (
        f"published {len(report.people)} calendar(s) at {redacted(caldav.url)}: "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )


SYNC_FILE = "caldav-sync.json"
SYNC_FORMAT = "rota-caldav-sync/1"
SYNC_FILE_LIMIT = 64 * 1024 * 1024  # bigger is not ours: ignored


def put_calendars(
    ws: Workspace,
    store: RotaStore,
    versions: Sequence[PublishedRota],
    days: Sequence[date],
    caldav: CalDavTarget,
    only: set[str] | None = None,
) -> SyncReport:
    """Each person's calendar of `days` (those in `only`, when given) put on the CalDAV
    server. What the server was left holding is kept in the store (`caldav-sync.json`:
    collection URLs, sync tokens, ETags and digests, no content), so that the next
    publish writes only what changed and asks nothing about a person whose calendar did
    not change; that file is a cache, and publishing without it (lost, unreadable, or
    stale because someone else changed a calendar) is as exact, only slower."""
    from coverage.export.caldav_sync import sync_people
    from coverage.export.ical import build_calendars

    calendars = build_calendars(ws, list(versions), list(days))
    people = {
        who: cal
        for who, cal in calendars.people.items()
        if cal.walk("VEVENT") and (only is None or who in only)
    }
    names = {a.id: a.name for a in ws.attendees}
    path = store.folder / SYNC_FILE
    targets = _read_sync_file(path)
    key = f"{caldav.url} {caldav.user}"
    before = dict(targets.get(key, {}))
    known = dict(before)
    try:
        return sync_people(caldav.url, caldav.user, caldav.password, people, names, known=known)
    finally:
        # Kept when the server now holds something else (also when a later person
        # failed); a publish that failed before changing anything writes nothing.
        if known != before:
            targets[key] = known
            _write_sync_file(path, targets)


def _read_sync_file(path: Path) -> dict[str, Known]:
    from pydantic import TypeAdapter, ValidationError

    from coverage.export.caldav_sync import KnownCalendar

    try:
        if path.stat().st_size > SYNC_FILE_LIMIT:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != SYNC_FORMAT:
            return {}
        adapter = TypeAdapter(dict[str, dict[str, KnownCalendar]])
        return adapter.validate_python(data.get("targets"))
    except (OSError, ValueError, ValidationError, RecursionError):
        return {}  # a cache: without it the next publish compares every calendar


def _write_sync_file(path: Path, targets: dict[str, Known]) -> None:
    from coverage.io import write_atomic

    record = {
        "format": SYNC_FORMAT,
        "targets": {
            key: {who: cal.model_dump() for who, cal in sorted(known.items())}
            for key, known in sorted(targets.items())
        },
    }
    with contextlib.suppress(OSError):  # not kept: the next publish compares every calendar
        write_atomic(path, json.dumps(record, indent=1, sort_keys=True) + "\n")


# --- The advisor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceInput:
    """What the advisor weighs: the workspace, the days, the published history of the
    other days, and the days' published rota (the starting point, when there is one)."""

    workspace: Workspace
    days: list[date]
    history: list[FixedAssignment]
    published: frozenset[tuple[str, str]] | None
    folder: Path


def advice_input(
    folder: Path, day: date | None, first: date | None, last: date | None, out: Path | None
) -> AdviceInput:
    """Read the workspace and its store (nothing is written, no lock taken)."""
    from coverage.io import load_workspace

    workspace = load_workspace(folder)
    days = conference_days(workspace.conference, day, first, last)
    store = RotaStore.open(folder, workspace.name, out, create=False)
    history, _ = _history_versions(store, workspace, days)
    pairs: set[tuple[str, str]] = set()
    found = False
    for d in days:
        version = store.latest_for(d)
        if version is not None:
            found = True
            pairs |= {(a.attendee, a.meeting) for a in _assignments(version.rota, d)}
    return AdviceInput(workspace, days, history, frozenset(pairs) if found else None, folder)


def recruit(
    given: AdviceInput, top: int, level: int, time_limit: float, on_progress: Notify | None
) -> Ranking:
    """`rota recruit`: the profiles of one more person, ranked by the coverage they add."""
    from coverage import advice

    if top < 1:
        raise UsageError("--top must be at least 1")
    with _located(given.folder):
        return advice.recruit(
            given.workspace, given.days, given.history, top, level, time_limit,
            given.published, on_progress,
        )  # fmt: skip


def critical(given: AdviceInput, time_limit: float, on_progress: Notify | None) -> Criticality:
    """`rota critical`: what losing each person would cost."""
    from coverage import advice

    with _located(given.folder):
        return advice.critical(
            given.workspace, given.days, given.history, time_limit, given.published, on_progress
        )


def what_if(
    given: AdviceInput,
    without: Sequence[str],
    rules_given: Sequence[str],
    profiles: Sequence[str],
    seats: Sequence[str],
    time_limit: float,
) -> Scenario:
    """`rota what-if`: coverage and depth before and after the changes (nothing written)."""
    from coverage import advice

    ws = given.workspace
    changes = advice.Changes(
        without=tuple(_once(without, "--without")),
        rules=_pairs(rules_given, "--with-rule"),
        add_people=tuple(advice.parse_profile(text, ws) for text in profiles),
        seats={k: _whole(v, f"--seats {k}={v}") for k, v in _pairs(seats, "--seats").items()},
    )
    if not (changes.without or changes.rules or changes.add_people or changes.seats):
        raise UsageError(
            "say what changes: --without ATTENDEE, --with-rule NAME=VALUE, "
            "--add-person PROFILE or --seats MEETING=N"
        )
    with _located(given.folder):
        return advice.what_if(ws, given.days, given.history, changes, time_limit, given.published)


def _once(values: Sequence[str], option: str) -> list[str]:
    for value in values:
        if values.count(value) > 1:
            raise UsageError(f"{option} {value}: given twice")
    return list(values)


def _pairs(texts: Sequence[str], option: str) -> dict[str, str]:
    """NAME=VALUE options, each name once."""
    found: dict[str, str] = {}
    for text in texts:
        key, value = _key_value(text, option)
        if key in found:
            raise UsageError(f"{option} {key}: given twice ({found[key]} and {value})")
        found[key] = value
    return found


def _key_value(text: str, option: str) -> tuple[str, str]:
    key, sep, value = (part.strip() for part in text.partition("="))
    if not sep or not key or not value:
        raise UsageError(f"{option} {text!r}: say NAME=VALUE")
    return key, value


def _whole(text: str, where: str) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise UsageError(f"{where}: not a whole number")
    return int(text)


# --- rota import ------------------------------------------------------------------------------


GONE_DIGEST = "0" * 16  # what the source says of a meeting it no longer has


@dataclass(frozen=True)
class Imported:
    """What `rota import` found, and whether it wrote it."""

    plan: ImportPlan
    written: bool
    source: Path
    conference: Conference
    published: frozenset[date] = frozenset()  # the days touched that have a rota to replan


def import_source(
    folder: Path, source: Path, dry_run: bool = False, cancel_missing: bool = False
) -> Imported:
    """Read a calendar feed (.ics) or a meetings spreadsheet (.csv), work out what changes
    in the workspace's meetings, and (unless `dry_run`) write it to meetings.yaml."""
    from coverage.edit import import_meetings, meetings_yaml
    from coverage.importing import Update, plan_import, read_csv, read_ics
    from coverage.io import load_workspace, read_file_text

    workspace = load_workspace(folder)
    meetings_yaml(folder)  # a workspace that keeps its meetings in a spreadsheet: refused
    label = str(source)
    kind = source.suffix.lower()
    if kind not in (".ics", ".ical", ".ifb", ".csv", ".txt"):
        raise UsageError(f"{source}: give an iCalendar file (.ics) or a spreadsheet (.csv)")
    raw = read_file_text(source, label)
    reader = read_csv if kind in (".csv", ".txt") else read_ics
    incoming, skipped, events = reader(raw, label, workspace.conference)
    plan = plan_import(workspace, incoming, skipped, events)
    if cancel_missing:
        live = {m.id: m for m in workspace.meetings if m.status != "cancelled"}
        gone = [live[m] for m in plan.missing if m in live]
        # Recorded as what the source says of them (nothing): when their event is back,
        # it is a change at the source, and wins over the cancellation.
        plan.updates += [Update(m.id, status="cancelled", digest=GONE_DIGEST) for m in gone]
        plan.touched |= {workspace.conference.day_of(m.start) for m in gone}  # to replan
    if dry_run or not plan.changes:
        return Imported(plan, False, source, workspace.conference)
    import_meetings(folder, plan, workspace.conference)
    store = RotaStore.open(folder, workspace.name, None, create=False)
    published = frozenset(d for d in plan.touched if store.latest_for(d) is not None)
    return Imported(plan, True, source, workspace.conference, published)


# --- rota init --------------------------------------------------------------------------------


def init_workspace(folder: Path, name: str, timezone: str, start: date, end: date) -> list[Path]:
    """Write the files of a new workspace into `folder` (made if missing) and return their
    paths. Refused, with nothing written, when `folder` already holds a workspace file or
    the conference given is not valid (the message names the option)."""
    from coverage.io import (
        CONFERENCE_FILE,
        INPUT_FILES,
        load_workspace,
        parse_conference,
        starter_files,
        write_atomic,
    )

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder: nothing written")
    files = starter_files(name, timezone, start, end)
    taken = [f for f in INPUT_FILES if (folder / f).exists()]
    if taken:
        raise UsageError(
            f"{folder} already holds {', '.join(sorted(taken))}: nothing written (rota init "
            "never overwrites a workspace)"
        )
    try:
        parse_conference(files[CONFERENCE_FILE].encode("utf-8"), str(folder / CONFERENCE_FILE))
    except WorkspaceError as error:
        first = error.problems[0]
        given = {"name": name, "timezone": timezone, "start": start, "end": end}
        field = (first.field or "").split(".")[0]
        if field in given:  # said of the option it was given as
            value = given[field]
            where = f"--{field} {shown(value) if isinstance(value, str) else value}"
        else:
            where = str(folder / CONFERENCE_FILE)
        raise UsageError(f"{where}: {first.message}: nothing written") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{folder}: cannot make the folder ({error.strerror})") from None
    written = []
    for file, text in files.items():
        write_atomic(folder / file, text)
        written.append(folder / file)
    load_workspace(folder)  # what was written is a valid workspace
    return written
