"""The `rota` command: parse, call one use case, print, and map errors to exit codes."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from coverage.errors import SolveInterrupted, UsageError, WorkspaceError
from coverage.export.common import printable

if TYPE_CHECKING:
    from coverage.published import PublishedRota
    from coverage.solver import Progress
    from coverage.usecases import Loaded, Outcome

F = TypeVar("F", bound=Callable[..., Any])


if TYPE_CHECKING:
    _ParamType = click.ParamType[date, Any]
else:  # generic only in newer click releases
    _ParamType = click.ParamType


class ConferenceDay(_ParamType):
    """A conference day, `YYYY-MM-DD`."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DAY = ConferenceDay()


class Seconds(click.FloatRange):
    """Seconds, a finite number in a range (NaN passes click's own range checks)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


_out = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of published versions (default: WORKSPACE/schedules). It must belong to "
    "this workspace.",
)


def _solve_options(command: F) -> F:
    """The options every solving command shares: where versions go, and how to search."""
    options = [
        _out,
        click.option(
            "--time-limit",
            type=Seconds(min=0.1, max=86400),
            default=60.0,
            show_default=True,
            help="Seconds for the whole solve (all tiers).",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1, max=64),
            default=1,
            show_default=True,
            help="Solver threads; the search stays deterministic.",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0, max=2**31 - 1),
            default=0,
            show_default=True,
            help="Random seed of the search.",
        ),
        click.option(
            "--wait",
            type=Seconds(min=0, max=3600),
            default=300.0,
            show_default=True,
            help="Seconds to wait for another plan or replan of this workspace to finish.",
        ),
        click.option("--quiet", is_flag=True, help="Print only the path of the rota."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _load(workspace: Path) -> Loaded:
    from coverage.usecases import load

    return load(workspace)


def _print_rota(rota: PublishedRota) -> None:
    from rich.console import Console

    from coverage.export.terminal import print_rota

    print_rota(rota, Console(highlight=False))


# What no line rota prints may hold (a path given on the command line can: a folder named
# with ESC ] 0 ; would retitle the terminal): C0 and C1 controls but the line break, and
# the direction overrides (the isolates the digest puts around right-to-left names
# stay). The texts from the workspace are checked where they are read; this is for paths
# and for bytes that are not UTF-8 in a name (shown as U+FFFD; printing them failed).
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _echo(text: object = "", err: bool = False, nl: bool = True) -> None:
    """`click.echo`, with nothing in it that acts on a terminal."""
    shown = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    click.echo(_CONTROLS.sub("?", shown), err=err, nl=nl)


def _err(text: str) -> None:
    _echo(text, err=True)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[Progress], None] | None]:
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


def _report(outcome: Outcome, out: Path | None, quiet: bool) -> None:
    """What every plan and replan says besides the rota: the history it respected (always
    when another store was named), and whether it was interrupted."""
    from coverage.usecases import versions_text

    history = versions_text(outcome.history)
    if out is not None and not quiet:
        _err(f"note: versions in {out} (not the workspace's own); history respected: {history}")
    elif not quiet and outcome.history:
        _echo(f"planned against the published days near it: {history}")
    rota = outcome.result
    if rota.interrupted:
        unsolved = ", ".join(rota.unsolved) or "none"
        _err(
            "interrupted: kept the best rota found so far, NOT proven optimal "
            f"(tiers not solved: {unsolved})"
        )


def _refuse_text_that_is_not_utf8(options: dict[str, Any]) -> None:
    """An option typed with bytes that are not UTF-8 (a title pasted from a Latin-1 file:
    Python keeps them as lone surrogates) is refused, naming it, before anything is done:
    written into a file it made that file unreadable, or failed with a traceback."""
    for name, value in options.items():
        values = value if isinstance(value, (tuple, list)) else (value,)
        for item in values:
            if isinstance(item, str) and any("\udc80" <= c <= "\udcff" for c in item):
                context = click.get_current_context(silent=True)
                params = context.command.params if context else []
                found = next((p for p in params if p.name == name), None)
                option = (found.opts[0] if found and found.opts else None) or name.upper()
                raise UsageError(f"{option}: not UTF-8 text (save or type it as UTF-8)")


def _fails_cleanly(command: F) -> F:
    """Turn input errors into located messages on stderr and exit code 2; Ctrl-C before a
    rota exists into a message and exit code 130, with nothing written."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            _refuse_text_that_is_not_utf8(kwargs)
            return command(*args, **kwargs)
        except WorkspaceError as error:
            for problem in error.problems:
                _err(f"error: {printable(str(problem))}")
            sys.exit(2)
        except UsageError as error:
            _err(f"error: {printable(str(error))}")  # it may quote what was typed
            sys.exit(2)
        except (KeyboardInterrupt, SolveInterrupted):
            _err("interrupted before a rota was found: nothing written")
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (`| head`): what was written stays
            # written; there is nobody left to tell on stdout.
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (no flush at exit)
            _err("note: the output was cut off (broken pipe); what was written is kept")
            sys.exit(1)
        except OSError as error:
            # A full disk, a read-only folder, a file that vanished: one line, and
            # nothing half-written (every write is staged or atomic).
            where = error.filename or "a file"
            _err(f"error: {where}: {error.strerror or error} (nothing written)")
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


