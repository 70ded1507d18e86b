"""The report's extension point: a section is a view and a renderer (or a plain function).

The preferred form, used by every analysis section, is a view ``(store, selection) -> dataclass |
None`` (what the section shows, caveats included) and a renderer of that dataclass::

    from dataclasses import dataclass
    from socialens.report.sections import Section, report_view
    from socialens.store import scores

    @dataclass(frozen=True, slots=True)
    class SentimentView:
        counts: list[tuple[str, int]]
        caveats: list[str]

    def sentiment_view(store, selection=None):
        counts = scores.label_counts(store, "sentiment")  # the SQL stays in socialens.store
        return SentimentView(counts, []) if counts else None  # None: the section is left out

    @report_view("sentiment", sentiment_view, order=40)
    def render_sentiment(view):
        return Section(title="Sentiment", html=render(view.counts))

The view is the one definition of the section's data: the report renders it, the REST API
serves it as JSON (``socialens.serve.routers.results`` looks it up with :func:`view_function`)
and ``socialens report --json`` prints it (:func:`build_views`). ``@report_section(id, order)``
on a ``(store) -> Section | None`` function adds a section with no view.

Rules for a section:

* it reads through ``socialens.store`` queries (never SQL of its own) and gives ``None``
  when the store holds nothing for it (an empty store gives an empty report, not an error);
* its ``html`` is a fragment, with every piece of user text escaped (``html.escape``) and
  plots inlined (``socialens.report.plots``): the report is one file that works offline;
* ``id`` and ``order`` of the returned ``Section`` may be left out: they come from the
  decorator. Built-in sections use orders 10-60; a section that names no order goes last.

Where the registration happens: the built-in sections live in ``socialens.report.overview``;
an analysis registers its sections in a module ``socialens.analyses.<name>.report``, which
is found and imported on first use (keep that module and its package light: import heavy
dependencies inside the view and the renderer). Any other module registers by being imported
before the report is written.
"""

from __future__ import annotations

import pkgutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from socialens.errors import SocialensError
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

#: Position of a section that does not say: after the built-in ones (10-60).
DEFAULT_ORDER = 100


@dataclass(slots=True, frozen=True, kw_only=True)
class Section:
    """One titled block of the report. ``html`` is an escaped, self-contained fragment."""

    title: str
    html: str
    id: str = ""
    order: int | None = None


SectionFunction = Callable[[Store], Section | None]
ViewFunction = Callable[[Store, "Selection"], Any]


@dataclass(slots=True, frozen=True)
class _Registration:
    id: str
    order: int
    function: SectionFunction


_SECTIONS: dict[str, _Registration] = {}
_VIEWS: dict[str, ViewFunction] = {}
# Modules whose import registers sections; loaded on first look-up, not at import time.
_PROVIDERS = ("socialens.report.overview", "socialens.report.runs")
_ANALYSES_PACKAGE = "socialens.analyses"


def report_section(section_id: str, order: int = DEFAULT_ORDER) -> Callable[[SectionFunction], SectionFunction]:
    """Function decorator: ``@report_section("volume", order=20)`` adds a report section.

    ``section_id`` is also the HTML anchor of the section, so keep it a short slug. A second
    registration under the same id by another function is refused: ids are published names.
    """
    if not section_id or not section_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"report section id {section_id!r} must be a slug: letters, digits, '-' or '_'")

    def decorate(function: SectionFunction) -> SectionFunction:
        existing = _SECTIONS.get(section_id)
        if existing is not None and _qualname(existing.function) != _qualname(function):
            raise ValueError(f"report section {section_id!r} is taken by {_qualname(existing.function)}")
        _SECTIONS[section_id] = _Registration(section_id, order, function)
        return function

    return decorate


def report_view(
    section_id: str, view: ViewFunction, order: int = DEFAULT_ORDER
) -> Callable[[Callable[[Any], Section | None]], Callable[[Any], Section | None]]:
    """Decorator of a renderer ``(view data) -> Section | None``: registers the section
    ``section_id`` as ``view(store, selection)`` (a JSON-able dataclass, or None when there is
    nothing to show) followed by the renderer. The REST API serves the view data as it is
    (:func:`build_views`); the report renders it."""

    def decorate(render: Callable[[Any], Section | None]) -> Callable[[Any], Section | None]:
        def section(store: Store) -> Section | None:
            data = view(store, _current_selection(store))
            return None if data is None else render(data)

        section.__module__, section.__qualname__ = render.__module__, render.__qualname__
        report_section(section_id, order)(section)
        _VIEWS[section_id] = view
        return render

    return decorate


