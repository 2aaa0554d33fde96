"""Synthetic conference days for benchmarks: scarce staff, many parallel meetings.

`python benchmarks/synthetic.py OUT --people 15 --meetings 120 --days 1 --seed 7` writes a
workspace. The shape follows the crunch of a treaty conference (meetings from 08:00 to
03:00, most 1-3 h, many in parallel) with fewer people than meetings, which is where the
solver has real work to do (see ../shared/SOLVER-NOTES.md).
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

ISSUES = [
    ("internet_policy", 5),
    ("cybersecurity", 5),
    ("ott", 5),
    ("privacy", 4),
    ("doa", 4),
    ("openness", 4),
    ("gender", 3),
    ("digital_divide", 3),
    ("community_networks", 3),
    ("counterfeit", 2),
    ("iot", 2),
    ("ai", 2),
]
DELEGATIONS = ["USA", "CAN", "GBR", "DEU", "SWE", "BRA", "MEX", "KEN", "GHA", "IND", "AUS", "CHE"]


def generate(folder: Path, people: int, meetings: int, days: int, seed: int) -> Path:
    """Write a scarce synthetic workspace to `folder`."""
    rng = random.Random(seed)
    first = date(2018, 11, 12)
    last = first + timedelta(days=days - 1)
    folder.mkdir(parents=True, exist_ok=True)
    conference = {
        "name": f"Synthetic crunch ({people} people, {meetings} meetings a day, seed {seed})",
        "timezone": "Asia/Dubai",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "day_start": "08:00",
        "day_end": "03:00",
        "issues": [{"id": i, "name": i.replace("_", " ").title(), "weight": w} for i, w in ISSUES],
        "rules": {
            "changeover_minutes": 15,
            "max_duty_hours": 10,
            "min_rest_hours": 7,
            "late_night_after": "00:00",
            "max_late_nights_in_a_row": 2,
            "default_min_expertise": 1,
        },
    }
    attendees = []
    for n in range(people):
        issues = rng.sample([i for i, _ in ISSUES], rng.randint(2, 4))
        attendees.append(
            {
                "id": f"p{n:02d}",
                "name": f"Person {n:02d}",
                "delegation": rng.choice(DELEGATIONS) if rng.random() < 0.8 else None,
                "expertise": {i: rng.randint(1, 3) for i in issues},
                "leads": [issues[0]] if n < len(ISSUES) else [],
            }
        )
    items = []
    for d in range(days):
        day = first + timedelta(days=d)
        for k in range(meetings):
            start = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=8 * 60 + 15 * rng.randint(0, 4 * 16)
            )
            length = rng.choice([60, 90, 90, 120, 120, 180])
            access = rng.choices(
                ["open", "member_states", "delegations", "closed"], [60, 25, 10, 5]
            )[0]
            item = {
                "id": f"d{d}-m{k:03d}",
                "title": f"Session {k} of day {d}",
                "start": start.strftime("%Y-%m-%d %H:%M"),
                "end": (start + timedelta(minutes=length)).strftime("%Y-%m-%d %H:%M"),
                "issues": rng.sample([i for i, _ in ISSUES], rng.choice([1, 1, 2])),
                "access": access,
                "priority": rng.randint(1, 5),
                "seats": rng.choice([1, 1, 1, 2]),
            }
            if access == "delegations":
                item["delegations"] = rng.sample(DELEGATIONS, 4)
            items.append(item)
    dump = lambda data: yaml.safe_dump(data, sort_keys=False, allow_unicode=True)  # noqa: E731
    (folder / "conference.yaml").write_text(dump(conference))
    (folder / "attendees.yaml").write_text(dump({"attendees": attendees}))
    (folder / "meetings.yaml").write_text(dump({"meetings": items}))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=15)
    parser.add_argument("--meetings", type=int, default=120)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.people, args.meetings, args.days, args.seed))


if __name__ == "__main__":
    main()


# --- The scale suite (issue 10) -------------------------------------------------------------


def conference(
    folder: Path,
    people: int,
    meetings_per_day: int,
    days: int,
    seed: int,
    name: str | None = None,
) -> Path:
    """A whole synthetic conference (or one day of it) with the shapes of a treaty
    conference: meetings of 1 to 4 hours between 08:00 and 03:00, the late sessions growing
    in the later weeks, a mix of open, member-states-only, listed-delegations and closed
    rooms, people with two to four issues at mixed levels, some meetings with two seats."""
    rng = random.Random(seed)
    first = date(2018, 10, 29)
    last = first + timedelta(days=days - 1)
    folder.mkdir(parents=True, exist_ok=True)
    conf = {
        "name": name or f"Synthetic ({people} people, {meetings_per_day} meetings a day)",
        "timezone": "Asia/Dubai",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "day_start": "08:00",
        "day_end": "03:00",
        "issues": [{"id": i, "name": i.replace("_", " ").title(), "weight": w} for i, w in ISSUES],
        "rules": {
            "changeover_minutes": 15,
            "max_duty_hours": 10,
            "min_rest_hours": 7,
            "late_night_after": "00:00",
            "max_late_nights_in_a_row": 2,
            "default_min_expertise": 1,
        },
    }
    attendees = []
    for n in range(people):
        issues = rng.sample([i for i, _ in ISSUES], rng.randint(2, 4))
        person: dict[str, object] = {
            "id": f"p{n:03d}",
            "name": f"Person {n:03d}",
            "delegation": rng.choice(DELEGATIONS) if rng.random() < 0.75 else None,
            "expertise": {i: rng.choices([1, 2, 3], [3, 4, 3])[0] for i in issues},
            "leads": [issues[0]] if n < len(ISSUES) else [],
        }
        if rng.random() < 0.1:
            person["max_duty_hours"] = rng.choice([6, 8])
        attendees.append(person)
    items = []
    for d in range(days):
        day = first + timedelta(days=d)
        # Later in the conference the sessions run later into the night.
        late_share = 0.08 + 0.25 * d / max(1, days - 1)
        for k in range(meetings_per_day):
            if rng.random() < late_share:
                offset = rng.randint(12 * 4, 17 * 4)  # 20:00 to 01:00
            else:
                offset = rng.randint(0, 12 * 4)  # 08:00 to 20:00
            start = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=8 * 60 + 15 * offset
            )
            length = rng.choice([60, 60, 90, 90, 120, 120, 180, 240])
            end = min(
                start + timedelta(minutes=length),
                datetime.combine(day + timedelta(days=1), datetime.min.time()) + timedelta(hours=3),
            )
            access = rng.choices(
                ["open", "member_states", "delegations", "closed"], [60, 25, 10, 5]
            )[0]
            item: dict[str, object] = {
                "id": f"d{d:02d}-m{k:03d}",
                "title": f"Session {k} of day {d}",
                "start": start.strftime("%Y-%m-%d %H:%M"),
                "end": end.strftime("%Y-%m-%d %H:%M"),
                "issues": rng.sample([i for i, _ in ISSUES], rng.choice([1, 1, 2])),
                "access": access,
                "priority": rng.randint(1, 5),
                "seats": rng.choice([1, 1, 1, 2]),
            }
            if access == "delegations":
                item["delegations"] = rng.sample(DELEGATIONS, 4)
            if rng.random() < 0.1:
                item["min_expertise"] = 2
            items.append(item)
    dump = lambda data: yaml.safe_dump(data, sort_keys=False, allow_unicode=True)  # noqa: E731
    (folder / "conference.yaml").write_text(dump(conf))
    (folder / "attendees.yaml").write_text(dump({"attendees": attendees}))
    (folder / "meetings.yaml").write_text(dump({"meetings": items}))
    return folder