class _OneLineErrors(click.Group):
    """Click's own errors (a bad option value, a missing argument) as one `error:` line
    on stderr with exit code 2, like every other input error, instead of click's usage
    block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        except click.exceptions.NoArgsIsHelpError as error:
            if not standalone:
                raise
            _echo(error.format_message())  # `rota` alone: the help
            sys.exit(0)
        except click.exceptions.ClickException as error:
            if not standalone:
                raise
            ctx = getattr(error, "ctx", None)
            more = f" (`{ctx.command_path} --help` says more)" if ctx is not None else ""
            _err(f"error: {printable(error.format_message())}{more}")
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            if not standalone:
                raise
            _err("interrupted: nothing written")
            sys.exit(130)
        if standalone:
            sys.exit(result if isinstance(result, int) else 0)
        return result


@click.group(cls=_OneLineErrors)
@click.version_option(package_name="rota")
def main() -> None:
    """Coverage rotas for a civil-society coordination group at a treaty conference."""


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The conference's name.")
@click.option("--timezone", required=True, help="Its IANA time zone, e.g. Asia/Dubai.")
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day.")
@click.option("--end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@_fails_cleanly
def init(workspace: Path, name: str, timezone: str, start: datetime, end: datetime) -> None:
    """Start a new WORKSPACE: conference.yaml with the conference given and the usual
    rules, and an empty attendees.yaml and meetings.yaml, each showing what a record
    looks like. Never overwrites a workspace."""
    from coverage.usecases import init_workspace

    for path in init_workspace(workspace, name, timezone, start.date(), end.date()):
        _echo(f"wrote {path}")
    _echo(
        f"next: add the issues to {workspace / 'conference.yaml'}, the people to "
        f"attendees.yaml, the programme with `rota import {workspace} programme.ics` (or "
        f"`rota add-meeting`), then `rota check {workspace}`"
    )


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@_fails_cleanly
def check(workspace: Path) -> None:
    """Validate WORKSPACE and summarise it (days, attendees, meetings, eligible pairs)."""
    from coverage.io import load_workspace
    from coverage.summary import summarise

    ws = load_workspace(workspace)
    summary = summarise(ws)
    _echo(f"{ws.conference.name} ({ws.conference.timezone}): workspace is valid")
    _echo(
        f"{len(summary.days)} days, {len(ws.attendees)} attendees, {len(ws.meetings)} meetings, "
        f"{summary.eligible_pairs} eligible (attendee, meeting) pairs"
    )
    _echo(f"{'day':<12} {'meetings':>8} {'eligible pairs':>15} {'nobody eligible':>16}")
    for day in summary.days:
        _echo(
            f"{day.day.isoformat():<12} {day.meetings:>8} {day.eligible_pairs:>15} "
            f"{day.without_candidates:>16}"
        )
    coalitions = ws.coalitions
    if coalitions is not None:
        _echo(
            f"states.yaml: {len(coalitions.states)} states, {len(coalitions.ties)} ties "
            "(regional ones included)"
        )


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, help="The conference day to plan (YYYY-MM-DD).")
@click.option("--from", "first", type=DAY, help="First day of a range planned jointly.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@click.option(
    "--fresh",
    is_flag=True,
    help="Plan from scratch a day already replanned: the meetings that had started are "
    "planned again as if they had not (without it, such a day is refused).",
)
@_solve_options
@_fails_cleanly
def plan(
    workspace: Path,
    day: date | None,
    first: date | None,
    last: date | None,
    fresh: bool,
    out: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    wait: float,
    quiet: bool,
) -> None:
    """Plan a day (--day) or a range of days (--from/--to) and publish a new version."""
    from coverage.plan import PlanOptions
    from coverage.usecases import conference_days, plan_days

    loaded = _load(workspace)
    days = conference_days(loaded.workspace.conference, day, first, last)
    with _progress(quiet) as on_progress:
        options = PlanOptions(time_limit, workers, seed, on_progress=on_progress)
        outcome = plan_days(loaded, days, options, out, wait, _err, from_scratch=fresh)
    _report(outcome, out, quiet)
    if not quiet:
        _print_rota(outcome.rota)
    _echo(str(outcome.folder / "rota.json"))


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
    _echo(json.dumps(schemas if which == "all" else schemas[f"{which}.yaml"], indent=2))


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
    _echo(edit.add_meeting(workspace, new))


@main.command("cancel-meeting")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="ID")
@_fails_cleanly
def cancel_meeting(workspace: Path, meeting_id: str) -> None:
    """Mark meeting ID as cancelled (the record stays in meetings.yaml)."""
    from coverage import edit

    _echo(edit.cancel_meeting(workspace, meeting_id))


@main.command("move-meeting")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="ID")
@click.option("--start", help=f"The new start ({TIME_HELP}).")
@click.option("--end", help=f"The new end ({TIME_HELP}).")
@_fails_cleanly
def move_meeting(workspace: Path, meeting_id: str, start: str | None, end: str | None) -> None:
    """Change the start and/or end of meeting ID."""
    from coverage import edit

    _echo(edit.move_meeting(workspace, meeting_id, start, end))


@main.command("pin")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="MEETING")
@click.argument("attendee")
@_out
@_fails_cleanly
def pin(workspace: Path, meeting_id: str, attendee: str, out: Path | None) -> None:
    """Pin ATTENDEE to MEETING: every plan and replan must put them there. A pin that
    breaks a rule (with the day's other pins, the days around it published or pinned) is refused
    at once, naming the rule, and nothing is written."""
    from coverage.usecases import pin_attendee

    _echo(pin_attendee(workspace, meeting_id, attendee, out=out))


@main.command("unpin")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("meeting_id", metavar="MEETING")
@click.argument("attendee")
@_fails_cleanly
def unpin(workspace: Path, meeting_id: str, attendee: str) -> None:
    """Take ATTENDEE's pin off MEETING."""
    from coverage.usecases import pin_attendee

    _echo(pin_attendee(workspace, meeting_id, attendee, on=False))


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

    _echo(edit.add_unavailable(workspace, attendee, start, end, reason))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True, help="The conference day to replan.")
