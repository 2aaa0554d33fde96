"""The `rota` command: parse, call, print, and map errors to exit codes. No logic lives here."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from coverage.errors import SolveInterrupted, UsageError, WorkspaceError

F = TypeVar("F", bound=Callable[..., Any])

DAY = click.DateTime(formats=["%Y-%m-%d"])

_out = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("schedules"),
    show_default=True,
    help="Folder of published versions.",
)


def _solve_options(command: F) -> F:
    """The options every solving command shares: where versions go, and how to search."""
    options = [
        _out,
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Seconds for the whole solve (all tiers).",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Solver threads; the search stays deterministic.",
        ),
        click.option(
            "--seed", type=int, default=0, show_default=True, help="Random seed of the search."
        ),
        click.option("--quiet", is_flag=True, help="Print only the path of the rota."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _writable(out: Path) -> None:
    """Refuse an output folder that cannot be one, before any solving."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")


def _stances(workspace: Path, ws: Any) -> dict[str, dict[str, str]] | None:
    """Delegations' stances from states.yaml, when the workspace has one."""
    if not (workspace / "states.yaml").exists():
        return None
    from coverage.outreach import load_stances

    return load_stances(workspace, ws)


def _known_issue(ws: Any, issue: str | None) -> None:
    """Refuse an --issue the conference does not have."""
    if issue is not None and issue not in ws.conference.issue_ids():
        known = ", ".join(sorted(ws.conference.issue_ids()))
        raise UsageError(f"--issue {issue}: not an issue of the conference ({known})")


def _print_rota(data: dict[str, Any]) -> None:
    from rich.console import Console

    from coverage.export.terminal import print_rota

    print_rota(data, Console(highlight=False))


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """A progress callback for the solver that shows a live line on a terminal's stderr
    (None when quiet or not on a terminal)."""
    from rich.console import Console

    from coverage.export.terminal import SolveProgress

    console = Console(stderr=True, highlight=False)
    if quiet or not console.is_terminal:
        yield None
        return
    with SolveProgress(console) as display:
        yield display.update


def _say_if_interrupted(rota: Any) -> None:
    if rota.interrupted:
        unsolved = ", ".join(rota.unsolved) or "none"
        click.echo(
            "interrupted: kept the best rota found so far, NOT proven optimal "
            f"(tiers not solved: {unsolved})",
            err=True,
        )


