"""Accuracy and time of the tensor-network NESS against independent references (issue 12, item 5–6).

Cases (``--case``; run one per process, the machine is shared):

* ``xx-dephased-N``: Δ = 0, γ = 0.1, Γ = 1, μ = 1: SPEC §4 closed forms (profile, current, λ_min of the
  boundary pair (1, 2) and the central pair (n/2, n/2 + 1));
* ``xxz-mpa-N``: Δ = 0.5, γ = 0, c = d = 1, Γ = 1: the matrix-product solution (SPEC §8.1);
* ``xxz-exact-N-DELTA-C-D``: Δ, γ = 0.05, (c, d), Γ = 1: the exact M-sector solver (or ``xxz-exact-N`` with
  ``--delta``, ``--c``, ``--d``, for negative values).

Usage::

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python benchmarks/bench_tensor_network.py --case xx-dephased-40 \
        [--bond-dimension 64] [--dt 0.1] [--max-wall-time 900]

Prints one JSON line: case, n, wall time, bond dimension used, evolution time, the solver's error estimate and
the largest deviations from the reference.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from nesskit.errors import SolverError
from nesskit.model import Model
from nesskit.solvers import closed_form
from nesskit.solvers.tensor_network import TensorNetwork


def _reference(case: str, args: argparse.Namespace | None = None) -> tuple[Model, dict[str, object]]:
    parts = case.split("-")
    kind = "-".join(parts[:2])
    n = int(parts[2])
    if kind == "xx-dephased":
        model = Model(n, coupling=1.0, mu=1.0, dephasing=0.1)
        pairs = [(1, 2), (n // 2, n // 2 + 1)]
        ref = {
            "magnetization": closed_form.magnetization(n, 1, 1, 1, 0, 0.1),
            "current": np.full(n - 1, float(closed_form.current(n, 1, 1, 1, 0, 0.1))),
            "pairs": {p: closed_form.pair_rdm(*p, n, 1, 1, 1, 0, 0.1) for p in pairs},
            "lambda_min": {p: float(closed_form.pair_entanglement(*p, n, 1, 1, 1, 0, 0.1)["lambda_min"])
                           for p in pairs},
        }
        return model, ref
    if kind == "xxz-mpa":
        from nesskit.solvers import matrix_product

        model = Model(n, coupling=1.0, c=1.0, d=1.0, delta=0.5)
        pairs = [(1, 2), (n // 2, n // 2 + 1)]
        mp = matrix_product.MatrixProduct().solve(model) if hasattr(matrix_product, "MatrixProduct") else None
        assert mp is not None
        return model, _from_ness(mp, pairs)
    if kind == "xxz-exact":
        from nesskit.solvers import exact

        if len(parts) >= 6:
            delta, c, d = (float(x) for x in parts[3:6])
        else:
            assert args is not None
            delta, c, d = args.delta, args.c, args.d
        model = Model(n, coupling=1.0, c=c, d=d, delta=delta, dephasing=0.05)
        pairs = [(1, 2), (n // 2, n // 2 + 1), (1, n)]
        return model, _from_ness(exact.solve(model), pairs)
    raise SystemExit(f"unknown case {case!r}")


def _from_ness(ness: object, pairs: list[tuple[int, int]]) -> dict[str, object]:
    return {
        "magnetization": np.asarray(ness.magnetization),  # type: ignore[attr-defined]
        "current": np.asarray(ness.current),  # type: ignore[attr-defined]
        "pairs": {p: ness.pair(*p) for p in pairs},  # type: ignore[attr-defined]
        "lambda_min": {p: ness.entanglement(*p)["lambda_min"] for p in pairs},  # type: ignore[attr-defined]
        "reference_wall_time": ness.diagnostics.wall_time,  # type: ignore[attr-defined]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", required=True)
    parser.add_argument("--bond-dimension", type=int, default=64)
    parser.add_argument("--dt", type=float, default=0.1)
    parser.add_argument("--cutoff", type=float, default=1e-14)
    parser.add_argument("--trotter-check", default="auto")
    parser.add_argument("--max-wall-time", type=float, default=None)
    parser.add_argument("--max-error", type=float, default=1e-4)
    parser.add_argument("--tol", type=float, default=1e-9)
    parser.add_argument("--extrapolate", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--bond-ramp", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--pauli-weight", type=float, default=1.0)
    parser.add_argument("--delta", type=float, default=0.5)
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--d", type=float, default=1.0)
    parser.add_argument("--refine", type=int, default=0, help="rounds of defect correction (TensorNetwork.refine)")
    parser.add_argument("--refine-bond-dimension", type=int, default=None)
    args = parser.parse_args()
    t0 = time.perf_counter()
    model, ref = _reference(args.case, args)
    t_ref = time.perf_counter() - t0
    method = TensorNetwork(bond_dimension=args.bond_dimension, dt=args.dt, cutoff=args.cutoff,
                           trotter_check=args.trotter_check, max_wall_time=args.max_wall_time,
                           max_error=args.max_error, tol=args.tol, extrapolate=args.extrapolate,
                           pauli_weight=args.pauli_weight, bond_ramp=args.bond_ramp, refine=args.refine,
                           refine_bond_dimension=args.refine_bond_dimension)
    t0 = time.perf_counter()
    try:
        res = method.solve(model)
    except SolverError as exc:
        print(json.dumps({"case": args.case, "n": model.n, "options": method.options(), "outcome": "SolverError",
                          "wall_time_s": round(time.perf_counter() - t0, 1), "message": str(exc)}))
        return
    wall = time.perf_counter() - t0
    checks = res.diagnostics.checks
    pairs = ref["pairs"]
    out = {
        "case": args.case,
        "n": model.n,
        "options": method.options(),
        "wall_time_s": round(wall, 1),
        "reference_time_s": round(t_ref, 1),
        "bond_dimension_used": checks["bond_dimension"],
        "evolution_time": checks["evolution_time"],
        "error_estimate": res.diagnostics.error,
        "trotter_error": checks["trotter_error"],
        "truncation_error": checks["truncation_error"],
        "current_spread": checks["current_spread"],
        "residual": res.diagnostics.residual,
        "relative_residual": checks["relative_residual"],
        "local_residual": checks["local_residual"],
        **{k: v for k, v in checks.items() if k.startswith("refinement_")},
        "max_dev_magnetization": float(np.max(np.abs(res.magnetization - ref["magnetization"]))),
        "max_dev_current": float(np.max(np.abs(res.current - ref["current"]))),
        "max_dev_pairs": {f"{i},{j}": float(np.max(np.abs(res.pair(i, j) - rho)))
                          for (i, j), rho in pairs.items()},  # type: ignore[attr-defined]
        "dev_lambda_min": {f"{i},{j}": abs(res.entanglement(i, j)["lambda_min"] - lm)
                           for (i, j), lm in ref["lambda_min"].items()},  # type: ignore[attr-defined]
        "notes": res.diagnostics.notes,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
