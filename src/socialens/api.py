"""The Python API: a store you ingest into, run tasks on, and read results from, in a few lines.

>>> import tempfile, pathlib
>>> import socialens as sl
>>> from socialens.analyses.sentiment.workflow import train_sentiment
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> models = folder / "models"
>>> _ = train_sentiment("en", "vader", registry_root=models)  # a lexicon model, fitted in seconds
>>> _ = (folder / "tweets.jsonl").write_text(
...     '{"id": "1", "text": "What a wonderful, happy day", "created_at": "2024-03-01T10:00:00Z", "author": "ann"}\\n'
...     '{"id": "2", "text": "This is awful and I hate it", "created_at": "2024-03-02T10:00:00Z", "author": "bob"}\\n'
...     '{"id": "3", "text": "An old post, still great", "created_at": "2023-05-01T10:00:00Z", "author": "ann"}\\n'
... )
>>> store = sl.Store(folder / "x.duckdb", models_dir=models)
>>> store.ingest(folder / "tweets.jsonl", format="jsonl", mapping={"id": "id", "text": "text",
...     "created_at": "created_at", "author": "author"}).read
3
>>> store.run("sentiment", since="2024-01-01").summary
'scored sentiment of 2 posts (negative 1, positive 1)'
>>> store.results("sentiment").to_pandas()[["post_id", "label"]].sort_values("post_id").values.tolist()
[['1', 'positive'], ['2', 'negative']]
>>> store.close()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.pipeline.selection import Selection

if TYPE_CHECKING:
    import pyarrow as pa

    from socialens.ingest.summary import IngestSummary
    from socialens.pipeline.task import TaskResult

_SELECTION_KEYS = ("since", "until", "platform", "lang", "author", "query")


@dataclass(frozen=True, slots=True)
class Results:
    """A task's stored results (``post_scores``, ``user_scores`` or ``analysis_results`` rows)."""

    table: pa.Table

    def to_arrow(self) -> pa.Table:
        return self.table

    def to_pandas(self) -> Any:
        return self.table.to_pandas()

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    def __len__(self) -> int:
        return self.table.num_rows


