"""Publishing a rota: a new numbered version with its JSON, Markdown and web page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coverage.export.html import render_html
from coverage.export.markdown import render_markdown
from coverage.io import dump_json
from coverage.plan import Rota
from coverage.store import ROTA_HTML, ROTA_JSON, ROTA_MD, RotaStore


def publish(
    rota: Rota,
    store: RotaStore,
    reason: str,
    input_digest: str,
    extra: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Write `rota` as the next version in `store`; returns the folder and the data written.
    The web page highlights what changed since the latest earlier version of each day.

    Everything but the `run` block (version, time, wall seconds) depends only on the
    input and the seed."""
    data = rota.to_dict()
    previous = {}
    for day in rota.days:
        version = store.latest_for(day)
        if version is not None:
            previous[day.isoformat()] = version.data
    created = datetime.now(UTC).isoformat(timespec="seconds")

    def files_for(version: int) -> dict[str, str]:
        data["run"] = {
            "version": version,
            "reason": reason,
            "created_at": created,
            "seconds": round(rota.seconds, 3),
            "input_digest": input_digest,
        }
        files = {
            ROTA_JSON: dump_json(data),
            ROTA_MD: render_markdown(data),
            ROTA_HTML: render_html(data, previous),
        }
        return files | (extra(data) if extra else {})

    folder = store.publish(rota.days, files_for)
    return folder, data
