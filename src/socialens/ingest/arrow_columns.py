"""Arrow column helpers of the columnar edge: a bounded memo, a function over distinct values,
Python's answers patched into SQL's columns where SQL flagged a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


class Memo(dict[str, Any]):
    """``fn(key)`` remembered for up to ``size`` keys: a hit is one dict lookup in C (where,
    say, ``Pseudonymizer.handle`` rebuilds its message, stripped, lower-cased, on every call)."""

    def __init__(self, fn: Callable[[str], Any], size: int) -> None:
        super().__init__()
        self.fn = fn
        self.size = size

    def __missing__(self, key: str) -> Any:
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.fn(key)
        return value


def map_distinct(column: pa.Array | pa.ChunkedArray, fn: Callable[[Any], Any], kind: pa.DataType) -> pa.Array:
    """``fn`` over each distinct value of ``column``, spread back over its rows."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    values = [fn(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(values, kind).take(encoded.indices)


def patch_rows(column: pa.Array | pa.ChunkedArray, rows: list[int], values: list[Any]) -> pa.Array:
    """``column`` with ``values`` at ``rows`` (Python's answers where SQL flagged a row)."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not rows:
        return column
    # for each row, its place in ``rows`` (null where it keeps SQL's value)
    where = pc.index_in(pa.array(range(len(column)), pa.int64()), value_set=pa.array(rows, pa.int64()))
    patches = pa.array(values, column.type).take(where)
    return pc.if_else(pc.is_valid(where), patches, column)


def flagged_rows(table: pa.Table, flag: str) -> list[int]:
    return pc.indices_nonzero(table[flag]).to_pylist()  # type: ignore[no-any-return]


def take_values(column: pa.ChunkedArray | pa.Array, indices: list[int]) -> list[Any]:
    return column.take(pa.array(indices, pa.int64())).to_pylist()  # type: ignore[no-any-return]
