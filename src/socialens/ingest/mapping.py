"""Column mappings for the generic importers: which source column feeds which canonical field.

A mapping is checked once per file, against its header (CSV), schema (Parquet) or first
object (JSON lines), so a typo in a column name stops the file with one actionable error
instead of rejecting every record. Values are then coerced per record; a value that cannot
be coerced rejects that record only, naming the canonical field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args, get_origin, get_type_hints

import orjson

from socialens.errors import ColumnMappingError, ConfigError, RecordError
from socialens.ingest.timeparse import parse_time
from socialens.schema import INTERACTION_KINDS, Interaction, Post, Record, User

RECORD_TYPES: dict[str, type[Post] | type[User] | type[Interaction]] = {
    "post": Post,
    "user": User,
    "interaction": Interaction,
}
# Free text keeps its whitespace (the edge normalises it); identifiers and labels are stripped.
_FREE_TEXT = {"text", "title", "description", "name"}
# Spellings of "no value" that spreadsheets and pandas write into numeric, boolean and time columns.
_NULL_TOKENS = {"", "nan", "null", "none", "na", "n/a", "nat"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_SPECS: dict[type, dict[str, FieldSpec]] = {}
# How many available columns an error message lists before it abbreviates.
_LIST_AT_MOST = 60


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A canonical field: how its values are coerced and whether a record needs it."""

    name: str
    kind: str  # "str", "text", "label", "int", "float", "bool", "time" or "list"
    required: bool


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """Where one canonical field comes from: a column (or dotted path), or a constant."""

    spec: FieldSpec
    column: str | None  # None for a constant
    path: tuple[str, ...] = ()  # the column split on dots, when it is not a top-level name
    constant: Any = None


def field_specs(record_type: type[Record]) -> dict[str, FieldSpec]:
    """The canonical fields of a record type, read from the dataclass so the schema stays the truth."""
    if record_type not in _SPECS:
        _SPECS[record_type] = _read_specs(record_type)
    return _SPECS[record_type]


def _read_specs(record_type: type[Record]) -> dict[str, FieldSpec]:
    hints = get_type_hints(record_type)
    specs = {}
    for f in fields(record_type):
        required = f.default is MISSING and f.default_factory is MISSING
        specs[f.name] = FieldSpec(f.name, _kind_of(f.name, hints[f.name]), required)
    return specs


def _kind_of(name: str, hint: Any) -> str:
    args = [a for a in get_args(hint) if a is not type(None)] if get_origin(hint) is not list else []
    base = args[0] if len(args) == 1 else hint
    if get_origin(base) is list:
        return "list"
    for kind, python_type in (("bool", bool), ("int", int), ("float", float), ("time", datetime)):
        if base is python_type:
            return kind
    if name == "kind":
        return "label"  # an interaction kind: one of INTERACTION_KINDS
    return "text" if name in _FREE_TEXT else "str"


def record_type_for(record: str) -> type[Post] | type[User] | type[Interaction]:
    if record not in RECORD_TYPES:
        raise ConfigError(f"record={record!r} is not one of: {', '.join(RECORD_TYPES)}")
    return RECORD_TYPES[record]


def json_columns(obj: Any, prefix: str = "", depth: int = 3) -> list[str]:
    """Top-level keys and dotted paths into nested objects, as a mapping may name them."""
    if not isinstance(obj, dict):
        return []
    names: list[str] = []
    for key, value in obj.items():
        name = f"{prefix}{key}"
        names.append(name)
        if depth > 1 and isinstance(value, dict):
            names.extend(json_columns(value, f"{name}.", depth - 1))
    return names


