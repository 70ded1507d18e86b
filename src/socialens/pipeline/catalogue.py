"""The task catalogue: name -> ``"module:Class"``. Explicit and lazy: nothing is imported until
a task is looked up, so ``socialens ingest`` on a core-only install never imports numpy."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from socialens.errors import ConfigError

if TYPE_CHECKING:
    from socialens.pipeline.task import Task

TASKS: dict[str, str] = {
    "sentiment": "socialens.analyses.sentiment.analyze:SentimentTask",
    "emotion": "socialens.analyses.emotion.analyze:EmotionTask",
    "offensive": "socialens.analyses.offensive.analyze:OffensiveTask",
    "entities": "socialens.analyses.entities.analyze:EntitiesTask",
    "topics": "socialens.analyses.topics.analyze:TopicsTask",
    "engagement": "socialens.analyses.engagement.analyze:EngagementTask",
    "images": "socialens.analyses.images.analyze:ImagesTask",
    "trends": "socialens.analyses.trends.analyze:TrendsTask",
    "alerts": "socialens.analyses.alerts.analyze:AlertsTask",
    "influence": "socialens.analyses.influence.analyze:InfluenceTask",
    "communities": "socialens.analyses.communities.analyze:CommunitiesTask",
    "profiles": "socialens.analyses.profiles.analyze:ProfilesTask",
    "segments": "socialens.analyses.segments.analyze:SegmentsTask",
    "suspicious": "socialens.analyses.suspicious.analyze:SuspiciousTask",
}


def task_names() -> tuple[str, ...]:
    return tuple(TASKS)


def task_class(name: str) -> type[Task]:
    """The Task class registered as ``name`` (imported now)."""
    try:
        module_name, _, class_name = TASKS[name].partition(":")
    except KeyError:
        raise ConfigError(f"unknown task {name!r}; available: {', '.join(TASKS)}") from None
    cls: type[Task] = getattr(import_module(module_name), class_name)
    return cls


def producer_of(output: str) -> str | None:
    """The task that assigns ``output`` (e.g. ``"user_scores.profile"`` -> ``"profiles"``)."""
    for name in TASKS:
        if output in task_class(name).assigns:
            return name
    return None
