"""``nesskit solve``: the NESS of one chain, its profiles and the entanglement of chosen pairs."""

from __future__ import annotations

import json
from typing import Any

import click

from ..methods import solve
from ..pairs import sites_of
from .options import (
    PairCommand,
    method_from_options,
    method_option,
    method_options_option,
    model_from_options,
    model_options,
    pair_option,
    parse_pair_option,
    tol_option,
)


def _print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 132)  # a pipe or file gets every column unfolded
    diag = result["diagnostics"]
    head = f"NESS of n = {result['n']} spins by method [bold]{result['method']}[/bold] (sites 1-based)"
    console.print(head)
    extras = []
    for key in ("residual", "error", "trace", "hermiticity", "wall_time"):
        if diag.get(key) is not None:
            extras.append(f"{key} = {diag[key]:.3e}")
    for key, value in (diag.get("checks") or {}).items():
        if value is not None:
            extras.append(f"{key} = {value:.3e}" if isinstance(value, float) else f"{key} = {value}")
    if extras:
        console.print("  " + ", ".join(extras))
    if diag.get("notes"):
        console.print(f"  {diag['notes']}")
    n = result["n"]
    table = Table("site j", "⟨σᶻ_j⟩", "t_j (bond j,j+1)", "⟨σᶻ_jσᶻ_j+1⟩")
    shown = list(range(n)) if n <= 40 else [*range(10), None, *range(n - 10, n)]
    for k in shown:
        if k is None:
            table.add_row("…", "…", "…", "…")
            continue
        bond = k < n - 1
        table.add_row(
            str(k + 1),
            f"{result['magnetization'][k]: .12f}",
            _current_cell(result, k) if bond else "",
            ("not computed" if result["zz"] is None else f"{result['zz'][k]: .12f}") if bond else "",
        )
    console.print(table)
    if result["pairs"]:
        pt = Table("pair (i,j)", "λ_min", "negativity", "log-negativity", "concurrence", "entangled")
        for p in result["pairs"]:
            pt.add_row(
                f"({p['i']},{p['j']})",
                f"{p['lambda_min']: .6e}",
                f"{p['negativity']:.6e}",
                f"{p['log_negativity']:.6e}",
                f"{p['concurrence']:.6e}",
                "yes" if p["entangled"] else "no",
            )
        console.print(pt)


def _current_cell(result: dict[str, Any], k: int) -> str:
    """t_k, or |t_k| = e^(ln|t_k|) where the current underflows (Δ > 1 chains: t ~ e^(−n·arccosh Δ))."""
    t = result["current"][k]
    logs = result.get("log_current")
    if logs is not None and logs[k] is not None and (t == 0 or abs(t) < 1e-300):
        return f"|t| = e^{logs[k]:.6f}"
    return f"{t: .12f}" if abs(t) >= 1e-6 or t == 0 else f"{t: .6e}"


@click.command("solve", cls=PairCommand)
@model_options
@method_option()
@pair_option()
@tol_option()
@method_options_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def command(method: str, pairs: tuple[tuple[str, str], ...], tol: float | None, method_options: tuple[str, ...],
            as_json: bool, **options: Any) -> None:
    """Solve for the NESS of one chain (SPEC §1) and report profiles and pair entanglement."""
    model = model_from_options(options)
    specs = parse_pair_option(pairs)
    sites = sites_of(specs, model.n)
    ness = solve(model, method=method_from_options(model, method, specs, tol, method_options), pairs=specs)
    result = ness.to_dict(sites)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _print_table(result)
