"""Timestamps from every platform's format, to timezone-aware UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from socialens.errors import RecordError

_TWITTER = "%a %b %d %H:%M:%S %z %Y"  # Wed Oct 10 20:19:24 +0000 2018 (also Weibo's API)
_BEIJING = timezone(timedelta(hours=8))
_MONTHS = {
    m: i
    for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)
}
_ZH_RELATIVE = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_ZH_TODAY = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})$")
_ZH_MONTH_DAY = re.compile(r"^(\d{1,2})[-月](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?$")
_ZH_FULL = re.compile(r"^(\d{4})[-年/](\d{1,2})[-月/](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_time(value: Any, field: str = "created_at") -> datetime | None:
    """Epoch seconds or milliseconds, ISO 8601, Twitter/RFC 2822 strings, to UTC.

    >>> parse_time("Wed Oct 10 20:19:24 +0000 2018").isoformat()
    '2018-10-10T20:19:24+00:00'
    >>> parse_time("2023-01-05T10:00:00.123-05:00").isoformat()
    '2023-01-05T15:00:00.123000+00:00'
    >>> parse_time("Sun Mar 12 20:30:00 +0800 2023").isoformat()
    '2023-03-12T12:30:00+00:00'
    >>> parse_time(1672531200).isoformat()
    '2023-01-01T00:00:00+00:00'
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, (int, float)) or (isinstance(value, str) and value[:1].isdigit() and _is_number(value)):
            number = float(value)
            if number > 1e11:  # milliseconds
                number /= 1000.0
            return datetime.fromtimestamp(number, tz=UTC)
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        text = str(value).strip()
        if text[:1].isdigit():
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        if text[3:4] == " " and text[-5:-4] == " ":
            return _twitter_time(text)
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError, OverflowError, OSError, IndexError):
        raise RecordError(f"cannot read the time {value!r}", field) from None


def parse_weibo_time(value: Any, now: datetime | None = None, field: str = "created_at") -> datetime | None:
    """Weibo crawler times: the API form, '刚刚', 'N分钟前', '今天 12:30', '03-12 12:30',
    '01-05', '2023-03-12'; local times are Beijing time (UTC+8). ``now`` anchors relative
    forms (month-day forms later than ``now`` are last year's).

    >>> now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    >>> parse_weibo_time("5分钟前", now).isoformat()
    '2024-05-01T11:55:00+00:00'
    >>> parse_weibo_time("昨天 08:30", now).isoformat()
    '2024-04-30T00:30:00+00:00'
    >>> parse_weibo_time("2023-03-12 20:00", now).isoformat()
    '2023-03-12T12:00:00+00:00'
    >>> parse_weibo_time("01-05", now).isoformat(), parse_weibo_time("12-30 08:00", now).isoformat()
    ('2024-01-04T16:00:00+00:00', '2023-12-30T00:00:00+00:00')
    """
    if not isinstance(value, str):
        return parse_time(value, field)
    text = value.strip()
    now = (now or datetime.now(UTC)).astimezone(_BEIJING)
    if text == "刚刚":
        return now.astimezone(UTC)
    if m := _ZH_RELATIVE.match(text):
        unit = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}[m.group(2)]
        return (now - timedelta(**{unit: int(m.group(1))})).astimezone(UTC)
    if m := _ZH_TODAY.match(text):
        back = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
        day = now - timedelta(days=back)
        local = day.replace(hour=int(m.group(2)), minute=int(m.group(3)), second=0, microsecond=0)
        return local.astimezone(UTC)
    if m := _ZH_MONTH_DAY.match(text):
        # This year's posts show month and day only; one that would be after ``now`` is last year's.
        month, day_, hour, minute = (int(g) if g else 0 for g in m.groups())
        local = datetime(now.year, month, day_, hour, minute, tzinfo=_BEIJING)
        if local > now:
            local = local.replace(year=now.year - 1)
        return local.astimezone(UTC)
    if m := _ZH_FULL.match(text):
        year, month, day_, hour, minute, second = (int(g) if g else 0 for g in m.groups())
        return datetime(year, month, day_, hour, minute, second, tzinfo=_BEIJING).astimezone(UTC)
    return parse_time(text, field)


def _twitter_time(text: str) -> datetime:
    # strptime costs ~30 us; this format is fixed, so slicing is exact and 10x cheaper.
    parts = text.split()
    if len(parts) == 6 and parts[1] in _MONTHS and len(parts[3]) == 8:
        hour, minute, second = parts[3].split(":")
        offset = parts[4]
        stamp = datetime(
            int(parts[5]), _MONTHS[parts[1]], int(parts[2]), int(hour), int(minute), int(second), tzinfo=UTC
        )
        if offset != "+0000":
            sign = -1 if offset[0] == "-" else 1
            stamp -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
        return stamp
    return datetime.strptime(text, _TWITTER).astimezone(UTC)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
