"""The rota as a table on the terminal, and a solve's progress while it runs."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from coverage.export.common import printable
from coverage.published import PublishedRota, long_day_text

if TYPE_CHECKING:
    from coverage.solver import Progress


def print_rota(rota: PublishedRota, console: Console) -> None:
    """One table per day (time, meeting, room, weight, who or why not), then the scores.
    Every text from the workspace is shown as text (no markup, no control characters)."""
    for day in rota.days:
        counts = rota.counts(day)
        table = Table(title=f"{long_day_text(day)}: {counts.text()}", expand=False)
        table.add_column("time", no_wrap=True)
        table.add_column("meeting")
        table.add_column("room")
        table.add_column("weight", justify="right")
        table.add_column("who / why not")
        for meeting in rota.meetings_on(day):
            if meeting.status == "cancelled":
                who = Text("cancelled", style="dim")
            elif meeting.attendees:
                who = Text(printable(", ".join(rota.name(a) for a in meeting.attendees)))
            else:
                reason = rota.why_uncovered(meeting.id)
                who = Text("UNCOVERED", style="bold red")
                if reason is not None:
                    who.append(f": {reason.label}")
            when = rota.span(meeting)
            if rota.after_midnight(meeting.start, day):
                when += "\n(after midnight)"
            table.add_row(
                when,
                Text(printable(meeting.title)),
                Text(printable(meeting.room or "")),
                str(meeting.weight),
                who,
                end_section=False,
            )
        console.print(table)
    console.print(
        "weight = priority x the heaviest weight of the meeting's issues; the tiers below count it",
        style="dim",
    )
    # The heading as a line of its own: as a table's title it wrapped to the table's width.
    console.print("scores of the whole day, tier by tier in this order (lexicographic):")
    scores = Table()
    for column in ("tier", "value", "bound", "proven optimal"):
        scores.add_column(column, justify="right" if column in ("value", "bound") else "left")
    for score in rota.scores:
        scores.add_row(
            score.tier,
            str(score.value),
            score.bound_text,
            "yes" if score.optimal else Text("no", style="yellow"),
        )
    console.print(scores)
    liked = [(p.name, rota.preferences_text(p.id)) for p in rota.attendees]
    for name, text in liked:
        if text:
            console.print(Text(printable(f"Preferences of {name}: {text}")))
    console.print(Text(rota.proof(), style="" if rota.optimal else "yellow"))


class SolveProgress:
    """A live line on the console while a solve runs: the step, the best value found so far
    against the solver's bound, and the time. It appears only once the solve has taken
    `delay` seconds (short solves stay quiet) and disappears when the solve ends.

    `update` may be called from the solver's thread; rich redraws from its own."""

    def __init__(self, console: Console, delay: float = 1.0) -> None:
        self._console = console
        self._delay = delay
        self._latest: Progress | None = None
        self._spinner = Spinner("dots", text="starting the solver")
        self._live: Live | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._started = time.monotonic()

    def update(self, progress: Progress) -> None:
        """Take the solver's latest news."""
        self._latest = progress

    def __enter__(self) -> SolveProgress:
        self._started = time.monotonic()
        self._timer = threading.Timer(self._delay, self._show)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._live is not None:
                self._live.stop()

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._live = Live(
                self,
                console=self._console,
                refresh_per_second=4,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()

    def describe(self) -> str:
        """The line as plain text."""
        seconds = time.monotonic() - self._started
        news = self._latest
        if news is None:
            return f"building the model ({seconds:.0f} s)"
        found = "no rota yet" if news.value is None else f"best {news.value}"
        bound = ""
        if news.bound is not None:
            relation = "at most" if news.sense == "max" else "at least"
            bound = f", bound: {relation} {news.bound}"
        return (
            f"step {news.step}/{news.steps}, {news.tier}: {found}{bound} ({seconds:.0f} s); "
            "Ctrl-C stops and keeps the best rota so far"
        )

    def __rich__(self) -> Spinner:
        self._spinner.update(text=self.describe())
        return self._spinner
