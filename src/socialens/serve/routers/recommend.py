"""``GET /recommend``: the next posts for one user (behaviour model + content + popularity)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from socialens.serve.dependencies import Reader, State, as_json, require
from socialens.serve.schemas import Recommendations

router = APIRouter(tags=["recommend"], dependencies=[Depends(require("read"))])


@router.get("/recommend")
def recommend(
    reader: Reader,
    state: State,
    user: Annotated[str, Query(min_length=1, max_length=200, description="User id (a pseudonym, u_...).")],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    content: Annotated[str, Query(pattern="^(tfidf|minilm|none)$")] = "tfidf",
) -> Recommendations:
    from socialens.analyses.recommend import recommend as recommend_posts
    from socialens.errors import ConfigError, NotFoundError

    try:
        items = recommend_posts(reader, user, k, models_dir=state.settings.models_dir, content=content)
    except ConfigError as exc:
        if "unknown user" not in exc.message:
            raise
        raise NotFoundError(exc.message) from None
    return Recommendations.model_validate({"user": user, "k": k, "items": as_json(items)})
