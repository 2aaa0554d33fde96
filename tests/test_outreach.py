"""Coalitions and bilateral outreach: tiny graphs where the right suggestion is obvious by
hand, the seat hint, located errors in states.yaml, free slots that keep the rules, and
exports that load back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner
from workspaces import person, write_workspace

from coverage.cli import main
from coverage.domain import Coalitions, Workspace
from coverage.io import load_workspace
from coverage.outreach import issue_graph, outreach
from coverage.published import PublishedRota, dump_rota

DAY = "2018-11-05"


def state(code: str, region: str = "other", **stances: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"State {code}",
        "region": region,
        "delegation_size": 10,
        "open_to_civil_society": True,
        "stances": stances,
    }


def setup(
    tmp_path: Path,
    states: list[dict[str, Any]] | None = None,
    ties: list[dict[str, Any]] | None = None,
    attendees: list[dict[str, Any]] | None = None,
    **top: Any,
) -> Path:
    """A workspace `ws`: KEN supports privacy and is tied strongly to GHA (undecided) and
    to EGY (opposed); ana sits on KEN's delegation and knows privacy at level 3."""
    folder = write_workspace(
        tmp_path / "ws",
        attendees
        if attendees is not None
        else [person("ana", delegation="KEN", expertise={"privacy": 3})],
        [],
    )
    data = {
        **top,
        "states": states
        if states is not None
        else [
            state("KEN", privacy="support"),
            state("GHA", privacy="undecided"),
            state("EGY", privacy="oppose"),
        ],
        "ties": ties
        if ties is not None
        else [
            {"a": "KEN", "b": "GHA", "weight": 0.9, "kind": "co_sponsor"},
            {"a": "KEN", "b": "EGY", "weight": 0.9, "kind": "bilateral"},
        ],
    }
    (folder / "states.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_obvious_suggestion_and_never_an_opponent(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    ws = load_workspace(folder)
    report = outreach(ws, states_of(ws))
    assert [(s.issue, s.messenger, s.swing) for s in report.suggestions] == [
        ("privacy", "KEN", "GHA")
    ]
    best = report.suggestions[0]
    assert best.broker is not None and best.broker.attendee == "ana"
    assert best.factors == {
        "tie_weight": 0.9,
        "messenger_influence": 1.0,
        "swingness": 1.0,
        "issue_weight": 3.0,
        "broker_expertise": 1.0,
        "broker_access": 1.0,
    }
    assert best.score == pytest.approx(2.7)
    assert "GHA" in best.rationale and "Ana" in best.rationale
    assert report.without_broker == []


def test_a_contact_brokers_at_a_discount_and_lean_is_less_swing(tmp_path: Path) -> None:
    folder = setup(
        tmp_path,
        states=[state("KEN", privacy="support"), state("GHA", privacy="lean_oppose")],
        ties=[{"a": "KEN", "b": "GHA", "weight": 0.5, "kind": "bilateral"}],
        attendees=[person("bo", contacts="KEN; GHA", expertise={"privacy": 2})],
    )
    ws = load_workspace(folder)
    (only,) = outreach(ws, states_of(ws)).suggestions
    assert only.broker is not None and only.broker.access == "contact"
    assert only.score == pytest.approx(0.5 * 1.0 * 0.6 * 3 * (2 / 3) * 0.8)


def test_no_broker_gives_the_seat_hint(tmp_path: Path) -> None:
    folder = setup(tmp_path, attendees=[person("cy", expertise={"privacy": 3})])
    result = run("outreach", folder, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out/outreach/v001-all/suggestions.json").read_text())
    assert data["suggestions"] == []
    (hint,) = data["without_broker"]
    assert (hint["messenger"], hint["swing_state"], hint["broker"]) == ("KEN", "GHA", None)
    assert "a seat on the delegation of KEN" in hint["seat_hint"]
    assert "Cy" in hint["seat_hint"]
    assert hint["potential_score"] == pytest.approx(2.7)


def test_regional_default_ties_and_blocs(tmp_path: Path) -> None:
    folder = setup(
        tmp_path,
        states=[
            state("KEN", "ATU", privacy="support"),
            state("GHA", "ATU", privacy="support"),
            state("FRA", "CEPT", privacy="oppose"),
            state("DEU", "CEPT", privacy="oppose"),
            state("NLD", "CEPT", privacy="undecided"),
        ],
        ties=[{"a": "GHA", "b": "NLD", "weight": 0.2, "kind": "bilateral"}],
        regional_tie_weight=0.7,
    )
    ws = load_workspace(folder)
    coalitions = states_of(ws)
    assert coalitions.ties[frozenset(("KEN", "GHA"))].kind == "regional"
    graph = issue_graph(coalitions, "privacy")
    assert ["GHA", "KEN"] in graph.blocs
    assert "NLD" in graph.swing and "GHA" in graph.bridges


@pytest.mark.parametrize(
    ("change", "record", "field"),
    [
        (lambda d: d["states"][0].update(code="XXZ"), "state 'XXZ'", "code"),
        (lambda d: d["ties"][0].update(weight=1.5), "tie at line", "weight"),
        (lambda d: d["ties"][0].update(b="FRA"), "tie at line", "b"),
        (lambda d: d["states"][1]["stances"].update(privacy="maybe"), "state 'GHA'", "stances"),
        (lambda d: d["states"][1]["stances"].update(spam="support"), "state 'GHA'", "stances"),
    ],
)
def test_states_errors_are_located(tmp_path: Path, change: Any, record: str, field: str) -> None:
    folder = setup(tmp_path)
    data = yaml.safe_load((folder / "states.yaml").read_text())
    change(data)
    (folder / "states.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("outreach", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "states.yaml" in result.output and record in result.output
    assert f"field '{field}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_contact_is_an_error(tmp_path: Path) -> None:
    folder = setup(tmp_path, attendees=[person("bo", contacts=["FRA"])])
    result = run("outreach", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "attendee 'bo'" in result.output and "field 'contacts'" in result.output


def published_rota(day: str, items: list[dict[str, Any]]) -> str:
    """A valid published rota of `day` holding these assignments (and their meetings)."""
    meetings = [
        {
            "id": item["meeting"],
            "title": item["meeting"],
            "day": item["day"],
            "start": item["start"],
            "end": item["end"],
            "status": "covered",
            "attendees": [item["attendee"]],
        }
        for item in items
    ]
    rota = PublishedRota.model_validate(
        {
            "workspace": "ws",
            "conference": "Test",
            "timezone": "Asia/Dubai",
            "days": [day],
            "solver": {"status": "OPTIMAL"},
            "attendees": [{"id": "ana", "name": "Ana"}],
            "assignments": items,
            "meetings": meetings,
            "run": {"version": 1, "reason": "plan", "created_at": f"{day}T06:00:00+00:00"},
        }
    )
    return dump_rota(rota)


def publish(out: Path, assignments: list[tuple[str, str]]) -> None:
    folder = out / f"v001-{DAY}"
    folder.mkdir(parents=True)
    items = [
        {
            "meeting": f"m{n}",
            "attendee": "ana",
            "day": DAY,
            "start": f"{DAY}T{start}:00+04:00",
            "end": f"{DAY}T{end}:00+04:00",
        }
        for n, (start, end) in enumerate(assignments)
    ]
    (folder / "rota.json").write_text(published_rota(DAY, items))


def test_the_slot_keeps_the_changeover(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    publish(tmp_path / "out", [("09:00", "12:00")])
    result = run("outreach", folder, "--day", DAY, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out/outreach/v001-all/suggestions.json").read_text())
    assert data["rota_version"] == 1
    assert data["suggestions"][0]["slot"] == {"start": f"{DAY} 12:15", "end": f"{DAY} 12:45"}


def test_no_slot_when_the_duty_hours_are_full(tmp_path: Path) -> None:
    folder = setup(
        tmp_path,
        attendees=[person("ana", delegation="KEN", expertise={"privacy": 3}, max_duty_hours=3)],
    )
    publish(tmp_path / "out", [("09:00", "12:00")])
    result = run("outreach", folder, "--day", DAY, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (item,) = json.loads((tmp_path / "out/outreach/v001-all/suggestions.json").read_text())[
        "suggestions"
    ]
    assert item["slot"] is None and "no free 30-minute slot" in item["slot_note"]


def test_the_slot_respects_unavailability(tmp_path: Path) -> None:
    unavailable = [{"start": f"{DAY} 08:00", "end": f"{DAY} 15:05"}]
    folder = setup(
        tmp_path,
        attendees=[
            person("ana", delegation="KEN", expertise={"privacy": 3}, unavailable=unavailable)
        ],
    )
    result = run("outreach", folder, "--day", DAY, "--minutes", "60", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    (item,) = json.loads((tmp_path / "o/outreach/v001-all/suggestions.json").read_text())[
        "suggestions"
    ]
    assert item["slot"] == {"start": f"{DAY} 15:15", "end": f"{DAY} 16:15"}


def test_add_writes_a_bilateral_assigned_to_the_broker(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    publish(tmp_path / "out", [("09:00", "12:00")])
    result = run("outreach", folder, "--day", DAY, "--add", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (record,) = yaml.safe_load((folder / "meetings.yaml").read_text())["meetings"]
    assert record["kind"] == "bilateral"
    assert record["assigned"] == ["ana"]
    assert record["issues"] == ["privacy"]
    assert (record["start"], record["end"]) == (f"{DAY} 12:15", f"{DAY} 12:45")
    assert run("check", folder).exit_code == 0
    # Again before the day is replanned: the bilateral is there already, not added twice.
    again = run("outreach", folder, "--day", DAY, "--add", "--out", tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert "already in the workspace: Bilateral" in again.output
    assert len(yaml.safe_load((folder / "meetings.yaml").read_text())["meetings"]) == 1


def test_add_on_a_spreadsheet_workspace_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    # Meetings kept in meetings.csv cannot be edited by rota: --add says so, and writes
    # neither the bilaterals nor the outreach folder (it used to write the exports first).
    folder = setup(tmp_path)
    (folder / "meetings.yaml").unlink()
    (folder / "meetings.csv").write_text("id,title,start,end\n")
    publish(tmp_path / "out", [("09:00", "12:00")])
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run("outreach", folder, "--day", DAY, "--add", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "meetings.csv" in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_exports_load_back(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    result = run("outreach", folder, "--issue", "privacy", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out/outreach/v001-privacy"
    assert result.output.strip().splitlines()[-1] == str(out)
    for graph in (
        nx.read_graphml(out / "coalitions-privacy.graphml"),
        nx.read_gexf(out / "coalitions-privacy.gexf"),
    ):
        assert set(graph.nodes) == {"KEN", "GHA", "EGY"}
        assert graph.nodes["GHA"]["stance"] == "undecided"
        assert float(graph.edges["KEN", "GHA"]["weight"]) == pytest.approx(0.9)
    assert (out / "coalitions-privacy.png").read_bytes()[:4] == b"\x89PNG"
    assert not (out / "coalitions-ai.png").exists()


def test_the_slot_keeps_the_rest_after_the_published_night_before(tmp_path: Path) -> None:
    # Ana's published meeting of the 5th runs until 04:00 on the 6th; with 7 h of rest,
    # the first daytime slot on the 6th is 11:00, not 09:00.
    folder = setup(tmp_path)
    version = tmp_path / "out" / "v001-2018-11-05"
    version.mkdir(parents=True)
    late = {
        "meeting": "night",
        "attendee": "ana",
        "day": "2018-11-05",
        "start": "2018-11-06T01:00:00+04:00",
        "end": "2018-11-06T04:00:00+04:00",
    }
    (version / "rota.json").write_text(published_rota("2018-11-05", [late]))
    result = run("outreach", folder, "--day", "2018-11-06", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (item,) = json.loads((tmp_path / "out/outreach/v001-all/suggestions.json").read_text())[
        "suggestions"
    ]
    assert item["slot"] == {"start": "2018-11-06 11:00", "end": "2018-11-06 11:30"}


def test_a_second_run_never_overwrites_the_first(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    first = run("outreach", folder, "--out", tmp_path / "out")
    second = run("outreach", folder, "--out", tmp_path / "out")
    assert first.exit_code == second.exit_code == 0
    paths = [Path(r.output.strip().splitlines()[-1]) for r in (first, second)]
    assert [p.name for p in paths] == ["v001-all", "v002-all"]
    assert all((p / "suggestions.json").is_file() for p in paths)


def test_support_offers_are_small_open_like_minded_states(tmp_path: Path) -> None:
    small = {"delegation_size": 4}
    folder = setup(
        tmp_path,
        states=[
            {**state("FJI", privacy="support", ai="lean_support"), **small},
            {**state("TON", privacy="support"), **small, "open_to_civil_society": False},
            {**state("NRU", privacy="oppose", ai="undecided"), **small},
            state("KEN", privacy="support"),  # ten delegates: not small
        ],
        ties=[],
        attendees=[
            person("ana", expertise={"privacy": 3, "ai": 1}),
            person("bo", expertise={"privacy": 2, "ai": 2}),
        ],
    )
    ws = load_workspace(folder)
    coalitions = states_of(ws)
    (offer,) = outreach(ws, coalitions).offers
    assert offer["state"] == "FJI"
    assert [(i["issue"], i["experts"]) for i in offer["issues"]] == [
        ("privacy", ["ana", "bo"]),
        ("ai", ["bo"]),
    ]
    (only_ai,) = outreach(ws, coalitions, issue="ai").offers
    assert [i["issue"] for i in only_ai["issues"]] == ["ai"]


def states_of(ws: Workspace) -> Coalitions:
    assert ws.coalitions is not None
    return ws.coalitions


def test_no_slot_for_a_broker_the_bilateral_would_not_admit(tmp_path: Path) -> None:
    """The slot is judged as the bilateral `--add` writes will be: on the issue, so a
    broker who knows it less well than the conference's `default_min_expertise` gets no
    slot (before, one was proposed that the next replan could not seat)."""
    folder = setup(tmp_path, attendees=[person("ana", delegation="KEN", expertise={"privacy": 1})])
    conference = yaml.safe_load((folder / "conference.yaml").read_text())
    conference["rules"]["default_min_expertise"] = 2
    (folder / "conference.yaml").write_text(yaml.safe_dump(conference, sort_keys=False))
    result = run("outreach", folder, "--day", DAY, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    (item,) = json.loads((tmp_path / "o/outreach/v001-all/suggestions.json").read_text())[
        "suggestions"
    ]
    assert item["slot"] is None and "expertise" in item["slot_note"]
