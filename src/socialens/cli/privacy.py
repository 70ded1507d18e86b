"""``socialens privacy scan`` (where identifiers survive) and ``socialens forget USER...`` (erasure)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    ModelsDirOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    resolve_config,
    store_path,
)

privacy_app = typer.Typer(help="Privacy audits: where raw identifiers survive.", no_args_is_help=True)


@privacy_app.command("scan")
@guarded
def scan_command(
    raw: Annotated[
        list[Path] | None, typer.Option("--raw", help="Raw input file whose identifiers to look for (repeat).")
    ] = None,
    identifiers: Annotated[
        Path | None, typer.Option("--identifiers", help="File of identifiers to look for, one a line.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Format of the --raw files, or 'auto'.")] = "auto",
    store: StoreOption = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects file (default: the one beside the store).")] = None,
    export: Annotated[list[Path] | None, typer.Option("--export", help="Export folder to scan (repeat).")] = None,
    report: Annotated[list[Path] | None, typer.Option("--report", help="Report HTML to scan (repeat).")] = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Report every place where a raw id, handle, display name, e-mail or phone number survives.

    With --raw or --identifiers: looks for those in the store (every column of every table),
    its rejects file, export folders and report files. With neither: checks the store for
    what pseudonymisation removes (raw @handles, e-mail addresses, phone numbers, account
    URLs, raw ids in pseudonym columns). Exit code 1 when anything is found, 0 when clean.
    """
    from socialens.errors import ConfigError
    from socialens.privacy.scan import identifiers_from_list, identifiers_from_raw, scan

    cfg = resolve_config(config)
    if not raw and identifiers is None:
        if export or report or rejects is not None:
            raise ConfigError(
                "privacy scan: --export, --report and --rejects are searched for given identifiers: add --raw FILE "
                "or --identifiers FILE (without them the scan checks a store: --store S)"
            )
        _scan_store_only(store_path(store, cfg), cfg.privacy.public(), json)
        return
    wanted = identifiers_from_raw(raw or [], format) if raw else []
    if identifiers is not None:
        wanted += identifiers_from_list(identifiers)
    places_given = store is not None or rejects is not None or export or report
    target = store_path(store, cfg) if (store is not None or not places_given) else None
    if target is not None and not target.exists():
        raise ConfigError(f"no store at {target}; pass --store, --export or --report")
    found = scan(wanted, target, rejects, export or [], report or [], cfg.privacy.public())
    if json:
        emit_json(found.as_dict())
    else:
        _print_scan(found.as_dict())
    if not found.clean:
        raise typer.Exit(1)


def _scan_store_only(path: Path, public: list[str], json: bool) -> None:
    from socialens.cli.common import progress_bars
    from socialens.errors import StoreError
    from socialens.privacy.residue import scan_store_residue

    if not path.exists():
        raise StoreError(f"no store at {path}; pass --store")
    with progress_bars(quiet=json) as progress:
        found = scan_store_residue(path, public, progress)
    result = found.as_dict()
    if json:
        emit_json(result)
    else:
        _print_residue(result)
    if not found.clean:
        raise typer.Exit(1)


def _print_residue(result: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    for place in result["scanned"]:
        console.print(f"scanned {place}", highlight=False)
    for note in result["notes"]:
        console.print(f"note: {note}", highlight=False)
    console.print(f"{result['values_scanned']:,} values checked", highlight=False)
    if result["clean"]:
        console.print("[green]clean:[/] nothing personal survived pseudonymisation")
        return
    for kind, count in result["counts"].items():
        table = Table(title=f"{kind}: {count:,} found")
        for column in ("where", "found", "rows (first shown)", "value (masked)"):
            table.add_column(column)
        for where, n in result["locations"][kind].items():
            shown = [f for f in result["findings"] if f["kind"] == kind and f["where"] == where][:3]
            keys = ", ".join(f["key"] if f["place"] == "store" else f"{f['place']} {f['key']}".strip() for f in shown)
            # Text cells: a row key such as twitter:apple:influence is data, not markup or an emoji code.
            table.add_row(Text(where), f"{n:,}", Text(keys), Text(", ".join(dict.fromkeys(f["shown"] for f in shown))))
        console.print(table)
    console.print("exit code 1: something personal survived (`--json` lists every place)", highlight=False)


def _print_scan(result: dict[str, Any]) -> None:
    from rich.table import Table

    for place in result["scanned"]:
        console.print(f"scanned {place}", highlight=False)
    short = f" ({result['too_short']} shorter than 4 characters not looked for)" if result["too_short"] else ""
    console.print(f"{result['identifiers']:,} identifiers looked for{short}", highlight=False)
    if result["clean"]:
        console.print("[green]clean:[/] none found")
        return
    from rich.text import Text

    table = Table(title=f"{result['matches']:,} places where an identifier survives")
    for column in ("kind", "identifier", "place", "file", "where", "key"):
        table.add_column(column)
    for f in result["findings"]:
        table.add_row(*(Text(str(f[c])) for c in ("kind", "identifier", "place", "file", "where", "key")))
    console.print(table)


@guarded
def forget_command(
    users: Annotated[
        list[str], typer.Argument(help="Accounts: raw handle, raw id or pseudonym (platform:NAME for one).")
    ],
    store: StoreOption = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects file (default: the one beside the store).")] = None,
    config: ConfigOption = None,
    models_dir: ModelsDirOption = None,
    json: JsonOption = False,
) -> None:
    """Erase accounts: their posts, interactions both ways, scores and rejects; redact mentions and results;
    remove the models adapted to (or topic models fitted on) this store's posts."""
    from socialens.privacy import pseudonymizer_from_config
    from socialens.privacy.erasure import forget
    from socialens.privacy.store_models import describe_removed
    from socialens.store import Store

    cfg = resolve_config(config)
    path = store_path(store, cfg)
    if not path.exists():
        from socialens.errors import StoreError

        raise StoreError(f"no store at {path}")
    with Store(path) as db:
        mode = db.get_meta("identity_mode")
        pseudo = pseudonymizer_from_config(cfg.privacy, keep_identifiers=mode == "raw")
        result = forget(db, users, pseudo, rejects or path.with_suffix(".rejects.jsonl"), models_dir).as_dict()
    if json:
        emit_json(result)
        return
    console.print(
        f"forgot {result['accounts']} of {result['requested']} account(s)"
        + (f"; {result['not_found']} not in the store" if result["not_found"] else ""),
        highlight=False,
    )
    console.print("deleted: " + ", ".join(f"{t} {n:,}" for t, n in result["deleted"].items()), highlight=False)
    console.print("redacted: " + ", ".join(f"{t} {n:,}" for t, n in result["redacted"].items()), highlight=False)
    console.print(f"rejects lines removed: {result['rejects_lines_removed']:,}", highlight=False)
    console.print(f"derived results: {result['derived_results']}", highlight=False)
    for entry in result["adapted_models_removed"] + result["fitted_models_removed"]:
        console.print(describe_removed(entry, str(store) if store else str(path)), highlight=False)


GROUPS = {"privacy": privacy_app}
COMMANDS = {"forget": forget_command}
