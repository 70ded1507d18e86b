"""Runners: the store -> engine -> store loops every task shares.

* :func:`execute` runs one task: opens the selection scope, records the run (settings and
  selection, so a report says what the results cover), times it.
* :func:`score_posts` is the one score-every-post loop (sentiment, emotion, offensive): it
  reads batches of the selected posts, maps a scorer over them on the context's executor (the
  model is built once per worker by the scorer's ``setup``), and writes each batch's scores in
  its own transaction. A re-run after a crash skips the posts already scored with the same
  run key (task, settings, models).
* :func:`analyse_media` is the same loop over attachments (``analyze images``): batches of the
  selected posts' stored media not yet analysed with the run key, mapped over the executor
  (models built once per worker), each batch's frames written in its own transaction.
* :func:`corpus_pass` runs an analysis that needs the whole selection at once (topics,
  engagement, trends, alerts): it reads the selection's posts through a ``socialens.store``
  query, hands them to the analysis (which sees posts and progress, never the store), and
  writes what the analysis returns (:class:`CorpusOutput`) in one transaction.
* :func:`score_accounts` writes account-level results; :func:`load_graph` gives graph-level
  tasks the interaction graph of the selection.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from socialens.engine.state import map_with

if TYPE_CHECKING:
    import pyarrow as pa

    from socialens.graph.build import InteractionGraph
    from socialens.pipeline.context import Context
    from socialens.pipeline.task import Task, TaskResult
    from socialens.progress import Progress
    from socialens.schema import Media
    from socialens.store import Store

Posts = TypeVar("Posts")


def execute(ctx: Context, task: Task) -> TaskResult:
    """Run ``task`` over ``ctx.selection`` and record the run in the store."""
    from socialens.store.runs import finish_run, start_run
    from socialens.store.selection import scoped

    started = time.perf_counter()
    selection = ctx.selection.as_dict()
    start_run(ctx.store, task.name, task.run_key(ctx), task.settings_dict(), selection)
    with scoped(ctx.store, ctx.selection):
        result = task.run(ctx)
    result.selection = selection
    result.seconds = time.perf_counter() - started
    finish_run(ctx.store, task.name, result.rows, result.summary, result.data.get("model"))
    return result


@dataclass(frozen=True, slots=True)
class PostBatch:
    """What a post scorer sees: texts and their languages (no ids, no store)."""

    texts: list[str]
    langs: list[str | None]


@dataclass(frozen=True, slots=True)
class PostScore:
    label: str | None
    score: float | None
    probabilities: dict[str, float]
    model: str | None
    #: Rows a task keeps beside the score (e.g. one per entity mention), written by its ``write_details``.
    details: tuple[dict[str, Any], ...] = ()


#: ``score(state, batch) -> one PostScore per text``; ``state`` is what the scorer's setup built.
ScoreFunction = Callable[[Any, PostBatch], list[PostScore]]
#: ``write_details(store, platforms, post_ids, run_key, scores)``: a batch's detail rows, before its scores.
DetailsWriter = Callable[[Any, list[str], list[str], str, list[PostScore]], int]


def score_posts(
    ctx: Context,
    task: Task,
    setup: Callable[[], Any],
    score: ScoreFunction,
    batch_size: int = 2_000,
    write_details: DetailsWriter | None = None,
    source: str = "post",
    output: str | None = None,
) -> tuple[dict[str, Any], int]:
    """Score every selected post not yet scored with this run key. Returns the label counts over
    the whole selection (``scored``: posts with a label; ``labels``: per label, ``"None"`` for
    posts no model could read) and how many posts this call wrote.

    ``write_details`` keeps each batch's :attr:`PostScore.details` first: a crash between the two
    leaves posts unscored, so a re-run writes their details again.


    ``source="image_text"`` scores the text read in the posts' pictures instead of their own
    text, written under ``output`` (e.g. ``sentiment.image_text``), never mixed with the posts' scores."""
    import orjson
    import pyarrow as pa

    from socialens.store.runs import count_unscored, iter_unscored, label_counts_in_run
    from socialens.store.scores import write_scores

    run_key = task.run_key(ctx)
    name = output or task.name
    todo = count_unscored(ctx.store, name, run_key, source)
    ctx.progress.start(f"scoring {name}", todo)
    batches = iter_unscored(ctx.store, name, run_key, ("text", "lang"), batch_size, source)
    keyed: list[tuple[list[str], list[str]]] = []

    def work() -> Any:
        for batch in batches:
            columns = batch.to_pydict()
            keyed.append((columns["platform"], columns["id"]))
            yield PostBatch([t or "" for t in columns["text"]], columns["lang"])

    written = 0
    for scores in map_with(ctx.executor, setup, score, work()):
        platforms, ids = keyed.pop(0)
        if write_details is not None:
            write_details(ctx.store, platforms, ids, run_key, scores)
        table = pa.table(
            {
                "platform": platforms,
                "post_id": ids,
                "task": [name] * len(scores),
                "label": [s.label for s in scores],
                "score": [s.score for s in scores],
                "probabilities": [orjson.dumps(s.probabilities).decode() for s in scores],
                "model": [s.model for s in scores],
                "run_key": [run_key] * len(scores),
            }
        )
        written += write_scores(ctx.store, table)
        ctx.progress.advance(len(scores))
    labels = label_counts_in_run(ctx.store, name, run_key)
    counts = {
        "scored": sum(n for label, n in labels.items() if label),
        "labels": {str(k): v for k, v in labels.items()},
    }
    return counts, written


