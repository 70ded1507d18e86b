"""The watch loop end to end: a followed file and Redis Streams through the real importers,
detectors, sinks, store and checkpoints; crashes at each point of a batch, then restarts that
neither lose nor double-count a post."""

from __future__ import annotations

import orjson
import pytest

from socialens.analyses.alerts.detectors import NegativeSurge, TermBurst, VolumeSpike
from socialens.analyses.alerts.sinks import JsonlSink
from socialens.ingest.edge import EdgeProcessor
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from socialens.store.results import read_alerts
from socialens.streaming import watch as watch_module
from socialens.streaming.labels import sentiment_scorer
from socialens.streaming.sources import FileSource, RedisSource
from socialens.streaming.state import load_state
from socialens.streaming.watch import Watcher, WatchSettings
from tests.conftest import TEST_KEY, rows
from tests.streaming.lines import stream_lines

N, BURST_AT, BURST = 300, 250, 15
TOTAL = N + BURST


def detectors():
    return [NegativeSurge(), VolumeSpike(), TermBurst(warm_up=50)]


def watcher(tmp_path, source, **settings) -> Watcher:
    settings = {"batch_size": 20, "max_wait": 0.05, "exit_when_idle": 0.3, **settings}
    config = WatchSettings(source=source.name, state_path=tmp_path / "watch.pkl", **settings)
    sinks = [JsonlSink(tmp_path / "alerts.jsonl")]
    return Watcher(config, source, sinks, EdgeProcessor(Pseudonymizer(TEST_KEY), detect_lang=False), detectors())


def alert_lines(tmp_path) -> list[dict]:
    return [orjson.loads(line) for line in (tmp_path / "alerts.jsonl").read_bytes().splitlines()]


@pytest.fixture
def stream_file(tmp_path):
    path = tmp_path / "stream.jsonl"
    path.write_bytes(b"".join(stream_lines(N, burst_at=BURST_AT, burst=BURST)))
    return path


def test_a_file_stream_raises_the_burst_and_fills_the_store(tmp_path, stream_file):
    store_path = tmp_path / "watch.duckdb"
    source = FileSource(stream_file, follow=False)
    summary = watcher(tmp_path, source, store_path=store_path, batch_size=100).run()
    counts = summary["counts"]
    assert counts["messages"] == counts["posts"] == TOTAL and counts["alerts"] == 1
    (line,) = alert_lines(tmp_path)
    assert line["kind"] == "term_burst" and line["key"] == "#blackout"
    assert all("#blackout" in p["text"] for p in line["top_posts"])
    with Store(store_path) as store:
        assert store.count("posts") == TOTAL
        assert rows(store, "SELECT count(*) FROM posts WHERE author LIKE 'u_%'")[0][0] == TOTAL  # pseudonymised
        assert [a["id"] for a in read_alerts(store)] == [line["id"]]
    state = load_state(tmp_path / "watch.pkl", str(stream_file))
    assert state is not None and state.position == stream_file.stat().st_size


def test_a_restarted_file_watch_resumes_exactly(tmp_path, stream_file):
    first = watcher(tmp_path, FileSource(stream_file, follow=False), max_messages=110).run()
    assert first["counts"]["messages"] == 110
    state = load_state(tmp_path / "watch.pkl", str(stream_file))
    assert state is not None
    resumed = watcher(tmp_path, FileSource(stream_file, position=state.position, follow=False)).run()
    assert resumed["counts"]["messages"] == resumed["counts"]["posts"] == TOTAL
    assert resumed["counts"]["duplicates"] == 0 and resumed["counts"]["alerts"] == 1
    assert [a["key"] for a in alert_lines(tmp_path)] == ["#blackout"]


def test_malformed_lines_are_counted_and_skipped(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(stream_lines(5)) + b"{not json\n" + b'{"id_str": "1"}\n' + b"".join(stream_lines(3)))
    counts = watcher(tmp_path, FileSource(path, follow=False)).run()["counts"]
    assert counts["messages"] == 10 and counts["posts"] == 8 and counts["rejected"] == 2


def fill(url: str, lines: list[bytes]) -> None:
    import redis

    client = redis.Redis.from_url(url.rsplit("/", 1)[0])
    for line in lines:
        client.xadd("posts", {"line": line})
    client.close()


def pending(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url.rsplit("/", 1)[0])
    try:
        return int(client.xpending("posts", "socialens")["pending"])
    finally:
        client.close()


class Crash(Exception):
    pass


class AckCrash(RedisSource):
    """Dies after its third batch is checkpointed, before the batch is acknowledged."""

    acks = 0

    def ack(self, messages):
        type(self).acks += 1
        if type(self).acks == 3:
            raise Crash("killed between checkpoint and XACK")
        super().ack(messages)


def finish(tmp_path, url):
    return watcher(tmp_path, RedisSource(url, consumer="c1")).run()


