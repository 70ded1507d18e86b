"""The report's section on next-item models (found and registered automatically by the report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection


@dataclass(frozen=True, slots=True)
class SequenceView:
    """Each trained next-item model's test metrics (``name``, ``version``, ``metrics``), the
    most-popular baseline of the latest run, its evaluation protocol, and ``caveats``."""

    models: list[dict[str, Any]]
    most_popular: dict[str, Any]
    protocol: str
    caveats: list[str]


def sequence_view(store: Store, selection: Selection | None = None) -> SequenceView | None:
    from socialens.store.results import read_results

    results = read_results(store, "sequence")
    if not results:
        return None
    models = [{"name": name, "version": p["version"], "metrics": p["metrics"]} for name, p in results]
    latest = results[-1][1]
    return SequenceView(models, latest["metrics"]["most_popular"], str(latest["protocol"]), [])


@report_view("sequence", sequence_view, order=80)
def render_sequence(view: SequenceView) -> Section:
    from html import escape

    from socialens.report.html import table

    rows = []
    for model in view.models:
        m = model["metrics"]
        ex, inc = m["test"]["seen_excluded"], m["test"]["seen_included"]
        rows.append((f"{model['name']} v{model['version']}", m["epochs_run"], *_cells(ex), *_cells(inc)))
    pop = view.most_popular
    rows.append(("most popular", "", *_cells(pop["seen_excluded"]), *_cells(pop["seen_included"])))
    headers = [
        "Model",
        "Epochs",
        "NDCG@10",
        "HR@10",
        "MRR@10",
        "NDCG@10 (seen incl.)",
        "HR@10 (seen incl.)",
        "MRR@10 (seen incl.)",
    ]
    note = f'<p class="note">Test cases, seen items excluded unless marked. {escape(view.protocol)}</p>'
    html = table(headers, rows, numeric=list(range(1, 8))) + note
    return Section(title="Next-item models", html=html)


def _cells(m: dict[str, float]) -> tuple[float, ...]:
    return round(m["ndcg@10"], 4), round(m["hr@10"], 4), round(m["mrr@10"], 4)


def sequence_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = sequence_view(store)
    return None if view is None else render_sequence(view)
