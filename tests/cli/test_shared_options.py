"""The options every command shares (--store, --config, --json, --models-dir, --engine) are declared once,
in cli/common.py, so each command's --help says the same about them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from socialens.cli import common
from socialens.cli.main import app
from tests.cli.commands import every_command

CLI = Path(common.__file__).parent
SHARED = {
    "--store": common.StoreOption,
    "--config": common.ConfigOption,
    "--json": common.JsonOption,
    "--models-dir": common.ModelsDirOption,
    "--engine": common.EngineOption,
}
# --store with another meaning: the store `demo` (re)creates, the store `watch` also writes to.
OTHER_STORES = {"demo.py", "watch.py"}


def test_no_command_module_declares_a_shared_option_itself() -> None:
    for module in sorted(CLI.glob("*.py")):
        if module.name == "common.py":
            continue
        text = module.read_text(encoding="utf-8")
        for flag in SHARED:
            if flag == "--store" and module.name in OTHER_STORES:
                continue
            assert f'"{flag}"' not in text, f"{module.name} declares {flag}: use the alias in cli/common.py"


def test_every_command_shows_the_shared_help_for_a_shared_option() -> None:
    shared_help = {flag: alias.__metadata__[0].help for flag, alias in SHARED.items()}
    seen: dict[str, list[str]] = {flag: [] for flag in SHARED}
    for name, command in every_command().items():
        for param in command.params:  # type: ignore[attr-defined]
            flag = next((opt for opt in param.opts if opt in SHARED), None)
            if flag is None or (flag == "--store" and name in {"demo", "watch"}):
                continue
            assert param.help == shared_help[flag], f"{name} {flag}"
            seen[flag].append(name)
    assert {"stats", "export", "import", "ingest", "report", "analyze", "graph", "recommend"} <= set(seen["--store"])
    assert {"adapt", "recommend", "predict", "models", "serve", "watch", "suspicious"} <= set(seen["--models-dir"])
    assert {"analyze", "run"} <= set(seen["--engine"])


def test_every_command_help_renders() -> None:
    runner = CliRunner()
    for name in every_command():
        result = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output, name
