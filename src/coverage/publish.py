"""Publishing a rota: a new numbered version with its JSON, Markdown and web page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from coverage.export.html import render_html
from coverage.export.markdown import render_markdown
from coverage.plan import Rota
from coverage.published import PublishedRota, Run, dump_rota
from coverage.store import ROTA_HTML, ROTA_JSON, ROTA_MD, RotaStore


def publish(
    rota: Rota,
    store: RotaStore,
    reason: str,
    input_digest: str,
    extra: Callable[[PublishedRota], dict[str, str]] | None = None,
    history: dict[date, int] | None = None,
) -> tuple[Path, PublishedRota]:
    """Write `rota` as the next version of its days in `store`; returns the folder and the
    published rota. Each day's changes since its previous version are part of it.
    `history` names the version of each other day the plan respected.

    Everything but the `run` block (version, time, wall seconds) depends only on the
    input and the seed."""
    previous = {}
    for day in rota.days:
        version = store.latest_for(day)
        if version is not None:
            previous[day] = version.rota
    created = datetime.now(UTC).replace(microsecond=0)
    written: dict[str, PublishedRota] = {}

    def fill(folder: Path, number: int) -> None:
        run = Run(
            version=number,
            reason=reason,
            created_at=created,
            seconds=round(rota.seconds, 3),
            input_digest=input_digest,
            history={d.isoformat(): n for d, n in sorted((history or {}).items())},
            tier_seconds={t.name: t.seconds for t in rota.tiers},
        )
        published = rota.published(previous, run, store.identity.workspace_id or None)
        files = {
            ROTA_JSON: dump_rota(published),
            ROTA_MD: render_markdown(published),
            ROTA_HTML: render_html(published),
        }
        files |= extra(published) if extra else {}
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
        written["rota"] = published

    folder = store.publish(rota.days, fill)
    return folder, written["rota"]
