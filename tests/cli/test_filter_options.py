"""The selection options (--since ... --query) are declared once, in cli/common.py, for every command."""

from __future__ import annotations

import inspect
from pathlib import Path

from socialens.cli import common
from socialens.cli.common import Filters, with_filters
from tests.cli.commands import every_command

FILTER_FLAGS = ["--since", "--until", "--platform", "--lang", "--author", "--query"]
CLI = Path(common.__file__).parent


def test_every_command_with_a_filter_has_all_six_in_order_with_the_shared_help() -> None:
    shared_help = [option.__metadata__[0].help for option in common._FILTER_OPTIONS.values()]
    with_filters_found = []
    for name, command in every_command().items():
        flags = {p.opts[0]: p for p in command.params if p.opts}  # type: ignore[attr-defined]
        if "--since" not in flags:
            continue  # --platform of ingest and --lang of train are other options
        with_filters_found.append(name)
        options = [p for p in command.params if p.opts and p.opts[0] in FILTER_FLAGS]  # type: ignore[attr-defined]
        assert [p.opts[0] for p in options] == FILTER_FLAGS, name
        assert [p.help for p in options] == shared_help, name
    assert {"analyze", "run", "report", "compare", "graph", "influencers", "communities", "trends", "alerts"} <= set(
        with_filters_found
    )


def test_no_command_module_declares_a_filter_option_itself() -> None:
    for module in CLI.glob("*.py"):
        if module.name == "common.py":
            continue
        text = module.read_text(encoding="utf-8")
        for flag in ("--since", "--until", "--author", "--query"):
            assert f'"{flag}"' not in text, f"{module.name} declares {flag}: use @with_filters"


def test_the_command_receives_the_options_as_one_filters_value() -> None:
    seen: list[Filters] = []

    @with_filters
    def command(top: int = 3, filters: Filters = Filters(), json: bool = False) -> None:
        seen.append(filters)

    names = ["top", "since", "until", "platform", "lang", "author", "query", "json"]
    assert list(inspect.signature(command).parameters) == names
    command(top=1, since="2026-01-01", lang=["en"], json=True)
    assert seen == [Filters(since="2026-01-01", lang=["en"])]
