"""``socialens serve`` (REST API + dashboard) and ``socialens token create|list|revoke``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    ModelsDirOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    resolve_config,
)
from socialens.cli.common import store_path as configured_store

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on (loopback unless you say otherwise).")]
PortOption = Annotated[int, typer.Option("--port", help="TCP port.")]
FilesOption = Annotated[
    Path | None, typer.Option("--files", help="The only folder ingest runs may read (default: the store's).")
]
CorsOption = Annotated[
    list[str] | None,
    typer.Option("--cors-origin", help="Browser origin allowed to call the API (repeat; default none)."),
]
MaxBodyOption = Annotated[int, typer.Option("--max-body", help="Largest request body in bytes.")]
KeepOption = Annotated[
    bool, typer.Option("--keep-answers/--no-keep-answers", help="Reuse read answers until the store changes.")
]


@guarded
def serve_command(
    store: StoreOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8765,
    files: FilesOption = None,
    cors_origin: CorsOption = None,
    models_dir: ModelsDirOption = None,
    max_body: MaxBodyOption = 2_000_000,
    keep_answers: KeepOption = True,
    config: ConfigOption = None,
) -> None:
    """Serve the REST API (/api/v1, /docs) and the dashboard (/) over one store; Ctrl-C stops it."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as exc:
        from socialens.errors import MissingExtraError

        raise MissingExtraError(exc.name or "fastapi", "serve") from None

    from socialens.serve.app import create_app
    from socialens.serve.dependencies import ServerSettings, ServerState
    from socialens.store.tokens import list_tokens

    url = f"http://{host}:{port}"
    settings = ServerSettings(
        store=configured_store(store, resolve_config(config)),
        config=config,
        models_dir=models_dir,
        files_root=files,
        max_body_bytes=max_body,
        cors_origins=tuple(cors_origin or ()),
        description=f"socialens serve at {url}",
        keep_answers=keep_answers,
    )
    state = ServerState.open(settings)  # a busy or unreadable store fails here, as one clear line
    if not any(t["revoked_at"] is None for t in list_tokens(state.writer)):
        console.print("[yellow]note:[/] no API token yet: stop, then 'socialens token create --scope admin --name me'")
    console.print(f"serving {settings.store} at {url} (dashboard /, API /api/v1, docs /docs)", highlight=False)
    uvicorn.run(create_app(settings, state), host=host, port=port, log_level="warning", access_log=False)


token_app = typer.Typer(help="API tokens of 'socialens serve' (only a hash is stored).", no_args_is_help=True)


@token_app.command("create")
@guarded
def token_create(
    scope: Annotated[str, typer.Option("--scope", help="read, write or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what uses the token.")],
    store: StoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Create a token and print it once: copy it now, it cannot be shown again."""
    from socialens.serve.auth import create_token
    from socialens.store import Store

    with Store(configured_store(store, resolve_config(config))) as db:
        token = create_token(db, scope, name)
    typer.echo(token)


@token_app.command("list")
@guarded
def token_list(store: StoreOption = None, config: ConfigOption = None, json: JsonOption = False) -> None:
    """Every token: id, name, scope, created, revoked (never the token itself)."""
    from socialens.store import Store
    from socialens.store.tokens import list_tokens

    with Store(configured_store(store, resolve_config(config)), read_only=True) as db:
        tokens = list_tokens(db)
    if json:
        emit_json(tokens)
        return
    for t in tokens:
        state = f"revoked {t['revoked_at']:%Y-%m-%d %H:%M}" if t["revoked_at"] else "active"
        console.print(
            f"{t['id']}  {t['scope']:<5}  {t['name']}  created {t['created_at']:%Y-%m-%d %H:%M}  {state}",
            highlight=False,
        )


@token_app.command("revoke")
@guarded
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id or name.")],
    store: StoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Revoke a token by id or name: requests with it get 401 from then on."""
    from socialens.errors import ConfigError
    from socialens.store import Store
    from socialens.store.tokens import revoke_token

    with Store(configured_store(store, resolve_config(config))) as db:
        revoked = revoke_token(db, token)
    if not revoked:
        raise ConfigError(f"no active token with id or name {token!r} ('socialens token list')")
    console.print(f"revoked {revoked} token(s)", highlight=False)


COMMANDS = {"serve": serve_command}
GROUPS = {"token": token_app}
