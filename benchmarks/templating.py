"""The rota page rendered with a template engine (Jinja2, autoescaping on), measured
against the product's renderer (`coverage.export.html`, string building with `html.escape`
on every field): the same page, its byte size and the time (a separate command, never
part of the tests).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/templating.py            # the example's busiest day

The template is `benchmarks/rota.html.j2`; the view below gives it the values the
product's renderer writes, so the two pages differ only in how quotes are escaped (`&#34;`
for `&quot;`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

# Each `rota` run here runs as an installed one does, its bytecode cached (see run.py).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from coverage.export.html import (
    AXIS_EVERY,
    CSS,
    NO_ISSUE,
    SCRIPT,
    _access_short,
    _Block,
    _change_note,
    _lanes,
    _Page,
    _tint,
    render_html,
)
from coverage.published import DayChanges, PublishedRota, long_day_text, plural, read_rota

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "plenipot2018"


class TemplatePage(_Page):
    """The product's page model, with the values the template shows."""

    def view(self) -> dict[str, Any]:
        """Everything the page template shows, as plain values (escaped by the template)."""
        rota = self.rota
        facts = [f"Rota for {rota.days_text()}"]
        if rota.version is not None:
            facts.append(f"version {rota.version}")
        replan = rota.replan
        if replan:
            facts.append(f"replanned at {rota.clock(replan.now)} from version {replan.based_on}")
        if rota.run is not None:
            made = rota.local(rota.run.created_at)
            facts.append(f"made {made:%Y-%m-%d %H:%M} conference time")
        after = ""
        if replan:
            after = (
                f" The dashed line is {rota.clock(replan.now)}, when the rota was replanned: "
                "meetings before it had started and are kept as they were."
            )
        return {
            "title": f"Rota: {rota.conference}, {rota.days_text()}",
            "css": Markup(CSS),
            "script": Markup(SCRIPT),
            "data": Markup(self._json()),
            "conference": rota.conference,
            "facts": " · ".join(facts),
            "optimal": rota.optimal,
            "proof": rota.proof(),
            "issues": [
                {"id": issue, "name": name, "colour": self.colours[issue]}
                for issue, name in self.issues.items()
            ],
            "after": after,
            "days": [self._day_view(day) for day in rota.days],
        }

    def _day_view(self, day: date) -> dict[str, Any]:
        rota = self.rota
        changes = rota.changes_on(day)
        rows, uncovered = self._blocks(day, changes)
        every = [b for blocks in rows.values() for b in blocks] + uncovered
        first, last = self._axis(day, every)
        summary = self._summary(day)
        now = None
        if rota.replan and first <= rota.replan.now <= last:
            moment = rota.replan.now
            now = {"left": f"{self._at(moment, first, last):.3f}", "clock": rota.clock(moment)}
        view_rows: list[dict[str, Any]] = [
            self._row_view(
                "uncovered", "Uncovered", f"{len(uncovered)} meetings", uncovered, first, last,
                day, css="uncovered",
            )
        ]  # fmt: skip
        order = [p.id for p in rota.attendees]
        order += [who for who in rows if who not in order]
        for index, who in enumerate(order):
            if index and index % AXIS_EVERY == 0:
                view_rows.append({"axis": True})
            delegation = rota.person(who).delegation if rota.has_person(who) else None
            view_rows.append(
                self._row_view(
                    who, rota.name(who), delegation or "", rows.get(who, []), first, last, day
                )
            )
        if len(order) > AXIS_EVERY // 2:
            view_rows.append({"axis": True})
        return {
            "iso": day.isoformat(),
            "long": long_day_text(day),
            "summary": summary,
            "changes": self._changes_view(day, changes),
            "hours": f"{(last - first).total_seconds() / 3600:.2f}",
            "ticks": self._ticks(first, last),
            "now": now,
            "rows": view_rows,
        }

    def _changes_view(self, day: date, changes: DayChanges | None) -> dict[str, Any] | None:
        if changes is None:
            return None
        rota = self.rota
        if not changes.people:
            return {"since": changes.since, "people": None}
        people = []
        for change in changes.people:
            bits: list[dict[str, str]] = []
            for meeting_id in change.added:
                m = rota.meeting(meeting_id)
                bits.append(
                    {"kind": "ins", "sign": "+", "title": m.title, "text": rota.span_in_day(m, "–")}
                )
            for moved in change.changed:
                bits.append(
                    {
                        "kind": "ins",
                        "sign": "~",
                        "title": moved.now.title,
                        "text": _change_note(rota, moved, day),
                    }
                )
            for item in change.removed:
                if item.was is not None:
                    title, when = item.was.title, rota.snapshot_span(item.was, day)
                elif rota.has_meeting(item.meeting):
                    title, when = rota.meeting(item.meeting).title, ""
                else:
                    title, when = item.meeting, ""
                bits.append(
                    {"kind": "del", "title": title, "text": when.replace("-", "–"), "why": item.why}
                )
            people.append({"name": rota.name(change.attendee), "bits": bits})
        return {
            "since": changes.since,
            "people": people,
            "people_text": plural(len(changes.people), "person", "people"),
        }

    def _ticks(self, first: datetime, last: datetime) -> list[tuple[str, str]]:
        ticks = []
        moment = first.astimezone(UTC)
        stop = last.astimezone(UTC)
        while moment < stop:
            local = moment.astimezone(self.zone)
            if local.minute == 0:
                ticks.append((f"{self._at(moment, first, last):.3f}", f"{local:%H}"))
            moment += timedelta(minutes=30 if local.minute else 60)
        return ticks

    def _row_view(
        self,
        key: str,
        name: str,
        delegation: str,
        blocks: list[_Block],
        first: datetime,
        last: datetime,
        day: date,
        css: str = "",
    ) -> dict[str, Any]:
        lanes = _lanes(blocks)
        cells = [
            self._block_view(block, lane, first, last, key)
            for block, lane in sorted(zip(blocks, lanes, strict=True), key=lambda bl: bl[0].start)
        ]
        away = []
        if not css:
            for stretch in self.rota.away(key, day):
                left = max(0.0, self._at(stretch.start, first, last))
                right = min(100.0, self._at(stretch.end, first, last))
                away.append(
                    {
                        "left": f"{left:.3f}",
                        "width": f"{right - left:.3f}",
                        "what": f"away {self.rota.span(stretch)}",
                    }
                )
        free = ""
        if not blocks and not css:
            free = "away" if self.rota.presence(key, day) == "away" else "free"
        return {
            "axis": False,
            "key": key,
            "css": css,
            "attribute": "data-row" if css else "data-attendee",
            "name": name,
            "small": delegation,
            "height": max(1, max(lanes, default=0) + 1),
            "away": away,
            "free": free,
            "cells": cells,
        }

    def _block_view(
        self, block: _Block, lane: int, first: datetime, last: datetime, who: str
    ) -> dict[str, Any]:
        issues = list(block.issues)
        colour = self.colours.get(issues[0], NO_ISSUE) if issues else NO_ISSUE
        left = self._at(block.start, first, last)
        width = max(0.4, self._at(block.end, first, last) - left)
        span = f"{self.rota.clock(block.start)}–{self.rota.clock(block.end)}"
        where = " · ".join(part for part in (block.room or "", _access_short(block.access)) if part)
        classes = ["block", block.state] + (["frozen"] if block.frozen else [])
        label = f"{block.title}, {span}" + (f", {where}" if where else "")
        if block.state == "uncovered":
            reason = self.rota.why_uncovered(block.meeting)
            label = f"UNCOVERED: {label}" + (f": {reason.label}" if reason else "")
        if block.note:
            label += f" ({block.note})"
        return {
            "classes": " ".join(classes),
            "meeting": block.meeting,
            "who": who,
            "issues": " ".join(issues),
            "note": block.note,
            "left": f"{left:.3f}",
            "width": f"{width:.3f}",
            "lane": lane,
            "colour": colour,
            "tint": _tint(colour),
            "label": label,
            "title": block.title,
            "span": span,
            "where": where,
            "dots": [self.colours.get(i, NO_ISSUE) for i in issues[1:]],
        }


