"""The results routes serve the report's own views: one route per view, built by one factory, each
declared with its own response model whose fields are exactly the view dataclass's fields."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from pathlib import Path

import pytest

from socialens.report.sections import view_function
from socialens.serve.app import create_app
from socialens.serve.dependencies import ServerSettings
from socialens.serve.routers.results import RESULT_ROUTES
from tests.serve.server import client


def view_class(section: str) -> type:
    """The dataclass a section's view returns, read from its annotation (``XView | None``)."""
    view = view_function(section)
    name = str(inspect.signature(view).return_annotation).split("|")[0].strip()
    found = getattr(sys.modules[view.__module__], name)
    assert dataclasses.is_dataclass(found), (section, name)
    return found


#: Views with nothing that thin data could make misleading (listings of what is there).
WITHOUT_CAVEATS = {"profiles", "images", "share-of-voice"}


@pytest.mark.parametrize("route", RESULT_ROUTES, ids=lambda r: r.path)
def test_each_response_model_has_exactly_the_view_fields(route):
    fields = {f.name for f in dataclasses.fields(view_class(route.section))}
    assert "caveats" in fields or route.path in WITHOUT_CAVEATS
    assert set(route.model.model_fields) == fields, route.path


def test_every_result_path_is_in_the_schema_with_its_own_model():
    schema = create_app(ServerSettings(store=Path("unused.duckdb"))).openapi()
    refs = {}
    for route in RESULT_ROUTES:
        operation = schema["paths"][f"/api/v1/results/{route.path}"]["get"]
        refs[route.path] = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert operation["security"], route.path  # still behind a token
    assert refs["sentiment"].endswith("/SentimentResult") and refs["influencers"].endswith("/InfluencersResult")
    assert len(set(refs.values())) == len(RESULT_ROUTES)
    assert "/api/v1/results/topics/{topic}/posts" in schema["paths"]


def test_results_carry_the_views_caveats_and_thin_periods(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        sentiment = http.get("/api/v1/results/sentiment").json()
        influencers = http.get("/api/v1/results/influencers").json()
        raw = b"".join(http.get(f"/api/v1/results/{r.path}").content for r in RESULT_ROUTES)
    shares = sentiment["over_time"]
    # Six posts: every month is under the minimum, so no share, but each keeps its count.
    assert shares["series"] == {} and sum(n for _, n in shares["totals"]) == 5
    assert sentiment["caveats"] and "fewer than 20 scored posts" in sentiment["caveats"][0]
    assert influencers["caveats"] and "accounts interact" in " ".join(influencers["caveats"])
    text = raw.decode()
    assert not any(name in text for name in ('"ann"', '"bob"', '"cy"', "@ann", "@bob"))  # pseudonyms only


def test_the_api_answers_exactly_the_views_the_report_renders(server, template):
    from socialens.report.sections import build_views
    from socialens.store import Store

    run = ("sentiment", "topics", "trends", "influencers", "communities", "profiles")
    served = [r for r in RESULT_ROUTES if r.section in run]
    with client(server["url"], server["tokens"]["read"]) as http:
        got = {r.section: http.get(f"/api/v1/results/{r.path}") for r in served}
    answers = {section: answer.json() for section, answer in got.items() if answer.status_code == 200}
    with Store(template["store"], read_only=True) as store:  # the same analysed store, unserved
        views = build_views(store, only=[r.section for r in served])
    assert set(views) == set(answers) and len(answers) >= 5  # a 404 exactly where there is no view
    for section, view in views.items():
        assert answers[section] == view, section
