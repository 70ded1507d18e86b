"""``GET /results/...``: each analysis's report view over the selection, as JSON.

One route per report section that has a view (``socialens.analyses.<name>.report``): the route
computes exactly the dataclass the report renders (caveats included) and answers it through its
own response model, so each path keeps its own schema in ``/openapi.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from socialens.serve import schemas
from socialens.serve.dependencies import Filters, Reader, State, as_json, cached, require
from socialens.serve.routers.posts import page
from socialens.serve.schemas import PostPage

router = APIRouter(prefix="/results", tags=["results"], dependencies=[Depends(require("read"))])


@dataclass(frozen=True, slots=True)
class ResultRoute:
    """``GET /results/{path}`` answers the view of report section ``section`` as ``model``."""

    path: str
    section: str
    model: type[BaseModel]
    summary: str


#: Every result path, its report section (the view registry's key) and its response model.
RESULT_ROUTES = (
    ResultRoute("sentiment", "sentiment", schemas.SentimentResult,
                "Posts per sentiment label, label shares over time, the most positive and negative posts."),
    ResultRoute("emotion", "emotion", schemas.EmotionResult, "Posts per dominant emotion and their shares over time."),
    ResultRoute("offensive", "offensive", schemas.OffensiveResult,
                "Posts per offensive-language label and the posts most likely offensive or hateful."),
    ResultRoute("topics", "topics", schemas.TopicsResult,
                "Topics with their keywords and representative posts, and the largest topics over time."),
    ResultRoute("trends", "trends", schemas.TrendsResult,
                "Bursts of hashtags, terms and topics, strongest first, with the volume they stand out from."),
    ResultRoute("alerts", "alerts", schemas.AlertsResult, "Stored alerts per kind and the latest ones with reasons."),
    ResultRoute("influencers", "influencers", schemas.InfluencersResult,
                "Accounts by influence score with the reasons (PageRank, in-degree, k-core, engagement)."),
    ResultRoute("suspicious", "suspicious", schemas.SuspiciousResult,
                "The most bot-like accounts with enough activity to judge, and how many were scored and flagged."),
    ResultRoute("communities", "communities", schemas.CommunitiesResult,
                "The largest communities: members, hashtags, topics, sentiment and ties to other communities."),
    ResultRoute("segments", "segments", schemas.SegmentsResult,
                "User segments: their size, what sets each apart and their common interests."),
    ResultRoute("profiles", "profiles", schemas.ProfilesResult,
                "Profiles of the most influential accounts (one account: GET /accounts/{user}/profile)."),
    ResultRoute("images", "images", schemas.ImagesResult,
                "Attachments, picture labels, text in pictures and near-duplicate groups of the selected posts."),
    ResultRoute("share-of-voice", "share-of-voice", schemas.ShareOfVoiceResult,
                "Mentions and entity-level sentiment of the compared brands, in all and per period."),
)  # fmt: skip


class Context:
    """What every results route needs: the request (the cache key), the server, a read handle, the selection."""

    def __init__(self, request: Request, state: State, reader: Reader, selection: Filters) -> None:
        self.request, self.state, self.reader, self.selection = request, state, reader, selection


Ctx = Annotated[Context, Depends()]


def serve_view(ctx: Context, route: ResultRoute) -> Response:
    """The section's view over the selection, validated by the route's model (404 when not run)."""
    from socialens.report.sections import view_function
    from socialens.store.selection import scoped

    view = view_function(route.section)

    def compute() -> BaseModel | None:
        with scoped(ctx.reader, ctx.selection):
            data = view(ctx.reader, ctx.selection)
        return None if data is None else route.model.model_validate(as_json(data))

    missing = f"no {route.path} results in the store yet: start the analysis with POST /api/v1/runs"
    return cached(ctx.request, ctx.state, compute, missing)


def add_result_route(route: ResultRoute) -> None:
    def endpoint(ctx: Ctx) -> Response:
        return serve_view(ctx, route)

    endpoint.__name__ = endpoint.__qualname__ = "results_" + route.path.replace("-", "_")
    router.add_api_route(
        f"/{route.path}", endpoint, methods=["GET"], response_model=route.model, summary=route.summary,
        name=endpoint.__name__,
    )  # fmt: skip


for _route in RESULT_ROUTES:
    add_result_route(_route)


@router.get("/topics/{topic}/posts", response_model=PostPage)
def topic_posts(
    ctx: Ctx,
    topic: Annotated[str, Path(max_length=40)],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The posts of one topic in the selection, newest first."""
    compute = lambda: PostPage.model_validate(page(ctx.reader, ctx.selection, limit, offset, topic, None))  # noqa: E731
    return cached(ctx.request, ctx.state, compute)
