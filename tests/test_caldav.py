"""`rota publish` against a real CalDAV server: Radicale, started for each test on
127.0.0.1 with its own storage folder and password authentication. What the server holds
is read back through the caldav client and parsed with vobject, a parser independent of
the icalendar library that wrote it."""

from __future__ import annotations

import base64
import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import caldav
import caldav.davclient
import icalendar
import pytest
import vobject
from click.testing import CliRunner, Result
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.export.caldav_sync import sync_people
from coverage.export.ical import event_uid

USER, PASSWORD = "coord", "correct horse battery"
DAY = "2018-11-05"
CONTACTS = {
    "ana": {"email": "ana@example.org", "phone": "+971 50 111 2222"},
    "ben": {"email": "ben@example.org", "phone": "+971 50 333 4444"},
}


@dataclass(frozen=True)
class Server:
    url: str
    password_file: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Server]:
    """A Radicale server on 127.0.0.1 with one user, `coord`, who owns only /coord/."""
    folder = tmp_path / "radicale"
    folder.mkdir()
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    port = _free_port()
    config = folder / "config"
    config.write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {folder / "collections"}
[logging]
level = warning
"""
    )
    log = (folder / "log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail(f"radicale exited: {(folder / 'log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"radicale did not answer in 10 s: {(folder / 'log').read_text()}")
                time.sleep(0.05)
        password_file = tmp_path / "password"
        password_file.write_text(f"{PASSWORD}\nanything after the first line is ignored\n")
        yield Server(f"http://127.0.0.1:{port}/", password_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def rota(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


def small(tmp_path: Path) -> Path:
    """Ana and Ben, with contact details; three meetings on the 5th."""
    return write_workspace(
        tmp_path / "ws",
        [
            person("ana", name="Ana Ţărmure", delegation="BRA", **CONTACTS["ana"]),
            person("ben", **CONTACTS["ben"]),
        ],
        [
            meeting("morning", "09:00", "10:00", priority=2),
            meeting("noon", "12:00", "13:00"),
            meeting("evening", "18:00", "19:00"),
        ],
    )


def plan(ws: Path, out: Path, *extra: str) -> dict[str, Any]:
    output = rota(*extra, str(ws), "--day", DAY, "--out", str(out), "--quiet")
    return dict(json.loads(Path(output.strip().splitlines()[-1]).read_text()))


def publish(server: Server, ws: Path, out: Path, *extra: str) -> str:
    return rota(
        "publish",
        str(ws),
        "--caldav",
        server.url,
        "--user",
        USER,
        "--password-file",
        str(server.password_file),
        "--out",
        str(out),
        *extra,
    )


@dataclass(frozen=True)
class Stored:
    """One calendar object on the server, parsed with vobject."""

    href: str
    etag: str | None
    data: str
    uid: str
    start: datetime
    end: datetime
    status: str
    sequence: int


def server_state(server: Server) -> dict[str, list[Stored]]:
    """Every calendar collection of the user (by its last path segment) and its objects."""
    with caldav.DAVClient(url=server.url, username=USER, password=PASSWORD) as client:
        found = {}
        for calendar in client.principal().calendars():
            segment = str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
            objects = []
            for item in calendar.events():
                parsed = vobject.readOne(item.data)
                events = parsed.contents["vevent"]
                assert len(events) == 1, item.data  # one event per object
                event = events[0]
                objects.append(
                    Stored(
                        href=str(item.url),
                        etag=etag_of(str(item.url)),
                        data=item.data,
                        uid=event.uid.value,
                        start=event.dtstart.value.astimezone(UTC),
                        end=event.dtend.value.astimezone(UTC),
                        status=_value(event, "status", "CONFIRMED"),
                        sequence=int(_value(event, "sequence", "0")),
                    )
                )
            found[segment] = sorted(objects, key=lambda o: o.uid)
        return found


def etag_of(url: str) -> str | None:
    """The ETag of a resource, asked with a plain GET (not through the caldav client)."""
    request = urllib.request.Request(url)
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("ETag")


def _value(component: Any, name: str, default: str) -> str:
    found = component.contents.get(name)
    return str(found[0].value) if found else default


def pairs_by_person(version: dict[str, Any]) -> dict[str, set[tuple[str, datetime, datetime]]]:
    """(UID, start, end in UTC) of each assignment, per attendee."""
    found: dict[str, set[tuple[str, datetime, datetime]]] = {"ana": set(), "ben": set()}
    for item in version["assignments"]:
        found[item["attendee"]].add(
            (
                event_uid(version["workspace_id"], item["meeting"], item["attendee"]),
                datetime.fromisoformat(item["start"]).astimezone(UTC),
                datetime.fromisoformat(item["end"]).astimezone(UTC),
            )
        )
    return found


def live(objects: list[Stored]) -> set[tuple[str, datetime, datetime]]:
    return {(o.uid, o.start, o.end) for o in objects if o.status != "CANCELLED"}


def test_publish_replan_publish(tmp_path: Path, radicale: Server) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = plan(ws, out, "plan")
    output = publish(radicale, ws, out, "--day", DAY)
    assert f"{len(first['assignments'])} created, 0 updated, 0 unchanged" in output
    assert str(PASSWORD) not in output

    state = server_state(radicale)
    assert set(state) == {"rota-ana", "rota-ben"}
    with caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD) as client:
        names = {c.get_display_name() for c in client.principal().calendars()}
    assert names == {"rota: Ana Ţărmure", "rota: Ben"}
    expected = pairs_by_person(first)
    for who in ("ana", "ben"):
        objects = state[f"rota-{who}"]
        assert live(objects) == expected[who]
        assert len(objects) == len(expected[who])
        assert all(o.sequence == 0 and o.status == "CONFIRMED" for o in objects)

    # The same version again: nothing is written, the server holds the same bytes.
    again = publish(radicale, ws, out, "--day", DAY)
    assert f"0 created, 0 updated, {len(first['assignments'])} unchanged" in again
    assert server_state(radicale) == state

    # Last-minute changes: a new meeting, and whoever covers noon falls ill.
    noon = next(a["attendee"] for a in first["assignments"] if a["meeting"] == "noon")
    rota(
        "add-meeting",
        str(ws),
        "--title",
        "Informal on Res. 206",
        "--start",
        f"{DAY} 15:00",
        "--end",
        f"{DAY} 16:00",
        "--issues",
        "privacy",
        "--priority",
        "3",
        "--id",
        "new",
    )
    rota("unavailable", str(ws), noon, "--from", f"{DAY} 11:30", "--to", f"{DAY} 13:30")
    second = plan(ws, out, "replan", "--now", "10:30")
    publish(radicale, ws, out, "--day", DAY)

    after = server_state(radicale)
    now_expected = pairs_by_person(second)
    before_by_uid = {o.uid: o for objects in state.values() for o in objects}
    for who in ("ana", "ben"):
        objects = after[f"rota-{who}"]
        uids = [o.uid for o in objects]
        assert len(uids) == len(set(uids))  # no duplicates
        assert live(objects) == now_expected[who]  # exactly the current assignments
        dropped = {uid for uid, _, _ in expected[who]} - {uid for uid, _, _ in now_expected[who]}
        cancelled = {o.uid for o in objects if o.status == "CANCELLED"}
        assert cancelled == dropped
        assert len(objects) == len(now_expected[who] | expected[who])
        for stored in objects:
            old = before_by_uid.get(stored.uid)
            if old is None:
                continue
            assert stored.href == old.href  # updated in place
            if stored.status == "CANCELLED":
                assert stored.sequence > old.sequence and stored.etag != old.etag
    assert any(o.status == "CANCELLED" for objects in after.values() for o in objects)
    assert event_uid(second["workspace_id"], "new", second_new_attendee(second)) in {
        o.uid for objects in after.values() for o in objects
    }

    # Nobody's e-mail address or phone number is on the server.
    everything = "".join(o.data for objects in after.values() for o in objects)
    for details in CONTACTS.values():
        for detail in details.values():
            assert detail not in everything

    # And publishing that version again changes nothing.
    assert "0 created, 0 updated" in publish(radicale, ws, out)
    assert server_state(radicale) == after


def second_new_attendee(version: dict[str, Any]) -> str:
    return str(next(a["attendee"] for a in version["assignments"] if a["meeting"] == "new"))


def test_server_side_edits_are_replaced_and_foreign_events_left(
    tmp_path: Path, radicale: Server
) -> None:
    def calendar(*events: tuple[str, str]) -> icalendar.Calendar:
        made = icalendar.Calendar()
        made.add("prodid", "-//test//EN")
        made.add("version", "2.0")
        made.add("method", "PUBLISH")
        for uid, summary in events:
            event = icalendar.Event()
            event.add("uid", uid)
            event.add("dtstamp", datetime(2018, 11, 4, 12, tzinfo=UTC))
            event.add("dtstart", datetime(2018, 11, 5, 5, tzinfo=UTC))
            event.add("dtend", datetime(2018, 11, 5, 6, tzinfo=UTC))
            event.add("sequence", 0)
            event.add("summary", summary)
            made.add_component(event)
        return made

    def sync(made: icalendar.Calendar) -> tuple[int, int, int]:
        report = sync_people(radicale.url, USER, PASSWORD, {"ana": made}, {"ana": "Ana"})
        return report.created, report.updated, report.unchanged

    assert sync(calendar(("a@t", "One"), ("b@t", "Réunion — 会議, «Res. 206»"))) == (2, 0, 0)
    with caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD) as client:
        (mine,) = client.principal().calendars()
        assert mine.get_display_name() == "rota: Ana"
        edited = next(e for e in mine.events() if "UID:a@t" in e.data)
        edited.data = edited.data.replace("SUMMARY:One", "SUMMARY:Edited by hand")
        edited.save(increase_seqno=False)
        foreign = calendar(("theirs@elsewhere", "Lunch"))
        foreign.pop("method")
        mine.add_event(foreign.to_ical().decode(), increase_seqno=False)
    assert sync(calendar(("a@t", "One"), ("b@t", "Réunion — 会議, «Res. 206»"))) == (0, 1, 1)
    objects = server_state(radicale)["rota-ana"]
    assert [o.uid for o in objects] == ["a@t", "b@t", "theirs@elsewhere"]
    assert "SUMMARY:One" in objects[0].data and "METHOD" not in objects[0].data


def test_wrong_password_fails_in_one_line(tmp_path: Path, radicale: Server) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out, "plan")
    radicale.password_file.write_text("not the password\n")
    result = invoke(
        "publish",
        str(ws),
        "--caldav",
        radicale.url,
        "--user",
        USER,
        "--password-file",
        str(radicale.password_file),
        "--out",
        str(out),
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "refused the login of user 'coord'" in result.output
    assert "not the password" not in result.output
    assert server_state(radicale) == {}
    assert not (out / "caldav-sync.json").exists()


def test_unreachable_server_fails_in_one_line(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out, "plan")
    password = tmp_path / "password"
    password.write_text("secret\n")
    url = f"http://127.0.0.1:{_free_port()}/"
    result = invoke(
        "publish", str(ws), "--caldav", url, "--user", USER, "--password-file", str(password),
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output == f"error: cannot reach the CalDAV server at {url}: connection refused\n"
    assert not (out / "caldav-sync.json").exists()  # nothing written: the server holds nothing


def test_publish_needs_a_published_rota(tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("secret\n")
    result = invoke(
        "publish", str(small(tmp_path)), "--caldav", "http://127.0.0.1:1/", "--user", USER,
        "--password-file", str(password), "--out", str(tmp_path / "o"), "--day", DAY,
    )  # fmt: skip
    assert result.exit_code == 2 and "run `rota plan" in result.output


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A plain web server that knows no WebDAV, and logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_not_a_caldav_server_fails_in_one_line(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out, "plan")
    password = tmp_path / "password"
    password.write_text("secret\n")
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}/"
        result = invoke(
            "publish", str(ws), "--caldav", url, "--user", USER, "--password-file", str(password),
            "--out", str(out),
        )  # fmt: skip
    finally:
        web.shutdown()
        web.server_close()
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {url} does not answer as a CalDAV server")
    assert result.output.count("\n") == 1 and "secret" not in result.output


class Requests:
    """Every request the caldav client sends, as (method, path), while recording."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, str]] = []
        original = caldav.davclient.DAVClient.request

        def recorded(client: Any, url: Any, method: str = "GET", *args: Any, **kw: Any) -> Any:
            self.sent.append((method, urllib.parse.unquote(urllib.parse.urlsplit(str(url)).path)))
            return original(client, url, method, *args, **kw)

        monkeypatch.setattr(caldav.davclient.DAVClient, "request", recorded)

    def about(self, who: str) -> list[str]:
        """The methods sent about one person's collection or its events."""
        return [method for method, path in self.sent if f"/rota-{who}/" in path + "/"]

    def clear(self) -> None:
        self.sent.clear()


