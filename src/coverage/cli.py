"""The `rota` command: parse, call, print, and map errors to exit codes. No logic lives here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from coverage.errors import UsageError, WorkspaceError

F = TypeVar("F", bound=Callable[..., Any])

DAY = click.DateTime(formats=["%Y-%m-%d"])


def _fails_cleanly(command: F) -> F:
    """Turn input errors into located messages on stderr and exit code 2."""

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


@main.command()
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--day", type=DAY, help="The conference day to plan (YYYY-MM-DD).")
@click.option("--from", "first", type=DAY, help="First day of a range planned jointly.")
@click.option("--to", "last", type=DAY, help="Last day of the range.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("schedules"),
    show_default=True,
    help="Folder of published versions.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds for the whole solve (all tiers).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Solver threads; the search stays deterministic.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option("--quiet", is_flag=True, help="Print only the path of the rota.")
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

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    ws = load_workspace(workspace)
    days = _days(ws.conference.days(), day, first, last)
    store = RotaStore(out, ws.name)
    history = store.history(excluding=days)
    options = PlanOptions(time_limit=time_limit, workers=workers, seed=seed)
    rota = make_plan(ws, days, history, options)
    folder, data = publish(rota, store, "plan", workspace_digest(workspace))
    if not quiet:
        from rich.console import Console

        from coverage.export.terminal import print_rota

        print_rota(data, Console(highlight=False))
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
    type=click.Choice(["all", "conference", "attendees", "meetings"]),
    default="all",
    show_default=True,
)
def schema(which: str) -> None:
    """Print the JSON Schema of the workspace files."""
    from coverage.schema import workspace_schema

    schemas = workspace_schema()
    click.echo(json.dumps(schemas if which == "all" else schemas[f"{which}.yaml"], indent=2))
