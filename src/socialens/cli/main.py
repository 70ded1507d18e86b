"""Entry point: ``socialens COMMAND``. Heavy libraries load inside commands, so this starts fast."""

from __future__ import annotations

import typer

from socialens.cli import analyze, demo, export, ingest, models, predict, report, stats, train

app = typer.Typer(
    name="socialens",
    help="Social-media exports in, answers out: offline, embedded, pseudonymised.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest_command)
app.command("stats")(stats.stats_command)
app.command("export")(export.export_command)
app.command("import")(export.import_command)
app.command("report")(report.report_command)
app.command("demo")(demo.demo_command)
app.command("train")(train.train_command)
app.command("evaluate")(train.evaluate_command)
app.command("models")(models.models_command)
app.command("predict")(predict.predict_command)
app.command("explain")(predict.explain_command)
app.command("analyze")(analyze.analyze_command)
app.command("run")(analyze.run_command)


def _add_command_modules() -> None:
    """Commands of other ``socialens.cli`` modules: each lists its own in ``COMMANDS = {name: function}``
    (and command groups in ``GROUPS = {name: typer.Typer}``).

    Command modules import only typer at the top (heavy libraries load inside the command),
    so discovering them keeps start-up fast.
    """
    import importlib
    import pkgutil

    import socialens.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"socialens.cli.{info.name}")
        for name, function in getattr(module, "COMMANDS", {}).items():
            app.command(name)(function)
        for name, group in getattr(module, "GROUPS", {}).items():  # ``socialens NAME SUBCOMMAND``
            app.add_typer(group, name=name)


_add_command_modules()


@app.callback()
def _version(
    version: bool = typer.Option(False, "--version", help="Show the version and exit.", is_eager=True),
) -> None:
    if version:
        from socialens import __version__

        typer.echo(__version__)
        raise typer.Exit()


if __name__ == "__main__":
    app()