def test_only_what_changed_is_sent(
    tmp_path: Path, radicale: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = plan(ws, out, "plan")
    publish(radicale, ws, out, "--day", DAY)
    assert (out / "caldav-sync.json").is_file()
    kept = (out / "caldav-sync.json").read_text()
    assert PASSWORD not in kept and "ana@example.org" not in kept and "SUMMARY" not in kept
    state = server_state(radicale)
    sent = Requests(monkeypatch)

    # Nothing changed: no request about anybody's calendar, nothing written.
    again = publish(radicale, ws, out, "--day", DAY)
    assert again.count("known up to date: nothing asked") == 2
    assert sent.about("ana") == [] and sent.about("ben") == []
    assert not any(method == "PUT" for method, _ in sent.sent)
    assert server_state(radicale) == state

    # A new meeting for one of them: only that person's changed events are written, with
    # one REPORT for the new sync token; the other is not asked about.
    rota(
        "add-meeting", str(ws), "--title", "Informal", "--start", f"{DAY} 15:00",
        "--end", f"{DAY} 16:00", "--issues", "privacy", "--priority", "3", "--id", "new",
    )  # fmt: skip
    second = plan(ws, out, "replan", "--now", "08:00")
    told = {c["attendee"] for c in second["replan"]["changes"]}
    taken = second_new_attendee(second)
    other = ({"ana", "ben"} - {taken}).pop()
    sent.clear()
    output = publish(radicale, ws, out, "--day", DAY)
    puts = [method for method in sent.about(taken) if method == "PUT"]
    line = next(x for x in output.splitlines() if f"({taken})" in x)
    created, updated = int(line.split(": ")[1].split()[0]), int(line.split(", ")[1].split()[0])
    assert created >= 1 and len(puts) == created + updated
    assert sent.about(taken).count("REPORT") == 1
    if other not in told:
        assert sent.about(other) == []
    after = server_state(radicale)
    assert live(after[f"rota-{taken}"]) == pairs_by_person(second)[taken]
    assert len(pairs_by_person(first)[taken]) < len(live(after[f"rota-{taken}"]))

    # Someone edits an event on the server: that collection's token changed, so it is read
    # whole and the event put back; the other person's is not asked about.
    with caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD) as client:
        mine = next(
            c for c in client.principal().calendars() if str(c.url).rstrip("/").endswith(taken)
        )
        edited = next(iter(mine.events()))
        edited.data = edited.data.replace("SUMMARY:", "SUMMARY:Edited by hand ")
        edited.save(increase_seqno=False)
    sent.clear()
    output = publish(radicale, ws, out, "--day", DAY)
    assert "1 updated" in next(x for x in output.splitlines() if f"({taken})" in x)
    assert sent.about(other) == []
    assert server_state(radicale) == after

    # A cache that lies (an ETag the server never gave, a digest that does not match) or
    # is lost: publishing is as exact.
    record = json.loads((out / "caldav-sync.json").read_text())
    (target,) = record["targets"].values()
    for entry in target[taken]["objects"].values():
        entry["etag"], entry["digest"] = '"bogus"', "0" * 64
    (out / "caldav-sync.json").write_text(json.dumps(record))
    sent.clear()
    output = publish(radicale, ws, out, "--day", DAY)
    assert "0 created, 0 updated" in output.splitlines()[-1]
    assert server_state(radicale) == after
    entry["etag"] = '"x"\r\nX-Injected: 1'  # an ETag that would be a header of its own
    for broken in (
        "not json",
        json.dumps({"format": "rota-caldav-sync/1", "targets": [1]}),
        json.dumps(record),
    ):
        (out / "caldav-sync.json").write_text(broken)
        output = publish(radicale, ws, out, "--day", DAY)
        assert "0 created, 0 updated" in output.splitlines()[-1]
        assert "nothing asked" not in output
        assert server_state(radicale) == after
    # ... and the cache is whole again afterwards.
    assert publish(radicale, ws, out, "--day", DAY).count("nothing asked") == 2


