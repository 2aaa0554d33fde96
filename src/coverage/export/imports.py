"""What `rota import` did, in words for the terminal."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

from coverage.domain import Conference
from coverage.export.common import printable
from coverage.importing import ImportPlan, Update
from coverage.published import plural

SHOWN = 20  # of each list, the first ones


def import_text(
    plan: ImportPlan,
    source: Path,
    written: bool,
    dry_run: bool,
    conference: Conference,
    published: Collection[date] = (),
) -> str:
    """The summary line, then what was skipped and why, the new meetings no rule tagged,
    and the meetings imported before that this source no longer has."""
    counts = [
        f"{len(plan.added)} added",
        f"{plan.count('moved')} moved",
        f"{plan.count('renamed')} renamed",
        f"{plan.count('room')} changed room",
        f"{plan.count('cancelled')} cancelled",
        f"{plan.count('status')} changed status",
        f"{plan.unchanged} unchanged",
        f"{len(plan.skipped)} skipped",
        f"{len(plan.untagged)} without issues",
    ]
    lines = [printable(f"{source.name}: {plural(plan.events, 'event')} read; " + ", ".join(counts))]
    for title, items in (
        ("skipped", [f"{s.where}: {s.why}" for s in plan.skipped]),
        (
            "new meetings no import rule gave an issue (tag them in meetings.yaml)",
            [
                f"{conference.localize(i.start):%Y-%m-%d %H:%M} {i.title}"
                for i in sorted(plan.untagged, key=lambda i: (i.start, i.source))
            ],
        ),
        (
            "changed at the source",
            [f"{u.meeting}: {', '.join(_what(u))}" for u in plan.updates if _what(u)],
        ),
        (
            "changed here and not at the source since they were imported (left as they are)",
            plan.kept,
        ),
        (
            "imported before, not in this source"
            + ("" if any(u.status == "cancelled" for u in plan.updates) else
               " (left as they are; --cancel-missing cancels them)"),
            plan.missing,
        ),
    ):  # fmt: skip
        if items:
            lines.append(f"{title}:")
            lines += ["  " + printable(item) for item in items[:SHOWN]]
            if len(items) > SHOWN:
                lines.append(f"  ... and {len(items) - SHOWN} more")
    if dry_run:
        lines.append("dry run: nothing written")
    elif written and plan.touched:
        # The days with a published rota are replanned; the others have none yet.
        replan = ", ".join(str(d) for d in sorted(d for d in plan.touched if d in published))
        fresh = ", ".join(str(d) for d in sorted(d for d in plan.touched if d not in published))
        todo = [f"replan the days it touched ({replan}) with `rota replan`"] if replan else []
        todo += [f"the days it touched with no rota yet: {fresh}"] if fresh else []
        lines.append(f"meetings.yaml updated; {'; '.join(todo)}")
    elif written:
        lines.append(
            "meetings.yaml updated: what the source says of its meetings is recorded, nothing "
            "else changed (no day to replan)"
        )
    else:
        lines.append("nothing to change: nothing written")
    return "\n".join(lines) + "\n"


def _what(update: Update) -> list[str]:
    """What an update changes, in words ('moved', 'renamed', ...); none when it only
    records what the source says."""
    what = []
    if update.start is not None:
        what.append("moved")
    if update.title is not None:
        what.append("renamed")
    if update.room_changed:
        what.append("changed room")
    if update.status is not None:
        what.append(f"now {update.status}")
    return what
