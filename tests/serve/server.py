"""A real uvicorn server on a free loopback port, in a thread of the test process, and a store for it."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from socialens.pipeline.run import run_tasks
from socialens.serve.auth import create_token
from socialens.store import Store
from tests.pipeline.corpus import ingest_corpus

SCOPES = ("read", "write", "admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


TASKS = ("sentiment", "topics", "trends", "influence", "communities")


def build_store(folder: Path, tasks: tuple[str, ...] = TASKS) -> dict:
    """The pipeline tests' six real-edge posts (pseudonymised authors), the analyses the pages show,
    and one token per scope."""
    from socialens.analyses.sentiment.workflow import train_sentiment

    models = folder / "models"
    train_sentiment("en", "vader", registry_root=models)
    with Store(folder / "store.duckdb") as store:
        ingest_corpus(store, folder)
        run_tasks(store, list(tasks), models_dir=models)
        tokens = {scope: create_token(store, scope, f"{scope}-test") for scope in SCOPES}
    return {"store": folder / "store.duckdb", "models": models, "tokens": tokens, "files": folder}


@contextmanager
def running(store: Path, models: Path | None = None, **settings: object) -> Iterator[str]:
    """Serve ``store`` with the real app on 127.0.0.1; yields the base URL; stops it afterwards."""
    from socialens.serve.app import create_app
    from socialens.serve.dependencies import ServerSettings

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(
        ServerSettings(store=store, models_dir=models, description=f"socialens serve at {url}", **settings)
    )  # type: ignore[arg-type]
    with serving(app, port) as served:
        yield served


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1:``port``; yields the base URL."""
    import uvicorn

    url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(20)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, no persistence; yields ``redis://HOST:PORT/posts``."""
    import shutil
    import subprocess

    import redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                connection.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/posts"
    finally:
        connection.close()
        process.terminate()
        process.wait(timeout=10)


# httpx builds a TLS context (the CA bundle parsed: ~25 ms of CPU) for every client unless given
# one; the tests make hundreds of clients, all to plain-HTTP loopback, so they share this one.
TLS = ssl.create_default_context()


def client(url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=30, verify=TLS)
