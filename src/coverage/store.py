"""Published rota versions: numbered folders that are never overwritten, kept with the
workspace they belong to.

By default a workspace's versions live inside it, in `<workspace>/schedules/`, so that
they are found wherever `rota` runs and go with the folder when it is copied or moved.
`--out DIR` names another store on purpose. Each store records the identity of its
workspace (`store.json`, a random id made once); a store that belongs to another
workspace is refused, so two workspaces can never read each other's history.

Layout: `<store>/v001-2018-11-05/rota.json` (a day) or
`<store>/v001-2018-10-29_to_2018-11-16/rota.json` (a range planned jointly). Versions are
numbered per day: a new version of some days takes the number after the highest version
of any of them, so a day's versions read 1, 2, 3 and a range shares one number.

Plan and replan hold the store's lock from reading the history to publishing, so that
two runs at the same moment see each other's versions.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path

from coverage.domain import ID_PATTERN, printable_line
from coverage.errors import UsageError, WorkspaceError
from coverage.problem import FixedAssignment
from coverage.published import MAX_VERSION, PublishedRota, read_rota

ROTA_JSON = "rota.json"
ROTA_MD = "rota.md"
ROTA_HTML = "rota.html"
STORE_FILE = "store.json"
STORE_FORMAT = "rota-store/1"
STORE_FILE_LIMIT = 64 * 1024  # the record is a few hundred bytes
DEFAULT_STORE = "schedules"  # inside the workspace folder
LOCK_FILE = ".lock"
# A version's number has at most 7 digits (versions go to 1,000,000): a folder named with
# more is not one of them.
_FOLDER = re.compile(r"^v(\d{1,7})-(\d{4}-\d{2}-\d{2})(?:_to_(\d{4}-\d{2}-\d{2}))?$")
_STAGING = ".staging-"


@dataclass(frozen=True)
class Version:
    """One published rota; its number and days come from its folder name, its contents are
    read on demand (a workspace gathers many versions, and a command needs only a few)."""

    number: int
    path: Path
    days: tuple[date, ...]
    owner: str = ""  # the workspace_id of the store it was found in ("" before one)

    @cached_property
    def rota(self) -> PublishedRota:
        """The rota as published (read once per process: a version never changes). One
        that names another workspace (a version folder copied or linked in from another
        workspace's store) is refused, naming the folder."""
        rota = _read_once(self.path / ROTA_JSON)
        if self.owner and rota.workspace_id and rota.workspace_id != self.owner:
            raise WorkspaceError.single(
                str(self.path / ROTA_JSON),
                f"belongs to another workspace ({rota.workspace_id}), not this one "
                f"({self.owner}): a version folder copied in from elsewhere; move it out",
                field="workspace_id",
            )
        return rota

    @property
    def name(self) -> str:
        """The folder's name, e.g. `v002-2018-11-15`."""
        return self.path.name


@dataclass(frozen=True)
class Identity:
    """Who a store belongs to."""

    workspace_id: str
    workspace: str


# Published rotas read by this process, by path, with the file's size and modification
# time: a command that looks at a version several times (history, the latest, a diff)
# reads and validates it once.
_READ: dict[Path, tuple[tuple[int, int], PublishedRota]] = {}


def _read_once(path: Path) -> PublishedRota:
    try:
        info = path.stat()
        key = (info.st_size, info.st_mtime_ns)
    except OSError:
        return read_rota(path)  # it names the file and what is wrong
    known = _READ.get(path)
    if known is not None and known[0] == key:
        return known[1]
    rota = read_rota(path)
    _READ[path] = (key, rota)
    return rota


def default_store(workspace_folder: Path) -> Path:
    """Where a workspace keeps its published versions unless told otherwise."""
    return workspace_folder / DEFAULT_STORE


class RotaStore:
    """The published versions of one workspace's rotas, in one folder."""

    def __init__(self, folder: Path, identity: Identity) -> None:
        self.folder = folder
        self.identity = identity

    @classmethod
    def open(
        cls, workspace_folder: Path, name: str, out: Path | None = None, create: bool = True
    ) -> RotaStore:
        """The store of the workspace at `workspace_folder` (named `name`): its own
        (`<workspace>/schedules`) or `out`. With `create`, the workspace's identity is made
        the first time it is needed (read-only commands make nothing); `out` must be a new
        folder or one that belongs to this workspace."""
        folder = default_store(workspace_folder) if out is None else out
        if folder.exists() and not folder.is_dir():
            given = f"--out {folder}" if out is not None else str(folder)
            raise UsageError(f"{given} is a file, not a folder of versions")
        known = peek_identity(workspace_folder, name)
        store = cls(folder, known or Identity("", name))
        # Before an identity is made, so that a refusal writes nothing. With none yet, any
        # owner recorded is another workspace; the identity made next changes nothing.
        store._check_owner()
        if create and known is None:
            store = cls(folder, workspace_identity(workspace_folder, name))
        return store

    def _check_owner(self) -> None:
        """Refuse a store that belongs to another workspace."""
        owner = _read_identity(self.folder / STORE_FILE)
        if owner is None:
            # A folder of versions without a record (written before stores had one): its
            # rotas say which workspace they belong to.
            versions = self.versions()
            if versions:
                rota = versions[-1].rota
                published = rota.workspace_id
                if (published is not None and published != self.identity.workspace_id) or (
                    published is None and rota.workspace != self.identity.workspace
                ):
                    raise self._foreign(published or "none", rota.workspace)
            return
        if owner.workspace_id != self.identity.workspace_id:
            raise self._foreign(owner.workspace_id, owner.workspace)

    def _foreign(self, workspace_id: str, name: str) -> UsageError:
        ours = self.identity.workspace_id or "none yet: nothing published"
        return UsageError(
            f"{self.folder} holds the published versions of another workspace ('{name}', "
            f"id {workspace_id}); this workspace is '{self.identity.workspace}' (id "
            f"{ours}): nothing written; give --out a folder of its own"
        )

    def claim(self) -> None:
        """Record in the store whose versions it holds (before the first is written)."""
        path = self.folder / STORE_FILE
        if path.exists():
            return
        _write_identity(path, self.identity)

    # --- reading ------------------------------------------------------------------------------

    def versions(self) -> list[Version]:
        """Every published version, by number (per day numbers rise with time)."""
        if not self.folder.is_dir():
            return []
        found = []
        for child in self.folder.iterdir():
            match = _FOLDER.match(child.name)
            if not match or not (child / ROTA_JSON).is_file():
                continue
            if int(match.group(1)) > MAX_VERSION:
                continue  # not a folder we wrote
            try:
                first = date.fromisoformat(match.group(2))
                last = date.fromisoformat(match.group(3) or match.group(2))
            except ValueError:
                continue  # not a folder we wrote
            if not 0 <= (last - first).days <= 400:  # a range backwards is not ours either
                continue
            days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
            found.append(Version(int(match.group(1)), child, days, self.identity.workspace_id))
        return sorted(found, key=lambda v: (v.number, v.days[0], v.name))

    def versions_of(self, day: date) -> list[Version]:
        """The versions that cover `day`, oldest first."""
        return [v for v in self.versions() if day in v.days]

    def latest_for(self, day: date) -> Version | None:
        """The newest version that covers `day`."""
        covering = self.versions_of(day)
        return covering[-1] if covering else None

    def version_of(self, day: date, number: int) -> Version | None:
        """Version `number` of `day`."""
        return next((v for v in self.versions_of(day) if v.number == number), None)

    def newest(self, excluding: set[date] | frozenset[date] = frozenset()) -> dict[date, Version]:
        """The newest version of every published day not in `excluding`."""
        newest: dict[date, Version] = {}
        for version in self.versions():
            for day in version.days:
                if day not in excluding:
                    newest[day] = version
        return newest

    def history(self, excluding: list[date]) -> list[FixedAssignment]:
        """The published assignments of every day not in `excluding`, each day taken from
        the newest version that covers it."""
        fixed: list[FixedAssignment] = []
        for day, version in sorted(self.newest(set(excluding)).items()):
            fixed += assignments_of(version.rota, day)
        return fixed

    # --- writing ------------------------------------------------------------------------------

    def next_number(self, days: list[date]) -> int:
        """The number a new version of `days` takes: one more than the highest version of
        any of them."""
        wanted = set(days)
        return 1 + max((v.number for v in self.versions() if wanted & set(v.days)), default=0)

    def publish(self, days: list[date], fill: Callable[[Path, int], object]) -> Path:
        """Write a new version of `days`: `fill(folder, number)` writes its files into a
        staging folder, which then takes its name. An existing version is never touched;
        the new one appears whole or not at all."""
        label = days[0].isoformat() if len(days) == 1 else f"{days[0]}_to_{days[-1]}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.claim()
        except OSError as error:
            raise WorkspaceError.single(
                str(self.folder), f"cannot create the folder of versions ({error.strerror})"
            ) from None
        number = self.next_number(days)
        if number > MAX_VERSION:
            raise WorkspaceError.single(
                str(self.folder),
                f"{label} already has {MAX_VERSION:,} versions: nothing written; "
                "move the folder of versions aside to start again",
            )
        return stage_folder(self.folder, lambda n: f"v{n:03d}-{label}", fill, number)

    @contextmanager
    def lock(
        self, wait: float = 300.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        """Hold the store's lock: one plan or replan of a workspace at a time. Waits up to
        `wait` seconds for another run to finish, saying so through `on_wait`."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Never through a link: a planted `.lock` link would have the run create or
            # lock a file elsewhere.
            descriptor = os.open(
                self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644
            )
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # a pipe, a device
                os.close(descriptor)
                raise WorkspaceError.single(
                    str(self.folder / LOCK_FILE),
                    "is not a regular file, not the store's lock file: nothing written; remove it",
                )
            handle = os.fdopen(descriptor, "a+")
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise WorkspaceError.single(
                    str(self.folder / LOCK_FILE),
                    "is a link, not the store's lock file: nothing written; remove it",
                ) from None
            raise WorkspaceError.single(
                str(self.folder),
                f"cannot use the folder of versions ({error.strerror or error})",
            ) from None
        try:
            deadline = time.monotonic() + wait
            told = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as error:
                    if error.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"another rota run is still planning this workspace ({self.folder} is "
                        f"locked) after {wait:g} s: nothing written; try again when it is done"
                    )
                if not told and on_wait is not None:
                    on_wait(
                        f"waiting for another rota run on this workspace to finish "
                        f"(up to {wait:g} s)"
                    )
                    told = True
                time.sleep(0.1)
            clean_staging(self.folder)
            yield
        finally:
            handle.close()  # releases the lock


def assignments_of(rota: PublishedRota, day: date) -> list[FixedAssignment]:
    """The assignments a version published for `day`, with their published times."""
    return [
        FixedAssignment(meeting=a.meeting, attendee=a.attendee, day=day, start=a.start, end=a.end)
        for a in rota.assignments_on(day)
    ]


def stage_folder(
    parent: Path, name_for: Callable[[int], str], fill: Callable[[Path, int], object], number: int
) -> Path:
    """Create `parent/name_for(n)` for the first free n from `number`, filled by `fill` in a
    staging folder first. An existing folder is never touched."""
    while True:
        target = parent / name_for(number)
        if target.exists():
            number += 1
            continue
        staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=parent))
        try:
            fill(staging, number)
            os.chmod(staging, _folder_mode())
            try:
                # Claim the name first: rename(2) would silently replace an empty folder.
                target.mkdir()
            except FileExistsError:
                number += 1
                continue
            os.replace(staging, target)
            return target
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def _folder_mode() -> int:
    """The mode a new folder gets from the umask (mkdtemp makes them private)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def clean_staging(folder: Path, older_than: float = 60.0) -> None:
    """Remove staging folders a killed run left behind (older than a minute, so that a
    run writing right now is not disturbed)."""
    try:
        children = list(folder.iterdir())
    except OSError:
        return
    limit = time.time() - older_than
    for child in children:
        try:
            if child.name.startswith(_STAGING) and child.is_dir() and child.stat().st_mtime < limit:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


# --- Identity -----------------------------------------------------------------------------------


def workspace_identity(workspace_folder: Path, name: str) -> Identity:
    """The workspace's identity, from its own store; made (and written) the first time."""
    path = default_store(workspace_folder) / STORE_FILE
    found = _read_identity(path)
    if found is not None:
        return found
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:40] or "workspace"
    identity = Identity(f"{slug}-{secrets.token_hex(4)}", name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_identity(path, identity)
    except OSError as error:
        raise WorkspaceError.single(
            str(path), f"cannot record the workspace's identity ({error.strerror})"
        ) from None
    return _read_identity(path) or identity


def peek_identity(workspace_folder: Path, name: str = "") -> Identity | None:
    """The workspace's identity if it has one yet (read-only commands make none)."""
    return _read_identity(default_store(workspace_folder) / STORE_FILE)


def _read_identity(path: Path) -> Identity | None:
    if path.is_symlink():
        # A link would lend this workspace another's identity, and with it its history.
        raise WorkspaceError.single(
            str(path),
            "is a link: a workspace's identity is its own file (copy it, for a deliberate "
            "copy of the workspace); nothing written",
        )
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WorkspaceError.single(
            str(path), f"cannot read the store's record ({error.strerror})"
        ) from None
    if not stat.S_ISREG(info.st_mode):  # a pipe would be waited on for ever
        raise WorkspaceError.single(str(path), "is not a regular file: not the store's record")
    if info.st_size > STORE_FILE_LIMIT:
        raise WorkspaceError.single(
            str(path), f"is {info.st_size:,} bytes: not the store's record (a few hundred)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except RecursionError:  # `[[[[...` nested 200,000 deep
        raise WorkspaceError.single(
            str(path), "cannot read the store's record (its JSON is nested too deep)"
        ) from None
    except (OSError, ValueError) as error:  # (JSON and UTF-8 errors are ValueErrors)
        raise WorkspaceError.single(
            str(path), f"cannot read the store's record ({str(error)[:200]})"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != STORE_FORMAT
        or not isinstance(data.get("workspace_id"), str)
    ):
        raise WorkspaceError.single(
            str(path), f"not a rota store record (expected format {STORE_FORMAT})", field="format"
        )
    workspace_id = data["workspace_id"]
    if len(workspace_id) > 80 or not re.fullmatch(ID_PATTERN, workspace_id):
        raise WorkspaceError.single(
            str(path),
            "not a workspace id (letters, digits and _ . : + -, at most 80 characters)",
            field="workspace_id",
        )
    name = data.get("workspace", "")
    if not isinstance(name, str) or len(name) > 1000:
        raise WorkspaceError.single(str(path), "not a workspace name", field="workspace")
    try:
        printable_line(name)
    except ValueError as error:
        raise WorkspaceError.single(str(path), str(error), field="workspace") from None
    return Identity(workspace_id, name)


def _write_identity(path: Path, identity: Identity) -> None:
    from coverage.io import write_atomic

    record = {
        "format": STORE_FORMAT,
        "workspace_id": identity.workspace_id,
        "workspace": identity.workspace,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # Exclusive creation: two first runs at once agree on one identity.
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    write_atomic(tmp, json.dumps(record, indent=2) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def next_number_in(parent: Path) -> int:
    """One more than the highest number of the folders `vNNN-...` under `parent`."""
    numbers = [
        int(match.group(1))
        for child in (parent.iterdir() if parent.is_dir() else [])
        if (match := re.match(r"v(\d{1,7})-", child.name)) and child.is_dir()
    ]
    return max(numbers, default=0) + 1
