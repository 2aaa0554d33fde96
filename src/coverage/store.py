"""Published rota versions under `schedules/`: numbered folders that are never overwritten.

Layout: `<root>/<workspace>/v001-2018-11-05/rota.json` (a day) or
`<root>/<workspace>/v002-2018-10-29_to_2018-11-16/rota.json` (a range planned jointly).
Numbers grow across the whole workspace, so the latest version covering a day is the
one with the highest number among those whose `days` include it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from coverage.errors import WorkspaceError
from coverage.io import publish_folder
from coverage.problem import FixedAssignment

ROTA_JSON = "rota.json"
ROTA_MD = "rota.md"
ROTA_HTML = "rota.html"
_FOLDER = re.compile(r"^v(\d+)-(\d{4}-\d{2}-\d{2})(?:_to_(\d{4}-\d{2}-\d{2}))?$")


@dataclass(frozen=True)
class Version:
    """One published rota; its days come from its folder name, its data is read on demand
    (a workspace gathers many versions, and planning a day needs only a few of them)."""

    number: int
    path: Path
    days: tuple[date, ...]

    @cached_property
    def data(self) -> dict[str, Any]:
        """The rota as published."""
        return _read_rota(self.path / ROTA_JSON)


class RotaStore:
    """The published versions of one workspace's rotas."""

    def __init__(self, root: Path, workspace_name: str) -> None:
        self.folder = root / workspace_name

    def versions(self) -> list[Version]:
        """Every published version, oldest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for child in self.folder.iterdir():
            match = _FOLDER.match(child.name)
            if not match or not (child / ROTA_JSON).is_file():
                continue
            try:
                first = date.fromisoformat(match.group(2))
                last = date.fromisoformat(match.group(3) or match.group(2))
            except ValueError:
                continue  # not a folder we wrote
            days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
            found.append(Version(int(match.group(1)), child, days))
        return sorted(found, key=lambda v: v.number)

    def latest_for(self, day: date) -> Version | None:
        """The newest version that covers `day`."""
        covering = [v for v in self.versions() if day in v.days]
        return covering[-1] if covering else None

    def history(self, excluding: Iterable[date]) -> list[FixedAssignment]:
        """The published assignments of every day not in `excluding`, each day taken from
        the newest version that covers it."""
        skip = set(excluding)
        newest: dict[date, Version] = {}
        for version in self.versions():
            for day in version.days:
                newest[day] = version
        fixed: list[FixedAssignment] = []
        for day in sorted(set(newest) - skip):
            fixed += self.assignments_of(newest[day], day)
        return fixed

    def version(self, number: int) -> Version | None:
        """The version with this number."""
        return next((v for v in self.versions() if v.number == number), None)

    def assignments_of(self, version: Version, day: date) -> list[FixedAssignment]:
        """The assignments a version published for `day`, with their published times."""
        found = []
        for item in version.data.get("assignments", []):
            try:
                if date.fromisoformat(item["day"]) != day:
                    continue
                found.append(
                    FixedAssignment(
                        meeting=str(item["meeting"]),
                        attendee=str(item["attendee"]),
                        day=day,
                        start=datetime.fromisoformat(item["start"]),
                        end=datetime.fromisoformat(item["end"]),
                    )
                )
            except (KeyError, TypeError, ValueError) as error:
                raise WorkspaceError.single(
                    str(version.path / ROTA_JSON),
                    f"not a valid assignment ({error})",
                    f"assignment {item!r}"[:120],
                ) from None
        return found

    def publish(self, days: list[date], files_for: Callable[[int], dict[str, str]]) -> Path:
        """Write a new version holding `files_for(number)`; returns its folder."""
        label = days[0].isoformat() if len(days) == 1 else f"{days[0]}_to_{days[-1]}"
        return publish_folder(self.folder, lambda n: f"v{n:03d}-{label}", files_for)


def _read_rota(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorkspaceError.single(str(path), f"cannot read a published rota: {error}") from None
    if not isinstance(data, dict):
        raise WorkspaceError.single(str(path), "not a rota (expected a JSON object)")
    return data
