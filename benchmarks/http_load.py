"""A lean HTTP/1.1 load generator: asyncio streams, one keep-alive connection per client.

httpx's per-request CPU made the generator itself the bottleneck when the server answers in about
a millisecond (on 2 shared cores, 50 httpx clients reached ~50 requests/s whatever the server did),
so the clients here parse only the status line, the headers they need and the body's length.
"""

from __future__ import annotations

import asyncio
import sys
import time
from urllib.parse import urlsplit

Latency = tuple[str, float, bool]  # (query name, seconds, answered 200)


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response; its status."""
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while size := int((await reader.readline()).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    await reader.readline()
    return status


async def load(
    url: str, token: str, mix: list[tuple[str, str]], limit: int, seconds: float, clients: int
) -> tuple[list[Latency], float]:
    """``clients`` clients walk ``mix`` in turn until ``limit`` requests or ``seconds`` have gone."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[Latency] = []
    seen: set[str] = set()
    issued = 0
    deadline = time.monotonic() + seconds

    def note(problem: str) -> None:
        if problem not in seen:
            seen.add(problem)
            print(f"service {problem}", file=sys.stderr)

    async def client(index: int) -> None:
        nonlocal issued
        reader, writer = await asyncio.open_connection(host, port)
        step = index
        try:
            while time.monotonic() < deadline and issued < limit:
                issued += 1
                name, path = mix[step % len(mix)]
                step += 1
                request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
                started = time.perf_counter()
                try:
                    writer.write(request.encode())
                    await writer.drain()
                    status = await _answer(reader)
                    ok = status == 200
                    if not ok:
                        note(f"{name}: {status}")
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                    ok = False
                    note(f"{name}: {type(exc).__name__}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                latencies.append((name, time.perf_counter() - started, ok))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, time.perf_counter() - started


def run_load(
    url: str, token: str, mix: list[tuple[str, str]], limit: int, seconds: float, clients: int
) -> tuple[list[Latency], float]:
    try:
        import uvloop

        return uvloop.run(load(url, token, mix, limit, seconds, clients))
    except ImportError:
        return asyncio.run(load(url, token, mix, limit, seconds, clients))
