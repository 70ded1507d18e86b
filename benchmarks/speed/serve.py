"""Load on `socialens serve`: 50 concurrent clients on loopback against the same queries run
directly on DuckDB in the same run, then the same load while an analysis job writes.

    python -m benchmarks.speed.serve --posts 1000000 --seconds 60 --record

Steps: a corpus of real tweets (benchmarks/corpus.py, seed 42) is ingested into a fresh store;
sentiment (VADER model, registered in a temporary registry), topics and trends are computed.
Then, with the same read mix, the dashboard's (stats of English posts, sentiment over time since a
date, the topic list, trends, a post search and its second page, one account's profile):

1. direct: 50 threads, each with its own DuckDB connection, call the functions the routes call
   (report views, post search, profile) in-process: no HTTP, no JSON, no auth;
2. service, every answer computed: `socialens serve --no-keep-answers` in its own process, 50
   clients with a read token (benchmarks/speed/http_load.py: asyncio, a keep-alive HTTP/1.1 connection
   each): the service's own overhead over 1.;
3. service as it runs by default (answers kept per store version, refreshed by the server after
   each write, kept answers served before routing): each question of the mix is first asked once
   in turn (its "first ask" latency is reported: that is when it is computed), then the load;
4. the same while `POST /runs/analysis` scores offensive language over every post (a stream of
   write transactions by the server's one writer).

Each phase stops at --requests requests or --seconds seconds, whichever comes first. Prints a
JSON line per phase and a Markdown table for RESULTS.md (the ratio is service / direct), and with
--record appends the run to benchmarks/results/serve.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.speed.http_load import run_load
from benchmarks.speed.serve_store import build_or_reuse

CLIENTS = 50


def requests_mix(built: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, path) of the read mix; each client walks it in turn."""
    return [
        ("stats", "/api/v1/stats?lang=en"),
        ("sentiment", f"/api/v1/results/sentiment?since={built['since']}"),
        ("topics", "/api/v1/results/topics"),
        ("trends", "/api/v1/results/trends"),
        ("search", "/api/v1/posts?query=economy&limit=20"),
        ("search page 2", "/api/v1/posts?query=economy&limit=20&offset=20"),
        ("profile", f"/api/v1/accounts/{built['author']}/profile"),
    ]


def direct_calls(built: dict[str, Any]) -> list[tuple[str, Callable[[Any], Any]]]:
    """The same reads as the routes make, in-process on a DuckDB connection."""
    from socialens.analyses.profiles.build import account_profile
    from socialens.pipeline.selection import Selection, resolve_account
    from socialens.report.sections import build_views, view_function
    from socialens.store.post_search import search_posts
    from socialens.store.selection import scoped

    def scoped_view(selection: Selection, view: Callable[..., Any]) -> Callable[[Any], Any]:
        def call(store: Any) -> Any:
            with scoped(store, selection):
                return view(store, selection)

        return call

    def search(offset: int) -> Callable[[Any], Any]:
        def call(store: Any) -> Any:
            with scoped(store, Selection(query="economy")):
                return search_posts(store, 20, offset)

        return call

    return [
        (
            "stats",
            lambda s: build_views(
                s, Selection(lang=("en",)), only=["summary", "volume", "languages", "hashtags", "mentions"]
            ),
        ),
        ("sentiment", scoped_view(Selection(since=built["since"]), view_function("sentiment"))),
        ("topics", scoped_view(Selection(), view_function("topics"))),
        ("trends", scoped_view(Selection(), view_function("trends"))),
        ("search", search(0)),
        ("search page 2", search(20)),
        ("profile", lambda s: account_profile(s, resolve_account(s, built["author"]))),
    ]


def summarise(phase: str, latencies: list[tuple[str, float, bool]], seconds: float) -> dict[str, Any]:
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else float("nan")

    every = [t for _, t, _ in latencies]
    out: dict[str, Any] = {
        "phase": phase,
        "requests": len(latencies),
        "errors": sum(not ok for _, _, ok in latencies),
        "seconds": round(seconds, 1),
        "req_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": pct(every, 0.50),
        "p95_ms": pct(every, 0.95),
        "p99_ms": pct(every, 0.99),
        "by_query_p50_ms": {},
    }
    for name in sorted({n for n, _, _ in latencies}):
        out["by_query_p50_ms"][name] = round(1000 * statistics.median(t for n, t, _ in latencies if n == name), 1)
    return out


