"""``/tokens``: list, create and revoke API tokens (admin). The CLI's ``socialens token`` does the
same while no server holds the store."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from socialens.errors import NotFoundError
from socialens.serve.dependencies import Reader, State, as_json, require
from socialens.serve.schemas import Revoked, TokenCreated, TokenInfo, TokenRequest

router = APIRouter(prefix="/tokens", tags=["tokens"], dependencies=[Depends(require("admin"))])


@router.get("")
def list_tokens(reader: Reader) -> list[TokenInfo]:
    from socialens.store.tokens import list_tokens as listed

    return [TokenInfo.model_validate(as_json(t)) for t in listed(reader)]


@router.post("", status_code=201)
def create(body: TokenRequest, state: State) -> TokenCreated:
    from socialens.serve.auth import create_token

    params = {"name": body.name, "scope": body.scope}
    work = lambda writer, _: create_token(writer, body.scope, body.name)  # noqa: E731
    token = str(state.jobs.run("token", params, work, changes_answers=False))
    return TokenCreated(id=token.removeprefix("slt_").partition(".")[0], name=body.name, scope=body.scope, token=token)


@router.delete("/{token}")
def revoke(token: str, state: State) -> Revoked:
    """Revoke by id or by name."""
    from socialens.store.tokens import revoke_token

    work = lambda writer, _: revoke_token(writer, token)  # noqa: E731
    revoked = int(state.jobs.run("revoke", {"token": token}, work, changes_answers=False))
    if not revoked:
        raise NotFoundError(f"no active token {token!r}")
    return Revoked(revoked=revoked)
