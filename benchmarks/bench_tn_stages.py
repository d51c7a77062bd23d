"""Where a tensor-network solve spends its time: one line per relaxation stage (bond ramp, last stage, dt/2 check).

Solves the XX chain with dephasing (SPEC §4's benchmark case: Γ = 1, μ = 1, γ = 0.1) and prints, for every call of
the solver's relaxation loop, the bond limit, dt, evolved time, wall time, relaxation time, extrapolation jumps and
the change of the local observables per chunk; then the deviation from SPEC §4's closed forms.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_stages.py --n 100 --trotter-order 6 --dt 0.2 --tol 1e-7 \\
        [--ramp-dt 0.3] [--svd]

``--ramp-dt`` runs the ramp's stages (bond below the limit) at another step (an experiment, not a solver option);
``--svd`` truncates every two-site update by block SVDs instead of the Gram matrices (``_tebd.GRAM_TRUNCATION``).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from nesskit.model import Model
from nesskit.solvers import _tebd, closed_form
from nesskit.solvers import tensor_network as tn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--trotter-order", type=int, default=4)
    parser.add_argument("--dt", type=float, default=0.1)
    parser.add_argument("--tol", type=float, default=1e-7)
    parser.add_argument("--bond-dimension", type=int, default=64)
    parser.add_argument("--ramp-dt", type=float, default=None)
    parser.add_argument("--svd", action="store_true", help="truncate by SVDs instead of the Gram matrices (A/B)")
    args = parser.parse_args()
    _tebd.GRAM_TRUNCATION = not args.svd
    relax, propagator = tn._relax, tn._Propagator

    class RampPropagator(propagator):  # type: ignore[misc, valid-type]
        def __init__(self, gens: Any, dt: float, order: int, chi: int, *rest: Any, **kw: Any) -> None:
            if args.ramp_dt is not None and chi < args.bond_dimension:
                dt = args.ramp_dt
            super().__init__(gens, dt, order, chi, *rest, **kw)

    def timed_relax(mps: Any, prop: Any, phase: Any, *rest: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        out = relax(mps, prop, phase, *rest, **kw)
        print(f"stage χ ≤ {prop.chi}, dt = {prop.dt:g}: t = {phase.time:g} in {time.perf_counter() - t0:.1f} s, "
              f"converged {phase.converged}, τ = {phase.tau:.1f}, jumps {phase.extrapolations} "
              f"({phase.rejected_extrapolations} undone), changes per chunk "
              + " ".join(f"{d:.1e}" for d in phase.deltas), flush=True)
        return out

    tn._relax, tn._Propagator = timed_relax, RampPropagator
    model = Model(args.n, coupling=1.0, mu=1.0, dephasing=0.1)
    with threadpool_limits(1):
        t0 = time.perf_counter()
        res = tn.solve(model, bond_dimension=args.bond_dimension, dt=args.dt, trotter_order=args.trotter_order,
                       tol=args.tol)
        wall = time.perf_counter() - t0
    ref = closed_form.solve(model)
    print(f"total {wall:.1f} s ({'SVD' if args.svd else 'Gram'} truncation); {res.diagnostics.notes}")
    print(f"vs SPEC §4: ⟨σᶻ⟩ {np.max(np.abs(np.asarray(res.magnetization) - ref.magnetization)):.1e}, current "
          f"{np.max(np.abs(np.asarray(res.current) - ref.current)):.1e}; estimate {res.diagnostics.error:.1e}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
