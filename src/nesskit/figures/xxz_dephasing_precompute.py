"""Precomputed exact points of the report section "Dephasing and interactions" (too slow for ``make reproduce``).

The exact M-sector solver (SPEC §8.2) at n = 12 takes 80–160 s per solve on the 2-core machine, so the root γ_c(12)
(about ten solves) and the λ_min(γ) curve at n = 12 for Δ = 0.5 and 1.5 are computed once, by ::

    OPENBLAS_NUM_THREADS=1 python -m nesskit.figures.xxz_dephasing_precompute --n 12 --delta 0.5 --delta 1.5 \\
        --out src/nesskit/figures/precomputed/xxz_dephasing_exact.json

and shipped with the package together with their provenance (command, nesskit version, date, wall time, and every
solve's residual ‖𝓛ρ‖). Every λ_min here is from ``method="exact"`` — also at γ = 0, so that the test suite can
check the γ = 0 entries against the exact matrix-product NESS (SPEC §8.1), an independent method.
:func:`nesskit.figures.xxz_dephasing.dephasing_data` merges these points with those it computes.

Conventions as in :mod:`nesskit.figures.xxz_dephasing`: c = d = 1, Γ = 1, the central pair (n/2, n/2 + 1), γ_c
the root in γ of the entanglement policy's margin λ_min + threshold(error), to ``xtol`` in γ.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import sys
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import LambdaMin, margin_root
from ..errors import ParameterError
from ..methods import solve
from ..model import Model

#: The shipped file (package data of ``nesskit.figures.precomputed``).
PRECOMPUTED_FILE = "xxz_dephasing_exact.json"
#: λ_min is tabulated at γ = x γ_c(n) for these x (the curve's shape; the report draws it against γ and γ/γ_c).
CURVE_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
SCHEMA = 1


def _model(n: int, delta: float, gamma: float) -> Model:
    """The XXZ chain of SPEC §1 at c = d = 1 (extreme driving), Γ_L = Γ_R = 1, uniform dephasing γ."""
    return Model(n, coupling=1.0, c=1.0, d=1.0, delta=delta, dephasing=gamma)


def exact_point(n: int, delta: float, gamma: float) -> dict[str, float]:
    """λ_min of the central pair (SPEC §2: lowest eigenvalue of ρ_{n/2,n/2+1}'s partial transpose), the residual
    ‖𝓛ρ‖ and the mean spin current, by the exact M-sector solver (SPEC §8.2) at c = d = 1, Γ = 1."""
    r = solve(_model(n, delta, gamma), "exact")
    ent = r.entanglement(n // 2, n // 2 + 1)
    return {"gamma": float(gamma), "lambda_min": float(ent["lambda_min"]),
            "residual": float(r.diagnostics.residual) if r.diagnostics.residual is not None else float("nan"),
            "current": float(np.mean(r.current))}


def precompute(sizes: Sequence[int], deltas: Sequence[float], high: dict[float, float] | None = None,
               xtol: float = 1e-8, log: Any = None) -> dict[str, Any]:
    """γ_c(n) and λ_min(x γ_c) (x in :data:`CURVE_FRACTIONS`) for every (Δ, n), exact; the shipped file's content.

    γ_c is the root in γ of the entanglement policy's margin for the central pair at c = d = 1, Γ = 1 — for Δ = 0
    the paper's Eq. 24; for Δ ≠ 0 no formula is known (SPEC §8.2) — by :func:`nesskit.analysis.margin_root` on the
    exact M-sector solver.

    ``high`` (per Δ) is the first upper bracket of the root (doubled until the pair is not entangled).
    """
    entries = []
    for delta in deltas:
        for n in sizes:
            if n < 4:
                raise ParameterError(f"n must be >= 4 (a central pair away from the boundaries), got {n}")
            t0 = time.perf_counter()
            hi = (high or {}).get(delta, 0.05)
            gc = margin_root(LambdaMin(_model(n, delta, 0.0), "central", "exact"), "dephasing", 0.0, hi,
                             xtol=xtol)
            curve = [exact_point(n, delta, x * gc) for x in CURVE_FRACTIONS]
            entries.append({"n": int(n), "delta": float(delta), "gamma_critical": float(gc), "xtol": xtol,
                            "curve": curve, "wall_time": time.perf_counter() - t0})
            if log is not None:
                print(f"Δ = {delta:g}, n = {n}: γ_c = {gc:.9g} ({entries[-1]['wall_time']:.0f} s)", file=log,
                      flush=True)
    from .. import __version__

    return {"schema": SCHEMA, "what": "central-pair λ_min against γ at c = d = 1, Γ = 1 (exact M-sector solver)",
            "method": "exact", "curve_fractions": list(CURVE_FRACTIONS), "entries": entries,
            "provenance": {"command": "python -m nesskit.figures.xxz_dephasing_precompute " + " ".join(sys.argv[1:]),
                           "nesskit": __version__, "python": platform.python_version(),
                           "numpy": np.__version__, "date": _dt.date.today().isoformat()}}


def load_precomputed() -> list[dict[str, Any]]:
    """The shipped entries of :func:`precompute` (``[]`` if the file is absent): dicts with n, delta, gamma_critical
    (the root behind Eq. 24's generalisation to Δ ≠ 0) and curve (λ_min of SPEC §2 against γ)."""
    try:
        text = resources.files("nesskit.figures.precomputed").joinpath(PRECOMPUTED_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return []
    data = json.loads(text)
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{PRECOMPUTED_FILE}: schema {data.get('schema')!r}, expected {SCHEMA}")
    return list(data["entries"])


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m nesskit.figures.xxz_dephasing_precompute --n N --delta Δ [--high H] --out FILE``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", required=True, help="chain length (repeatable)")
    parser.add_argument("--delta", type=float, action="append", required=True, help="XXZ Δ (repeatable)")
    parser.add_argument("--high", type=float, action="append", default=None,
                        help="first upper bracket of γ_c per --delta (default 0.05)")
    parser.add_argument("--xtol", type=float, default=1e-8)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    high = None
    if args.high is not None:
        if len(args.high) != len(args.delta):
            parser.error("give one --high per --delta")
        high = dict(zip(args.delta, args.high, strict=True))
    data = precompute(args.n, args.delta, high, args.xtol, log=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main()