@click.option(
    "--now",
    "now_text",
    help="Meetings that started before this are kept as published: 'HH:MM' on that day "
    "(before the day's end, after midnight: the next morning), or 'YYYY-MM-DD HH:MM' "
    "(conference time). Default: the current time.",
)
@_solve_options
@_fails_cleanly
def replan(
    workspace: Path,
    day: date,
    now_text: str | None,
    out: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    wait: float,
    quiet: bool,
) -> None:
    """Re-plan a published day after last-minute changes, changing as little as possible."""
    from coverage.export.messages import MESSAGES_TXT
    from coverage.plan import PlanOptions
    from coverage.usecases import one_day, replan_day

    loaded = _load(workspace)
    the_day = one_day(loaded.workspace, day)
    with _progress(quiet) as on_progress:
        options = PlanOptions(time_limit, workers, seed, on_progress=on_progress)
        outcome = replan_day(loaded, the_day, now_text, options, out, wait, _err)
    _report(outcome, out, quiet)
    rota = outcome.rota
    assert rota.replan is not None
    at = rota.local(rota.replan.now)
    if not rota.replan.now_given:
        _err(f"replanning at {at:%Y-%m-%d %H:%M} conference time (now; give --now to choose)")
    if not quiet:
        _print_rota(rota)
        replanned = rota.replan
        _echo(
            f"replanned from version {replanned.based_on} at {at:%Y-%m-%d %H:%M}: "
            f"{replanned.disruption} change(s) of who goes where, "
            f"{replanned.people_affected} person(s) to message"
        )
        _echo((outcome.folder / MESSAGES_TXT).read_text(encoding="utf-8"))
    _echo(str(outcome.folder / "rota.json"))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True)
