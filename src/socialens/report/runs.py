"""The report section that says what each analysis result covers (its selection and settings).

A section is a view (``view(store, selection) -> dataclass``, plain JSON-able data that the REST
API can serve as it is) plus an HTML renderer; the registered section function joins the two.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from socialens.pipeline.selection import Selection
from socialens.report.html import table
from socialens.report.sections import Section, report_view
from socialens.store import Store


@dataclass(frozen=True, slots=True)
class TaskRunRow:
    task: str
    covers: str
    settings: dict[str, Any]
    status: str
    rows: int | None
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class RunsView:
    runs: list[TaskRunRow]
    models: dict[str, dict[str, int]]  # task -> model version -> posts it scored

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def runs_view(store: Store, selection: Selection | None = None) -> RunsView | None:
    """Each task's latest run: what it covered, with which settings, when it finished."""
    from socialens.store.runs import read_runs
    from socialens.store.stats import models_used

    rows = [
        TaskRunRow(
            task=r["task"],
            covers=Selection.from_dict(r["selection"]).describe(),
            settings=r["settings"],
            status=r["status"],
            rows=r["rows"],
            finished_at=None if r["finished_at"] is None else str(r["finished_at"])[:19],
        )
        for r in read_runs(store)
    ]
    return RunsView(rows, models_used(store)) if rows else None


@report_view("coverage", runs_view, order=95)
def render_runs(view: RunsView) -> Section:
    body = table(
        ["Analysis", "Covers", "Settings", "Status", "Rows", "Finished"],
        [
            [
                r.task,
                r.covers,
                _settings(r.settings),
                r.status,
                r.rows if r.rows is not None else "-",
                r.finished_at or "-",
            ]
            for r in view.runs
        ],
        numeric=[4],
    )
    note = '<p class="muted">Each analysis ran over the posts it names; its results cover only those.</p>'
    if view.models:
        models = [[task, model, n] for task, used in view.models.items() for model, n in used.items()]
        body += "<h3>Models that produced the results</h3>" + table(["Analysis", "Model", "Posts"], models, numeric=[2])
    return Section(title="What the analyses cover", html=note + body)


def _settings(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items() if v not in (None, "", []))[:200] or "-"