def template() -> jinja2.Template:
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.from_string((HERE / "rota.html.j2").read_text(encoding="utf-8"))


def median_ms(render: Any, rota: PublishedRota, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render(rota)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def import_ms(statement: str) -> float:
    """The median over 5 fresh processes of the time `statement` (an import) takes."""
    times = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        last = done.stderr.strip().splitlines()[-1]
        times.append(int(last.split("|")[1]) / 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        day = "2018-11-15"
        subprocess.run(
            [str(Path(sys.executable).with_name("rota")), "plan", str(EXAMPLE), "--day", day,
             "--out", str(out), "--quiet"],
            check=True, capture_output=True,
        )  # fmt: skip
        (folder,) = out.glob("v*")
        rota = read_rota(folder / "rota.json")
    start = time.perf_counter()
    compiled = template()
    compile_ms = 1000 * (time.perf_counter() - start)

    def with_template(r: PublishedRota) -> str:
        return compiled.render(TemplatePage(r).view())

    ours, theirs = render_html(rota), with_template(rota)
    same = ours.replace("&quot;", "&#34;").replace("&#x27;", "&#39;") == theirs
    print(f"Busiest example day ({day}): the same page from both: {same}\n")
    print("| renderer | bytes | render (median of 30) | once per process |")
    print("|---|---:|---:|---:|")
    print(
        f"| string building (coverage.export.html) | {len(ours.encode())} | "
        f"{median_ms(render_html, rota):.1f} ms | - |"
    )
    print(
        f"| Jinja2 template (benchmarks/rota.html.j2) | {len(theirs.encode())} | "
        f"{median_ms(with_template, rota):.1f} ms | import {import_ms('import jinja2'):.0f} ms"
        f" + compile {compile_ms:.0f} ms |"
    )


if __name__ == "__main__":
    main()
