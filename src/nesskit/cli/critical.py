"""``nesskit critical`` (the paper's critical values, formula vs numeric) and ``nesskit thermal`` (SPEC §5)."""

from __future__ import annotations

import json
import math
from typing import Any

import click

from ..errors import ParameterError
from .options import (
    method_from_options,
    method_option,
    method_options_option,
    model_from_options,
    model_options,
    tol_option,
)

#: The chain length of the model rows when --n is not given (the paper's Fig. 11 value).
DEFAULT_N = 6
#: Names of the model-dependent rows.
MODEL_ROWS = ("c_min_boundary", "c_min_central", "dephasing_critical", "coupling_minus", "coupling_plus")

CRITICAL_KEYS = ("name", "paper", "formula", "numeric", "rel_diff")
THERMAL_KEYS = ("magnetization", "xx", "zz", "energy", "lambda_min")


def _fmt(x: float | None, digits: int = 10) -> str:
    return "—" if x is None else f"{x:.{digits}g}"


@click.command("critical")
@model_options
@method_option("Method for the model-dependent values (c_min, γ_c, Γ±); auto takes the first that applies.")
@tol_option()
@method_options_option()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects instead of a table.")
def critical(method: str, tol: float | None, method_options: tuple[str, ...], as_json: bool,
             **options: Any) -> None:
    """Critical values: the paper's (stated number, formula, numeric root) and those of one chain.

    The chain is given by the model options of ``nesskit solve`` (default --n 6, Γ = 1); its c_min (edge d = 1),
    γ_c and Γ± are roots of λ_min computed by --method. The driving options (--mu, --c, ...) do not matter: the
    searches vary the driving over the whole c–d square. Where the paper has no formula for the chain (Δ ≠ 0,
    fields, ...) the formula column is empty.
    """
    from ..critical import critical_values

    if options.get("n") is None:
        options["n"] = DEFAULT_N
    model = model_from_options(options)
    chosen = method_from_options(model, method, (), tol, method_options)
    rows = critical_values(model, chosen)
    if as_json:
        click.echo(json.dumps([{k: row[k] for k in (*CRITICAL_KEYS, "description")} for row in rows]))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Critical values (PRA 85, 012324); model rows: {model!r}, method {chosen.name}")
    table.add_column("name", overflow="fold")
    for head in ("paper", "formula", "numeric", "rel_diff"):
        table.add_column(head, no_wrap=True)
    for row in rows:
        rel = row["rel_diff"]
        table.add_row(row["name"], _fmt(row["paper"], 6), _fmt(row["formula"], 12), _fmt(row["numeric"], 12),
                      "—" if rel is None else f"{rel:.1e}")
    console = Console(width=max(Console().width, 120))
    console.print(table)
    for row in rows[-5:]:
        if row["name"] in MODEL_ROWS:
            console.print(f"[bold]{row['name']}[/bold]: {row['description']}")


def _parse_beta(text: str) -> float:
    try:
        beta = float(text)
    except ValueError:
        raise ParameterError(
            f"--beta must be a real number or inf (allowed range: [-inf, inf]), got {text!r}"
        ) from None
    if math.isnan(beta):
        raise ParameterError("--beta must be a real number or inf (allowed range: [-inf, inf]), got nan")
    return beta


@click.command("thermal")
@click.option("--beta", "beta_text", type=str, required=True, help="Inverse temperature β (inf for T = 0).")
@click.option("--phi", type=float, required=True, help="φ of exp(−βH − φM) (⟨σᶻ⟩ = −tanh φ at β = 0).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def thermal(beta_text: str, phi: float, as_json: bool) -> None:
    """Nearest-neighbour state of the infinite XX chain in exp(−βH − φM)/Z (SPEC §5, Eqs. 3-4)."""
    from ..thermal import infinite_chain

    beta = _parse_beta(beta_text)
    if not math.isfinite(phi):
        raise ParameterError(f"--phi must be finite, got {phi!r}")
    result: dict[str, Any] = {k: float(v) for k, v in infinite_chain(beta, phi).items()}
    result = {k: (0.0 if result[k] == 0 else result[k]) for k in THERMAL_KEYS}  # no "-0.0"
    if as_json:
        click.echo(json.dumps({"beta": beta if math.isfinite(beta) else str(beta), "phi": phi, **result}))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("quantity", "value", title=f"infinite XX chain, β = {beta}, φ = {phi} (ρ ∝ exp(−βH − φM))")
    for key in THERMAL_KEYS:
        table.add_row(key, f"{result[key]: .12f}")
    Console().print(table)
    from ..entanglement import entangled

    click.echo("entangled (λ_min < 0)" if entangled(result["lambda_min"]) else "separable (λ_min >= 0)")


commands = [critical, thermal]
