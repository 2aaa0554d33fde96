"""Preferences (soft): `prefers` and `avoids` on an attendee, counted in the `preferences`
tier after expertise (README, "The objective"). Tiny instances with a known optimum, the
order of the tiers (never at the cost of coverage, depth or expertise), the per-person
report, and bad values located."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from workspaces import in_memory, meeting, person, write_workspace

from coverage.cli import main
from coverage.plan import PlanOptions, plan

DAY = "2018-11-05"


def solved(people: list[dict], meetings: list[dict]) -> tuple[set[tuple[str, str]], dict]:
    ws = in_memory(people, meetings)
    rota = plan(ws, ws.conference.days()[:1], options=PlanOptions(time_limit=10)).to_dict()
    scores = {s["tier"]: s for s in rota["scores"]}
    return {(a["attendee"], a["meeting"]) for a in rota["assignments"]}, scores


def test_two_people_two_meetings_each_gets_what_they_prefer() -> None:
    pairs, scores = solved(
        [person("ana", prefers=["ai"]), person("ben", avoids=["ai"])],
        [meeting("a", "09:00", "10:00", issues=["ai"]), meeting("p", "09:00", "10:00")],
    )
    assert pairs == {("ana", "a"), ("ben", "p")}
    assert scores["preferences"]["value"] == 1 and scores["preferences"]["optimal"]
    assert [t for t in scores] == [
        "coverage", "depth", "expertise", "preferences", "fairness", "continuity",
    ]  # fmt: skip


def test_an_avoided_kind_counts_against() -> None:
    pairs, scores = solved(
        [person("ana", avoids=["plenary"]), person("ben")],
        [
            meeting("pl", "09:00", "10:00", kind="plenary", issues=[]),
            meeting("wg", "09:00", "10:00", kind="working_group", issues=[]),
        ],
    )
    assert pairs == {("ana", "wg"), ("ben", "pl")}
    assert scores["preferences"]["value"] == 0  # nothing preferred, nothing avoided taken


def test_preferences_never_cost_coverage_or_expertise() -> None:
    # Ana prefers AI, but only she can cover the privacy meeting at the same time.
    pairs, scores = solved(
        [person("ana", prefers=["ai"], expertise={"privacy": 3, "ai": 1}),
         person("ben", expertise={"ai": 1})],
        [meeting("a", "09:00", "10:00", issues=["ai"]),
         meeting("p", "09:00", "10:00", issues=["privacy"], min_expertise=3)],
    )  # fmt: skip
    assert pairs == {("ana", "p"), ("ben", "a")}
    assert scores["preferences"]["value"] == 0 and scores["preferences"]["optimal"]


def test_no_preferences_no_tier() -> None:
    _, scores = solved([person("ana")], [meeting("a", "09:00", "10:00")])
    assert "preferences" not in scores


def test_the_rota_says_how_many_preferences_were_met(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", prefers=["ai"]), person("ben", avoids=["ai"])],
        [meeting("a", "09:00", "10:00", issues=["ai"]), meeting("p", "09:00", "10:00")],
    )
    result = CliRunner().invoke(main, ["plan", str(ws), "--day", DAY])
    assert result.exit_code == 0, result.output
    assert "Preferences of Ana: 1 meeting on issues they prefer, 0 they would rather avoid" in (
        result.output
    )
    folder = Path(result.stdout.strip().splitlines()[-1]).parent
    markdown = (folder / "rota.md").read_text()
    assert "**Ana**: 09:00-10:00 Meeting a (1 meeting on issues they prefer" in markdown
    people = {p["id"]: p for p in json.loads((folder / "rota.json").read_text())["attendees"]}
    assert people["ana"]["prefers"] == ["ai"] and people["ben"]["avoids"] == ["ai"]


def test_unknown_preferences_are_located(tmp_path: Path) -> None:
    for fields, field in (({"prefers": ["nope"]}, "prefers"), ({"avoids": ["lunch"]}, "avoids")):
        ws = write_workspace(tmp_path / field, [person("ana", **fields)], [])
        result = CliRunner().invoke(main, ["check", str(ws)])
        assert result.exit_code == 2 and f"field '{field}'" in result.output, result.output
