"""``GET /results/...``: each analysis's stored results over the selection, as the report's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from socialens.errors import NotFoundError
from socialens.report import analysis_views as views
from socialens.serve.dependencies import Filters, Reader, as_json, require
from socialens.serve.routers.posts import page
from socialens.serve.schemas import (
    AccountsResult,
    AlertsResult,
    ItemsResult,
    PostPage,
    ScoresResult,
    TopicsResult,
    TrendsResult,
)

router = APIRouter(prefix="/results", tags=["results"], dependencies=[Depends(require("read"))])
Model = TypeVar("Model", bound=BaseModel)


def _view(reader: Reader, selection: Filters, task: str, view: Callable[..., Any], model: type[Model]) -> Model:
    from socialens.store.selection import scoped

    with scoped(reader, selection):
        data = view(reader, selection)
    if data is None:
        raise NotFoundError(f"no {task} results in the store yet: start the analysis with POST /api/v1/runs")
    return model.model_validate(as_json(data))


@router.get("/sentiment")
def sentiment(reader: Reader, selection: Filters) -> ScoresResult:
    """Posts per sentiment label, label shares over time, the most positive and negative posts."""
    return _view(reader, selection, "sentiment", views.sentiment_view, ScoresResult)


@router.get("/emotion")
def emotion(reader: Reader, selection: Filters) -> ScoresResult:
    return _view(reader, selection, "emotion", views.emotion_view, ScoresResult)


@router.get("/offensive")
def offensive(reader: Reader, selection: Filters) -> ScoresResult:
    return _view(reader, selection, "offensive", views.offensive_view, ScoresResult)


@router.get("/topics")
def topics(reader: Reader, selection: Filters) -> TopicsResult:
    """Topics with their keywords and representative posts, and the largest topics over time."""
    return _view(reader, selection, "topics", views.topics_view, TopicsResult)


@router.get("/topics/{topic}/posts")
def topic_posts(
    reader: Reader,
    selection: Filters,
    topic: Annotated[str, Path(max_length=40)],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PostPage:
    return PostPage.model_validate(page(reader, selection, limit, offset, topic, None))


@router.get("/trends")
def trends(reader: Reader, selection: Filters) -> TrendsResult:
    """Bursts of hashtags, terms and topics, strongest first, with the volume they stand out from."""
    return _view(reader, selection, "trends", views.trends_view, TrendsResult)


@router.get("/alerts")
def alerts(reader: Reader, selection: Filters) -> AlertsResult:
    return _view(reader, selection, "alerts", views.alerts_view, AlertsResult)


@router.get("/influencers")
def influencers(reader: Reader, selection: Filters) -> AccountsResult:
    """Accounts by influence score with the reasons (PageRank, in-degree, k-core, engagement)."""
    return _view(reader, selection, "influence", views.influencers_view, AccountsResult)


@router.get("/suspicious")
def suspicious(reader: Reader, selection: Filters) -> AccountsResult:
    return _view(reader, selection, "suspicious", views.suspicious_view, AccountsResult)


@router.get("/communities")
def communities(reader: Reader, selection: Filters) -> ItemsResult:
    """The largest communities: members, hashtags, topics, sentiment and ties to other communities."""
    return _view(reader, selection, "communities", views.communities_view, ItemsResult)


@router.get("/segments")
def segments(reader: Reader, selection: Filters) -> ItemsResult:
    return _view(reader, selection, "segments", views.segments_view, ItemsResult)
