"""``GET /results/...``: each analysis's stored results over the selection, as the report's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from socialens.errors import NotFoundError
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


def _view(ctx: Context, task: str, view: Callable[..., Any], model: type[Model]) -> Model:
    from socialens.store.selection import scoped

    def compute() -> Model | None:
        with scoped(ctx.reader, ctx.selection):
            data = view(ctx.reader, ctx.selection)
        return None if data is None else model.model_validate(as_json(data))

    answer: Model | None = cached(ctx.request, ctx.state, compute)
    if answer is None:
        raise NotFoundError(f"no {task} results in the store yet: start the analysis with POST /api/v1/runs")
    return answer


@router.get("/sentiment")
def sentiment(ctx: Ctx) -> ScoresResult:
    """Posts per sentiment label, label shares over time, the most positive and negative posts."""
    return _view(ctx, "sentiment", views.sentiment_view, ScoresResult)


@router.get("/emotion")
def emotion(ctx: Ctx) -> ScoresResult:
    return _view(ctx, "emotion", views.emotion_view, ScoresResult)


@router.get("/offensive")
def offensive(ctx: Ctx) -> ScoresResult:
    return _view(ctx, "offensive", views.offensive_view, ScoresResult)


@router.get("/topics")
def topics(ctx: Ctx) -> TopicsResult:
    """Topics with their keywords and representative posts, and the largest topics over time."""
    return _view(ctx, "topics", views.topics_view, TopicsResult)


@router.get("/topics/{topic}/posts")
def topic_posts(
    ctx: Ctx,
    topic: Annotated[str, Path(max_length=40)],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PostPage:
    compute = lambda: PostPage.model_validate(page(ctx.reader, ctx.selection, limit, offset, topic, None))  # noqa: E731
    return cached(ctx.request, ctx.state, compute)


@router.get("/trends")
def trends(ctx: Ctx) -> TrendsResult:
    """Bursts of hashtags, terms and topics, strongest first, with the volume they stand out from."""
    return _view(ctx, "trends", views.trends_view, TrendsResult)


@router.get("/alerts")
def alerts(ctx: Ctx) -> AlertsResult:
    return _view(ctx, "alerts", views.alerts_view, AlertsResult)


@router.get("/influencers")
def influencers(ctx: Ctx) -> AccountsResult:
    """Accounts by influence score with the reasons (PageRank, in-degree, k-core, engagement)."""
    return _view(ctx, "influence", views.influencers_view, AccountsResult)


@router.get("/suspicious")
def suspicious(ctx: Ctx) -> AccountsResult:
    return _view(ctx, "suspicious", views.suspicious_view, AccountsResult)


@router.get("/communities")
def communities(ctx: Ctx) -> ItemsResult:
    """The largest communities: members, hashtags, topics, sentiment and ties to other communities."""
    return _view(ctx, "communities", views.communities_view, ItemsResult)


@router.get("/segments")
def segments(ctx: Ctx) -> ItemsResult:
    return _view(ctx, "segments", views.segments_view, ItemsResult)
