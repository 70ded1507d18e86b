"""Write an account graph for Gephi and other tools: GEXF 1.3 or GraphML, chosen by file suffix.

Each node carries its platform, user id and any per-user values passed in (PageRank,
community, ...); each edge its weight and its count per interaction kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from socialens.errors import ConfigError
from socialens.graph.build import InteractionGraph

FORMATS = {".gexf": "gexf", ".graphml": "graphml"}

NodeValues = Mapping[str, Sequence[float | int | str | None]]


def export_graph(graph: InteractionGraph, path: str | Path, node_values: NodeValues | None = None) -> Path:
    """Write ``graph`` to ``path`` (``.gexf`` or ``.graphml``); ``node_values`` adds node attributes."""
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ConfigError(f"--export {target}: unknown graph format; use a name ending in .gexf or .graphml")
    values = dict(node_values or {})
    for name, column in values.items():
        if len(column) != graph.n_nodes:
            raise ValueError(f"node value {name!r} has {len(column)} entries for {graph.n_nodes} nodes")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if fmt == "gexf":
        partial.write_text(to_gexf(graph, values), encoding="utf-8")
    else:
        _write_graphml(graph, values, partial)
    partial.replace(target)  # readers never see half a file
    return target


def _kinds(graph: InteractionGraph) -> list[str]:
    return sorted({kind for counts in graph.kind_counts for kind in counts})


def _gexf_type(column: Sequence[float | int | str | None]) -> str:
    present = [v for v in column if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def to_gexf(graph: InteractionGraph, node_values: NodeValues) -> str:
    """The graph as a GEXF 1.3 document."""
    node_attrs = [("platform", "string"), ("user_id", "string")] + [
        (name, _gexf_type(col)) for name, col in node_values.items()
    ]
    kinds = _kinds(graph)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
        '<graph mode="static" defaultedgetype="directed">',
        '<attributes class="node">',
        *(f"<attribute id={quoteattr(n)} title={quoteattr(n)} type={quoteattr(t)}/>" for n, t in node_attrs),
        "</attributes>",
        '<attributes class="edge">',
        *(f'<attribute id={quoteattr(k)} title={quoteattr(k)} type="long"/>' for k in kinds),
        "</attributes>",
        "<nodes>",
    ]
    for i, (platform, user) in enumerate(graph.user_ids):
        cells: list[tuple[str, Any]] = [("platform", platform), ("user_id", user)]
        cells += [(name, col[i]) for name, col in node_values.items() if col[i] is not None]
        values = "".join(f"<attvalue for={quoteattr(n)} value={quoteattr(str(v))}/>" for n, v in cells)
        lines.append(f'<node id="{i}" label={quoteattr(f"{platform}:{user}")}><attvalues>{values}</attvalues></node>')
    lines.append("<edges>")
    for j, edge in enumerate(graph.graph.es):
        counts = graph.kind_counts[j] if graph.kind_counts else {}
        values = "".join(f'<attvalue for={quoteattr(k)} value="{n}"/>' for k, n in counts.items())
        lines.append(
            f'<edge id="{j}" source="{edge.source}" target="{edge.target}" weight="{graph.weights[j]:g}">'
            f"<attvalues>{values}</attvalues></edge>"
        )
    lines += ["</edges>", "</graph>", "</gexf>", ""]
    lines.insert(lines.index("<edges>"), "</nodes>")
    return "\n".join(lines)


def _write_graphml(graph: InteractionGraph, node_values: NodeValues, path: Path) -> None:
    g = graph.graph.copy()
    g.vs["platform"] = [p for p, _ in graph.user_ids]
    g.vs["user_id"] = [u for _, u in graph.user_ids]
    for name, column in node_values.items():
        # GraphML keys have one type: a missing value becomes NaN (numbers) or "" (text).
        kind = _gexf_type(column)
        g.vs[name] = [("" if kind == "string" else float("nan")) if v is None else v for v in column]
    for kind in _kinds(graph):
        g.es[kind] = [counts.get(kind, 0) for counts in graph.kind_counts]
    g.write_graphml(str(path))
