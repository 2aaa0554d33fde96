"""The coordinator's advisor (`rota recruit`, `rota critical`, `rota what-if`): every gain
and loss it reports is held to the brute force (`bruteforce.best_scores`, written from the
documented rules) by actually adding or removing the person, and the ranking to the
brute-force gain of every profile, solved or left out by its bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bruteforce import best_scores
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tiny_workspaces
from workspaces import meeting, person, write_workspace

from coverage import advice
from coverage.cli import main
from coverage.domain import Workspace

SETTINGS = settings(max_examples=40)


def brute_coverage(ws: Workspace) -> int:
    return best_scores(ws, ws.conference.days())[0]


@SETTINGS
@given(tiny_workspaces(), st.integers(1, 3))
def test_recruit_gains_and_ranking_are_exact(ws: Workspace, top: int) -> None:
    days = ws.conference.days()
    ranking = advice.recruit(ws, days, [], top, 3, time_limit=20)
    base = brute_coverage(ws)
    assert ranking.baseline.coverage == base and ranking.baseline.coverage_proven
    assert not ranking.partial
    person_id = advice.new_id(ws)
    truth = {
        profile: brute_coverage(advice.with_person(ws, profile.attendee(person_id))) - base
        for profile in advice.candidate_profiles(ws, 3)
    }
    assert ranking.candidates == len(truth)
    for s in ranking.suggestions:  # every profile solved (or settled by a bound of 0)
        assert s.proven and s.gain == truth[s.profile] and s.coverage == base + s.gain
    shown = ranking.top(top)
    assert [s.gain for s in shown] == sorted(truth.values(), reverse=True)[: len(shown)]
    if len(shown) == top:  # nobody left out beats the last one shown
        named = {s.profile for s in shown}
        assert all(gain <= shown[-1].gain for p, gain in truth.items() if p not in named)
    assert len(ranking.suggestions) + ranking.pruned == len(truth)


@SETTINGS
@given(tiny_workspaces())
def test_critical_losses_are_exact(ws: Workspace) -> None:
    days = ws.conference.days()
    found = advice.critical(ws, days, [], time_limit=20)
    base = brute_coverage(ws)
    assert found.baseline.coverage == base
    assert {x.attendee for x in found.losses} == {a.id for a in ws.attendees}
    for loss in found.losses:
        without = brute_coverage(advice.away_all_day(ws, loss.attendee, days))
        assert loss.proven and loss.lost == base - without and loss.coverage == without
    assert [x.lost for x in found.losses] == sorted((x.lost for x in found.losses), reverse=True)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Workspace, advice.Changes]:
    ws = draw(tiny_workspaces())
    ids = [a.id for a in ws.attendees]
    issues = sorted(ws.conference.issue_ids())
    without = tuple(draw(st.lists(st.sampled_from(ids), max_size=1)))
    rules = draw(
        st.sampled_from(
            [{}, {"max_duty_hours": "2"}, {"changeover_minutes": "60"}, {"min_rest_hours": "12"}]
        )
    )
    profiles: tuple[advice.Profile, ...] = ()
    if draw(st.booleans()):
        delegation = draw(st.sampled_from([None, "BRA", "DEU", "KEN"]))
        profiles = (advice.Profile(delegation, ((draw(st.sampled_from(issues)), 3),)),)
    seats = {}
    if draw(st.booleans()):
        seats = {draw(st.sampled_from([m.id for m in ws.meetings])): draw(st.integers(1, 3))}
    return ws, advice.Changes(without, rules, profiles, seats)


@SETTINGS
@given(scenarios())
def test_what_if_before_and_after_are_exact(case: tuple[Workspace, advice.Changes]) -> None:
    ws, changes = case
    days = ws.conference.days()
    found = advice.what_if(ws, days, [], changes, time_limit=20)
    changed = advice.changed_workspace(ws, days, changes)
    assert (found.before.coverage, found.before.depth) == best_scores(ws, days)
    assert (found.after.coverage, found.after.depth) == best_scores(changed, days)
    assert found.before.depth_proven and found.after.depth_proven
    assert set(found.gained) == found.after.covered - found.before.covered


# --- The commands ----------------------------------------------------------------------------

DAY = "2018-11-05"


def small(tmp_path: Path) -> Path:
    """Ana (BRA, privacy) and Ben (no delegation, ai); more meetings than they can take."""
    return write_workspace(
        tmp_path / "ws",
        [
            person("ana", delegation="BRA", expertise={"privacy": 3}),
            person("ben", expertise={"ai": 3}),
        ],
        [
            meeting("a", "09:00", "11:00", issues=["privacy"], priority=3),
            meeting("b", "09:30", "10:30", issues=["ai"], priority=3),
            meeting("c", "10:00", "11:00", issues=["privacy"], priority=5),
            meeting("d", "14:00", "15:00", issues=["ai"], access="member_states", priority=4),
            meeting("e", "14:00", "16:00", issues=["privacy"]),
        ],
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def rota(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_commands_write_nothing_and_speak_json(tmp_path: Path) -> None:
    ws = small(tmp_path)
    rota("plan", str(ws), "--day", DAY, "--quiet")
    before = snapshot(ws)
    found = json.loads(rota("recruit", str(ws), "--day", DAY, "--json", "--top", "2"))
    assert set(found) >= {"baseline", "suggestions", "partial", "candidates", "solved"}
    first = found["suggestions"][0]
    assert set(first) >= {"coverage", "gain", "proven", "meetings", "delegation", "expertise"}
    assert first["gain"] > 0 and first["proven"] is True
    lost = json.loads(rota("critical", str(ws), "--day", DAY, "--json"))
    assert {p["attendee"] for p in lost["people"]} == {"ana", "ben"}
    assert all(set(p) >= {"coverage", "lost", "proven", "meetings"} for p in lost["people"])
    scenario = json.loads(
        rota("what-if", str(ws), "--day", DAY, "--without", "ana", "--seats", "c=2", "--json")
    )
    assert scenario["baseline"]["coverage"] > scenario["scenario"]["coverage"]
    assert scenario["scenario"]["gain"] < 0 and scenario["scenario"]["meetings"]
    text = rota(
        "what-if", str(ws), "--day", DAY, "--add-person", "delegation=KEN,ai=3",
        "--with-rule", "max_duty_hours=12",
    )  # fmt: skip
    assert "coverage" in text and "nothing was written" in text
    assert snapshot(ws) == before  # the workspace and its versions, byte for byte


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["what-if", "--without", "zed"], "--without zed: no attendee"),
        (["what-if", "--with-rule", "max_hours=3"], "no such rule"),
        (["what-if", "--with-rule", "max_duty_hours=99"], "--with-rule"),
        (["what-if", "--with-rule", "max_duty_hours"], "NAME=VALUE"),
        (["what-if", "--seats", "zz=2"], "--seats zz=2: no meeting"),
        (["what-if", "--seats", "a=x"], "not a whole number"),
        (["what-if", "--add-person", "delegation=BRA,nosuch=3"], "not an issue"),
        (["what-if", "--add-person", "privacy"], "not KEY=VALUE"),
        (["what-if", "--add-person", "privacy=7"], "a level is 1, 2 or 3"),
        (["what-if", "--add-person", "delegation=brazil"], "not a code"),
        (["what-if"], "say what changes"),
        (["what-if", "--with-rule", "max_duty_hours=abc"], "max_duty_hours: Input should be"),
        (["what-if", "--with-rule", "late_night_after=25:00"], "late_night_after"),
        (["what-if", "--add-person", "delegation=XXX,privacy=3"], "delegation"),
        (["what-if", "--add-person", ""], "say the person"),
        (["what-if", "--add-person", "privacy=3,privacy=2"], "'privacy' is given twice"),
        (["what-if", "--seats", "c=0", "--seats", "c=2"], "given twice"),
        (["what-if", "--seats", "c=\u0663"], "not a whole number"),
        (["what-if", "--without", "ana", "--without", "ana"], "given twice"),
        (["what-if", "--without", "\x1b[2J\x1b]0;x\x07zed"], "no attendee"),
        (["recruit", "--top", "0"], "--top"),
        (["critical", "--day", "2019-01-01"], "not a conference day"),
    ],
)
def test_bad_input_is_one_located_message(tmp_path: Path, args: list[str], says: str) -> None:
    ws = small(tmp_path)
    day = [] if "--day" in args else ["--day", DAY]
    before = snapshot(ws)
    result = CliRunner().invoke(main, [args[0], str(ws), *day, *args[1:]])
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert snapshot(ws) == before


@pytest.mark.parametrize("command", ["recruit", "critical"])
def test_ctrl_c_prints_what_was_solved_marked_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    ws = small(tmp_path)
    real = advice.optimum
    calls: list[int] = []

    def stopped_at_the_second_solve(*args: object, **kw: object) -> advice.Optimum:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(advice, "optimum", stopped_at_the_second_solve)
    result = CliRunner().invoke(main, [command, str(ws), "--day", DAY])
    assert result.exit_code == 130 and "PARTIAL" in result.stdout, result.output
    calls.clear()
    result = CliRunner().invoke(main, [command, str(ws), "--day", DAY, "--json"])
    assert result.exit_code == 130 and json.loads(result.stdout)["partial"] is True


def test_ctrl_c_before_the_baseline_is_known_gives_no_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = small(tmp_path)

    def stopped(*args: object, **kw: object) -> advice.Optimum:
        raise KeyboardInterrupt

    monkeypatch.setattr(advice, "optimum", stopped)
    result = CliRunner().invoke(main, ["recruit", str(ws), "--day", DAY])
    assert result.exit_code == 130 and "interrupted" in result.output


def test_a_meeting_after_midnight_is_named_as_the_night_of_its_day(tmp_path: Path) -> None:
    """Found by trying it as a new user: `rota critical` listed a 00:30 meeting of the
    night of Monday as 'Mon 05 Nov 00:30', which reads as the morning before Monday's day."""
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana")],
        [meeting("day", "10:00", "11:00"),
         meeting("late", "2018-11-06 00:30", "2018-11-06 01:30", title="Late drafting")],
        day_end="03:00",
    )  # fmt: skip
    text = rota("critical", str(ws), "--day", DAY)
    assert "00:30-01:30, the night of Mon 5 Nov: Late drafting (late)" in text
    assert "Mon 5 Nov 10:00-11:00 Meeting day (day)" in text