def test_redis_crash_between_checkpoint_and_ack_skips_the_redelivered_batch(tmp_path, redis_url):
    fill(redis_url, stream_lines(N, burst_at=BURST_AT, burst=BURST))
    with pytest.raises(Crash):
        watcher(tmp_path, AckCrash(redis_url, consumer="c1")).run()
    assert pending(redis_url) == 20  # the third batch: checkpointed, never acknowledged
    counts = finish(tmp_path, redis_url)["counts"]
    assert counts["messages"] == counts["posts"] == TOTAL
    assert counts["duplicates"] == 20 and counts["alerts"] == 1
    assert pending(redis_url) == 0
    state = load_state(tmp_path / "watch.pkl", redis_url)
    assert state is not None and [d.seen_ for d in state.detectors] == [TOTAL] * 3


def test_redis_crash_before_the_checkpoint_reprocesses_the_batch_once(tmp_path, redis_url, monkeypatch):
    fill(redis_url, stream_lines(N, burst_at=BURST_AT, burst=BURST))
    saves = {"n": 0}
    real_save = watch_module.save_state

    def dying_save(path, state):
        saves["n"] += 1
        if saves["n"] == 4:
            raise Crash("killed while processing, before the checkpoint")
        real_save(path, state)

    monkeypatch.setattr(watch_module, "save_state", dying_save)
    with pytest.raises(Crash):
        watcher(tmp_path, RedisSource(redis_url, consumer="c1")).run()
    monkeypatch.setattr(watch_module, "save_state", real_save)
    state = load_state(tmp_path / "watch.pkl", redis_url)
    assert state is not None and state.counts["messages"] == 60 and pending(redis_url) == 20
    counts = finish(tmp_path, redis_url)["counts"]
    assert counts["messages"] == counts["posts"] == TOTAL and counts["duplicates"] == 0
    assert counts["alerts"] == 1 and pending(redis_url) == 0


def test_a_second_consumer_claims_what_a_dead_one_left(tmp_path, redis_url):
    fill(redis_url, stream_lines(40))
    dead = RedisSource(redis_url, consumer="dead")
    assert len(dead.read(15, 0.1)) == 15  # read, never acknowledged: the consumer died
    other = RedisSource(redis_url, consumer="c2", claim_idle=0.0)
    counts = watcher(tmp_path, other).run()["counts"]
    assert counts["messages"] == 40 and pending(redis_url) == 0


def test_entries_may_carry_the_post_fields_directly(tmp_path, redis_url):
    import redis

    client = redis.Redis.from_url(redis_url.rsplit("/", 1)[0])
    for i in range(3):
        client.xadd("posts", {"id": str(i), "text": f"plain post {i}", "created_at": "2024-03-04T10:00:00Z"})
    client.close()
    source = RedisSource(redis_url, consumer="c1")
    counts = watcher(tmp_path, source, format="jsonl").run()["counts"]
    assert counts["posts"] == 3 and counts["rejected"] == 0


def test_sentiment_from_vader_and_a_missing_model(tmp_path):
    from socialens.schema import Post

    posts = [
        Post(id="1", platform="x", text="I hate this awful mess", lang="en"),
        Post(id="2", platform="x", text="Lovely!"),
    ]
    assert sentiment_scorer("vader")(posts) == ["negative", "positive"]  # type: ignore[misc]
    warnings: list[str] = []
    scorer = sentiment_scorer("model", tmp_path / "no-models", warn=warnings.append)
    assert scorer is not None and scorer(posts) == [None, None] and scorer(posts) == [None, None]
    assert len(warnings) == 1 and "no sentiment model registered" in warnings[0]
    assert sentiment_scorer("none") is None


def test_new_topics_from_the_topic_tracker_become_alerts():
    from datetime import UTC, datetime

    from socialens.analyses.topics import incremental
    from socialens.streaming.labels import _topic_alert

    found = incremental.NewTopic(
        id=12,
        keywords=["volcano", "lava", "ash"],
        label="12_volcano_lava_ash",
        first_seen=datetime(2024, 3, 4, 9, 0, tzinfo=UTC),
        size=14,
        post_ids=["a", "b"],
        texts=["lava everywhere", "ash cloud over the town"],
    )
    alert = _topic_alert(found, now=datetime(2024, 3, 4, 10, 0, tzinfo=UTC).timestamp())
    assert alert.kind == "new_topic" and alert.key == "topic:12" and alert.numbers == {"topic": 12, "posts": 14}
    assert alert.summary.startswith("new topic 12 (12_volcano_lava_ash): 14 posts; volcano, lava, ash")
    assert [p["id"] for p in alert.top_posts] == ["a", "b"] and alert.window_end - alert.window_start == 3600


def test_an_unreachable_redis_is_a_config_error():
    pytest.importorskip("redis")
    from socialens.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot reach Redis"):
        RedisSource("redis://127.0.0.1:1/posts")
    with pytest.raises(ConfigError, match="STREAM"):
        RedisSource("redis://127.0.0.1:1/")
