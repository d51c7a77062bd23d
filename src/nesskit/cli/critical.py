"""``nesskit critical`` (the paper's critical values, formula vs numeric) and ``nesskit thermal`` (SPEC §5)."""

from __future__ import annotations

import json
import math
from typing import Any

import click

from ..errors import ParameterError

CRITICAL_KEYS = ("name", "paper", "formula", "numeric", "rel_diff")
THERMAL_KEYS = ("magnetization", "xx", "zz", "energy", "lambda_min")


def _fmt(x: float | None, digits: int = 10) -> str:
    return "—" if x is None else f"{x:.{digits}g}"


@click.command("critical")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects instead of a table.")
def critical(as_json: bool) -> None:
    """The paper's critical values: its stated number, its formula, and a numeric root from the NESS."""
    from ..critical import critical_values

    rows = critical_values()
    if as_json:
        click.echo(json.dumps([{k: row[k] for k in (*CRITICAL_KEYS, "description")} for row in rows]))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Critical values (PRA 85, 012324)")
    table.add_column("name", overflow="fold")
    for head in ("paper", "formula", "numeric", "rel_diff"):
        table.add_column(head, no_wrap=True)
    for row in rows:
        table.add_row(row["name"], _fmt(row["paper"], 6), _fmt(row["formula"], 12), _fmt(row["numeric"], 12),
                      f"{row['rel_diff']:.1e}")
    Console(width=max(Console().width, 120)).print(table)


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
    click.echo("entangled (λ_min < 0)" if result["lambda_min"] < 0 else "separable (λ_min >= 0)")


commands = [critical, thermal]