def test_a_hostile_cache_writes_nowhere_else_and_no_failure_is_called_a_success(
    tmp_path: Path, radicale: Server
) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out, "plan")
    publish(radicale, ws, out, "--day", DAY)
    state = server_state(radicale)
    cache = out / "caldav-sync.json"
    good = json.loads(cache.read_text())

    def lie(href: str) -> None:
        record = json.loads(json.dumps(good))
        (target,) = record["targets"].values()
        entry = next(iter(target["ana"]["objects"].values()))
        entry["href"], entry["etag"], entry["digest"] = href, "", "0" * 64
        cache.write_text(json.dumps(record))

    # A path that climbs out of Ana's collection into Ben's: read whole instead.
    (ana_path,) = {o.href.rsplit("/", 2)[-2] for o in state["rota-ana"]}
    base = "/" + USER + "/"
    for href in (
        f"{base}{ana_path}/../rota-ben/evil.ics",
        f"{base}{ana_path}/%2e%2e/rota-ben/evil.ics",
        f"{base}rota-ben/evil.ics",
    ):
        lie(href)
        output = publish(radicale, ws, out, "--day", DAY)
        assert "0 created, 0 updated" in output.splitlines()[-1]
        assert server_state(radicale) == state
    # Another path inside the collection for the same UID: the server refuses the write
    # (409), and that is an error, never "1 updated".
    lie(f"{base}{ana_path}/elsewhere.ics")
    result = invoke(
        "publish", str(ws), "--caldav", radicale.url, "--user", USER, "--password-file",
        str(radicale.password_file), "--out", str(out), "--day", DAY,
    )  # fmt: skip
    assert result.exit_code == 2 and "refused a request" in result.output, result.output
    assert "Traceback" not in result.output
    # A cache nested too deep to read is no cache.
    cache.write_text("[" * 100_000)
    assert "0 created, 0 updated" in publish(radicale, ws, out, "--day", DAY).splitlines()[-1]
    assert server_state(radicale) == state


def test_a_moved_workspace_keeps_its_events(tmp_path: Path, radicale: Server) -> None:
    ws = small(tmp_path)
    rota("plan", str(ws), "--day", DAY, "--quiet")
    first = rota(
        "publish", str(ws), "--caldav", radicale.url, "--user", USER, "--password-file",
        str(radicale.password_file),
    )  # fmt: skip
    moved = tmp_path / "renamed"
    ws.rename(moved)
    again = rota(
        "publish", str(moved), "--caldav", radicale.url, "--user", USER, "--password-file",
        str(radicale.password_file),
    )  # fmt: skip
    assert " 0 created" in again.splitlines()[-1] and "created" in first
