"""The handles every route shares: the one store (a writer owned by the job queue, a read
connection per worker thread), the server's settings, the token checks and the selection filters."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from socialens.config import Config, load_config
from socialens.errors import AuthError
from socialens.pipeline.selection import Selection
from socialens.serve.auth import allow, token_scope
from socialens.serve.cache import AnswerCache
from socialens.serve.events import AlertFeed
from socialens.serve.jobs import JobQueue
from socialens.serve.refresh import REFRESH_KEY, AnswerRefresher
from socialens.serve.schemas import IsoMoment
from socialens.store import Store

log = logging.getLogger("socialens.serve")


@dataclass
class ServerSettings:
    """What ``socialens serve`` was started with. ``files_root``: the only folder whose files an
    ingest run may read (default: the store's folder); ``max_body_bytes``: the largest request
    body; ``cors_origins``: origins allowed to call the API from a browser (none: CORS off)."""

    store: Path
    config: Path | None = None
    models_dir: Path | None = None
    files_root: Path | None = None
    export_root: Path | None = None
    max_body_bytes: int = 2_000_000
    max_texts: int = 1_000
    cors_origins: tuple[str, ...] = ()
    description: str = "socialens serve"
    keep_answers: bool = True


@dataclass
class ServerState:
    settings: ServerSettings
    writer: Store
    jobs: JobQueue
    config: Config
    feed: AlertFeed = field(default_factory=AlertFeed)
    answers: AnswerCache = field(init=False)
    refresher: AnswerRefresher | None = None
    token_scopes: AnswerCache = field(default_factory=lambda: AnswerCache(size=1024))
    _root: Store = field(init=False)
    _idle: queue.SimpleQueue[Store] = field(default_factory=queue.SimpleQueue)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._root = self.writer.reader()
        self.answers = AnswerCache(enabled=self.settings.keep_answers)

    @classmethod
    def open(cls, settings: ServerSettings) -> ServerState:
        config = load_config(settings.config)
        writer = Store(settings.store)
        return cls(settings, writer, JobQueue(writer, on_error=log.error), config)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A read handle of its own for one request: a snapshot per query, never waiting for the
        writer. Handles are pooled (FastAPI may run a request's dependencies and its route on
        different threads, so a handle belongs to a request, not to a thread)."""
        try:
            handle = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:  # a connection hands out cursors to one caller at a time
                handle = self._root.reader()
        try:
            yield handle
        finally:
            self._idle.put(handle)

    def keep_answers_fresh(self, app: Any) -> None:
        """Kept answers are recomputed by the server after each write (``serve.refresh``)."""
        if self.settings.keep_answers:
            self.refresher = AnswerRefresher(app, self.answers)
            self.jobs.publish = self.refresher.written

    @property
    def answers_version(self) -> int:
        """The store version whose answers readers get."""
        return self.refresher.published if self.refresher else self.jobs.version

    def close(self) -> None:
        self.jobs.stop()
        if self.refresher:
            self.refresher.stop()  # the jobs it was publishing finish
        self.jobs.log.close()
        self.writer.close()

    @property
    def files_root(self) -> Path:
        return (self.settings.files_root or self.settings.store.parent).resolve()

    @property
    def export_root(self) -> Path:
        return (self.settings.export_root or self.settings.store.parent / "exports").resolve()


def cached(
    request: Request, state: ServerState, compute: Callable[[], BaseModel | None], missing: str = ""
) -> Response:
    """The JSON of ``compute()``'s answer for this path and query, computed once per store
    version; a ``None`` answer is a 404 with ``missing`` as its message."""
    from socialens.serve.kept_answers import answer_key

    key = answer_key(request.url.path, request.query_params.multi_items())
    refreshing = request.scope.get(REFRESH_KEY)  # the refresher computes the next version's answer

    def render() -> bytes | None:
        answer = compute()
        return None if answer is None else answer.model_dump_json().encode()

    version = state.answers_version if refreshing is None else int(refreshing)
    body = state.answers.get(version, key, render)
    if body is None:
        from socialens.errors import NotFoundError

        raise NotFoundError(missing or "not found")
    return Response(body, media_type="application/json")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.socialens
    return state


State = Annotated[ServerState, Depends(get_state)]


def get_reader(state: State) -> Iterator[Store]:
    with state.reading() as handle:
        yield handle


Reader = Annotated[Store, Depends(get_reader)]

_bearer = HTTPBearer(auto_error=False, description="An API token: 'socialens token create --scope read|write|admin'")


def require(scope: str) -> Callable[..., str]:
    """A dependency that lets the request through with a token of ``scope`` or above."""

    def check(
        request: Request, state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> str:
        if REFRESH_KEY in request.scope and scope == "read":  # the server's own replay, in-process only
            return "read"
        token = credentials.credentials if credentials else None
        # Looked up once per token and store version (revoking is a job: it moves the version on).
        found = state.token_scopes.get(state.jobs.version, token or "", lambda: _scope_or_error(state, token))
        if isinstance(found, AuthError):
            raise AuthError(found.message)
        return allow(found, scope)

    check.__name__ = f"require_{scope}"
    return check


def _scope_or_error(state: ServerState, token: str | None) -> str | AuthError:
    with state.reading() as handle:
        try:
            return token_scope(handle, token)
        except AuthError as exc:
            return exc


def selection_filters(
    reader: Reader,
    state: State,
    since: Annotated[
        IsoMoment | None, Query(description="Posts at or after this date/time (UTC unless it says).")
    ] = None,
    until: Annotated[IsoMoment | None, Query(description="Posts before this date/time (UTC unless it says).")] = None,
    platform: Annotated[list[str] | None, Query(description="Only these platforms.", max_length=20)] = None,
    lang: Annotated[list[str] | None, Query(description="Only these languages.", max_length=20)] = None,
    author: Annotated[list[str] | None, Query(description="Only these accounts (pseudonym or handle).")] = None,
    query: Annotated[str | None, Query(description='Keywords: AND, OR, NOT, (), "phrases".', max_length=500)] = None,
) -> Selection:
    from socialens.pipeline.selection import selection_from_options

    return selection_from_options(
        reader,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        platform=platform,
        lang=lang,
        author=author,
        query=query,
        privacy=state.config.privacy,
    )


Filters = Annotated[Selection, Depends(selection_filters)]


def as_json(value: Any) -> Any:
    """Dataclasses, datetimes and tuples as plain JSON values."""
    from socialens.report.sections import view_json

    return view_json(value)
