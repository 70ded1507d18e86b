"""``GET /accounts/{user}/profile``: one account's profile (interests, rhythm, sentiment, influence)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from socialens.serve.dependencies import Reader, State, as_json, cached, require
from socialens.serve.schemas import Profile

router = APIRouter(prefix="/accounts", tags=["accounts"], dependencies=[Depends(require("read"))])


@router.get("/{user}/profile", response_model=Profile)
def profile(
    request: Request, reader: Reader, state: State, user: Annotated[str, Path(min_length=1, max_length=200)]
) -> Response:
    """``user``: a stored id or handle (pseudonym), or a raw one pseudonymised with the server's key."""
    from socialens.analyses.profiles.build import account_profile
    from socialens.errors import ConfigError, NotFoundError
    from socialens.pipeline.selection import resolve_account

    def compute() -> Profile:
        try:
            account = resolve_account(reader, user, state.config.privacy)
        except ConfigError as exc:
            raise NotFoundError(exc.message) from None
        return Profile.model_validate(as_json(account_profile(reader, account)))

    return cached(request, state, compute)
