"""The registered importers and format detection (``--format auto``)."""

from __future__ import annotations

from socialens.errors import ConfigError, UnknownComponentError, UnknownFormatError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.readers import Source
from socialens.registry import components

# Below this confidence, auto-detection refuses to guess.
MIN_CONFIDENCE = 0.5


def importers() -> dict[str, type[Importer]]:
    """Importer classes by ``--format`` name."""
    found = components("ingest.")
    return {cls.format_name: cls for cls in found.values() if issubclass(cls, Importer)}  # type: ignore[misc]


def get_importer(format_name: str, **settings: object) -> Importer:
    known = importers()
    if format_name not in known:
        raise UnknownComponentError(f"unknown format {format_name!r}; known: auto, {', '.join(sorted(known))}")
    cls = known[format_name]
    unknown = sorted(set(settings) - set(cls._param_names()))
    if unknown:
        raise ConfigError(
            f"format {format_name!r} has no setting {', '.join(unknown)}; its settings: "
            f"{', '.join(cls._param_names()) or 'none'}"
        )
    return cls(**settings)


def detect_format(source: Source) -> Importer:
    """The importer most confident about the file's first bytes."""
    sample = Sample(name=source.name, head=source.head())
    scored = sorted(((cls().sniff(sample), name) for name, cls in importers().items()), reverse=True)
    if not scored or scored[0][0] < MIN_CONFIDENCE:
        raise UnknownFormatError(source.path, ["auto", *sorted(importers())])
    return get_importer(scored[0][1])
