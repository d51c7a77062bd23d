"""Tensor-network points of the report section "Dephasing and interactions" beyond the exact solver (n ≥ 20).

At n = 20, Δ = 0.5 and small γ the tensor network's own stopping rule (the change of every local observable per
unit time below ``tol``) is never met at bond dimension 64: the truncation keeps the state jittering by 1e-4–1e-3
long after it has relaxed (``benchmarks/results_tensor_network.md``, 0.14). The report needs less: the central
pair's λ_min (SPEC §2, lowest eigenvalue of the partial transpose of ρ_{n/2,n/2+1}) to ~1e-3, to place γ_c(n)
between two values of γ. :func:`central_series` therefore evolves with the solver's own propagator (TEBD, order-4
splitting, ``nesskit.solvers._tebd``) from the exact γ = 0 matrix-product NESS (SPEC §8.1; c = d = 1, Γ = 1) and
records λ_min every ``interval``; :func:`summarise` takes the mean over the last half of the run and states its
accuracy as 2 × the standard deviation plus the drift (the difference of the means of the half's two quarters).
The truncation's bias is not in that number: the report adds the difference to a run at a smaller bond, and the
same code is checked at n = 12 against the exact solver (the ``validation`` entries of the shipped file).

The shipped points (n = 20, Δ = 0.5, γ = 0.003, 0.004 and 0.005 at bonds 64 and 96, γ = 0.003 and 0.004 also at
bond 128; the n = 12 validation at bond 64) were computed once, each run on one core for up to 105 min (bond 96:
t = 690 in 5100 s; bond 128: t = 465 in 6300 s), by ::

    OPENBLAS_NUM_THREADS=1 python -m nesskit.figures.xxz_dephasing_tn run --n 20 --delta 0.5 --gamma 0.003 \
        --bond-dimension 96 --time 3000 --wall 5100 --interval 5 --out n20_g0.003_chi96.json
    python -m nesskit.figures.xxz_dephasing_tn collect n20_*.json n12_*.json \
        --out src/nesskit/figures/precomputed/xxz_dephasing_tn.json

(the bond-64 runs at γ = 0.003, 0.004 and the n = 12 run by the same loop in its first home,
``benchmarks/bench_tn_central_series.py`` of commit 85ac52e; each entry keeps its command) and shipped with their
provenance. The file was collected in four steps, so its ``provenance["command"]`` lists the four ``collect``
calls. Conventions as in :mod:`nesskit.figures.xxz_dephasing`.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..entanglement import lambda_min
from ..errors import ParameterError
from ..solvers import tensor_network as tn
from ..solvers._tebd import _MPS, _Propagator
from .xxz_dephasing_precompute import _model, load_precomputed

#: The shipped file (package data of ``nesskit.figures.precomputed``).
PRECOMPUTED_FILE = "xxz_dephasing_tn.json"
SCHEMA = 1


def central_series(n: int, delta: float, gamma: float, bond_dimension: int = 64, *, cutoff: float = 1e-14,
                   dt: float = 0.1, time_total: float = 600.0, interval: float = 5.0, wall: float = math.inf,
                   callback: Callable[[dict[str, float]], None] | None = None) -> list[dict[str, float]]:
    """The central pair's λ_min (and its checks) every ``interval`` of a TEBD run at c = d = 1, Γ = 1.

    Start: the exact γ = 0 matrix-product NESS of the same chain (SPEC §8.1). Propagator: the tensor network's
    (order 4, time step ``dt``, bond ``bond_dimension``, relative ``cutoff``). Each row holds t, ``lambda_min``,
    ⟨σᶻ⟩ of the pair's two sites, the spin current t = ⟨σʸ_iσˣ_{i+1}⟩ on its bond (SPEC §1), the largest bond,
    the weight discarded in the interval (relative, summed), ``u1_violation`` (a reference-free lower bound of the
    pair states' error) and the wall time. Stops at ``time_total`` or after ``wall`` seconds.
    """
    if n < 4 or n % 2:
        raise ParameterError(f"n must be even and >= 4 (a central pair away from the boundaries), got {n}")
    if not gamma >= 0:
        raise ParameterError(f"gamma must be >= 0, got {gamma}")
    if bond_dimension < 4:
        raise ParameterError(f"bond_dimension must be >= 4, got {bond_dimension}")
    if not (0 < dt <= interval):
        raise ParameterError(f"dt must be in (0, interval = {interval}], got {dt}")
    start = tn.matrix_product_state(_model(n, delta, 0.0))
    if start is None:
        raise ParameterError(f"delta = {delta}: no matrix-product start (SPEC §8.1) at n = {n}")
    mps = _MPS(start)
    prop = _Propagator(tn.bond_generators(_model(n, delta, gamma)), dt, 4, bond_dimension, cutoff)
    i = n // 2
    steps = max(1, int(round(interval / dt)))
    rows: list[dict[str, float]] = []
    t0 = time.perf_counter()
    t = 0.0
    while t < time_total - 1e-9 and time.perf_counter() - t0 < wall:
        mps.discarded = 0.0
        prop.run(mps, steps)
        t += steps * dt
        tensors = mps.vector()
        src = tn.MPSPairSource.from_tensors(tensors)
        corr = src.correlations(i, i + 1)
        row = {"t": t, "lambda_min": float(lambda_min(src.pair(i, i + 1))), "z_i": float(corr[3, 0]),
               "z_j": float(corr[0, 3]), "current": float(corr[2, 1]), "chi": float(max(mps.bond_dimensions)),
               "discarded": mps.discarded, "u1_violation": tn.u1_violation(tn._local_observables(tensors, 1.0)[1]),
               "wall": time.perf_counter() - t0}
        rows.append(row)
        if callback is not None:
            callback(row)
    return rows


def summarise(lams: Sequence[float]) -> dict[str, float]:
    """Mean, standard deviation and drift of the last half of a series, and the accuracy stated for the mean.

    drift = mean of the half's second quarter − mean of its first; error = 2 × std + |drift| (the spread of the
    series and its trend; not the truncation's bias, which is measured separately). Needs ≥ 4 values.
    """
    lam = np.asarray(lams, dtype=float)
    if lam.size < 4 or not np.all(np.isfinite(lam)):
        raise ParameterError(f"a series needs >= 4 finite values, got {lam.size}")
    half = lam[lam.size // 2:]
    q = half.size // 2
    drift = float(np.mean(half[q:]) - np.mean(half[:q]))
    std = float(np.std(half))
    return {"mean": float(np.mean(half)), "std": std, "drift": drift, "error": 2.0 * std + abs(drift),
            "samples": int(half.size)}


def crossing(gammas: Sequence[float], lams: Sequence[float],
             errors: Sequence[float]) -> dict[str, float | None] | None:
    """Where λ_min(γ) changes sign, from points with error bars: what is decided, and the chord's estimate.

    ``low``: the largest γ whose point is decided entangled (λ + error < 0) below every point decided not
    entangled; ``high``: the smallest γ decided not entangled (λ − error > 0), or None. ``gamma_critical``: the
    root of the chord between the first two neighbouring means of opposite sign (linear interpolation), or None.
    ``error``: when both points of that chord are decided, the spread of the roots of the chords through the
    points moved by ± their errors (the chord's own curvature error is not in it); else None, and only ``low``
    (and ``high``) bound γ_c. None when no point is decided entangled and the means do not change sign.
    """
    g = np.asarray(gammas, dtype=float)
    lam = np.asarray(lams, dtype=float)
    err = np.asarray(errors, dtype=float)
    order = np.argsort(g)
    g, lam, err = g[order], lam[order], err[order]
    above = np.flatnonzero(lam - err > 0)
    high = float(g[above[0]]) if above.size else None
    below = np.flatnonzero((lam + err < 0) & (g < (high if high is not None else np.inf)))
    low = float(g[below[-1]]) if below.size else None
    root: float | None = None
    spread: float | None = None
    for k in range(g.size - 1):
        (g1, g2), (l1, l2), (e1, e2) = g[k:k + 2], lam[k:k + 2], err[k:k + 2]
        if l1 < 0 < l2:
            def chord(a: float, b: float, g1: float = g1, g2: float = g2) -> float:
                return float(g1 - a * (g2 - g1) / (b - a))
            root = chord(l1, l2)
            if l1 + e1 < 0 < l2 - e2:
                roots = [chord(l1 + s1 * e1, l2 + s2 * e2) for s1 in (-1, 1) for s2 in (-1, 1)]
                spread = (max(roots) - min(roots)) / 2
            break
    if root is None and low is None:
        return None
    return {"gamma_critical": root, "error": spread, "low": low, "high": high}


def collect(paths: Sequence[Path]) -> dict[str, Any]:
    """The shipped file from ``run`` outputs: one entry per (n, Δ, γ) with its summary and thinned series; runs
    whose (n, Δ, γ) is on the exact shipped curve become ``validation`` entries with the exact λ_min beside."""
    exact = {(int(e["n"]), float(e["delta"]), round(float(p["gamma"]), 15)): float(p["lambda_min"])
             for e in load_precomputed() for p in e["curve"]}
    entries, validation = [], []
    for path in paths:
        run = json.loads(Path(path).read_text("utf-8"))
        rows = run["series"]
        s = summarise([r["lambda_min"] for r in rows])
        half = rows[len(rows) // 2:]
        entry = {"n": run["n"], "delta": run["delta"], "gamma": run["gamma"],
                 "bond_dimension": run["bond_dimension"], "dt": run["dt"], "cutoff": run["cutoff"],
                 "time": rows[-1]["t"], "window": [half[0]["t"], rows[-1]["t"]], "lambda_min": s["mean"],
                 "std": s["std"], "drift": s["drift"], "error": s["error"], "samples": s["samples"],
                 "u1_violation": max(r["u1_violation"] for r in half),
                 "discarded_per_unit_time": float(np.mean([r["discarded"] for r in half])) / (
                     rows[1]["t"] - rows[0]["t"]),
                 "current": float(np.mean([r["current"] for r in half])), "wall_time": rows[-1]["wall"],
                 "command": run["command"], "series": [[r["t"], r["lambda_min"]] for r in rows]}
        key = (int(run["n"]), float(run["delta"]), round(float(run["gamma"]), 15))
        if key in exact:
            entry["exact_lambda_min"] = exact[key]
            entry["deviation"] = s["mean"] - exact[key]
            validation.append(entry)
        else:
            entries.append(entry)
    return {"schema": SCHEMA, "what": "central-pair λ_min at c = d = 1, Γ = 1: mean over the last half of a TEBD run "
            "(nesskit.figures.xxz_dephasing_tn.central_series) from the exact γ = 0 matrix-product NESS",
            "entries": entries, "validation": validation,
            "provenance": {"command": "python -m nesskit.figures.xxz_dephasing_tn collect "
                           + " ".join(Path(p).name for p in paths), "nesskit": __version__,
                           "python": platform.python_version(), "numpy": np.__version__,
                           "date": _dt.date.today().isoformat()}}


def load_tn_points() -> dict[str, list[dict[str, Any]]]:
    """The shipped file's ``entries`` and ``validation`` (both ``[]`` if the file is absent)."""
    try:
        text = resources.files("nesskit.figures.precomputed").joinpath(PRECOMPUTED_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return {"entries": [], "validation": []}
    data = json.loads(text)
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{PRECOMPUTED_FILE}: schema {data.get('schema')!r}, expected {SCHEMA}")
    return {"entries": list(data["entries"]), "validation": list(data["validation"])}


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m nesskit.figures.xxz_dephasing_tn run … --out FILE`` or ``… collect FILE… --out FILE``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run", help="one TEBD time series")
    r.add_argument("--n", type=int, required=True)
    r.add_argument("--delta", type=float, required=True)
    r.add_argument("--gamma", type=float, required=True)
    r.add_argument("--bond-dimension", type=int, default=64)
    r.add_argument("--cutoff", type=float, default=1e-14)
    r.add_argument("--dt", type=float, default=0.1)
    r.add_argument("--time", type=float, default=600.0)
    r.add_argument("--wall", type=float, default=math.inf)
    r.add_argument("--interval", type=float, default=5.0)
    r.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("collect", help="the shipped file from run outputs")
    c.add_argument("files", type=Path, nargs="+")
    c.add_argument("--out", type=Path, required=True)
    a = parser.parse_args(argv)
    if a.what == "collect":
        a.out.write_text(json.dumps(collect(a.files), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    head = {"n": a.n, "delta": a.delta, "gamma": a.gamma, "bond_dimension": a.bond_dimension, "cutoff": a.cutoff,
            "dt": a.dt, "command": "python -m nesskit.figures.xxz_dephasing_tn " + " ".join(sys.argv[1:]),
            "nesskit": __version__}
    rows: list[dict[str, float]] = []

    def keep(row: dict[str, float]) -> None:
        rows.append(row)
        print(" ".join(f"{k} {v:.6g}" for k, v in row.items()), flush=True)
        a.out.write_text(json.dumps({**head, "series": rows}, indent=1) + "\n", encoding="utf-8")

    central_series(a.n, a.delta, a.gamma, a.bond_dimension, cutoff=a.cutoff, dt=a.dt, time_total=a.time,
                   interval=a.interval, wall=a.wall, callback=keep)


__all__ = ["central_series", "summarise", "crossing", "collect", "load_tn_points", "main"]


if __name__ == "__main__":  # pragma: no cover
    main()
