"""`rota import` of a conference feed, timed (a separate command, never part of the
tests): a generated feed of 3,000 events (a VTIMEZONE, one daily recurring meeting, the
rest single events of 1-4 h from 08:00 to 03:00 over 19 days) into a workspace with no
meetings yet, then a re-import after the organisers moved, renamed and cancelled 30 of
them; whole processes, median of 3 runs.

    .venv/bin/python benchmarks/import_feed.py
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine, timed  # noqa: E402

EVENTS = 3000


def feed(seed: int, changed: int = 0) -> str:
    rng = random.Random(seed)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//benchmark//EN",
        "BEGIN:VTIMEZONE", "TZID:Asia/Dubai", "BEGIN:STANDARD", "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0400", "TZOFFSETTO:+0400", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:daily@bench", "DTSTAMP:20181001T000000Z",
        "DTSTART;TZID=Asia/Dubai:20181029T080000", "DTEND;TZID=Asia/Dubai:20181029T084500",
        "RRULE:FREQ=DAILY;COUNT=19", "SUMMARY:Civil-society coordination", "END:VEVENT",
    ]  # fmt: skip
    first = datetime(2018, 10, 29, 8, 0)
    for n in range(EVENTS - 1):
        day = rng.randrange(19)
        start = first + timedelta(days=day, minutes=15 * rng.randrange(0, 64))
        length = timedelta(minutes=60 * rng.choice([1, 1, 2, 2, 3, 4]))
        title = f"Session {n} on Res. {rng.randrange(1, 200)}"
        status = "CONFIRMED"
        if n < changed:  # the organisers' changes
            start += timedelta(minutes=30) if n % 3 == 0 else timedelta(0)
            title += " (renamed)" if n % 3 == 1 else ""
            status = "CANCELLED" if n % 3 == 2 else status
        lines += [
            "BEGIN:VEVENT", f"UID:event-{n}@bench", "DTSTAMP:20181001T000000Z",
            f"DTSTART;TZID=Asia/Dubai:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Asia/Dubai:{start + length:%Y%m%dT%H%M%S}",
            f"SUMMARY:{title}", f"LOCATION:Room {rng.randrange(1, 30)}", f"STATUS:{status}",
            "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}\n")
    print("| step | median wall (whole process) |")
    print("|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = root / "base"
        base.mkdir()
        (base / "conference.yaml").write_text(
            "name: Benchmark\ntimezone: Asia/Dubai\nstart: 2018-10-29\nend: 2018-11-16\n"
            "issues:\n  - {id: cyber, name: Cybersecurity}\n"
            "import_rules:\n  - {match: 'Res\\. 1[0-9][0-9]', issues: [cyber]}\n"
        )
        (base / "attendees.yaml").write_text("attendees:\n  - {id: ana, name: Ana}\n")
        (base / "meetings.yaml").write_text("meetings: []\n")
        source = root / "feed.ics"
        source.write_text(feed(1))
        changed = root / "changed.ics"
        changed.write_text(feed(1, changed=30))
        first, again = [], []
        for n in range(3):
            ws = root / f"ws{n}"
            shutil.copytree(base, ws)
            first.append(timed(["import", str(ws), str(source)]))
            again.append(timed(["import", str(ws), str(changed)]))
        print(f"| `rota import` of a {EVENTS:,}-event feed into an empty workspace | "
              f"{statistics.median(first):.2f} s |")  # fmt: skip
        print(f"| `rota import` again after 30 events moved, renamed or cancelled | "
              f"{statistics.median(again):.2f} s |")  # fmt: skip


if __name__ == "__main__":
    main()