class RowMapper:
    """Makes canonical records from rows (dicts keyed by column), following a checked mapping.

    Plain data only (no closures), so an importer holding one still pickles.
    """

    def __init__(
        self,
        record: str,
        mapping: Mapping[str, str | None] | None,
        columns: Sequence[str],
        platform: str = "generic",
        time_format: str | None = None,
        list_separator: str = " ",
        strict: bool = True,
    ) -> None:
        if mapping is not None and not isinstance(mapping, Mapping):
            raise ConfigError(f"mapping must be a table of field = column, not {type(mapping).__name__}")
        self.record_type = record_type_for(record)
        self.specs = field_specs(self.record_type)
        self.platform = platform
        self.time_format = time_format
        self.list_separator = list_separator
        self.columns = list(columns)
        self.refs = self._resolve(dict(mapping or {}), strict)

    # -- checked once per file ----------------------------------------------------
    def _resolve(self, mapping: dict[str, str | None], strict: bool) -> list[ColumnRef]:
        """Refs for every field that has a source. ``strict`` (a header or schema lists every
        column) makes a mapped column that is absent an error; JSON objects may omit optional
        keys, so there only required fields must show up in the first object."""
        available = set(self.columns)
        unknown = sorted(set(mapping) - set(self.specs))
        if unknown:
            raise self._error(f"unknown field(s) {', '.join(map(repr, unknown))} for {self._record_name()} records")
        refs = []
        for name, spec in self.specs.items():
            if name in mapping:
                ref = self._explicit(spec, mapping[name])
                if ref is None:
                    continue
                if ref.column is not None and (strict or spec.required) and ref.column not in available:
                    raise self._error(f"field {name!r} is mapped to column {ref.column!r}, which is not there")
                refs.append(ref)
            elif name in available or (not strict and not spec.required):
                refs.append(_column_ref(spec, name))
            elif spec.required and name != "platform":
                hint = "; kind may be a constant, e.g. mapping={'kind': '=rating'}" if name == "kind" else ""
                raise self._error(
                    f"{self._record_name()} records need field {name!r} but there is no column {name!r}: "
                    f"map one, e.g. mapping={{{name!r}: '<column>'}}{hint}"
                )
        return refs

    def _explicit(self, spec: FieldSpec, source: str | None) -> ColumnRef | None:
        if source is None:  # an explicit None ignores a same-named column
            return None
        if not isinstance(source, str) or not source:
            raise self._error(f"field {spec.name!r} must map to a column name or '=constant', not {source!r}")
        if not source.startswith("="):
            return _column_ref(spec, source)
        try:
            value = self.coerce(spec, source[1:])
        except RecordError as exc:
            raise self._error(f"the constant for field {spec.name!r} is not usable: {exc.reason}") from None
        if value is None and spec.required:
            raise self._error(f"the constant for required field {spec.name!r} is empty")
        return ColumnRef(spec, None, constant=value)

    def _record_name(self) -> str:
        return next(name for name, cls in RECORD_TYPES.items() if cls is self.record_type)

    def _error(self, problem: str) -> ColumnMappingError:
        shown = ", ".join(map(repr, self.columns[:_LIST_AT_MOST]))
        more = f" and {len(self.columns) - _LIST_AT_MOST} more" if len(self.columns) > _LIST_AT_MOST else ""
        return ColumnMappingError(
            f"column mapping: {problem}. Available columns: {shown or '(none)'}{more}. "
            f"Fields of {self._record_name()} records: {', '.join(self.specs)}"
        )

    def top_level_columns(self, names: Iterable[str]) -> list[str]:
        """The top-level columns the refs read (Parquet reads only those)."""
        names = set(names)
        needed: dict[str, None] = {}
        for ref in self.refs:
            if ref.column in names:
                needed[ref.column] = None
            elif ref.path and ref.path[0] in names:
                needed[ref.path[0]] = None
        return list(needed)

    # -- per record ---------------------------------------------------------------
    def map_row(self, row: Mapping[str, Any]) -> Record:
        """One canonical record (raw identifiers); RecordError names the failing field."""
        values: dict[str, Any] = {}
        for ref in self.refs:
            spec = ref.spec
            if ref.column is None:
                value = ref.constant
            else:
                value = self.coerce(spec, row.get(ref.column) if not ref.path else _fetch(row, ref), ref.column)
            if value is None:
                if spec.required and spec.name != "platform":
                    raise RecordError(f"missing: column {ref.column!r} is empty or absent", spec.name)
                continue
            values[spec.name] = value
        values.setdefault("platform", self.platform)
        return self.record_type(**values)

    def coerce(self, spec: FieldSpec, value: Any, column: str | None = None) -> Any:
        """The value as the field's type; None for an empty value; RecordError if it does not fit."""
        kind = spec.kind
        if type(value) is str and kind == "str":  # the common case (ids in text files), kept short
            value = value.strip()
            return value or None
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, str) and kind not in ("text", "list"):
            value = value.strip()
            if value.lower() in (_NULL_TOKENS if kind not in ("str", "label") else {""}):
                return None
        try:
            if kind in ("str", "text", "label"):
                return _to_str(value, kind)
            if kind == "int":
                return _to_int(value)
            if kind == "float":
                return _to_float(value)
            if kind == "bool":
                return _to_bool(value)
            if kind == "time":
                return self._to_time(value, spec.name)
            return self._to_list(value)
        except (ValueError, TypeError, OverflowError) as exc:
            where = f" (column {column!r})" if column else ""
            raise RecordError(f"{exc}{where}", spec.name) from None

    def _to_time(self, value: Any, field: str) -> datetime | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if self.time_format is None or isinstance(value, datetime):
            return parse_time(value, field)
        try:
            parsed = datetime.strptime(str(value), self.time_format)
        except ValueError:
            raise ValueError(f"{value!r} does not match time_format {self.time_format!r}") from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

    def _to_list(self, value: Any) -> list[str] | None:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("[") and text.endswith("]"):
                try:
                    value = orjson.loads(text)
                except orjson.JSONDecodeError:  # e.g. Python's "['a', 'b']" from a pandas export
                    value = [p.strip().strip("'\"") for p in text[1:-1].split(",")]
            else:
                sep = self.list_separator
                value = text.split() if not sep.strip() else text.split(sep)
        if isinstance(value, dict):
            raise TypeError("expected a list, got an object")
        if not isinstance(value, (list, tuple)):
            value = [value]
        items = [str(v).strip() for v in value if v is not None and not isinstance(v, (dict, list))]
        return [i for i in items if i] or None


def _column_ref(spec: FieldSpec, column: str) -> ColumnRef:
    return ColumnRef(spec, column, tuple(column.split(".")) if "." in column else ())


def _fetch(row: Mapping[str, Any], ref: ColumnRef) -> Any:
    """The value at the ref's column; a dotted path walks nested objects (and list indices)."""
    column = ref.column
    if column in row or not ref.path:
        return row.get(column)  # type: ignore[arg-type]
    value: Any = row
    for part in ref.path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, (list, tuple)) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _to_str(value: Any, kind: str) -> str | None:
    if isinstance(value, (dict, list, tuple)):
        raise TypeError(f"expected a single value, got {type(value).__name__}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # ids that went through a float column (pandas) lose the ".0"
    elif isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value) if kind == "text" else str(value).strip()
    if kind == "label" and text:
        text = text.lower()
        if text not in INTERACTION_KINDS:
            raise ValueError(f"unknown interaction kind {text!r}; known: {', '.join(INTERACTION_KINDS)}")
    return text or None


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    number = _to_float(value)
    if not number.is_integer():
        raise ValueError(f"expected an integer, got {value!r}")
    return int(number)


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise TypeError(f"expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true/false, 1/0 or yes/no, got {value!r}")