def _fails_cleanly(command: F) -> F:
    """Turn input errors into located messages on stderr and exit code 2; Ctrl-C before a
    rota exists into a message and exit code 130, with nothing written."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except WorkspaceError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)
        except UsageError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except (KeyboardInterrupt, SolveInterrupted):
            click.echo("interrupted before a rota was found: nothing written", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="rota")
def main() -> None:
    """Coverage rotas for a civil-society coordination group at a treaty conference."""


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@_fails_cleanly
def check(workspace: Path) -> None:
    """Validate WORKSPACE and summarise it (days, attendees, meetings, eligible pairs)."""
    from coverage.io import load_workspace
    from coverage.summary import summarise

    ws = load_workspace(workspace)
    summary = summarise(ws)
    click.echo(f"{ws.conference.name} ({ws.conference.timezone}): workspace is valid")
    click.echo(
        f"{len(summary.days)} days, {len(ws.attendees)} attendees, {len(ws.meetings)} meetings, "
        f"{summary.eligible_pairs} eligible (attendee, meeting) pairs"
    )
    click.echo(f"{'day':<12} {'meetings':>8} {'eligible pairs':>15} {'nobody eligible':>16}")
    for day in summary.days:
        click.echo(
            f"{day.day.isoformat():<12} {day.meetings:>8} {day.eligible_pairs:>15} "
            f"{day.without_candidates:>16}"
        )
    if (workspace / "states.yaml").exists():
        from coverage.outreach import load_states

        coalitions = load_states(workspace, ws)
        click.echo(
            f"states.yaml: {len(coalitions.states)} states, {len(coalitions.ties)} ties "
            "(regional ones included)"
        )


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, help="The conference day to plan (YYYY-MM-DD).")
@click.option("--from", "first", type=DAY, help="First day of a range planned jointly.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@_solve_options
@_fails_cleanly
def plan(
    workspace: Path,
    day: Any,
    first: Any,
    last: Any,
    out: Path,
    time_limit: float,
    workers: int,
    seed: int,
    quiet: bool,
) -> None:
    """Plan a day (--day) or a range of days (--from/--to) and publish a new version."""
    from coverage.io import load_workspace, workspace_digest
    from coverage.plan import PlanOptions
    from coverage.plan import plan as make_plan
    from coverage.publish import publish
    from coverage.store import RotaStore

    _writable(out)
    ws = load_workspace(workspace)
    days = _days(ws.conference.days(), day, first, last)
    store = RotaStore(out, ws.name)
    history = store.history(excluding=days)
    stances = _stances(workspace, ws)
    with _progress(quiet) as on_progress:
        options = PlanOptions(time_limit, workers, seed, on_progress=on_progress)
        rota = make_plan(ws, days, history, options, stances=stances)
    _say_if_interrupted(rota)
    folder, data = publish(rota, store, "plan", workspace_digest(workspace))
    if not quiet:
        _print_rota(data)
    click.echo(str(folder / "rota.json"))


def _days(conference_days: list[date], day: Any, first: Any, last: Any) -> list[date]:
    if day is not None and (first is not None or last is not None):
        raise UsageError("give either --day or --from/--to, not both")
    if day is not None:
        first = last = day
    if first is None or last is None:
        raise UsageError("say which days to plan: --day D, or --from D1 --to D2")
    start, end = first.date(), last.date()
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    for option, value in (("--day" if day is not None else "--from", start), ("--to", end)):
        if value not in conference_days:
            raise UsageError(
                f"{option} {value}: not a conference day (the conference runs from "
                f"{conference_days[0]} to {conference_days[-1]})"
            )
    return [d for d in conference_days if start <= d <= end]


@main.command()
@click.option(
    "--file",
    "which",
    type=click.Choice(["all", "conference", "attendees", "meetings", "states"]),
    default="all",
    show_default=True,
)
def schema(which: str) -> None:
    """Print the JSON Schema of the workspace files."""
    from coverage.schema import workspace_schema

    schemas = workspace_schema()
    click.echo(json.dumps(schemas if which == "all" else schemas[f"{which}.yaml"], indent=2))


# --- Editing the workspace --------------------------------------------------------------------

TIME_HELP = "'YYYY-MM-DD HH:MM', local time"


def _list(value: str | None) -> tuple[str, ...] | None:
    """`a,b` (or `a b`, `a;b`) as a tuple; None when the option was not given."""
    if value is None:
        return None
    return tuple(part for part in re.split(r"[,;\s]+", value) if part)


@main.command("add-meeting")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="What the meeting is.")
@click.option("--start", required=True, help=f"When it starts ({TIME_HELP}).")
@click.option("--end", required=True, help=f"When it ends ({TIME_HELP}).")
@click.option("--issues", help="Issue ids, e.g. privacy,ai.")
@click.option("--room", help="Where.")
@click.option("--access", help="open, member_states, delegations or closed (default open).")
@click.option("--delegations", help="Delegations admitted (with --access delegations): KEN,GHA.")
@click.option("--priority", type=int, help="1..5 (default 1).")
@click.option("--seats", type=int, help="How many of the group it should get (default 1).")
@click.option("--kind", help="plenary, committee, working_group, ad_hoc, informal, ...")
@click.option("--status", help="confirmed (default), tentative or cancelled.")
@click.option("--id", "meeting_id", help="The id (default: from the start date and the title).")
@_fails_cleanly
def add_meeting(
    workspace: Path,
    title: str,
    start: str,
    end: str,
    issues: str | None,
    room: str | None,
    access: str | None,
    delegations: str | None,
    priority: int | None,
    seats: int | None,
    kind: str | None,
    status: str | None,
    meeting_id: str | None,
) -> None:
    """Add a meeting to WORKSPACE/meetings.yaml (validated first) and print its id."""
    from coverage import edit

    new = edit.NewMeeting(
        title=title,
        start=start,
        end=end,
        id=meeting_id,
        kind=kind,
        room=room,
        issues=_list(issues),
        access=access,
        delegations=_list(delegations),
        priority=priority,
        seats=seats,
        status=status,
    )
    click.echo(edit.add_meeting(workspace, new))


@main.command("cancel-meeting")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="ID")
@_fails_cleanly
def cancel_meeting(workspace: Path, meeting_id: str) -> None:
    """Mark meeting ID as cancelled (the record stays in meetings.yaml)."""
    from coverage import edit

    click.echo(edit.cancel_meeting(workspace, meeting_id))


@main.command("move-meeting")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="ID")
@click.option("--start", help=f"The new start ({TIME_HELP}).")
@click.option("--end", help=f"The new end ({TIME_HELP}).")
@_fails_cleanly
def move_meeting(workspace: Path, meeting_id: str, start: str | None, end: str | None) -> None:
    """Change the start and/or end of meeting ID."""
    from coverage import edit

    click.echo(edit.move_meeting(workspace, meeting_id, start, end))


@main.command("unavailable")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("attendee")
@click.option("--from", "start", required=True, help=f"Start of the absence ({TIME_HELP}).")
@click.option("--to", "end", required=True, help=f"End of the absence ({TIME_HELP}).")
@click.option("--reason", help="Why (kept in attendees.yaml; never copied into a rota).")
@_fails_cleanly
def unavailable(workspace: Path, attendee: str, start: str, end: str, reason: str | None) -> None:
    """Add a period when ATTENDEE cannot cover meetings."""
    from coverage import edit

    click.echo(edit.add_unavailable(workspace, attendee, start, end, reason))


def _now(text: str | None, conference: Any, day: date) -> Any:
    """`--now`: 'HH:MM' on the conference day (after midnight: the next morning), a full
    'YYYY-MM-DD HH:MM', or the current time."""
    from datetime import UTC, datetime, time, timedelta

    from coverage.domain import parse_moment

    if text is None:
        return datetime.now(UTC)
    try:
        clock = time.fromisoformat(text.strip())
    except ValueError:
        try:
            return parse_moment(text, conference, "open")
        except ValueError as error:
            raise UsageError(f"--now {text}: {error}") from None
    on = day + timedelta(days=1) if conference.overnight and clock < conference.day_end else day
    return parse_moment(f"{on.isoformat()} {clock:%H:%M}", conference, "open")


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True, help="The conference day to replan.")
@click.option(
    "--now",
    "now_text",
    help="Meetings that started before this are kept as published: 'HH:MM' on that day, or "
    "'YYYY-MM-DD HH:MM' (conference time). Default: the current time.",
)
@_solve_options
@_fails_cleanly
def replan(
    workspace: Path,
    day: Any,
    now_text: str | None,
    out: Path,
    time_limit: float,
    workers: int,
    seed: int,
    quiet: bool,
) -> None:
    """Re-plan a published day after last-minute changes, changing as little as possible."""
    from coverage.changes import messages
    from coverage.io import load_workspace, workspace_digest
    from coverage.plan import PlanOptions
    from coverage.plan import replan as make_replan
    from coverage.publish import publish
    from coverage.store import RotaStore

    _writable(out)
    ws = load_workspace(workspace)
    (the_day,) = _days(ws.conference.days(), day, None, None)
    store = RotaStore(out, ws.name)
    version = store.latest_for(the_day)
    if version is None:
        raise UsageError(
            f"no published rota for {the_day} under {out}: run `rota plan {workspace} "
            f"--day {the_day}` first"
        )
    now = _now(now_text, ws.conference, the_day)
    published = store.assignments_of(version, the_day)
    history = store.history(excluding=[the_day])
    stances = _stances(workspace, ws)
    with _progress(quiet) as on_progress:
        options = PlanOptions(time_limit, workers, seed, on_progress=on_progress)
        rota = make_replan(ws, the_day, published, now, history, options, version.number, stances)
    _say_if_interrupted(rota)

    def message_file(data: dict[str, Any]) -> dict[str, str]:
        personal, group = messages(data, rota.changes, version.data)
        names = {a.id: a.name for a in ws.attendees}
        parts = [f"== To {names.get(who, who)} ==\n{text}\n" for who, text in personal.items()]
        return {"messages.txt": "\n".join([*parts, f"== To the group chat ==\n{group}\n"])}

    folder, data = publish(rota, store, "replan", workspace_digest(workspace), message_file)
    if not quiet:
        _print_rota(data)
        replanned = data["replan"]
        click.echo(
            f"replanned from version {version.number} at {replanned['now']}: "
            f"{replanned['disruption']} change(s), {replanned['people_affected']} "
            "person(s) to message"
        )
        click.echo((folder / "messages.txt").read_text(encoding="utf-8"))
    click.echo(str(folder / "rota.json"))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True)
@_out
@_fails_cleanly
def history(workspace: Path, day: Any, out: Path) -> None:
    """List the published versions of a day: time, reason and scores."""
    from coverage.io import load_workspace
    from coverage.store import RotaStore

    ws = load_workspace(workspace)
    (the_day,) = _days(ws.conference.days(), day, None, None)
    versions = [v for v in RotaStore(out, ws.name).versions() if the_day in v.days]
    if not versions:
        click.echo(f"no published rota for {the_day} under {out}")
        return
    for version in versions:
        run = version.data.get("run", {})
        scores = ", ".join(
            f"{s['tier']} {s['value']}{'' if s['optimal'] else ' (not proven)'}"
            for s in version.data.get("scores", [])[:3]
        )
        changes = version.data.get("replan")
        note = f", {changes['disruption']} change(s) from v{changes['based_on']}" if changes else ""
        click.echo(
            f"v{version.number:03d}  {run.get('created_at', '?')}  {run.get('reason', '?'):<7} "
            f"{scores}{note}  {version.path.name}"
        )


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("first", type=click.IntRange(min=1))
@click.argument("second", type=click.IntRange(min=1))
@click.option("--day", type=DAY, required=True)
@_out
@_fails_cleanly
def diff(workspace: Path, first: int, second: int, day: Any, out: Path) -> None:
    """Show per person what changed on a day between versions FIRST and SECOND."""
    from coverage.changes import diff_versions
    from coverage.io import load_workspace
    from coverage.store import RotaStore

    ws = load_workspace(workspace)
    (the_day,) = _days(ws.conference.days(), day, None, None)
    store = RotaStore(out, ws.name)
    old, new = store.version(first), store.version(second)
    for number, version in ((first, old), (second, new)):
        if version is None or the_day not in version.days:
            raise UsageError(f"version {number} does not cover {the_day} under {out}")
    assert old is not None and new is not None
    changes = diff_versions(old.data, new.data, the_day.isoformat())
    names = {a["id"]: a["name"] for a in new.data["attendees"]}
    titles = {m["id"]: m for m in [*old.data["meetings"], *new.data["meetings"]]}
    if not changes:
        click.echo(f"no changes on {the_day} between v{first:03d} and v{second:03d}")
    for change in changes:
        click.echo(f"{names.get(change.attendee, change.attendee)}:")
        for meeting in change.added:
            click.echo(f"  + {_meeting_line(titles[meeting])}")
        for meeting, why in change.removed:
            click.echo(f"  - {_meeting_line(titles[meeting])}: {why}")
        for meeting in change.unchanged:
            click.echo(f"  = {_meeting_line(titles[meeting])}")


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True, help="The conference day.")
@click.option(
    "--by",
    type=click.Choice(["issue", "person"]),
    default="issue",
    show_default=True,
    help="Group the meetings by issue, or by who covers them.",
)
@click.option("--issue", help="Only the meetings on this issue (main or not).")
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    help="A published version (default: the latest for the day).",
)
@_out
@_fails_cleanly
def digest(
    workspace: Path, day: Any, by: str, issue: str | None, number: int | None, out: Path
) -> None:
    """Print the day's published rota as plain text for the group chat."""
    from coverage.export.digest import render_digest
    from coverage.io import load_workspace
    from coverage.store import RotaStore

    ws = load_workspace(workspace)
    (the_day,) = _days(ws.conference.days(), day, None, None)
    _known_issue(ws, issue)
    store = RotaStore(out, ws.name)
    version = store.version(number) if number is not None else store.latest_for(the_day)
    if version is None or the_day not in version.days:
        which = f"version {number}" if number is not None else "no published rota"
        raise UsageError(
            f"{which} for {the_day} under {out}"
            + ("" if number is not None else f": run `rota plan {workspace} --day {the_day}`")
        )
    messages = render_digest(version.data, the_day.isoformat(), by, issue)
    for index, message in enumerate(messages, start=1):
        if len(messages) > 1:
            click.echo(f"----- message {index} of {len(messages)} -----")
        click.echo(message)