@dataclass(frozen=True, slots=True)
class MediaBatch:
    """What a media analyser sees: attachments and the absolute paths of their clean copies (no store)."""

    media: list[Media]
    paths: list[str]


@dataclass(slots=True)
class AnalysedMedia:
    """Frame rows (``media_frames`` columns, OCR text not yet scrubbed) and the media that could not be read."""

    media_ids: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)


#: ``analyse(state, batch) -> AnalysedMedia`` (e.g. ``socialens.analyses.images.frames.analyse_batch``).
MediaFunction = Callable[[Any, MediaBatch], AnalysedMedia]


def analyse_media(
    ctx: Context,
    run_key: str,
    setup: Callable[[], Any],
    analyse: MediaFunction,
    clean: Callable[[dict[str, Any]], dict[str, Any]],
    batch_size: int = 16,
) -> tuple[int, int, list[dict[str, Any]]]:
    """Analyse every stored attachment of the selected posts not analysed with ``run_key``.
    ``clean`` runs in this process on each frame row before it is written (OCR text scrubbed
    and pseudonymised). Returns media analysed, frames written, and the media that failed."""
    from socialens.media.library import MediaLibrary
    from socialens.store.media_queries import count_unanalysed_media, iter_unanalysed_media, replace_frames

    library = MediaLibrary.beside(ctx.store.path)
    ctx.progress.start("analysing pictures", count_unanalysed_media(ctx.store, run_key))
    batches = (
        MediaBatch(chunk, [str(library.resolve(m.path or "")) for m in chunk])
        for chunk in iter_unanalysed_media(ctx.store, run_key, batch_size)
    )
    media = frames = 0
    failed: list[dict[str, Any]] = []
    for done in map_with(ctx.executor, setup, analyse, batches):
        rows = [{**clean(row), "run_key": run_key} for row in done.rows]
        unreadable = {f["media"] for f in done.failed}  # their earlier frames, if any, stay
        frames += replace_frames(ctx.store, [i for i in done.media_ids if i not in unreadable], rows)
        media += len(done.media_ids) - len(done.failed)
        failed += done.failed
        ctx.progress.advance(len(done.media_ids))
    return media, frames, failed


def default_models(ctx: Context, task: str) -> str:
    """The default model of ``task`` in each language the registry, the pins or the shipped
    models have one for, as text (part of a run key: a new default makes a re-run score again)."""
    from socialens.training.shipped import shipped_cards

    registry = ctx.model_registry()
    languages = sorted(
        {card.language for card in registry.list() if card.task == task}
        | {key.partition("/")[2] for key in registry.pins if key.partition("/")[0] == task}
        | {card.language for card in shipped_cards() if card.task == task and card.name == f"{task}-{card.language}"}
    )
    chosen = [registry.default(task, lang) for lang in languages]
    return ";".join(f"{lang}={card.name} v{card.version}" for lang, card in zip(languages, chosen, strict=True))


@dataclass(slots=True)
class CorpusOutput:
    """What a corpus-level analysis found: its result data (JSON, for the task's result) and the
    rows to keep, which :func:`corpus_pass` writes all in one transaction."""

    data: dict[str, Any]
    #: ``post_scores`` rows (``socialens.store.scores.SCORE_COLUMNS``), inserted or replaced.
    post_scores: pa.Table | None = None
    #: ``analysis_results`` per result name: ``(item key, payload)`` in rank order, replacing that name's items.
    results: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    #: ``alerts`` rows (``socialens.store.results.write_alerts``).
    alerts: list[dict[str, Any]] = field(default_factory=list)
    #: Results derived in the store from the rows above (e.g. topics over time), in the same transaction.
    derive: Callable[[Store], int] | None = None
    #: A fitted model the task keeps after the pass (e.g. the topic model it registers).
    fitted: Any = None


def corpus_pass(
    ctx: Context, read: Callable[[Store], Posts], analyse: Callable[[Posts, Progress], CorpusOutput]
) -> tuple[CorpusOutput, int]:
    """Read the selection's posts with ``read`` (a ``socialens.store`` query), run ``analyse``
    over them, and write its output in one transaction: a failure leaves the earlier results
    whole. Returns the output and the rows written."""
    from socialens.store.results import write_alerts, write_results
    from socialens.store.scores import write_scores

    output = analyse(read(ctx.store), ctx.progress)
    written = 0
    with ctx.store.transaction():
        if output.post_scores is not None:
            written += write_scores(ctx.store, output.post_scores)
        for name, items in output.results.items():
            written += write_results(ctx.store, name, items)
        written += write_alerts(ctx.store, output.alerts)
        if output.derive is not None:
            written += output.derive(ctx.store)
    return output, written


def score_accounts(ctx: Context, label: str, rows: Sequence[dict[str, Any]], model: str) -> int:
    """Replace the per-account results ``label`` (``user_scores`` task) with ``rows``, in one transaction."""
    from socialens.store.results import write_user_scores

    ctx.progress.start(f"writing {label} of {len(rows):,} accounts", len(rows))
    written = write_user_scores(ctx.store, label, rows, model=model)
    ctx.progress.advance(len(rows))
    return written


def load_graph(ctx: Context, kinds: str | None) -> InteractionGraph:
    """The interaction graph of the selection (edges of the given kinds)."""
    from socialens.graph.build import build_graph

    return build_graph(ctx.store, kinds=kinds)
