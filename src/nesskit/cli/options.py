"""Model options shared by every CLI command that builds a chain (``solve``, ``map``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import ParameterError
from ..model import Model, disorder_fields


def parse_list(name: str, text: str | None) -> list[float] | None:
    """Parse a comma-separated list of numbers for option ``name``; None stays None."""
    if text is None:
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ParameterError(f"{name} must be a comma-separated list of numbers, got {text!r}") from None


MODEL_OPTIONS = [
    click.option("--n", "n", type=int, default=None, help="Number of spins n >= 2."),
    click.option("--coupling", type=float, default=None, help="Bath coupling Γ = Γ_L = Γ_R > 0."),
    click.option("--coupling-left", type=float, default=None, help="Left bath coupling Γ_L > 0."),
    click.option("--coupling-right", type=float, default=None, help="Right bath coupling Γ_R > 0."),
    click.option("--mu", type=float, default=None, help="Driving μ (Eqs. 8-9)."),
    click.option("--mu-bar", type=float, default=None, help="Average magnetization parameter μ̄ (Eqs. 8-9)."),
    click.option("--c", "c", type=float, default=None, help="Driving coordinate c = μ/2 − μ̄ in [-1, 1]."),
    click.option("--d", "d", type=float, default=None, help="Driving coordinate d = μ/2 + μ̄ in [-1, 1]."),
    click.option("--dephasing", type=str, default="0", help="Dephasing γ >= 0, or a comma list of n values."),
    click.option("--delta", type=float, default=0.0, help="XXZ anisotropy Δ (adds Δ Σ σᶻσᶻ)."),
    click.option("--field", type=float, default=None, help="Uniform field h (adds h Σ σᶻ)."),
    click.option("--fields", type=str, default=None, help="Site fields h_1,...,h_n (comma list)."),
    click.option("--hopping", type=str, default=None, help="Hopping J, or a comma list J_1,...,J_{n-1}."),
    click.option("--disorder", type=float, default=None, help="Random fields h_j uniform in [-W, W]."),
    click.option("--seed", type=int, default=None, help="Seed of the random fields (with --disorder)."),
]


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a click command with every model option (see :data:`MODEL_OPTIONS`)."""
    for option in reversed(MODEL_OPTIONS):
        func = option(func)
    return func


MODEL_OPTION_NAMES = ("n", "coupling", "coupling_left", "coupling_right", "mu", "mu_bar", "c", "d",
                      "dephasing", "delta", "field", "fields", "hopping", "disorder", "seed")


def model_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """Turn parsed CLI options into keyword arguments of :class:`~nesskit.model.Model` (n included)."""
    if options.get("n") is None:
        raise ParameterError("--n is required (number of spins, n >= 2)")
    kw: dict[str, Any] = {"n": options["n"]}
    for key in ("coupling", "coupling_left", "coupling_right", "mu", "mu_bar", "c", "d"):
        if options.get(key) is not None:
            kw[key] = options[key]
    dephasing = parse_list("--dephasing", options.get("dephasing") or "0") or [0.0]
    kw["dephasing"] = dephasing[0] if len(dephasing) == 1 else dephasing
    kw["delta"] = options.get("delta") or 0.0
    given = [k for k in ("field", "fields", "disorder") if options.get(k) is not None]
    if len(given) > 1:
        raise ParameterError("give at most one of --field, --fields, --disorder")
    if options.get("field") is not None:
        kw["fields"] = options["field"]
    elif options.get("fields") is not None:
        fields = parse_list("--fields", options["fields"]) or [0.0]
        kw["fields"] = fields[0] if len(fields) == 1 else fields
    elif options.get("disorder") is not None:
        kw["fields"] = disorder_fields(int(options["n"]), options["disorder"], options.get("seed"))
    if options.get("hopping") is not None:
        hop = parse_list("--hopping", options["hopping"]) or [1.0]
        kw["hopping"] = hop[0] if len(hop) == 1 else hop
    return kw


def model_from_options(options: dict[str, Any]) -> Model:
    """Build and validate the :class:`~nesskit.model.Model` described by the CLI options."""
    return Model(**model_kwargs(options))
