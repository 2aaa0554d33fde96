"""`rota update`: one last-minute change from edit to the affected people's calendars, and
a consistent state (with the command that finishes) when a step after the edit fails."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from checker import check_rota
from click.testing import CliRunner, Result
from test_caldav import USER, Requests, Server, radicale, server_state  # noqa: F401  (the fixture)
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.io import load_workspace

DAY = "2018-11-05"


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def workspace(tmp_path: Path) -> Path:
    folder = write_workspace(
        tmp_path / "ws",
        [person("ana", delegation="BRA"), person("ben")],
        [
            meeting("morning", "09:00", "10:00", priority=2),
            meeting("noon", "12:00", "13:00"),
            meeting("evening", "18:00", "19:00"),
        ],
    )
    done = run("plan", folder, "--day", DAY, "--quiet")
    assert done.exit_code == 0, done.output
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def versions(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "schedules").iterdir() if p.name.startswith("v"))


def test_update_adds_replans_and_says_whom_to_tell(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    done = run(
        "update", folder, "--add", "--title", "Informal on Res. 130", "--start",
        f"{DAY} 16:00", "--end", f"{DAY} 17:00", "--access", "member_states", "--priority", "5",
        "--now", "14:00",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "added meeting 2018-11-05-informal-on-res-130 (16:00-17:00)"
    assert any(line.startswith("replanned 2018-11-05 from version 1 at") for line in lines)
    assert "== To Ana ==" in done.stdout  # only Ana sits on a delegation
    assert "== To the group chat ==" in done.stdout
    path = Path(lines[-1])  # the new version's path last
    assert path.parent.name.startswith("v002-2018-11-05")
    rota = json.loads(path.read_text())
    assert {"attendee": "ana", "meeting": "2018-11-05-informal-on-res-130"}.items() <= next(
        a for a in rota["assignments"] if a["meeting"] == "2018-11-05-informal-on-res-130"
    ).items()
    assert check_rota(load_workspace(folder), rota) == []
    assert "took " in done.stderr and "edit " in done.stderr and "replan " in done.stderr


def test_an_invalid_change_writes_nothing(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    before, published = files(folder), versions(folder)
    done = run(
        "update", folder, "--add", "--title", "Backwards", "--start", f"{DAY} 17:00", "--end",
        f"{DAY} 16:00", "--now", "08:00",
    )  # fmt: skip
    assert done.exit_code == 2 and "meetings.yaml" in done.stderr, done.output
    assert files(folder) == before and versions(folder) == published
    assert run("update", folder, "--cancel", "nope").exit_code == 2
    assert run("update", folder, "--cancel", "noon", "--move", "morning").exit_code == 2
    assert files(folder) == before and versions(folder) == published


def test_a_day_never_published_keeps_the_edit_and_says_how_to_plan_it(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    done = run(
        "update", folder, "--add", "--title", "Tomorrow", "--start", "2018-11-06 10:00", "--end",
        "2018-11-06 11:00", "--now", "08:00",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "2018-11-06 has no published rota yet" in done.stderr
    assert "rota plan" in done.stderr
    assert load_workspace(folder).meeting("2018-11-06-tomorrow")
    assert versions(folder) == ["v001-2018-11-05"]


def test_a_server_down_keeps_the_edit_and_the_version_and_says_how_to_finish(
    tmp_path: Path,
) -> None:
    folder = workspace(tmp_path)
    secret = tmp_path / "password"
    secret.write_text("not used\n")
    done = run(
        "update", folder, "--cancel", "evening", "--now", "08:00", "--caldav",
        "http://127.0.0.1:1/", "--user", USER, "--password-file", secret,
    )  # fmt: skip
    assert done.exit_code == 1, done.output
    assert load_workspace(folder).meeting("evening").status == "cancelled"
    assert versions(folder) == ["v001-2018-11-05", "v002-2018-11-05"]
    assert "not finished: the edit and the new version(s) are kept" in done.stderr
    assert f"rota publish {folder} --day 2018-11-05 --caldav http://127.0.0.1:1/" in done.stderr
    assert "not used" not in done.output  # never the password


def test_update_sends_only_the_changed_calendars(
    tmp_path: Path,
    radicale: Server,  # noqa: F811  (a Radicale server on 127.0.0.1, from test_caldav)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = workspace(tmp_path)
    published = run(
        "publish", folder, "--caldav", radicale.url, "--user", USER, "--password-file",
        radicale.password_file,
    )  # fmt: skip
    assert published.exit_code == 0, published.output
    before = server_state(radicale)
    first = json.loads((folder / "schedules" / "v001-2018-11-05" / "rota.json").read_text())
    (who,) = {a["attendee"] for a in first["assignments"] if a["meeting"] == "evening"}
    other = ({"ana", "ben"} - {who}).pop()
    sent = Requests(monkeypatch)
    done = run(
        "update", folder, "--cancel", "evening", "--now", "08:00", "--caldav", radicale.url,
        "--user", USER, "--password-file", radicale.password_file,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "published 1 calendar(s)" in done.stdout
    assert "0 created, 1 updated" in done.stdout  # the one event that changed, in place
    assert sent.about(who).count("PUT") == 1 and sent.about(other) == []
    after = server_state(radicale)
    assert after[f"rota-{other}"] == before[f"rota-{other}"]  # not touched: same ETags
    cancelled = [o for o in after[f"rota-{who}"] if o.status == "CANCELLED"]
    assert len(cancelled) == 1 and "evening" in cancelled[0].uid
    again = run(
        "publish", folder, "--caldav", radicale.url, "--user", USER, "--password-file",
        radicale.password_file,
    )  # fmt: skip
    assert "0 created, 0 updated" in again.stdout  # update left the server up to date
    assert again.stdout.count("nothing asked") == 2  # ... and knew what it left there


def test_ctrl_c_during_the_replan_sends_nothing_and_says_what_is_kept(tmp_path: Path) -> None:
    import os
    import signal

    from coverage import edit, usecases
    from coverage.plan import PlanOptions
    from coverage.solver import Progress

    folder = workspace(tmp_path)
    pressed: list[Progress] = []

    def ctrl_c(news: Progress) -> None:
        if not pressed and news.value is not None:
            pressed.append(news)
            os.kill(os.getpid(), signal.SIGINT)

    server = usecases.CalDavTarget("http://127.0.0.1:1/", USER, "secret", "--password-file F")
    done = usecases.update(
        folder,
        edit.CancelChange("evening"),
        "08:00",
        PlanOptions(time_limit=10, on_progress=ctrl_c),
        server,
    )
    assert pressed and done.outcomes and done.outcomes[0].result.interrupted
    assert done.published is None  # nothing sent to the (unreachable) server
    assert done.pending is not None and done.pending.startswith("interrupted: the edit is kept")
    assert "rota replan" in done.pending and "rota publish" in done.pending
    assert load_workspace(folder).meeting("evening").status == "cancelled"


def test_a_publish_target_saved_in_the_workspace(
    tmp_path: Path,
    radicale: Server,  # noqa: F811  (a Radicale server on 127.0.0.1, from test_caldav)
) -> None:
    import yaml

    folder = workspace(tmp_path)
    conference = yaml.safe_load((folder / "conference.yaml").read_text())
    conference["publish"] = {
        "caldav": radicale.url,
        "user": USER,
        "password_file": str(radicale.password_file),
    }
    (folder / "conference.yaml").write_text(yaml.safe_dump(conference, sort_keys=False))
    done = run("update", folder, "--cancel", "evening", "--now", "08:00")
    assert done.exit_code == 0, done.output
    assert "published 1 calendar(s)" in done.stdout
    again = run("publish", folder)  # the same target, no option needed
    assert again.exit_code == 0 and "0 created, 0 updated" in again.stdout, again.output


def test_a_password_file_in_the_setting_is_read_from_the_workspace_folder(
    tmp_path: Path,
    radicale: Server,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by trying it as a new user: `password_file: ../caldav-password` was read from
    wherever the command ran, and the error named an option no one had typed."""
    import yaml

    folder = workspace(tmp_path)
    (tmp_path / "caldav-password").write_text(radicale.password_file.read_text())
    conference = yaml.safe_load((folder / "conference.yaml").read_text())
    conference["publish"] = {
        "caldav": radicale.url,
        "user": USER,
        "password_file": "../caldav-password",
    }
    (folder / "conference.yaml").write_text(yaml.safe_dump(conference, sort_keys=False))
    elsewhere = tmp_path / "somewhere" / "else"  # where ../caldav-password is not
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    done = run("update", folder, "--cancel", "evening", "--now", "08:00")
    assert done.exit_code == 0, done.output
    assert "published 1 calendar(s)" in done.stdout
    (tmp_path / "caldav-password").unlink()
    missing = run("publish", folder)
    assert missing.exit_code == 2, missing.output
    assert "conference.yaml: publish: field 'password_file' (../caldav-password)" in missing.stderr
    assert "--password-file" not in missing.stderr