def _meeting_line(meeting: dict[str, Any]) -> str:
    from datetime import datetime

    start = datetime.fromisoformat(meeting["start"])
    end = datetime.fromisoformat(meeting["end"])
    room = f", {meeting['room']}" if meeting.get("room") else ""
    return f"{start:%H:%M}-{end:%H:%M} {meeting['title']}{room}"


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, help="One conference day (default: every published day).")
@click.option("--from", "first", type=DAY, help="First day of a range.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@_out
@click.option(
    "--include-contacts",
    is_flag=True,
    help="Also put e-mail addresses and phone numbers in the team and issue calendars "
    "(and next to colleagues' names). Off by default: names only.",
)
@click.option(
    "--alarm",
    type=click.IntRange(min=0),
    help="Add a reminder this many minutes before each event of a person's calendar.",
)
@_fails_cleanly
def ical(
    workspace: Path,
    day: Any,
    first: Any,
    last: Any,
    out: Path,
    include_contacts: bool,
    alarm: int | None,
) -> None:
    """Write iCalendar files of the published rota: one per person, the team, each issue."""
    from coverage.export.ical import build_calendars
    from coverage.io import load_workspace, write_atomic
    from coverage.store import RotaStore

    ws = load_workspace(workspace)
    store = RotaStore(out, ws.name)
    days, covering = _published_days(
        ws, store, workspace, out, day, first, last, "not in the calendars"
    )
    calendars = build_calendars(
        ws, [v.data for v in covering], days, include_contacts=include_contacts, alarm_minutes=alarm
    )
    newest = store.latest_for(days[-1])
    assert newest is not None
    folder = newest.path / "ical"
    files = {f"person-{who}.ics": cal for who, cal in calendars.people.items()}
    files["team.ics"] = calendars.team
    files |= {f"issue-{issue}.ics": cal for issue, cal in calendars.issues.items()}
    try:
        for name, calendar in files.items():
            write_atomic(folder / name, calendar.to_ical().decode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {folder}: {error.strerror}") from None
    span = str(days[0]) if len(days) == 1 else f"{days[0]} to {days[-1]}"
    click.echo(
        f"{len(calendars.people)} personal, 1 team and {len(calendars.issues)} issue "
        f"calendar(s) for {span}"
    )
    click.echo(str(folder))


def _published_days(
    ws: Any, store: Any, workspace: Path, out: Path, day: Any, first: Any, last: Any, what: str
) -> tuple[list[date], list[Any]]:
    """The asked days that have a published rota (default: every published day), and the
    versions covering them, oldest first. Days without one are noted on stderr."""
    versions = store.versions()
    published = sorted({d for v in versions for d in v.days})
    if day is None and first is None and last is None:
        asked = published
    else:
        asked = _days(ws.conference.days(), day, first, last)
    days = [d for d in asked if d in published]
    if not days:
        which = "" if not asked else f" for {asked[0]}" if len(asked) == 1 else " for these days"
        raise UsageError(
            f"no published rota{which} under {out}: run `rota plan {workspace} --day D` first"
        )
    missing = [d for d in asked if d not in published]
    if missing:
        click.echo(f"note: no published rota for {', '.join(map(str, missing))}: {what}", err=True)
    wanted = set(days)
    return days, [v for v in versions if wanted & set(v.days)]


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--caldav", "url", required=True, help="URL of the CalDAV server.")
@click.option("--user", required=True, help="User name on the CalDAV server.")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path),
    required=True,
    help="File whose first line is the password.",
)
@click.option("--day", type=DAY, help="Publish one conference day (default: every published day).")
@click.option("--from", "first", type=DAY, help="First day of a range to publish.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@_out
@_fails_cleanly
def publish(
    workspace: Path,
    url: str,
    user: str,
    password_file: Path,
    day: Any,
    first: Any,
    last: Any,
    out: Path,
) -> None:
    """Put each person's events into their own calendar on a CalDAV server.

    Each attendee gets a collection `rota-<id>` under USER's calendar home, created if
    missing. Events are matched by UID: new ones are created, changed ones replaced in
    place, assignments a later version dropped are kept as cancelled events, and events
    already up to date are not touched, so publishing the same version twice changes
    nothing."""
    from coverage.export.caldav_sync import sync_people
    from coverage.export.ical import build_calendars
    from coverage.io import load_workspace, read_password
    from coverage.store import RotaStore

    password = read_password(password_file)
    ws = load_workspace(workspace)
    store = RotaStore(out, ws.name)
    days, covering = _published_days(
        ws, store, workspace, out, day, first, last, "nothing to publish"
    )
    calendars = build_calendars(ws, [v.data for v in covering], days)
    names = {a.id: a.name for a in ws.attendees}
    report = sync_people(url, user, password, calendars.people, names)
    for person in report.people:
        made = " (new calendar)" if person.created_calendar else ""
        click.echo(
            f"{person.name} ({person.attendee}): {person.created} created, "
            f"{person.updated} updated, {person.unchanged} unchanged{made}"
        )
    click.echo(
        f"published {len(days)} day(s) from {len(covering)} version(s) to {len(report.people)} "
        f"calendar(s) at {url}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )


# --- Coalitions and bilateral outreach --------------------------------------------------------


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--issue", help="Only this issue (default: every issue).")
@click.option("--day", type=DAY, help="Propose a time in each broker's rota of this day.")
@click.option("--top", type=click.IntRange(min=1), help="Show the best N suggestions.")
@click.option(
    "--minutes",
    type=click.IntRange(min=15, max=240),
    default=30,
    show_default=True,
    help="Length of a proposed bilateral (with --day).",
)
@click.option("--add", is_flag=True, help="Write the timed suggestions into meetings.yaml.")
@_out
@_fails_cleanly
def outreach(
    workspace: Path,
    issue: str | None,
    day: Any,
    top: int | None,
    minutes: int,
    add: bool,
    out: Path,
) -> None:
    """Rank bilateral meetings the group could broker between member states (states.yaml)."""
    from rich.console import Console

    from coverage import edit
    from coverage import outreach as coalitions_model
    from coverage.export.coalitions import print_outreach, write_outreach
    from coverage.io import load_workspace, publish_staged
    from coverage.store import RotaStore

    _writable(out)
    if add and day is None:
        raise UsageError("--add needs --day: say which day the meetings go on")
    ws = load_workspace(workspace)
    _known_issue(ws, issue)
    coalitions = coalitions_model.load_states(workspace, ws)
    report = coalitions_model.outreach(ws, coalitions, issue, top)
    if day is not None:
        (the_day,) = _days(ws.conference.days(), day, None, None)
        store = RotaStore(out, ws.name)
        version = store.latest_for(the_day)
        today = store.assignments_of(version, the_day) if version else []
        history = store.history(excluding=[the_day])
        number = version.number if version else None
        coalitions_model.schedule(ws, report, the_day, minutes, today, history, number)
    data = report.as_json(coalitions)
    folder = publish_staged(
        out / ws.name / "outreach",
        lambda n: f"v{n:03d}-{issue or 'all'}",
        lambda staging, _: write_outreach(staging, data, report.graphs),
    )
    print_outreach(data, Console(highlight=False))
    if add:
        news = [
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
        for line in edit.add_meetings(workspace, news):
            click.echo(line)
    click.echo(str(folder))