def run_direct(built: dict[str, Any], limit: int, seconds: float) -> dict[str, Any]:
    from socialens.store import Store

    calls = direct_calls(built)
    root = Store(built["store"], read_only=True)
    latencies: list[tuple[str, float, bool]] = []
    errors: dict[str, str] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(limit))

    def client(index: int) -> None:
        with lock:
            reader = root.reader()
        step = index
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            name, call = calls[step % len(calls)]
            step += 1
            started = time.perf_counter()
            ok = True
            try:
                call(reader)
            except Exception as exc:  # counted; the first of each kind is shown
                ok = False
                with lock:
                    if type(exc).__name__ not in errors:
                        errors[type(exc).__name__] = str(exc)[:300]
                        print(f"direct {name}: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
            with lock:
                latencies.append((name, time.perf_counter() - started, ok))

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    elapsed = time.perf_counter() - started
    root.close()
    return summarise("direct DuckDB (in-process)", latencies, elapsed)


def first_asks(url: str, token: str, mix: list[tuple[str, str]]) -> dict[str, float]:
    """Each question asked once, one after another: the latency of computing its answer (ms)."""
    import httpx

    asked = {}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
        for name, path in mix:
            started = time.perf_counter()
            status = http.get(path).status_code
            asked[name] = round(1000 * (time.perf_counter() - started), 1) if status == 200 else float("nan")
    return asked


def start_server(built: dict[str, Any], port: int, keep_answers: bool = True) -> subprocess.Popen[bytes]:
    import httpx

    server = subprocess.Popen(
        [sys.executable, "-m", "socialens.cli.main", "serve", "--store", str(built["store"]), "--port", str(port),
         "--models-dir", str(built["models"]), "--keep-answers" if keep_answers else "--no-keep-answers"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # the server finishes the running job first
    try:
        server.wait(120)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200_000, help="per phase")
    parser.add_argument("--seconds", type=float, default=120, help="per phase")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--record", action="store_true", help="append the run to benchmarks/results/serve.jsonl")
    parser.add_argument("--store-dir", type=Path, help="build the store here once and reuse it on later runs")
    parser.add_argument("--engine", help="engine for the analyses of the build (local, process)")
    parser.add_argument("--job-wait", type=float, default=300, help="seconds to wait for the writing job's end")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the store, then stop")
    args = parser.parse_args()
    from benchmarks.harness import Run

    run = Run(
        "benchmarks.speed.serve", "serve", issue=14, seed=42,
        split=f"none (a load test): {args.posts} posts from benchmarks/corpus.py, seed 42",
        packages=("duckdb", "fastapi", "uvicorn"),
    )  # fmt: skip

    folder = args.store_dir or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    folder.mkdir(parents=True, exist_ok=True)
    # The pseudonym key lives with the store so that a reused store keeps its pseudonyms.
    os.environ.setdefault("SOCIALENS_HOME", str(folder / "home"))
    built = build_or_reuse(folder, args.posts, args.engine)
    print(json.dumps({"store": {k: v for k, v in built.items() if k in ("posts", "timings")}}), flush=True)
    if args.build_only:
        return
    # The run writes (tokens checked, the offensive job): on a copy, so a kept store stays as built.
    import shutil

    served = folder / "run.duckdb"
    Path(f"{served}.wal").unlink(missing_ok=True)  # a killed earlier run's log is not this copy's
    shutil.copyfile(built["store"], served)
    built = built | {"store": served}
    results = [run_direct(built, args.requests, args.seconds)]
    print(json.dumps(results[-1]), flush=True)
    url = f"http://127.0.0.1:{args.port}"
    mix = requests_mix(built)
    server = start_server(built, args.port, keep_answers=False)
    try:
        latencies, elapsed = run_load(url, built["token"], mix, args.requests, args.seconds, CLIENTS)
        results.append(summarise("service, every answer computed (--no-keep-answers)", latencies, elapsed))
        print(json.dumps(results[-1]), flush=True)
    finally:
        stop(server)
    server = start_server(built, args.port)
    try:
        asked = first_asks(url, built["token"], mix)
        print(json.dumps({"first_ask_ms": asked}), flush=True)
        latencies, elapsed = run_load(url, built["token"], mix, args.requests, args.seconds, CLIENTS)
        results.append(
            summarise("service as it runs by default (answers kept, refreshed on writes)", latencies, elapsed)
        )
        print(json.dumps(results[-1]), flush=True)
        import httpx

        job = httpx.post(
            f"{url}/api/v1/runs/analysis",
            json={"tasks": ["offensive"]},
            headers={"Authorization": f"Bearer {built['writer']}"},
        ).json()
        time.sleep(2)  # the job is under way (its model loaded) before the load starts
        latencies, elapsed = run_load(url, built["token"], mix, args.requests, args.seconds, CLIENTS)
        state = httpx.get(
            f"{url}/api/v1/runs/{job['id']}", headers={"Authorization": f"Bearer {built['token']}"}
        ).json()
        summary = summarise("service (default) while a job writes", latencies, elapsed)
        summary["job"] = {k: state[k] for k in ("status", "stage", "done", "total")}
        summary["answers_after_job"] = after_job(url, built["token"], mix, job["id"], args.job_wait)
        results.append(summary)
        print(json.dumps(results[-1]), flush=True)
    finally:
        stop(server)
    print(
        f"\nMachine: {run.machine}; load average {run.load_at_start} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"Store: {built['posts']:,} posts; build {built['timings']}\n")
    print("| phase | requests | errors | req/s | p50 ms | p95 ms | p99 ms | p50 ratio to direct |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["p50_ms"] / results[0]["p50_ms"] if results[0]["p50_ms"] else float("nan")
        cells = [r["phase"], f"{r['requests']:,}", r["errors"], r["req_per_s"], r["p50_ms"], r["p95_ms"], r["p99_ms"]]
        print("| " + " | ".join(str(c) for c in cells) + f" | {ratio:.2f} |")
    print("\nPer query p50 ms: " + "; ".join(f"{r['phase']}: {r['by_query_p50_ms']}" for r in results))
    print(f"First asks (ms): {asked}")
    if args.record:
        record(run, args, built, results, asked)


def after_job(url: str, token: str, mix: list[tuple[str, str]], job_id: str, wait: float = 300) -> dict[str, Any]:
    """Once the job is done (its answers published): how long after it the mix answers (ms each)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + wait
    with httpx.Client(base_url=url, headers=headers, timeout=600) as http:
        while time.monotonic() < deadline and http.get(f"/api/v1/runs/{job_id}").json()["status"] == "running":
            time.sleep(0.2)
        job = http.get(f"/api/v1/runs/{job_id}").json()
        # From the end of the job's writes to its answers published (the job shows done then).
        published = round(time.time() - job["finished_at"], 1) if job["finished_at"] else None
        asked = {}
        for name, path in mix:
            started = time.perf_counter()
            http.get(path)
            asked[name] = round(1000 * (time.perf_counter() - started), 1)
    return {"status": job["status"], "published_after_s": published, "ms": asked}


def record(run: Any, args: Any, built: dict[str, Any], results: list[dict[str, Any]], asked: dict[str, float]) -> None:
    direct, *service = results
    keys = ("requests", "errors", "req_per_s", "p50_ms", "p95_ms", "p99_ms", "by_query_p50_ms")
    default, writing = service[-2], service[-1]
    met = all(r["p99_ms"] < 200 and r["errors"] == 0 for r in (default, writing))
    posts = f"{built['posts']:,}"
    notes = (
        f"Floor p99 < 200 ms with no errors, also while a job writes: {'MET' if met else 'MISSED'} at {posts} posts "
        f"(default p99 {default['p99_ms']} ms, {default['errors']} errors; while the offensive job writes p99 "
        f"{writing['p99_ms']} ms, {writing['errors']} errors); first asks {min(asked.values()):.0f}-"
        f"{max(asked.values()):.0f} ms one at a time; store build {built['timings']} s."
    )
    headline = ("req_per_s", "p50_ms", "p95_ms", "p99_ms", "errors")
    # The default phase first, beside the direct peer (RESULTS.md shows the first rows), then the rest.
    run.record(
        {k: default[k] for k in headline}
        | {"while a job writes": {k: writing[k] for k in headline}, "first_ask_ms": asked}
        | {"phases": {r["phase"]: {k: r[k] for k in (*keys, "job", "answers_after_job") if k in r} for r in service}}
        | {"store_build_s": built["timings"]},
        peers={direct["phase"]: {k: direct[k] for k in (*headline, "requests", "by_query_p50_ms")}},
        notes=notes,
        floor={"text": "p99 < 200 ms with no errors, also while an analysis job writes", "met": met},
        variant=f"--posts {args.posts} --requests {args.requests} --seconds {args.seconds}",
    )


if __name__ == "__main__":
    main()
