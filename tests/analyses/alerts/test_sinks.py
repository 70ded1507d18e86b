"""Alert sinks: a JSONL file, the terminal, and a webhook against a real local HTTP server that
fails its first attempts (retries with backoff) or never answers (bounded queue, drops counted)."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest

from socialens.analyses.alerts.events import Alert
from socialens.analyses.alerts.sinks import JsonlSink, TerminalSink, WebhookSink, parse_sink
from socialens.errors import ConfigError


def alert(i: int = 0) -> Alert:
    return Alert(
        kind="term_burst",
        key="#storm",
        raised_at=1_700_000_000.0 + i,
        window_start=1_699_996_400.0,
        window_end=1_700_000_000.0 + i,
        severity=7.5,
        summary=f"hashtag #storm: 12 of 15 posts ({i})",
        numbers={"count": 12},
        top_posts=[{"id": "1", "text": "storm again"}],
        top_terms=[("#storm", 12), ("rain", 4)],
    )


class Server:
    """A real HTTP server on loopback that answers 503 to the first ``failures`` requests.

    With ``held``, every answer waits until ``release()``: a slow endpoint without a race with
    the clock.
    """

    def __init__(self, failures: int = 0, held: bool = False) -> None:
        self.received: list[dict] = []
        self.attempts = 0
        self.gate = threading.Event()
        if not held:
            self.gate.set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.attempts += 1
                server.gate.wait(timeout=60)
                if server.attempts <= failures:
                    self.send_response(503)
                else:
                    server.received.append(orjson.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def release(self) -> None:
        self.gate.set()

    def close(self) -> None:
        self.gate.set()
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server():
    servers: list[Server] = []

    def make(**kwargs: Any) -> Server:
        servers.append(Server(**kwargs))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def test_jsonl_sink_appends_one_line_per_alert(tmp_path):
    sink = JsonlSink(tmp_path / "out" / "alerts.jsonl")
    sink.emit(alert(0))
    sink.emit(alert(1))
    sink.close()
    lines = [orjson.loads(line) for line in (tmp_path / "out" / "alerts.jsonl").read_bytes().splitlines()]
    assert [line["summary"] for line in lines] == [
        "hashtag #storm: 12 of 15 posts (0)",
        "hashtag #storm: 12 of 15 posts (1)",
    ]
    assert lines[0]["kind"] == "term_burst" and lines[0]["top_terms"][0] == ["#storm", 12]
    assert lines[0]["raised_at"] == "2023-11-14T22:13:20Z" and sink.stats() == {"sent": 2}


def test_terminal_sink_prints_the_reason():
    from rich.console import Console

    out = io.StringIO()
    sink = TerminalSink(Console(file=out, width=200, color_system=None))
    sink.emit(alert())
    assert "term_burst hashtag #storm: 12 of 15 posts (0) (terms: #storm, rain)" in out.getvalue()


def test_webhook_retries_until_the_server_accepts(server):
    endpoint = server(failures=2)
    sink = WebhookSink(endpoint.url, backoff=0.05)
    sink.emit(alert())
    sink.close(timeout=10)
    assert endpoint.attempts == 3 and len(endpoint.received) == 1
    assert endpoint.received[0]["summary"].startswith("hashtag #storm")
    assert sink.stats() == {"sent": 1, "failed": 0, "dropped": 0, "retried": 2, "queued": 0}


def test_webhook_gives_up_after_its_retries(server):
    endpoint = server(failures=100)
    sink = WebhookSink(endpoint.url, retries=2, backoff=0.01)
    sink.emit(alert())
    sink.close(timeout=10)
    assert endpoint.attempts == 3 and sink.stats()["failed"] == 1


def test_a_full_queue_drops_and_counts_instead_of_blocking(server):
    endpoint = server(held=True)  # holds its answers: the first alert occupies the sender
    sink = WebhookSink(endpoint.url, queue_size=2)
    for i in range(10):
        sink.emit(alert(i))  # returns at once whatever the endpoint does
    stats = sink.stats()
    assert stats["dropped"] >= 7 and stats["dropped"] + stats["queued"] + 1 >= 10
    endpoint.release()
    sink.close(timeout=10)
    assert sink.stats()["sent"] + sink.stats()["dropped"] == 10


def test_parse_sink(tmp_path):
    assert isinstance(parse_sink(f"jsonl:{tmp_path / 'a.jsonl'}"), JsonlSink)
    assert isinstance(parse_sink("terminal"), TerminalSink)
    with pytest.raises(ConfigError, match="expected terminal"):
        parse_sink("email:someone")
    with pytest.raises(ConfigError, match="http"):
        parse_sink("webhook:ftp://x")