@_out
@_fails_cleanly
def history(workspace: Path, day: date, out: Path | None) -> None:
    """List the published versions of a day: time, reason and scores."""
    from coverage.export.messages import history_line
    from coverage.usecases import day_versions

    the_day, versions, store = day_versions(workspace, day, out)
    if not versions:
        _echo(f"no published rota for {the_day} in {store}")
        return
    for version in versions:
        _echo(history_line(version.number, version.rota, version.name))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("first", type=click.IntRange(min=1))
@click.argument("second", type=click.IntRange(min=1))
@click.option("--day", type=DAY, required=True)
@_out
@_fails_cleanly
def diff(workspace: Path, first: int, second: int, day: date, out: Path | None) -> None:
    """Show per person what changed on a day between its versions FIRST and SECOND."""
    from coverage.usecases import compare_versions

    _echo(compare_versions(workspace, day, first, second, out))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True, help="The conference day.")
@click.option(
    "--by",
    type=click.Choice(["issue", "person"]),
    default=None,
    help="Group the meetings by issue (the default), or by who covers them.",
)
@click.option("--issue", help="Only the meetings on this issue (main or not).")
@click.option(
    "--person",
    metavar="ATTENDEE",
    help="One person's day, for a direct message (with --by person, or alone).",
)
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    help="A published version of the day (default: the latest).",
)
@_out
@_fails_cleanly
def digest(
    workspace: Path,
    day: date,
    by: str | None,
    issue: str | None,
    person: str | None,
    number: int | None,
    out: Path | None,
) -> None:
    """Print the day's published rota as plain text for the group chat."""
    from coverage.export.digest import render_digest, render_person_digest
    from coverage.usecases import day_version, known_issue, known_person

    ws, the_day, version = day_version(workspace, day, number, out)
    known_issue(ws, issue)
    if person is not None:
        if issue is not None or by == "issue":
            raise UsageError(
                "--person shows one person's whole day: leave out --issue and --by issue"
            )
        known_person(ws, version.rota, person)
        messages = render_person_digest(version.rota, the_day, person)
    else:
        messages = render_digest(version.rota, the_day, by or "issue", issue)
    for index, message in enumerate(messages, start=1):
        if len(messages) > 1:
            _echo(f"----- message {index} of {len(messages)} -----")
        _echo(message)


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, help="One conference day (default: every published day).")
@click.option("--from", "first", type=DAY, help="First day of a range.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@_out
@click.option(
    "--into",
    "into",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the calendars to this folder (default: ical/ in the newest version "
    "folder). Required with --include-contacts, and then outside the folder of versions.",
)
@click.option(
    "--include-contacts",
    is_flag=True,
    help="Also put e-mail addresses and phone numbers in the team and issue calendars "
    "(and next to colleagues' names). Off by default: names only.",
)
@click.option(
    "--alarm",
    type=click.IntRange(min=0, max=7 * 24 * 60),
    help="Add a reminder this many minutes before each event of a person's calendar.",
)
@_fails_cleanly
def ical(
    workspace: Path,
    day: date | None,
    first: date | None,
    last: date | None,
    out: Path | None,
    into: Path | None,
    include_contacts: bool,
    alarm: int | None,
) -> None:
    """Write iCalendar files of the published rota: one per person, the team, each issue."""
    from coverage.usecases import published_days, reading_store, write_calendars

    loaded = _load(workspace)
    store = reading_store(workspace, loaded.workspace, out)
    chosen = published_days(store, loaded.workspace.conference, day, first, last, workspace)
    if chosen.missing:
        listed = ", ".join(map(str, chosen.missing))
        _err(f"note: no published rota for {listed}: not in the calendars")
    written = write_calendars(loaded, store, chosen, into, include_contacts, alarm)
    days = chosen.days
    span = str(days[0]) if len(days) == 1 else f"{days[0]} to {days[-1]}"
    team = "1 team" if written.team else "no team"
    _echo(f"{written.people} personal, {team} and {written.issues} issue calendar(s) for {span}")
    if written.without_events:
        names = ", ".join(loaded.workspace.attendee(a).name for a in written.without_events)
        _echo(f"no calendar for {names}: no meetings on these days")
    _echo(str(written.folder))


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option(
    "--caldav", "url", help="URL of the CalDAV server (default: conference.yaml's `publish:`)."
)
@click.option("--user", help="User name on the CalDAV server.")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path),
    help="File whose first line is the password (default: $ROTA_CALDAV_PASSWORD).",
)
@click.option("--day", type=DAY, help="Publish one conference day (default: every published day).")
@click.option("--from", "first", type=DAY, help="First day of a range to publish.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@_out
@_fails_cleanly
def publish(
    workspace: Path,
    url: str | None,
    user: str | None,
    password_file: Path | None,
    day: date | None,
    first: date | None,
    last: date | None,
    out: Path | None,
) -> None:
    """Put each person's events into their own calendar on a CalDAV server.

    Each attendee gets a collection `rota-<id>` under USER's calendar home, created if
    missing. Events are matched by UID: new ones are created, changed ones replaced in
    place, assignments a later version dropped are kept as cancelled events, and events
    already up to date are not touched, so publishing the same version twice changes
    nothing."""
    from coverage.export.caldav_sync import redacted
    from coverage.usecases import caldav_target, published_days, put_calendars, reading_store

    loaded = _load(workspace)
    target = caldav_target(workspace, url, user, password_file)
    if target is None:
        raise UsageError(
            "say where to publish: --caldav URL --user NAME, or a `publish:` setting in "
            "conference.yaml"
        )
    ws = loaded.workspace
    store = reading_store(workspace, ws, out)
    chosen = published_days(store, ws.conference, day, first, last, workspace)
    if chosen.missing:
        _err(
            f"note: no published rota for {', '.join(map(str, chosen.missing))}: nothing to publish"
        )
    report = put_calendars(ws, store, [v.rota for v in chosen.versions], chosen.days, target)
    for person in report.people:
        made = " (new calendar)" if person.created_calendar else ""
        asked = "" if person.asked else " (known up to date: nothing asked)"
        _echo(
            f"{person.name} ({person.attendee}): {person.created} created, "
            f"{person.updated} updated, {person.unchanged} unchanged{made}{asked}"
        )
    _echo(
        f"published {len(chosen.days)} day(s) from {len(chosen.versions)} version(s) to "
        f"{len(report.people)} calendar(s) at {redacted(target.url)}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )


# --- The last-minute loop ----------------------------------------------------------------------


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--add", "add", is_flag=True, help="Add a meeting (with --title, --start, --end).")
@click.option(
    "--move", "move", metavar="MEETING", help="Move a meeting (with --start and/or --end)."
)
@click.option("--cancel", "cancel", metavar="MEETING", help="Cancel a meeting.")
@click.option(
    "--unavailable", "absent", metavar="ATTENDEE", help="Mark someone away (with --from, --to)."
)
@click.option("--pin", "pin_to", metavar="MEETING", help="Pin someone to a meeting (with --who).")
@click.option("--unpin", "unpin_from", metavar="MEETING", help="Take a pin off (with --who).")
@click.option("--who", metavar="ATTENDEE", help="Who is pinned or unpinned (--pin, --unpin).")
@click.option("--title", help="The new meeting's title (--add).")
@click.option("--start", help=f"Start ({TIME_HELP}; --add, --move).")
@click.option("--end", help=f"End ({TIME_HELP}; --add, --move).")
@click.option("--issues", help="Issue ids, e.g. privacy,ai (--add).")
@click.option("--room", help="Where (--add).")
@click.option("--access", help="open, member_states, delegations or closed (--add).")
@click.option("--delegations", help="Delegations admitted, e.g. KEN,GHA (--add).")
@click.option("--priority", type=int, help="1..5 (--add).")
@click.option("--seats", type=int, help="How many of the group it should get (--add).")
@click.option("--kind", help="plenary, committee, informal, ... (--add).")
@click.option("--from", "away_from", help=f"Start of the absence ({TIME_HELP}; --unavailable).")
@click.option("--to", "away_to", help=f"End of the absence ({TIME_HELP}; --unavailable).")
@click.option("--reason", help="Why (--unavailable).")
@click.option(
    "--now",
    "now_text",
    help="Meetings that started before this are kept as published ('HH:MM' on the day of "
    "the change, or 'YYYY-MM-DD HH:MM'). Default: the current time.",
)
@click.option("--caldav", "url", help="Also put the changed calendars on this CalDAV server.")
@click.option("--user", help="User name on the CalDAV server (with --caldav).")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file whose first line is the CalDAV password (default: $ROTA_CALDAV_PASSWORD).",
)
@_solve_options
@_fails_cleanly
def update(
    workspace: Path,
    add: bool,
    move: str | None,
    cancel: str | None,
    absent: str | None,
    pin_to: str | None,
    unpin_from: str | None,
    who: str | None,
    title: str | None,
    start: str | None,
    end: str | None,
    issues: str | None,
    room: str | None,
    access: str | None,
    delegations: str | None,
    priority: int | None,
    seats: int | None,
    kind: str | None,
    away_from: str | None,
    away_to: str | None,
    reason: str | None,
    now_text: str | None,
    url: str | None,
    user: str | None,
    password_file: Path | None,
    out: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    wait: float,
    quiet: bool,
) -> None:
    """One last-minute change, start to finish: edit WORKSPACE, replan the day(s) it
    touches at --now, publish the new version and, with --caldav, update the calendars of
    the people whose day changed. Prints what to send them and the group, and the path of
    each new version last."""
    import time as clock

    from coverage import edit
    from coverage.export.messages import MESSAGES_TXT
    from coverage.plan import PlanOptions
    from coverage.usecases import caldav_target
    from coverage.usecases import update as run_update

    chosen = (("--add", add), ("--move", move), ("--cancel", cancel), ("--unavailable", absent),
              ("--pin", pin_to), ("--unpin", unpin_from))  # fmt: skip
    actions = [name for name, given in chosen if given]
    if len(actions) != 1:
        given = f" (given: {', '.join(actions)})" if actions else ""
        raise UsageError(
            "say what changed with one of --add, --move, --cancel, --unavailable, --pin, "
            f"--unpin{given}"
        )
    fields = {
        "--title": title, "--issues": issues, "--room": room, "--access": access,
        "--delegations": delegations, "--priority": priority, "--seats": seats, "--kind": kind,
        "--start": start, "--end": end, "--from": away_from, "--to": away_to, "--reason": reason,
        "--who": who,
    }  # fmt: skip
    allowed = {
        "--add": {"--title", "--issues", "--room", "--access", "--delegations", "--priority",
                  "--seats", "--kind", "--start", "--end"},
        "--move": {"--start", "--end"},
        "--cancel": set(),
        "--unavailable": {"--from", "--to", "--reason"},
        "--pin": {"--who"},
        "--unpin": {"--who"},
    }[actions[0]]  # fmt: skip
    stray = [name for name, value in fields.items() if value is not None and name not in allowed]
    if stray:
        raise UsageError(f"{', '.join(stray)}: not used with {actions[0]}")
    if url is None and (user is not None or password_file is not None):
        raise UsageError("--user and --password-file go with --caldav")
    change: edit.Change
    if add:
        if not (title and start and end):
            raise UsageError("--add needs --title, --start and --end")
        change = edit.AddChange(
            edit.NewMeeting(
                title=title, start=start, end=end, kind=kind, room=room, issues=_list(issues),
                access=access, delegations=_list(delegations), priority=priority, seats=seats,
            )
        )  # fmt: skip
    elif move:
        if start is None and end is None:
            raise UsageError("--move needs --start and/or --end")
        change = edit.MoveChange(move, start, end)
    elif cancel:
        change = edit.CancelChange(cancel)
    elif absent:
        if not (away_from and away_to):
            raise UsageError("--unavailable needs --from and --to")
        change = edit.AbsentChange(absent, away_from, away_to, reason)
    elif pin_to or unpin_from:
        if not who:
            raise UsageError(f"{actions[0]} needs --who ATTENDEE")
        change = edit.PinChange(pin_to or unpin_from or "", who, on=bool(pin_to))
    caldav = caldav_target(workspace, url, user, password_file)
    started = clock.perf_counter()
    options = PlanOptions(time_limit, workers, seed)
    done = run_update(workspace, change, now_text, options, caldav, out, wait, _err)
    _echo(done.edit)
    for day in done.unplanned:
        _err(f"note: {day} has no published rota yet: `rota plan {workspace} --day {day}`")
    for outcome in done.outcomes:
        replanned = outcome.rota.replan
        assert replanned is not None
        at = outcome.rota.local(replanned.now)
        _echo(
            f"replanned {outcome.rota.days[0]} from version {replanned.based_on} at "
            f"{at:%Y-%m-%d %H:%M}: {replanned.disruption} change(s) of who goes where, "
            f"{replanned.people_affected} person(s) to message"
        )
        if not quiet:
            _echo((outcome.folder / MESSAGES_TXT).read_text(encoding="utf-8"))
    if done.published:
        _echo(done.published)
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in (done.seconds or {}).items())
    _err(f"took {clock.perf_counter() - started:.1f} s ({steps})")
    for outcome in done.outcomes:
        _echo(str(outcome.folder / "rota.json"))
    if done.pending:
        _err(f"not finished: {done.pending}")
        raise SystemExit(1)


