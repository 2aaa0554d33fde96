"""A small published day, planned and then replanned, for the tests of the web page and
the digest: titles that try to inject HTML, contact details that must not leak, meetings
nobody can cover, and one change of each kind (a meeting added, one cancelled)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.published import PublishedRota, read_rota

DAY = "2018-11-05"
SCRIPT_TITLE = "<script>alert(1)</script>"
QUOTES_TITLE = "\"Q&A\" on <b>AI</b> & 'ethics'"
CONTACTS = ("ana@example.org", "+971 50 123 4567", "ben@example.org")


@dataclass
class Published:
    """The workspace, and the folders of version 1 (planned) and 2 (replanned)."""

    workspace: Path
    out: Path
    v1: Path
    v2: Path

    def data(self, version: int) -> dict[str, Any]:
        folder = self.v1 if version == 1 else self.v2
        return json.loads((folder / "rota.json").read_text(encoding="utf-8"))

    def rota(self, version: int) -> PublishedRota:
        """The typed published rota of version 1 or 2."""
        return read_rota((self.v1 if version == 1 else self.v2) / "rota.json")


def rota(*args: Any) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def published_day(tmp_path: Path) -> Published:
    people = [
        person(
            "ana",
            name="Ana Souza",
            delegation="BRA",
            expertise={"privacy": 3, "ai": 1},
            email=CONTACTS[0],
            phone=CONTACTS[1],
        ),
        person("ben", name="Ben Okafor", expertise={"ai": 2, "privacy": 1}, email=CONTACTS[2]),
        person("cy", name="Cy Tan"),
    ]
    meetings = [
        meeting("plenary", "09:00", "11:00", title="Plenary, Res. 102", priority=3, room="Hall A"),
        meeting("script", "10:00", "12:00", title=SCRIPT_TITLE, issues=["ai"], room="Room <2>"),
        meeting("quotes", "13:00", "15:00", title=QUOTES_TITLE, issues=["ai", "privacy"]),
        meeting("late", "23:00", "2018-11-06 01:30", title="Late ad hoc group", seats=2),
        meeting("closed", "16:00", "17:00", title="Closed drafting group", access="closed"),
        meeting(
            "kenya",
            "17:00",
            "18:00",
            title="Delegations only",
            access="delegations",
            delegations=["KEN"],
        ),
    ]
    folder = write_workspace(tmp_path / "ws", people, meetings)
    out = tmp_path / "out"
    v1 = Path(rota("plan", folder, "--day", DAY, "--out", out, "--quiet").strip()).parent
    rota("cancel-meeting", folder, "quotes")
    rota(
        "add-meeting",
        folder,
        "--title",
        "Bilateral 'X' & Y",
        "--start",
        f"{DAY} 16:00",
        "--end",
        f"{DAY} 17:00",
        "--issues",
        "ai",
        "--id",
        "bilateral",
    )
    output = rota("replan", folder, "--day", DAY, "--now", "12:30", "--out", out, "--quiet")
    v2 = Path(output.strip().splitlines()[-1]).parent
    return Published(folder, out, v1, v2)
