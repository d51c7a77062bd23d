"""``nesskit solve``: the NESS of one chain, its profiles and the entanglement of chosen pairs."""

from __future__ import annotations

import json
from typing import Any

import click

from ..errors import ParameterError
from ..solve import METHODS, choose_method, solve
from .options import model_from_options, model_options


def _print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    diag = result["diagnostics"]
    head = f"NESS of n = {result['n']} spins by method [bold]{result['method']}[/bold] (sites 1-based)"
    console.print(head)
    extras = []
    for key in ("residual", "trace", "hermiticity", "wall_time"):
        if diag.get(key) is not None:
            extras.append(f"{key} = {diag[key]:.3e}")
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
            f"{result['current'][k]: .12f}" if bond else "",
            ("not computed" if result["zz"] is None else f"{result['zz'][k]: .12f}") if bond else "",
        )
    console.print(table)
    if result["pairs"]:
        pt = Table("pair (i,j)", "λ_min", "negativity", "log-negativity", "concurrence")
        for p in result["pairs"]:
            pt.add_row(
                f"({p['i']},{p['j']})",
                f"{p['lambda_min']: .6e}",
                f"{p['negativity']:.6e}",
                f"{p['log_negativity']:.6e}",
                f"{p['concurrence']:.6e}",
            )
        console.print(pt)


@click.command("solve")
@model_options
@click.option("--method", type=click.Choice(["auto", *METHODS]), default="auto", show_default=True,
              help="Solver; auto takes the fastest exact method that applies.")
@click.option("--pair", "pairs", type=(int, int), multiple=True, metavar="I J",
              help="A pair of sites (1-based) whose two-spin state and entanglement to report; repeatable.")
@click.option("--tol", type=float, default=None,
              help="Exact solver only: target residual ‖𝓛ρ‖ (default 1e-12).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def command(method: str, pairs: tuple[tuple[int, int], ...], tol: float | None, as_json: bool,
            **options: Any) -> None:
    """Solve for the NESS of one chain (SPEC §1) and report profiles and pair entanglement."""
    model = model_from_options(options)
    extra: dict[str, Any] = {}
    if tol is not None:
        chosen = choose_method(model, list(pairs)) if method == "auto" else method
        if chosen != "exact":
            raise ParameterError(f"--tol applies to the exact solver, but method {chosen!r} was chosen; "
                                 "add --method exact")
        if not tol > 0:
            raise ParameterError(f"--tol must be > 0, got {tol}")
        extra["tol"] = tol
    ness = solve(model, method=method, pairs=list(pairs), **extra)
    result = ness.to_dict(pairs)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _print_table(result)