# --- Coalitions and bilateral outreach --------------------------------------------------------


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--issue", help="Only this issue (default: every issue).")
@click.option("--day", type=DAY, help="Propose a time in each broker's rota of this day.")
@click.option(
    "--now",
    "now_text",
    help="With --day: propose no slot before this ('HH:MM' or 'YYYY-MM-DD HH:MM'; default: "
    "the current time when the day is today).",
)
@click.option("--top", type=click.IntRange(min=1, max=10000), help="Show the best N suggestions.")
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
    day: date | None,
    now_text: str | None,
    top: int | None,
    minutes: int,
    add: bool,
    out: Path | None,
) -> None:
    """Rank bilateral meetings the group could broker between member states (states.yaml)."""
    from rich.console import Console

    from coverage.export.coalitions import print_outreach
    from coverage.usecases import known_issue, one_day, outreach_report

    if add and day is None:
        raise UsageError("--add needs --day: say which day the meetings go on")
    if now_text is not None and day is None:
        raise UsageError("--now needs --day")
    loaded = _load(workspace)
    known_issue(loaded.workspace, issue)
    the_day = one_day(loaded.workspace, day) if day is not None else None
    result = outreach_report(loaded, issue, top, the_day, minutes, now_text, out, add)
    print_outreach(result.data, Console(highlight=False))
    for line in result.added:
        _echo(line)
    _echo(str(result.folder))


