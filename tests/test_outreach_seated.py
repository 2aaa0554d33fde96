"""Every bilateral `rota outreach --add` writes is seated by the next replan: its slot was
judged by the planner's own rules (README, "Coalitions and bilateral outreach")."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st
from workspaces import meeting, person, write_workspace

from coverage import edit, usecases
from coverage.plan import PlanOptions

DAY = date(2018, 11, 5)
OPTIONS = PlanOptions(seed=0, time_limit=10)
STATES = {
    "states": [
        {"code": code, "name": code, "stances": {"privacy": stance, "ai": stance}}
        for code, stance in (("KEN", "support"), ("GHA", "undecided"), ("BRA", "lean_oppose"))
    ],
    "ties": [{"a": "KEN", "b": "GHA", "weight": 0.9}, {"a": "KEN", "b": "BRA", "weight": 0.6}],
}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    hours = draw(st.lists(st.integers(8, 22), min_size=0, max_size=6, unique=True))
    meetings = [
        meeting(f"m{h}", f"{h:02d}:00", f"{h:02d}:{draw(st.sampled_from(['30', '45']))}")
        for h in sorted(hours)
    ]
    people = [
        person(
            "ana",
            delegation="KEN",
            expertise={"privacy": draw(st.integers(1, 3)), "ai": draw(st.integers(1, 3))},
            max_duty_hours=draw(st.sampled_from([1, 2, 4, 10])),
        ),
        person("ben", delegation="KEN", expertise={"privacy": draw(st.integers(1, 3))}),
    ]
    return {
        "meetings": meetings,
        "people": people,
        "rules": {
            "default_min_expertise": draw(st.integers(1, 3)),
            "changeover_minutes": draw(st.sampled_from([0, 15, 30])),
        },
        "now": draw(st.sampled_from([None, "10:00", "15:30", "21:00"])),
        "minutes": draw(st.sampled_from([30, 60, 90])),
    }


@settings(max_examples=25)
@given(cases())
def test_every_bilateral_added_is_seated_by_the_next_replan(case: dict[str, Any]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rota-seated-"))
    try:
        folder = write_workspace(tmp / "ws", case["people"], case["meetings"], case["rules"])
        (folder / "states.yaml").write_text(yaml.safe_dump(STATES))
        now = case["now"] or "08:00"
        usecases.plan_days(usecases.load(folder), [DAY], OPTIONS)
        found = usecases.outreach_report(
            usecases.load(folder), None, None, DAY, case["minutes"], now, None
        )
        event(f"{len(found.bilaterals)} bilateral(s) added")
        if not found.bilaterals:
            return
        lines = edit.add_meetings(folder, found.bilaterals)
        added = [line.split()[2] for line in lines]  # "added meeting <id> (...)"
        outcome = usecases.replan_day(usecases.load(folder), DAY, now, OPTIONS)
        seated = {(a.attendee, a.meeting) for a in outcome.rota.assignments}
        for new, meeting_id in zip(found.bilaterals, added, strict=True):
            (broker,) = new.assigned or ()
            assert (broker, meeting_id) in seated, (meeting_id, lines)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