class Store:
    """A socialens store (one DuckDB file) with the verbs users reach for first.

    ``config`` is a ``socialens.toml`` path (default: looked up as the CLI does); ``models_dir``
    the model registry (default: the user's).
    """

    def __init__(self, path: str | Path, *, models_dir: str | Path | None = None, config: str | Path | None = None):
        from socialens.config import load_config
        from socialens.store import Store as DuckStore

        self.config = load_config(Path(config) if config else None)
        self.models_dir = Path(models_dir) if models_dir else None
        self.db = DuckStore(path)

    def ingest(
        self,
        *paths: str | Path,
        format: str = "auto",
        media: bool | None = None,
        media_dir: str | Path | None = None,
        **importer_settings: Any,
    ) -> IngestSummary:
        """Read export files into the store (pseudonymised with your key); bad records go to the
        rejects file. Attachments of archives (and, with ``media_dir``, of any format) are copied
        into the store's media library without EXIF/GPS, as ``socialens ingest`` does
        (``media=False`` skips them); ``summary.media`` says what was found."""
        from socialens.ingest.media_files import ingest_with_media
        from socialens.privacy import Pseudonymizer, load_or_create_key

        privacy = self.config.privacy
        key = load_or_create_key(privacy.key_file, privacy.key)
        pseudonymizer = Pseudonymizer(key, keep_identifiers=privacy.keep_identifiers)
        return ingest_with_media(
            [Path(p) for p in paths],
            self.db,
            format=format,
            pseudonymizer=pseudonymizer,
            media=media,
            media_dir=Path(media_dir) if media_dir else None,
            importer_settings=importer_settings or None,
        )

    def run(self, *tasks: str, engine: str = "local", prerequisites: bool = True, **options: Any) -> TaskResult:
        """Run tasks (with what they require) over a selection; returns the last task's result.

        Keyword options are selection filters (``since``, ``until``, ``platform``, ``lang``,
        ``author``, ``query``) or settings of the (last) task, e.g. ``run("topics", n_topics=30)``.
        """
        from socialens.pipeline.run import run_tasks
        from socialens.pipeline.selection import selection_from_options

        filters = {k: options.pop(k) for k in _SELECTION_KEYS if k in options}
        selection = selection_from_options(self.db, privacy=self.config.privacy, **filters)
        settings = {tasks[-1]: options} if options else None
        results = run_tasks(
            self.db,
            tasks,
            settings,
            selection=selection,
            engine=engine,
            models_dir=self.models_dir,
            with_prerequisites=prerequisites,
            source="keyword",
            defaults=self.config.tasks,
            model_pins=self.config.models,
        )
        return results[-1]

    def adapt(self, task: str = "sentiment", lang: str = "en", **settings: Any) -> dict[str, Any]:
        """Adapt the default ``task`` model to this store's own posts in ``lang`` and pin the new
        version for this store only (``socialens adapt``); returns its card (with ``pin``).
        ``settings``: ``rounds``, ``precision``, ``min_posts``, ``limit``, ``say``."""
        from socialens.recipes.adapt import adapt_model

        return adapt_model(
            self.db, task, lang, registry_root=self.models_dir, configured_pins=self.config.models, **settings
        )

    def unpin(self, key: str) -> str | None:
        """Remove this store's own pin of ``key`` (``"sentiment/en"``): the default answers again."""
        from socialens.store.model_pins import unpin_model

        return unpin_model(self.db, key)

    def results(self, task: str) -> Results:
        """What ``task`` wrote (its first declared output), as a table."""
        from socialens.pipeline.catalogue import task_class
        from socialens.store.runs import read_output

        return Results(read_output(self.db, task_class(task).assigns[0]))

    def entities(self, **filters: Any) -> Results:
        """The entity mentions ``run("entities")`` found in the selected posts, one row per mention."""
        from socialens.pipeline.selection import Selection
        from socialens.store.entity_queries import read_post_entities
        from socialens.store.selection import scoped

        selection = self.select(**filters) if filters else Selection()
        with scoped(self.db, selection):
            return Results(read_post_entities(self.db))

    def compare(self, *brands: str, unit: str | None = None, **filters: Any) -> Any:
        """Share of voice of brands or accounts (``"@united"``, ``"Delta"``; default ``[compare] brands``)
        over the selected posts: a ``ShareOfVoiceView`` (``.as_dict()`` for JSON). Needs ``run("entities")``."""
        from socialens.analyses.entities.share_of_voice import compare

        return compare(
            self.db, list(brands or self.config.compare_brands), self.select(**filters), self.config.privacy, unit
        )

    def graph(self, kind: str = "reply,mention,repost,quote", top: int = 10, **filters: Any) -> dict[str, Any]:
        """The selection's account graph described (``socialens graph``): counts, density,
        reciprocity, components, the ``top`` most addressed accounts."""
        from socialens.graph.summary import summarise_graph

        return summarise_graph(self.db, self.select(**filters), kind, top)

    def influencers(
        self, top: int = 20, kind: str = "reply,mention,repost,quote", save: bool = True, **filters: Any
    ) -> dict[str, Any]:
        """The ``top`` accounts by influence (``socialens influencers``), with their reasons and caveats."""
        from socialens.analyses.influence.view import top_influencers

        return top_influencers(self.db, self.select(**filters), kind, top, save)

    def communities(self, top: int = 10, save: bool = True, **options: Any) -> dict[str, Any]:
        """Communities of the selection (``socialens communities``); keyword options are selection
        filters or the task's settings (``method``, ``resolution``, ``seed``, ``kind``)."""
        from socialens.analyses.communities.view import top_communities

        filters = {k: options.pop(k) for k in _SELECTION_KEYS if k in options}
        return top_communities(self.db, self.select(**filters), options, top, save)

    def profile(self, user: str) -> dict[str, Any]:
        """One account's profile (``socialens profile``), named by its stored or raw id or handle."""
        from socialens.analyses.profiles.build import profile_of

        return profile_of(self.db, user, self.config.privacy)

    def train(self, task: str, **request: Any) -> dict[str, Any]:
        """Train ``task``'s model (``socialens train``) into this store's model registry; keywords
        are :class:`socialens.training.catalogue.TrainRequest` fields. Returns the card or result."""
        from socialens.training.catalogue import TrainRequest, train

        request.setdefault("models_dir", self.models_dir)
        return train(task, TrainRequest(**request), store=self.db).data

    def evaluate(
        self, task: str, name: str | None = None, lang: str = "en", version: int | None = None
    ) -> dict[str, Any]:
        """Score a registered model of ``task`` on its held-out test split again (``socialens evaluate``)."""
        from socialens.analyses.evaluation import evaluate_model

        return evaluate_model(task, name, lang, version, self.models_dir)

    def select(self, **filters: Any) -> Selection:
        """A selection to pass around (e.g. to ``socialens.report.write_report``)."""
        from socialens.pipeline.selection import selection_from_options

        return selection_from_options(self.db, privacy=self.config.privacy, **filters)

    def report(self, path: str | Path, **filters: Any) -> Path:
        """Write the HTML report of the store (or of the selected posts) to ``path``."""
        from socialens.report import write_report

        return write_report(self.db, path, selection=self.select(**filters))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tasks() -> Sequence[str]:
    """The names ``Store.run`` accepts."""
    from socialens.pipeline.catalogue import task_names

    return task_names()