def build_views(store: Store, selection: Selection | None = None, only: list[str] | None = None) -> dict[str, Any]:
    """The data of every section that has a view (or those in ``only``), as plain JSON values,
    over ``selection``; sections with nothing to show are left out."""
    from socialens.pipeline.selection import Selection
    from socialens.store.selection import scoped

    _load_providers()
    selection = selection or Selection()
    out: dict[str, Any] = {}
    with scoped(store, selection):
        for registration in _ordered():
            view = _VIEWS.get(registration.id)
            if view is None or (only is not None and registration.id not in only):
                continue
            data = view(store, selection)
            if data is not None:
                out[registration.id] = view_json(data)
    return out


def view_function(section_id: str) -> ViewFunction:
    """The view ``(store, selection) -> dataclass | None`` registered for ``section_id``
    (the REST API serves it; the report renders it)."""
    _load_providers()
    try:
        return _VIEWS[section_id]
    except KeyError:
        raise ValueError(f"report section {section_id!r} has no view; those with one: {sorted(_VIEWS)}") from None


def view_caveats(views: dict[str, Any]) -> dict[str, list[str]]:
    """Section id -> why its numbers may mean little, for the views (``build_views``) that have any."""
    return {name: data["caveats"] for name, data in views.items() if isinstance(data, dict) and data.get("caveats")}


def view_json(data: Any) -> Any:
    """A view dataclass as JSON values (times as ISO text)."""
    import dataclasses

    import orjson

    plain = dataclasses.asdict(data) if dataclasses.is_dataclass(data) and not isinstance(data, type) else data
    return orjson.loads(orjson.dumps(plain, default=str))


def _current_selection(store: Store) -> Selection:
    from socialens.store.selection import current_selection

    return current_selection(store)  # render_report opened the scope; the view may record it


def registered_sections() -> list[tuple[str, int]]:
    """``(id, order)`` of every registered section, in report order."""
    _load_providers()
    return [(r.id, r.order) for r in _ordered()]


def build_sections(store: Store, only: list[str] | None = None) -> list[Section]:
    """Run the registered section functions (or those named in ``only``) and keep what they return.

    A section that cannot be built for a reason the user can act on (a ``SocialensError``,
    e.g. a missing optional package) becomes a short note instead of sinking the whole
    report; any other exception is a bug and propagates.
    """
    _load_providers()
    if only is not None:
        unknown = sorted(set(only) - set(_SECTIONS))
        if unknown:
            raise ValueError(f"unknown report section(s) {unknown}; known: {sorted(_SECTIONS)}")
    built: list[Section] = []
    for registration in _ordered():
        if only is not None and registration.id not in only:
            continue
        try:
            section = registration.function(store)
        except SocialensError as exc:
            section = Section(title=registration.id.replace("_", " ").capitalize(), html=_note(str(exc)))
        if section is not None:
            built.append(
                replace(
                    section,
                    id=section.id or registration.id,
                    order=registration.order if section.order is None else section.order,
                )
            )
    built.sort(key=lambda s: (s.order, s.id))
    return built


def _ordered() -> list[_Registration]:
    return sorted(_SECTIONS.values(), key=lambda r: (r.order, r.id))


def _qualname(function: SectionFunction) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _note(message: str) -> str:
    from html import escape

    return f'<p class="note">This section could not be built: {escape(message)}</p>'


def _load_providers() -> None:
    for module in _PROVIDERS:
        import_module(module)
    _load_analysis_sections()


def _load_analysis_sections() -> None:
    """Import ``socialens.analyses.<name>.report`` for every analysis that has one."""
    if find_spec(_ANALYSES_PACKAGE) is None:
        return
    package = import_module(_ANALYSES_PACKAGE)
    for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
        if not module.ispkg:
            continue
        name = f"{_ANALYSES_PACKAGE}.{module.name}.report"
        try:
            if find_spec(name) is not None:
                import_module(name)
        except ImportError as exc:
            # One analysis missing an optional package must not take the whole report down.
            warnings.warn(f"report sections of {name} skipped: {exc}", stacklevel=2)
