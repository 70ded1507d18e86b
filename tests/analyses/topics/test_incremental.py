"""Incremental assignment: known themes are assigned, a genuinely new one is flagged once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialens.analyses.topics.clusterers import HDBSCANClusterer
from socialens.analyses.topics.embedders import Embedder
from socialens.analyses.topics.incremental import NewTopic, TopicTracker
from socialens.analyses.topics.model import Topics
from socialens.analyses.topics.reducers import PCAReducer
from tests.analyses.topics.data import blobs

# Four themes as embeddings: the first three exist at fit time, the fourth appears later.
VECTORS = blobs((40, 40, 40, 40), dim=12, spread=0.03, seed=5)
THEMES = ["tax budget senate", "golf course scotland", "jobs economy growth", "hurricane storm flooding"]


class LookupEmbedder(Embedder):
    """Texts are ``"<theme words> <row>"``: the row picks the vector (a stand-in for a real encoder)."""

    def embed(self, texts):
        return VECTORS[[int(t.rsplit(" ", 1)[1]) for t in texts]]


def _texts(rows):
    return [f"{THEMES[r // 40]} {r}" for r in rows]


def _tracker():
    topics = Topics(
        embedder=LookupEmbedder(), reducer=PCAReducer(n_components=4), clusterer=HDBSCANClusterer(min_cluster_size=10)
    )
    topics.fit(_texts(range(120)))
    return TopicTracker(topics, min_similarity=0.8, min_new_size=8)


def test_known_themes_are_assigned_and_a_new_theme_is_flagged_once():
    tracker = _tracker()
    assert len(tracker.infos_) == 3
    start = datetime(2024, 3, 1, tzinfo=UTC)
    old_rows = [5, 45, 85, 6, 46]
    assert tracker.update(_texts(old_rows), [start] * 5) == []
    assert (tracker.assignments_ >= 0).all()

    new_rows = list(range(120, 160))
    times = [start + timedelta(hours=i) for i in range(40)]
    found = tracker.update(_texts(new_rows[:20]), times[:20], ids=[f"p{r}" for r in new_rows[:20]])
    assert len(found) == 1 and isinstance(found[0], NewTopic)
    topic = found[0]
    assert topic.id == 3 and topic.first_seen == start and topic.size == 20
    assert sorted(topic.keywords[:3]) == ["flooding", "hurricane", "storm"] and topic.post_ids[0].startswith("p")

    assert tracker.update(_texts(new_rows[20:]), times[20:]) == []  # now a known topic
    assert tracker.assignments_.tolist() == [3] * 20
    state = tracker.get()
    assert state["buffered"] == 0 and state["counts"][3] == 40 and len(state["topics"]) == 4


def test_a_few_far_posts_stay_buffered_and_empty_batches_do_nothing():
    tracker = _tracker()
    assert tracker.update(_texts([120, 121, 122])) == []
    assert tracker.get()["buffered"] == 3 and (tracker.assignments_ == -1).all()
    assert tracker.update([]) == []