def test_a_password_file_that_never_ends_is_refused_at_once(tmp_path: Path) -> None:
    """Found by trying it as an attacker: `--password-file /dev/zero` read forever."""
    import subprocess
    import sys

    folder = workspace(tmp_path)
    rota = Path(sys.executable).with_name("rota")
    done = subprocess.run(
        [str(rota), "publish", str(folder), "--caldav", "http://127.0.0.1:1/", "--user", USER,
         "--password-file", "/dev/zero"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--password-file /dev/zero: the first line is over 4,096 characters" in done.stderr
    (tmp_path / "control").write_text("pass\x1b[2Jword\n")
    controlled = run("publish", folder, "--caldav", "http://127.0.0.1:1/", "--user", USER,
                     "--password-file", tmp_path / "control")  # fmt: skip
    assert controlled.exit_code == 2 and "holds a control character" in controlled.stderr
    assert "\x1b" not in controlled.output


def test_a_password_never_sits_in_the_workspace(tmp_path: Path) -> None:
    import yaml

    folder = workspace(tmp_path)
    conference = yaml.safe_load((folder / "conference.yaml").read_text())
    conference["publish"] = {"caldav": "https://coord:hunter2@cal.example.org/", "user": USER}
    (folder / "conference.yaml").write_text(yaml.safe_dump(conference, sort_keys=False))
    done = run("check", folder)
    assert done.exit_code == 2 and "publish.caldav" in done.stderr and "hunter2" not in done.output
    conference["publish"] = {"caldav": "https://cal.example.org/", "user": USER}
    (folder / "conference.yaml").write_text(yaml.safe_dump(conference, sort_keys=False))
    (folder / "password").write_text("hunter2\n")
    done = run("publish", folder, "--password-file", folder / "password")
    assert done.exit_code == 2 and "inside the workspace" in done.stderr
    assert "hunter2" not in done.output


def test_what_can_be_checked_first_is_checked_before_anything_is_written(tmp_path: Path) -> None:
    """Found by trying it as an attacker: a --caldav URL with a password, a URL that is not
    http(s), a port that is no number and a --now that is no time were found out only after
    the edit and the replan, and the finishing command printed the password."""
    folder = workspace(tmp_path)
    before, published = files(folder), versions(folder)
    secret = tmp_path / "password"
    secret.write_text("pw\n")
    for url in ("http://coord:S3cretPW@127.0.0.1:1/", "file:///etc/passwd",
                "https://cal.example.org:99999/", "javascript:alert(1)"):  # fmt: skip
        done = run("update", folder, "--cancel", "evening", "--now", "08:00", "--caldav", url,
                   "--user", USER, "--password-file", secret)  # fmt: skip
        assert done.exit_code == 2, (url, done.output)
        assert "S3cretPW" not in done.output
    done = run("update", folder, "--cancel", "evening", "--now", "garbage")
    assert done.exit_code == 2 and "--now" in done.stderr, done.output
    for stray in (["--cancel", "evening", "--title", "X"], ["--cancel", "evening", "--from", "x"],
                  ["--cancel", "evening", "--user", "bob"]):  # fmt: skip
        done = run("update", folder, *stray)
        assert done.exit_code == 2 and "error:" in done.stderr, (stray, done.output)
    assert files(folder) == before and versions(folder) == published


def test_nothing_changed_means_no_new_version(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    assert run("update", folder, "--cancel", "evening", "--now", "08:00").exit_code == 0
    published = versions(folder)
    again = run("update", folder, "--cancel", "evening", "--now", "08:00")
    assert again.exit_code == 0 and "already cancelled" in again.stdout
    assert versions(folder) == published


def test_a_reader_gone_away_does_not_hide_what_was_written(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = workspace(tmp_path)
    rota = Path(sys.executable).with_name("rota")
    process = subprocess.Popen(
        [str(rota), "update", str(folder), "--cancel", "evening", "--now", "08:00"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -0`: the first line written finds nobody
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1, stderr
    assert "nothing written" not in stderr and "what was written is kept" in stderr
    assert versions(folder) == ["v001-2018-11-05", "v002-2018-11-05"]


def test_a_meeting_moved_to_another_day_says_so_and_both_days_share_one_now(
    tmp_path: Path,
) -> None:
    """Found in review: the day it left told its person the meeting 'moved to 20:00-21:00
    and already started' (no date, and it had not started), and `--now 14:00` was read
    on each day replanned instead of once."""
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    first = json.loads((folder / "schedules" / "v001-2018-11-05" / "rota.json").read_text())
    (who,) = {a["attendee"] for a in first["assignments"] if a["meeting"] == "evening"}
    done = run(
        "update", folder, "--move", "evening", "--start", "2018-11-06 18:00", "--end",
        "2018-11-06 19:00", "--now", "2018-11-05 08:00",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "the meeting moved to Tue 6 Nov 18:00-19:00" in done.stdout
    assert "already started" not in done.stdout
    # `HH:MM` is read once, on the day of the change (where the meeting now is).
    again = run(
        "update", folder, "--move", "evening", "--start", "2018-11-05 18:00", "--end",
        "2018-11-05 19:00", "--now", "08:30",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert again.stdout.count("at 2018-11-05 08:30") == 2, again.stdout
    nows = set()
    for folder_name in [v for v in versions(folder) if v.startswith("v003")]:
        data = json.loads((folder / "schedules" / folder_name / "rota.json").read_text())
        nows.add(data["replan"]["now"])
    assert len(nows) == 1 and who


def test_a_pin_from_the_chat_to_the_calendars(tmp_path: Path) -> None:
    """`--pin MEETING --who ATTENDEE`: pinned, the day replanned with them on it, and who
    must be told is told; a pin the rules refuse writes nothing."""
    folder = workspace(tmp_path)
    first = json.loads((folder / "schedules" / "v001-2018-11-05" / "rota.json").read_text())
    on_noon = {a["attendee"] for a in first["assignments"] if a["meeting"] == "noon"}
    other = ({"ana", "ben"} - on_noon).pop()
    done = run("update", folder, "--pin", "noon", "--who", other, "--now", "08:00")
    assert done.exit_code == 0, done.output
    assert f"pinned {other} to meeting noon" in done.stdout
    version = json.loads(Path(done.stdout.strip().splitlines()[-1]).read_text())
    assert other in {a["attendee"] for a in version["assignments"] if a["meeting"] == "noon"}
    assert check_rota(load_workspace(folder), version) == []
    again = run("update", folder, "--pin", "noon", "--who", other, "--now", "08:00")
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert run("update", folder, "--pin", "noon").exit_code == 2  # --who missing
    unpinned = run("update", folder, "--unpin", "noon", "--who", other, "--now", "08:00")
    assert unpinned.exit_code == 0 and f"unpinned {other} from meeting noon" in unpinned.stdout
    # Ben has no delegation seat: a member-states meeting cannot hold him. Refused, with the
    # rule named, before anything is written.
    text = (
        (folder / "meetings.yaml")
        .read_text()
        .replace("id: evening", "id: evening\n  access: member_states", 1)
    )
    (folder / "meetings.yaml").write_text(text)
    before = files(folder), versions(folder)
    refused = run("update", folder, "--pin", "evening", "--who", "ben", "--now", "08:00")
    assert refused.exit_code == 2 and "(access)" in refused.output, refused.output
    assert (files(folder), versions(folder)) == before


def test_a_meeting_moved_off_a_day_that_is_over_is_still_told(tmp_path: Path) -> None:
    # At 23:00 on the 5th the evening meeting moves to the 6th: the 5th is over, yet both
    # days are replanned as before (`rota replan --now` refuses a moment after the day,
    # where nothing can change; after an edit `update` does not).
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    done = run(
        "update", folder, "--move", "evening", "--start", "2018-11-06 18:00", "--end",
        "2018-11-06 19:00", "--now", "2018-11-05 23:00",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "not replanned" not in done.output
    assert "v002-2018-11-05" in versions(folder) and "v002-2018-11-06" in versions(folder)
    assert "ADDED: Meeting evening, 18:00-19:00" in done.stdout


def test_tonight_s_meeting_moved_to_tomorrow_tells_tonight_s_person(tmp_path: Path) -> None:
    # At 17:00 on the 5th the evening meeting moves to the 6th. `--now 17:00` was read on
    # the day the meeting moved to (the 6th at 17:00): the 5th was then over and kept as
    # published, its person still on the meeting and never told.
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    done = run(
        "update", folder, "--move", "evening", "--start", "2018-11-06 18:00", "--end",
        "2018-11-06 19:00", "--now", "17:00",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout.count("at 2018-11-05 17:00") == 2, done.stdout
    fifth = json.loads(next((folder / "schedules").glob("v002-2018-11-05/rota.json")).read_text())
    assert "evening" not in {a["meeting"] for a in fifth["assignments"]}
    assert "the meeting moved to Tue 6 Nov 18:00-19:00" in done.stdout  # told, on the 5th
    # The 6th's messages say on which day its replan's moment was (not a bare "17:00").
    assert "replanned at Mon 5 Nov 17:00 conference time" in done.stdout


def test_an_absence_over_a_pin_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # Found by a new user: the absence was written, then the replan failed (exit 1) on
    # the pin it broke, with a command to finish that dropped --now and could not succeed.
    folder = workspace(tmp_path)
    assert (
        run("update", folder, "--pin", "evening", "--who", "ana", "--now", "08:00").exit_code == 0
    )
    before = files(folder), versions(folder)
    done = run(
        "update", folder, "--unavailable", "ana", "--from", f"{DAY} 17:00", "--to",
        f"{DAY} 23:00", "--now", "08:00",
    )  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "meeting 'evening'" in done.stderr and "field 'pinned'" in done.stderr
    assert "--unpin evening --who ana" in done.stderr
    assert (files(folder), versions(folder)) == before


def test_someone_marked_away_during_a_meeting_that_started_is_named_to_the_group(
    tmp_path: Path,
) -> None:
    """Found by trying it as a new user: Ana, on a meeting that had started, marked away
    from 11:00 was kept on it (a started meeting stays as published) and nothing said that
    from 11:00 no one was there."""
    folder = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana"), person("ben", name="Ben")],
        [meeting("long", "10:00", "12:00", title="Long talks"), meeting("b", "13:00", "14:00")],
    )
    assert run("plan", folder, "--day", DAY, "--quiet").exit_code == 0
    rota = json.loads(next((folder / "schedules").glob("v001-*/rota.json")).read_text())
    on_long = next(a["attendee"] for a in rota["assignments"] if a["meeting"] == "long")
    name = {"ana": "Ana", "ben": "Ben"}[on_long]
    done = run("update", folder, "--unavailable", on_long, "--from", f"{DAY} 11:00", "--to",
               f"{DAY} 18:00", "--now", "10:30")  # fmt: skip
    assert done.exit_code == 0, done.output
    line = (
        f"! {name} leaves Long talks 10:00-12:00 at 11:00 (away 11:00-18:00): "
        "no one else is on it then"
    )
    assert line in done.stdout
    messages = next((folder / "schedules").glob("v002-*/messages.txt")).read_text()
    assert line in messages
    # Once the meeting is over there is nothing to do about it: not said again.
    again = run("replan", folder, "--day", DAY, "--now", "12:30")
    assert again.exit_code == 0 and "Long talks" not in again.stdout.split("group chat")[-1]


def test_the_group_message_accounts_for_every_uncovered_meeting(tmp_path: Path) -> None:
    """Found by trying it as a new user: '2 of 4 meetings covered' above a 'Still
    uncovered' list of one: the meeting already over was left out without a word."""
    folder = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana")],
        [meeting("a", "09:00", "10:00"), meeting("b", "09:00", "10:00"),
         meeting("c", "15:00", "16:00"), meeting("d", "15:00", "16:00")],
    )  # fmt: skip
    assert run("plan", folder, "--day", DAY, "--quiet").exit_code == 0
    done = run("replan", folder, "--day", DAY, "--now", "12:00")
    assert done.exit_code == 0, done.output
    group = done.stdout.split("== To the group chat ==")[1]
    assert "2 of 4 meetings covered" in group
    assert group.count("\n! ") == 1
    assert "(and 1 uncovered meeting no one can go to now: over, closed, or started" in group


def test_a_replan_at_a_moment_before_the_last_one_is_refused(tmp_path: Path) -> None:
    """Found by trying it as a new user: after a replan at 14:00, `--now 10:00` planned the
    meetings of 10:00-14:00 again, telling people to go to meetings that were over."""
    folder = workspace(tmp_path)
    assert run("replan", folder, "--day", DAY, "--now", "14:00").exit_code == 0
    held = versions(folder)
    done = run("replan", folder, "--day", DAY, "--now", "10:00")
    assert done.exit_code == 2, done.output
    assert (
        f"--now 10:00: version 2 of {DAY} was replanned at {DAY} 14:00, later: the meetings "
        "that started by then are held as it says; nothing written; give --now '2018-11-05 "
        "14:00' or later"
    ) in done.stderr
    assert versions(folder) == held
    assert run("replan", folder, "--day", DAY, "--now", "14:00").exit_code == 0


@pytest.mark.parametrize("typed", ["25:00", "9.30", "14h30"])
def test_a_time_of_day_that_is_none_is_said_to_be_one(tmp_path: Path, typed: str) -> None:
    """Found by trying it as a new user: `--now 25:00` was called 'not a date-time: write
    YYYY-MM-DD HH:MM', as if a time of day were not allowed."""
    folder = workspace(tmp_path)
    done = run("replan", folder, "--day", DAY, "--now", typed)
    assert done.exit_code == 2, done.output
    assert f"--now {typed}: not a time of day: give HH:MM, 00:00 to 23:59" in done.stderr


def test_a_reason_is_told_to_the_person_and_said_of_them_to_the_group(tmp_path: Path) -> None:
    """Found by trying it as a new user: the page and `rota diff`, which everyone reads,
    said 'you are not available then' of Ana."""
    folder = write_workspace(
        tmp_path / "ws", [person("ana", name="Ana")], [meeting("a", "15:00", "16:00")]
    )
    assert run("plan", folder, "--day", DAY, "--quiet").exit_code == 0
    done = run("update", folder, "--unavailable", "ana", "--from", f"{DAY} 14:00", "--to",
               f"{DAY} 18:00", "--now", "10:00")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "- REMOVED: Meeting a, 15:00-16:00: you are not available then" in done.stdout
    diff = run("diff", folder, "--day", DAY, "1", "2")
    assert "Meeting a, 15:00-16:00: Ana is not available then" in diff.stdout
    assert "you are" not in diff.stdout
    page = next((folder / "schedules").glob("v002-*/rota.html")).read_text()
    assert "Ana is not available then" in page and "you are not available" not in page


@pytest.mark.parametrize(
    "change",
    [
        ["--cancel", "evening"],
        ["--move", "evening", "--start", f"{DAY} 20:00", "--end", f"{DAY} 21:00"],
        ["--unavailable", "ana", "--from", f"{DAY} 17:00", "--to", f"{DAY} 23:00"],
        ["--add", "--title", "Informal", "--start", f"{DAY} 16:00", "--end", f"{DAY} 17:00"],
        ["--pin", "evening", "--who", "ana"],
    ],
)
def test_an_update_before_the_last_replan_is_refused_before_the_edit(
    tmp_path: Path, change: list[str]
) -> None:
    folder = workspace(tmp_path)
    assert run("replan", folder, "--day", DAY, "--now", "14:00").exit_code == 0
    before, published = files(folder), versions(folder)
    done = run("update", folder, *change, "--now", "10:00")
    assert done.exit_code == 2, done.output
    assert "was replanned at 2018-11-05 14:00, later" in done.stderr
    assert "give --now '2018-11-05 14:00' or later" in done.stderr
    assert files(folder) == before and versions(folder) == published


def test_a_second_day_replanned_later_gives_the_moment_to_finish_with(tmp_path: Path) -> None:
    """A meeting moved to a day whose newest version was replanned after `--now`: the
    edit and the first day's replan are kept, and the command to finish gives the earliest
    moment that day can be replanned at (the `--now` given would be refused again)."""
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    later = run("replan", folder, "--day", "2018-11-06", "--now", "2018-11-06 14:00")
    assert later.exit_code == 0, later.output
    done = run("update", folder, "--move", "evening", "--start", "2018-11-06 18:00", "--end",
               "2018-11-06 19:00", "--now", "2018-11-05 10:00")  # fmt: skip
    assert done.exit_code == 1, done.output
    assert (
        f"finish with `rota replan {folder} --day 2018-11-06 --now '2018-11-06 14:00'`"
        in done.stderr
    )


def test_a_plan_of_a_day_already_replanned_is_refused_unless_fresh(tmp_path: Path) -> None:
    """Found by trying it as a new user: `rota plan` of a day replanned at 01:05 published
    a plan from scratch, taking people off meetings they had attended, without a word."""
    folder = workspace(tmp_path)
    assert run("replan", folder, "--day", DAY, "--now", "12:30").exit_code == 0
    before, published = files(folder), versions(folder)
    done = run("plan", folder, "--day", DAY, "--quiet")
    assert done.exit_code == 2, done.output
    assert f"{DAY} was replanned at {DAY} 12:30 (version 2): a new plan would plan again" in (
        done.stderr
    )
    assert "--fresh" in done.stderr and versions(folder) == published
    assert files(folder) == before
    fresh = run("plan", folder, "--day", DAY, "--quiet", "--fresh")
    assert fresh.exit_code == 0, fresh.output
    assert len(versions(folder)) == len(published) + 1


def test_a_title_quoted_in_a_reason_is_never_rewritten() -> None:
    """Found by an attacker: said of Ana, 'you are needed at Ask your questions: you
    decide (10:00-11:00) instead' became '... Ask their questions: Ana decide ...'."""
    from coverage.published import said_of

    why = "you are needed at Ask your questions: you decide (10:00-11:00) instead"
    assert said_of(why, "Ana") == (
        "Ana is needed at Ask your questions: you decide (10:00-11:00) instead"
    )
    clash = "it would clash with You are welcome (09:00-10:00), which you already attended"
    assert said_of(clash, "A \\1 {0}") == (
        "it would clash with You are welcome (09:00-10:00), which A \\1 {0} already attended"
    )


def test_a_clock_time_that_would_make_the_new_meeting_over_is_refused(tmp_path: Path) -> None:
    """Found by trying it as a new user: at 23:00, adding tomorrow's 09:30 briefing with
    `--now 23:00` read the time on tomorrow (the day of the change): the briefing was
    planned as over and tomorrow's rota could no longer be replanned before 23:00."""
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    before, published = files(folder), versions(folder)
    done = run("update", folder, "--add", "--title", "Breakfast briefing", "--start",
               "2018-11-06 09:30", "--end", "2018-11-06 10:00", "--now", "23:00")  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "--now 23:00 is read on 2018-11-06 (the day of the change), after the meeting" in (
        done.stderr
    )
    assert "'2018-11-05 23:00'" in done.stderr
    assert files(folder) == before and versions(folder) == published
    done = run("update", folder, "--add", "--title", "Breakfast briefing", "--start",
               "2018-11-06 09:30", "--end", "2018-11-06 10:00",
               "--now", "2018-11-05 23:00")  # fmt: skip
    assert done.exit_code == 0, done.output


def test_a_person_away_during_a_started_meeting_is_told_so_in_their_day(tmp_path: Path) -> None:
    """Found by trying it as a new user: Lena, sick from 14:30 in a meeting of 14:00-15:00,
    read 'Your day now: Side event, 14:00-15:00' as if she were still there; and an
    absence running past the day's close was shown 'away 01:00-03:00', as if back at 03:00."""
    folder = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana")],
        [meeting("side", "14:00", "15:00", title="Side event"), meeting("late", "17:00", "18:00")],
    )
    assert run("plan", folder, "--day", DAY, "--quiet").exit_code == 0
    done = run("update", folder, "--unavailable", "ana", "--from", f"{DAY} 14:30", "--to",
               "2018-11-06 09:00", "--now", "14:30")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Your day now: Side event, 14:00-15:00 (you are away from 14:30)" in done.stdout
    assert "! Ana leaves Side event 14:00-15:00 at 14:30 (away from 14:30)" in done.stdout
    assert "away 14:30-03:00" not in done.stdout


def test_a_meeting_cancelled_once_it_had_started_is_told_to_the_group(tmp_path: Path) -> None:
    """Found by an attacker: cancelling a meeting in progress said '0 people affected, 3 of 3
    meetings covered' and nothing else: the person in the room was told nothing."""
    folder = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana")],
        [meeting("m2", "10:30", "12:00", title="Drafting"), meeting("m3", "14:00", "15:00")],
    )
    assert run("plan", folder, "--day", DAY, "--quiet").exit_code == 0
    done = run("update", folder, "--cancel", "m2", "--now", "11:00")
    assert done.exit_code == 0, done.output
    assert "Cancelled after it started (tell who is there):\n! Drafting 10:30-12:00: Ana" in (
        done.stdout
    )


def test_a_named_pipe_no_one_writes_to_as_password_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an attacker: `--password-file` a named pipe with no writer waited for ever."""
    import os

    import coverage.io as io_module

    monkeypatch.setattr(io_module, "PASSWORD_WAIT", 0.3)
    folder = workspace(tmp_path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = run("publish", folder, "--caldav", "http://127.0.0.1:1/", "--user", USER,
               "--password-file", pipe)  # fmt: skip
    assert done.exit_code == 2, done.output
    assert f"--password-file {pipe}: nothing to read after 0.3 s (a pipe)" in done.stderr


def test_the_clock_time_check_holds_only_a_meeting_already_over(tmp_path: Path) -> None:
    """Found in review: the check refused a meeting moved to 13:30 at 13:40 (it had just
    started: a change like any other), missed `--now 2300`, gave the night of the day
    before for `01:30`, and refused a change on a day never published."""
    folder = workspace(tmp_path)  # the 5th planned: morning, noon, evening
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    started = run("update", folder, "--move", "evening", "--start", f"{DAY} 13:30", "--end",
                  f"{DAY} 14:30", "--now", "13:40")  # fmt: skip
    assert started.exit_code == 0, started.output
    add = ["--add", "--title", "Brief", "--start", "2018-11-06 09:30", "--end", "2018-11-06 10:00"]
    late = run("update", folder, *add, "--now", "2300")
    assert late.exit_code == 2 and "--now 2300 is read on 2018-11-06" in late.stderr
    night = run("update", folder, *add, "--now", "01:30")  # the night after the 6th
    assert night.exit_code == 2 and "e.g. '2018-11-06 01:30' for the day before" in night.stderr
    unplanned = run("update", folder, "--add", "--title", "Later", "--start", "2018-11-07 09:00",
                    "--end", "2018-11-07 10:00", "--now", "23:00")  # fmt: skip
    assert unplanned.exit_code == 0, unplanned.output
    assert "2018-11-07 has no published rota yet" in unplanned.stderr


def test_the_moment_a_too_early_replan_is_told_to_use_is_accepted(tmp_path: Path) -> None:
    """Found in review: the refusal said 'give --now 23:30 or later' of a replan made at
    23:30 the evening before, and 23:30 typed as told was read on the day itself."""
    folder = workspace(tmp_path)
    assert run("plan", folder, "--day", "2018-11-06", "--quiet").exit_code == 0
    first = run("replan", folder, "--day", "2018-11-06", "--now", "2018-11-05 23:30")
    assert first.exit_code == 0, first.output
    early = run("replan", folder, "--day", "2018-11-06", "--now", "2018-11-05 23:10")
    assert early.exit_code == 2
    told = re.search(r"give --now '([^']+)' or later", early.stderr)
    assert told is not None and told.group(1) == "2018-11-05 23:30"
    again = run("replan", folder, "--day", "2018-11-06", "--now", told.group(1))
    assert again.exit_code == 0, again.output
