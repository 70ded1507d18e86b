"""``socialens analyze profiles``: one profile per account, written to ``user_scores`` task 'profile'.

Label: the account's top interest; score: its activity events; details: the whole profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "profile"
MODEL = "profiles.v1"


@dataclass(frozen=True, slots=True)
class ProfilesSettings:
    interests: int = 5  # interests kept per account

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.interests < 1:
            raise ConfigError(f"profiles setting interests={self.interests}: must be at least 1")


class ProfilesTask(Task):
    name = "profiles"
    kind = "account"
    Settings = ProfilesSettings
    requires = ("posts", "interactions")
    uses = ("post_scores.sentiment", "post_scores.topic", "results.topics", "user_scores.influence")
    assigns = ("user_scores.profile",)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.analyses.profiles.build import build_profiles
        from socialens.pipeline.runners import score_accounts

        ctx.progress.start("building user profiles", None)
        profiles = build_profiles(ctx.store, interests=self.settings.interests)
        rows = [
            {
                "platform": p["platform"],
                "user_id": p["user_id"],
                "label": p["interests"][0]["label"] if p["interests"] else None,
                "score": float(p["events"]),
                "details": p,
            }
            for p in profiles
        ]
        written = score_accounts(ctx, TASK, rows, MODEL)
        summary = f"profiled {written:,} accounts (user_scores task '{TASK}')"
        return self.result({"task": TASK, "users": written, "summary": summary}, rows=written)
