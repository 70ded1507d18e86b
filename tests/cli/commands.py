"""Every command of the ``socialens`` CLI as Click builds it, by its full name ("token create")."""

from __future__ import annotations

from typing import Any

from typer.main import get_command

from socialens.cli.main import app


def every_command() -> dict[str, Any]:
    group = get_command(app)
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        for sub_name, sub in (subcommands or {name: command}).items():
            found[f"{name} {sub_name}" if subcommands else name] = sub
    return found
