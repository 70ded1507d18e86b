"""``GET /posts``: search the posts with the selection filters, newest first, paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from socialens.serve.dependencies import Filters, Reader, State, as_json, cached, require
from socialens.serve.schemas import PostPage

router = APIRouter(tags=["posts"], dependencies=[Depends(require("read"))])


@router.get("/posts", response_model=PostPage)
def search(
    request: Request,
    state: State,
    reader: Reader,
    selection: Filters,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    topic: Annotated[str | None, Query(max_length=40, description="Only posts of this topic id.")] = None,
    sentiment: Annotated[str | None, Query(max_length=40, description="Only posts with this label.")] = None,
) -> Response:
    return cached(
        request, state, lambda: PostPage.model_validate(page(reader, selection, limit, offset, topic, sentiment))
    )


def page(reader: Reader, selection: Filters, limit: int, offset: int, topic: str | None, sentiment: str | None) -> dict:
    from socialens.store.post_search import search_posts
    from socialens.store.selection import scoped

    with scoped(reader, selection):
        total, items = search_posts(reader, limit, offset, topic=topic, sentiment=sentiment)
    return {"total": total, "limit": limit, "offset": offset, "items": as_json(items)}
