"""k-anonymous export of posts: generalise quasi-identifiers, suppress what stays rare.

Every exported record shares its quasi-identifiers (time, language, community, platform,
the author's follower, following and activity counts, engagement counts) with at least
``k - 1`` others. The method is full-domain generalisation in the manner of Sweeney's Datafly:
each quasi-identifier has a hierarchy (time: hour, day, week, month, year, *; counts: powers
of ten, three wide bands, *; categories: the value, *); while more than ``max_suppressed`` of
the records sit in groups smaller than ``k``, the quasi-identifier with the most distinct
values goes one level up; the records still in small groups are then left out.

The export holds no ids, handles, text or links: a post's text or id can be looked up on the
platform, which no generalisation of the other columns would prevent. (``anonypy``'s Mondrian
was considered: it releases partitions as value ranges with counts, not records on fixed
hierarchies such as "the hour", which is what analysts of time series need.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from socialens.errors import ConfigError
from socialens.store import Store
from socialens.store import anonymous_posts as q

DEFAULT_QUASI: tuple[str, ...] = ("created_at", "platform", "lang", "community", "followers", "following")
DEFAULT_QUASI += ("activity", "like_count", "repost_count", "reply_count")
SUMMARY_FILE = "k-anonymity.json"


@dataclass(slots=True)
class KAnonymousExport:
    k: int
    quasi: list[str]
    levels: dict[str, str] = field(default_factory=dict)
    records_in: int = 0
    records_out: int = 0
    suppressed: int = 0
    smallest_group: int = 0
    path: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_quasi(columns: str | None) -> list[str]:
    """``--quasi`` (comma-separated) as a checked list; the default set when not given."""
    if not columns:
        return list(DEFAULT_QUASI)
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in q.LEVELS]
    if unknown or not chosen:
        raise ConfigError(f"--quasi {columns!r}: unknown column(s) {unknown}; choose from {', '.join(q.LEVELS)}")
    return list(dict.fromkeys(chosen))


def export_k_anonymous(
    store: Store, directory: Path, k: int, quasi: list[str], max_suppressed: float = 0.05
) -> KAnonymousExport:
    """Write ``directory/posts.parquet`` (k-anonymous over ``quasi``) and a summary beside it."""
    if k < 2:
        raise ConfigError(f"--k-anonymous {k}: k must be at least 2")
    directory.mkdir(parents=True, exist_ok=True)
    result = KAnonymousExport(k=k, quasi=quasi, records_in=q.build_base(store))
    levels = {c: 0 for c in quasi}
    allowed = int(max_suppressed * result.records_in)
    while True:
        rare, _ = q.small_groups(store, levels, k)
        if rare <= allowed:
            break
        movable = [c for c in quasi if levels[c] < len(q.LEVELS[c]) - 1]
        if not movable:
            break  # everything at its top level: the rest is suppressed
        widest = max(movable, key=lambda c: q.distinct_values(store, c, levels[c]))
        levels[widest] += 1
    target = directory / "posts.parquet"
    result.records_out = q.write_generalised(store, levels, k, str(target))
    result.suppressed = result.records_in - result.records_out
    result.smallest_group = _smallest_kept(store, levels, k)
    result.levels = {c: _level_name(c, lvl) for c, lvl in levels.items()}
    result.path = str(target)
    (directory / SUMMARY_FILE).write_bytes(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2))
    return result


def _smallest_kept(store: Store, levels: dict[str, int], k: int) -> int:
    keys = ", ".join(q.generalised(c, lvl) for c, lvl in levels.items()) or "1"
    row = store.one(f"SELECT min(n) FROM (SELECT count(*) AS n FROM _anon_base GROUP BY {keys}) WHERE n >= ?", [k])
    return int(row[0]) if row and row[0] is not None else 0


def _level_name(column: str, level: int) -> str:
    if column == "created_at":
        return ("hour", "day", "week", "month", "year", "*")[level]
    if q.LEVELS[column] is q.LEVELS["followers"]:
        return ("powers of ten", "0-99 / 100-9999 / 10000+", "*")[level]
    return ("value", "*")[level]
