"""Response and request bodies: every type the API returns is declared here, so it is in the schema."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from socialens.pipeline.catalogue import task_names

Scope = Literal["read", "write", "admin"]
TaskName = Annotated[str, Field(pattern="^(" + "|".join(task_names()) + ")$")]
Counts = list[tuple[str, int]]
SettingValue = str | bool | Annotated[int, Field(ge=-(2**53), le=2**53)] | float | None
# One point of a time series: [period as ISO text, value]. A list, not a tuple: schemathesis reads
# a tuple's ``prefixItems`` inside ``additionalProperties`` as an invalid schema.
Point = Annotated[list[str | int], Field(min_length=2, max_length=2)]
Series = dict[str, list[Point]]
SharePoint = Annotated[list[str | float], Field(min_length=2, max_length=2)]  # [period, percent]
ShareSeries = dict[str, list[SharePoint]]


class ErrorBody(BaseModel):
    code: str = Field(description="The socialens error code (socialens/errors.py), e.g. E601.")
    message: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str


# -- overview (report views) ----------------------------------------------------------------
class Summary(BaseModel):
    counts: dict[str, int]
    ingests: dict[str, int]
    stats: dict[str, Any]
    platforms: Counts
    kinds: Counts


class Volume(BaseModel):
    unit: str
    first: str
    last: str
    untimed: int
    series: Series


class CountsView(BaseModel):
    items: Counts
    pseudonymised: bool = False
    public: bool = False


class Overview(BaseModel):
    summary: Summary | None = None
    volume: Volume | None = None
    languages: CountsView | None = None
    hashtags: CountsView | None = None
    mentions: CountsView | None = None


# -- posts ----------------------------------------------------------------------------------
class PostOut(BaseModel):
    platform: str
    id: str
    author: str | None
    created_at: str | None
    text: str | None
    lang: str | None
    hashtags: list[str] | None
    like_count: int | None
    repost_count: int | None
    reply_to: str | None
    sentiment: str | None
    topic: str | None


class PostPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[PostOut]


# -- analysis results: one model per report view (socialens.analyses.<name>.report), same fields ---------
class ScoredPost(BaseModel):
    text: str | None
    created_at: str | None
    label: str | None
    score: float | None


class SharesOverTime(BaseModel):
    """``socialens.report.shares.SharesOverTime``: periods under ``minimum`` scored posts have counts
    (in ``totals`` and ``counts``) but no share (not in ``series``); charts draw them grey."""

    unit: str
    minimum: int
    series: ShareSeries = Field(description="Label -> [period, % of the period's scored posts].")
    totals: list[Point] = Field(description="[period, scored posts] for every period, thin ones included.")
    counts: Series = Field(description="Label -> [period, posts].")


class ViewResult(BaseModel):
    caveats: list[str] = Field(description="Why these numbers may mean little, in plain sentences (may be empty).")


class SentimentResult(ViewResult):
    counts: Counts
    over_time: SharesOverTime | None
    most_positive: list[ScoredPost]
    most_negative: list[ScoredPost]


class EmotionResult(ViewResult):
    counts: Counts
    over_time: SharesOverTime | None


class OffensiveResult(ViewResult):
    counts: Counts
    most_offensive: list[ScoredPost]


class TopicsResult(ViewResult):
    topics: list[dict[str, Any]] = Field(description="Topic payloads: id, label, size, keywords, texts, x, y.")
    unit: str | None
    over_time: Series = Field(description="Topic label -> [period, posts], the largest topics.")


class TrendsResult(ViewResult):
    trends: list[dict[str, Any]]
    unit: str | None
    volume: list[Point]
    topic_labels: dict[str, str]


class Alert(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    kind: str
    raised_at: str
    window_start: str | None = None
    window_end: str | None = None
    severity: float | None = None
    summary: str | None = None
    payload: dict[str, Any] | None = None


class AlertsResult(ViewResult):
    counts: Counts
    alerts: list[Alert]
    last_run: dict[str, Any] | None


class AccountScore(BaseModel):
    platform: str
    user_id: str
    label: str | None
    score: float | None
    details: dict[str, Any] | None
    model: str | None


class InfluencersResult(ViewResult):
    rows: list[AccountScore]


class SuspiciousResult(ViewResult):
    top: list[AccountScore]
    scored: int
    flagged: int
    scorer: str
    unjudged: int = Field(description="Accounts with too little activity to be listed.")


class CommunitiesResult(ViewResult):
    summaries: list[dict[str, Any]] = Field(description="The largest communities: members, hashtags, topics, ties.")
    star: bool = Field(description="The graph is a star: its 'communities' are whom the hub addressed.")


class SegmentsResult(ViewResult):
    segments: list[dict[str, Any]]
    accounts: int


class ProfilesResult(BaseModel):
    profiles: list[dict[str, Any]] = Field(description="Profiles of the top accounts of the influence ranking.")


class ImagesResult(BaseModel):
    attachments: dict[str, int] = Field(description="Attachments by kind.")
    stored: int = Field(description="Clean copies (no EXIF/GPS) in the media library.")
    frames: dict[str, int]
    top_labels: Counts
    duplicate_groups: list[dict[str, Any]]
    visual_clusters: list[dict[str, Any]]
    image_text_scores: dict[str, dict[str, int]] = Field(description="Task -> label -> posts, from text in pictures.")


class BrandVoice(BaseModel):
    brand: str
    keys: list[str]
    mentions: int
    share: float
    positive: int
    neutral: int
    negative: int
    net: float | None


class VoicePeriod(BaseModel):
    period: str
    mentions: dict[str, int]
    share: dict[str, float]
    net: dict[str, float | None]
    thin: bool


class ShareOfVoiceResult(BaseModel):
    brands: list[BrandVoice]
    unit: str
    periods: list[VoicePeriod]
    note: str


class Profile(BaseModel):
    model_config = ConfigDict(extra="allow")
    platform: str
    user_id: str
    handle: str | None = None
    posts: int


# -- predict, recommend, models --------------------------------------------------------------
class PredictRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=1000)
    lang: str | None = Field(default=None, pattern="^[a-z]{2,3}$", description="Force a language (ISO 639).")


class Prediction(BaseModel):
    model_config = ConfigDict(extra="allow")
    label: str | None = None


class Predictions(BaseModel):
    task: str
    items: list[Prediction]


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="allow")
    item: str
    score: float


class Recommendations(BaseModel):
    user: str
    k: int
    items: list[Recommendation]


class ModelCard(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    version: int
    task: str


# -- runs (jobs) ----------------------------------------------------------------------------
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    """A moment is an ISO date or date-time string (pydantic would also take a number as epoch
    seconds, which the schema's ``format: date-time`` does not allow)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_START.match(value):
        raise ValueError("an ISO date or date-time (2024-01-31 or 2024-01-31T12:00:00Z)")
    return value


IsoMoment = Annotated[datetime, BeforeValidator(_iso_only)]
# A file name on the server: components of at most 255 characters (longer is no file), no NUL.
FILE_PATH = r"^[^\x00/]{1,255}(/[^\x00/]{1,255})*$"


class AnalysisRun(BaseModel):
    tasks: list[TaskName] = Field(min_length=1, max_length=20)
    settings: dict[TaskName, dict[str, SettingValue]] = Field(
        default_factory=dict,
        description="Task -> {setting: value}, as `-o TASK.KEY=VALUE` on the CLI.",
        json_schema_extra={"additionalProperties": False},  # a key that is no task name is refused
    )
    prerequisites: bool = Field(default=True, strict=True)  # not 0 or 1
    since: IsoMoment | None = None
    until: IsoMoment | None = None
    platform: list[str] | None = None
    lang: list[str] | None = None
    author: list[str] | None = None
    query: str | None = Field(default=None, max_length=500)


class IngestRun(BaseModel):
    path: str = Field(
        min_length=1, max_length=1000, pattern=FILE_PATH, description="A file inside the server's files folder."
    )
    format: str = Field(default="auto", max_length=40)


class JobOut(BaseModel):
    id: str
    kind: str
    params: dict[str, Any]
    status: Literal["queued", "running", "done", "failed", "interrupted"]
    stage: str
    done: int
    total: int | None
    result: Any = None
    error: ErrorBody | None = None
    created_at: float
    started_at: float | None
    finished_at: float | None


# -- privacy and tokens ---------------------------------------------------------------------
class ForgetRequest(BaseModel):
    accounts: list[str] = Field(min_length=1, max_length=1000)


class ExportRequest(BaseModel):
    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Folder name under the server's export folder.")
    k_anonymous: int | None = Field(default=None, ge=2, le=1000)


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scope: Scope


class TokenCreated(BaseModel):
    id: str
    name: str
    scope: Scope
    token: str = Field(description="Shown once: only its hash is stored.")


class TokenInfo(BaseModel):
    id: str
    name: str
    scope: str
    created_at: str | None
    revoked_at: str | None


class Revoked(BaseModel):
    revoked: int


class WatchAlert(BaseModel):
    """An alert as ``socialens watch`` sends it to a webhook (``Alert.as_json``)."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=60)
    raised_at: IsoMoment
    window_start: IsoMoment | None = None
    window_end: IsoMoment | None = None
    severity: float | None = Field(default=None, strict=True)  # not a boolean
    summary: str | None = Field(default=None, max_length=2000)
