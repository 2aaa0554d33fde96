"""The coalition graphs as files (GraphML and GEXF for Gephi, a PNG per issue), the
suggestions as JSON, and a table on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage.io import dump_json, write_atomic

if TYPE_CHECKING:
    from rich.console import Console

    from coverage.outreach import IssueGraph

STANCE_COLOURS = {
    "support": "#1a9641",
    "lean_support": "#a6d96a",
    "undecided": "#ffffbf",
    "lean_oppose": "#fdae61",
    "oppose": "#d7191c",
    "unknown": "#cccccc",
}


def write_outreach(folder: Path, data: dict[str, Any], graphs: list[IssueGraph]) -> list[Path]:
    """suggestions.json and, per issue, coalitions-<issue>.graphml, .gexf and .png."""
    import networkx as nx

    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "suggestions.json"]
    write_atomic(written[0], dump_json(data))
    for ig in graphs:
        graph = _exportable(ig)
        for suffix, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
            path = folder / f"coalitions-{ig.issue}.{suffix}"
            tmp = path.with_name(f".{path.name}.tmp")
            writer(graph, tmp)
            tmp.replace(path)
            written.append(path)
        png = folder / f"coalitions-{ig.issue}.png"
        draw_png(ig, png)
        written.append(png)
    return written


def _exportable(ig: IssueGraph) -> Any:
    """A copy whose attributes GraphML and GEXF can hold (text, numbers, booleans)."""
    graph = ig.graph.copy()
    graph.graph["issue"] = ig.issue
    for _, _, data in graph.edges(data=True):
        data.pop("distance", None)
    for _, data in graph.nodes(data=True):
        for key, value in list(data.items()):
            if value is None:
                data[key] = ""
    return graph


def draw_png(ig: IssueGraph, path: Path) -> None:
    """States coloured by stance, sized by influence, laid out bloc by bloc."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.patches import Patch

    graph = ig.graph
    pos: dict[str, tuple[float, float]] = {}
    count = max(len(ig.blocs), 1)
    for n, bloc in enumerate(ig.blocs):
        angle = 2 * math.pi * n / count
        centre = (3 * math.cos(angle), 3 * math.sin(angle)) if count > 1 else (0.0, 0.0)
        sub = graph.subgraph(bloc)
        inner = (
            nx.spring_layout(sub, seed=0, weight="weight") if len(bloc) > 1 else {bloc[0]: (0, 0)}
        )
        for code, (x, y) in inner.items():
            pos[code] = (centre[0] + float(x), centre[1] + float(y))
    nodes = sorted(graph.nodes)
    colours = [STANCE_COLOURS.get(graph.nodes[c]["stance"], "#cccccc") for c in nodes]
    sizes = [150 + 1200 * float(graph.nodes[c]["influence"]) for c in nodes]
    figure, axes = plt.subplots(figsize=(11, 9))
    try:
        widths = [0.5 + 2.5 * float(d["weight"]) for _, _, d in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, pos, ax=axes, width=widths, alpha=0.3)
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=nodes,
            node_color=colours,
            node_size=sizes,
            ax=axes,
            edgecolors="#333333",
            linewidths=0.6,
        )
        nx.draw_networkx_labels(graph, pos, font_size=7, ax=axes)
        axes.legend(
            handles=[Patch(color=c, label=s) for s, c in STANCE_COLOURS.items()],
            loc="lower left",
            fontsize=8,
        )
        axes.set_title(f"Coalitions on {ig.issue}: {len(ig.blocs)} blocs, size = influence")
        axes.axis("off")
        tmp = path.with_name(f".{path.name}.tmp")
        figure.savefig(tmp, format="png", dpi=100)
        tmp.replace(path)
    finally:
        plt.close(figure)


def print_outreach(data: dict[str, Any], console: Console) -> None:
    """The suggestions as a table (brokers by name), then one line on the pairs without a
    broker (they are all in suggestions.json) and the support offers."""
    from rich.table import Table
    from rich.text import Text

    from coverage.export.common import printable

    table = Table(title=f"{len(data['suggestions'])} bilateral suggestion(s)")
    for column in ("#", "issue", "messenger", "swing", "broker", "score", "slot"):
        table.add_column(column, justify="right" if column in ("#", "score") else "left")
    for n, item in enumerate(data["suggestions"], start=1):
        slot = item["slot"]
        when = f"{slot['start'][11:]}-{slot['end'][11:]}" if slot else ""
        if not slot and item["slot_note"]:
            when = "no free slot"
        table.add_row(
            str(n),
            item["issue"],
            item["messenger"],
            f"{item['swing_state']} ({item['swing_stance']})",
            Text(printable(item["broker"]["name"])),
            f"{item['score']:.3f}",
            when or "",
        )
    console.print(table)
    for n, item in enumerate(data["suggestions"], start=1):
        console.print(Text(f"{n}. {printable(item['rationale'])}"))
        if not item["slot"] and item["slot_note"]:
            console.print(Text(f"   {printable(item['slot_note'])}"))
    unbrokered = data["without_broker"]
    if unbrokered:
        topics = sorted({item["issue"] for item in unbrokered})
        console.print(
            Text(
                f"{len(unbrokered)} more pair(s) no one in the group can broker (on "
                f"{', '.join(topics)}): see without_broker in suggestions.json for the seat "
                "that would open each"
            )
        )
    for offer in data["support_offers"]:
        issues = ", ".join(i["issue"] for i in offer["issues"])
        console.print(
            Text(
                f"support offer: {offer['state']} ({printable(offer['name'])}, "
                f"{offer['delegation_size']} delegates) on {issues}"
            )
        )
