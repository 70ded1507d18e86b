"""``GET /results/...``: each analysis's stored results over the selection, as the report's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from socialens.report import analysis_views as views
from socialens.serve.dependencies import Filters, Reader, State, as_json, cached, require
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


class Context:
    """What every results route needs: the request (the cache key), the server, a read handle, the selection."""

    def __init__(self, request: Request, state: State, reader: Reader, selection: Filters) -> None:
        self.request, self.state, self.reader, self.selection = request, state, reader, selection


Ctx = Annotated[Context, Depends()]


def _view(ctx: Context, task: str, view: Callable[..., Any], model: type[Model]) -> Response:
    from socialens.store.selection import scoped

    def compute() -> Model | None:
        with scoped(ctx.reader, ctx.selection):
            data = view(ctx.reader, ctx.selection)
        return None if data is None else model.model_validate(as_json(data))

    missing = f"no {task} results in the store yet: start the analysis with POST /api/v1/runs"
    return cached(ctx.request, ctx.state, compute, missing)


@router.get("/sentiment", response_model=ScoresResult)
def sentiment(ctx: Ctx) -> Response:
    """Posts per sentiment label, label shares over time, the most positive and negative posts."""
    return _view(ctx, "sentiment", views.sentiment_view, ScoresResult)


@router.get("/emotion", response_model=ScoresResult)
def emotion(ctx: Ctx) -> Response:
    return _view(ctx, "emotion", views.emotion_view, ScoresResult)


@router.get("/offensive", response_model=ScoresResult)
def offensive(ctx: Ctx) -> Response:
    return _view(ctx, "offensive", views.offensive_view, ScoresResult)


@router.get("/topics", response_model=TopicsResult)
def topics(ctx: Ctx) -> Response:
    """Topics with their keywords and representative posts, and the largest topics over time."""
    return _view(ctx, "topics", views.topics_view, TopicsResult)


@router.get("/topics/{topic}/posts", response_model=PostPage)
def topic_posts(
    ctx: Ctx,
    topic: Annotated[str, Path(max_length=40)],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    compute = lambda: PostPage.model_validate(page(ctx.reader, ctx.selection, limit, offset, topic, None))  # noqa: E731
    return cached(ctx.request, ctx.state, compute)


@router.get("/trends", response_model=TrendsResult)
def trends(ctx: Ctx) -> Response:
    """Bursts of hashtags, terms and topics, strongest first, with the volume they stand out from."""
    return _view(ctx, "trends", views.trends_view, TrendsResult)


@router.get("/alerts", response_model=AlertsResult)
def alerts(ctx: Ctx) -> Response:
    return _view(ctx, "alerts", views.alerts_view, AlertsResult)


@router.get("/influencers", response_model=AccountsResult)
def influencers(ctx: Ctx) -> Response:
    """Accounts by influence score with the reasons (PageRank, in-degree, k-core, engagement)."""
    return _view(ctx, "influence", views.influencers_view, AccountsResult)


@router.get("/suspicious", response_model=AccountsResult)
def suspicious(ctx: Ctx) -> Response:
    return _view(ctx, "suspicious", views.suspicious_view, AccountsResult)


@router.get("/communities", response_model=ItemsResult)
def communities(ctx: Ctx) -> Response:
    """The largest communities: members, hashtags, topics, sentiment and ties to other communities."""
    return _view(ctx, "communities", views.communities_view, ItemsResult)


@router.get("/segments", response_model=ItemsResult)
def segments(ctx: Ctx) -> Response:
    return _view(ctx, "segments", views.segments_view, ItemsResult)