# --- The coordinator's advisor -------------------------------------------------------------------


def _advice_options(command: F) -> F:
    """The options the advisor's commands share: which days, how long each solve may take,
    JSON, and the folder of published versions read (nothing is written)."""
    options = [
        click.argument("workspace", type=click.Path(path_type=Path)),
        click.option("--day", type=DAY, help="The conference day (YYYY-MM-DD)."),
        click.option("--from", "first", type=DAY, help="First day of a range, weighed jointly."),
        click.option("--to", "last", type=DAY, help="Last day of the range."),
        click.option(
            "--time-limit",
            type=Seconds(min=0.1, max=86400),
            default=20.0,
            show_default=True,
            help="Seconds each solve may take (an answer not proven within it says so).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in the README)."),
        _out,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _advice_progress(as_json: bool) -> Callable[[str], None] | None:
    """Progress lines on stderr for long runs, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    return lambda line: _err(f"  {line}")


@main.command()
@_advice_options
@click.option("--top", type=click.IntRange(min=1, max=1000), default=5, show_default=True)
@click.option(
    "--levels",
    "level",
    type=click.IntRange(min=1, max=3),
    default=3,
    show_default=True,
    help="The expertise level of each profile's issue.",
)
@_fails_cleanly
def recruit(
    workspace: Path,
    day: date | None,
    first: date | None,
    last: date | None,
    time_limit: float,
    as_json: bool,
    out: Path | None,
    top: int,
    level: int,
) -> None:
    """Whom to recruit: one more person's profiles (a delegation seat, or none, and one
    issue), ranked by the coverage they would add, each gain the difference between two
    optima. Ctrl-C prints the ranking so far, marked partial. Nothing is written."""
    from coverage.export.advice import recruit_json, recruit_text
    from coverage.usecases import advice_input
    from coverage.usecases import recruit as rank

    given = advice_input(workspace, day, first, last, out)
    ranking = rank(given, top, level, time_limit, _advice_progress(as_json))
    if as_json:
        _echo(recruit_json(ranking, given.days, top), nl=False)
    else:
        _echo(recruit_text(ranking, given.workspace, given.days, top), nl=False)
    if ranking.partial:
        sys.exit(130)


@main.command()
@_advice_options
@_fails_cleanly
def critical(
    workspace: Path,
    day: date | None,
    first: date | None,
    last: date | None,
    time_limit: float,
    as_json: bool,
    out: Path | None,
) -> None:
    """Who is critical: for each person, the coverage lost if they drop out (the best rota
    of the day without them), worst first. Nothing is written."""
    from coverage.export.advice import critical_json, critical_text
    from coverage.usecases import advice_input
    from coverage.usecases import critical as weigh

    given = advice_input(workspace, day, first, last, out)
    found = weigh(given, time_limit, _advice_progress(as_json))
    if as_json:
        _echo(critical_json(found, given.days), nl=False)
    else:
        _echo(critical_text(found, given.workspace, given.days), nl=False)
    if found.partial:
        sys.exit(130)


@main.command("what-if")
@_advice_options
@click.option("--without", multiple=True, metavar="ATTENDEE", help="Someone falls ill.")
@click.option(
    "--with-rule", "rules", multiple=True, metavar="NAME=VALUE", help="e.g. max_duty_hours=12."
)
@click.option(
    "--add-person",
    "profiles",
    multiple=True,
    metavar="PROFILE",
    help="One more person, e.g. delegation=BRA,privacy=3.",
)
@click.option("--seats", multiple=True, metavar="MEETING=N", help="A meeting's seats.")
@_fails_cleanly
def what_if(
    workspace: Path,
    day: date | None,
    first: date | None,
    last: date | None,
    time_limit: float,
    as_json: bool,
    out: Path | None,
    without: tuple[str, ...],
    rules: tuple[str, ...],
    profiles: tuple[str, ...],
    seats: tuple[str, ...],
) -> None:
    """What a change would do: coverage and depth before and after, proven where they
    can be, and the meetings that gain or lose cover. Nothing is written or published."""
    from coverage.export.advice import what_if_json, what_if_text
    from coverage.usecases import advice_input
    from coverage.usecases import what_if as weigh

    given = advice_input(workspace, day, first, last, out)
    found = weigh(given, without, rules, profiles, seats, time_limit)
    if as_json:
        _echo(what_if_json(found, given.days), nl=False)
    else:
        _echo(what_if_text(found, given.workspace, given.days), nl=False)


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, required=True, help="The conference day.")
@click.option(
    "--base-url",
    required=True,
    help="Where the day's rota.html is published, e.g. https://example.org/rota/15/rota.html.",
)
@_out
@_fails_cleanly
def links(workspace: Path, day: date, base_url: str, out: Path | None) -> None:
    """Print each person's own link to the day's page (`#person=<id>`), for pasting into
    the group chat: the people with meetings that day first."""
    from coverage.usecases import person_links

    for name, link, count in person_links(workspace, day, base_url, out):
        _echo(printable(f"{name} ({count} meeting{'s' if count != 1 else ''}): {link}"))


@main.command("import")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option(
    "--cancel-missing",
    is_flag=True,
    help="Cancel the meetings imported before from this kind of source that it no longer has.",
)
@_fails_cleanly
def import_(workspace: Path, source: Path, dry_run: bool, cancel_missing: bool) -> None:
    """Import meetings from a calendar feed (.ics) or a spreadsheet (.csv) into
    meetings.yaml: new events are added, those imported before are moved, renamed or
    cancelled in place; meetings added by hand are never touched."""
    from coverage.export.imports import import_text
    from coverage.usecases import import_source

    done = import_source(workspace, source, dry_run, cancel_missing)
    text = import_text(
        done.plan, done.source, done.written, dry_run, done.conference, done.published
    )
    _echo(text, nl=False)
