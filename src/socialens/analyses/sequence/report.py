"""The report's section on next-item models (found and registered automatically by the report)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store


@report_section("sequence", order=80)
def sequence_section(store: Store) -> Section | None:
    from html import escape

    from socialens.report.html import table
    from socialens.store.results import read_results

    results = read_results(store, "sequence")
    if not results:
        return None
    rows = []
    for name, payload in results:
        m = payload["metrics"]
        ex, inc = m["test"]["seen_excluded"], m["test"]["seen_included"]
        rows.append((f"{name} v{payload['version']}", m["epochs_run"], *_cells(ex), *_cells(inc)))
    pop = results[-1][1]["metrics"]["most_popular"]
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
    note = f'<p class="note">Test cases, seen items excluded unless marked. {escape(results[-1][1]["protocol"])}</p>'
    html = table(headers, rows, numeric=list(range(1, 8))) + note
    return Section(title="Next-item models", html=html)


def _cells(m: dict[str, float]) -> tuple[float, ...]:
    return round(m["ndcg@10"], 4), round(m["hr@10"], 4), round(m["mrr@10"], 4)
