"""The noise floor of TEBD at a truncating bond: start from the exact NESS and watch the evolution move away.

The exact NESS (M-sector solver) of an n ≤ 10 chain is written as a Pauli-coefficient MPS (weight s per
non-identity factor, cut by TT-SVD to bond χ: the best MPS of that bond) and evolved by the tensor network's own
TEBD propagator (order 4) at (χ, cutoff, dt). Printed per unit time: the largest error of the one-site and
nearest-neighbour tables against the exact NESS and the discarded weight; at the end the local residual (the
quantity ``diagnostics.error`` is floored by) and the ratio error / local residual. What it shows: the fixed point
of the truncated evolution is biased by the coherent sum of its truncations (error ~ 100 × √(discarded weight per
unit time)), not by the best-χ accuracy; see ``results_tensor_network.md`` ("0.5 additions").

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_floor.py --n 10 --bond-dimension 128 --cutoff 0 --time 6
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_tn_compressibility import exact_coefficients, tt_svd, weigh

import nesskit as nk
from nesskit.solvers import _tebd
from nesskit.solvers import tensor_network as tn


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--delta", type=float, default=1.5)
    p.add_argument("--dephasing", type=float, default=0.05)
    p.add_argument("--c", type=float, default=0.3)
    p.add_argument("--d", type=float, default=-0.6)
    p.add_argument("--pauli-weight", type=float, default=0.3)
    p.add_argument("--bond-dimension", type=int, default=128)
    p.add_argument("--cutoff", type=float, default=0.0)
    p.add_argument("--dt", type=float, default=0.1)
    p.add_argument("--order", type=int, default=4)
    p.add_argument("--time", type=int, default=6, help="units of evolution time")
    a = p.parse_args()
    n, s = a.n, a.pauli_weight
    model = nk.Model(n, delta=a.delta, dephasing=a.dephasing, c=a.c, d=a.d)
    c, residual = exact_coefficients(model)
    one_ex, two_ex = tn._local_observables(tt_svd(c, 4**n))
    mps = _tebd._MPS(tt_svd(weigh(c, s), a.bond_dimension))
    mps.weight = s
    prop = _tebd._Propagator(tn.bond_generators(model), a.dt, a.order, a.bond_dimension, a.cutoff, s)

    def error() -> float:
        one, two = tn._local_observables(mps.tensors, s)
        return float(max(np.max(np.abs(one - one_ex)), np.max(np.abs(two - two_ex))))

    print(f"n = {n}, Δ = {a.delta}, γ = {a.dephasing}, (c, d) = ({a.c}, {a.d}), s = {s}, χ = {a.bond_dimension}, "
          f"cutoff = {a.cutoff:g}, dt = {a.dt}, order {a.order}; exact residual {residual:.1e}")
    print(f"t = 0: error {error():.2e} (the best MPS of this bond), bonds {mps.bond_dimensions}")
    t0 = time.perf_counter()
    for t in range(1, a.time + 1):
        mps.discarded = 0.0
        prop.run(mps, round(1 / a.dt))
        print(f"t = {t}: error {error():.2e}, discarded weight {mps.discarded:.1e}, largest bond "
              f"{max(mps.bond_dimensions)}, {time.perf_counter() - t0:.0f} s", flush=True)
    local = tn._local_residual(tn._weigh(mps.tensors, 1.0 / s), tn.bond_generators(model))
    print(f"local residual {local:.2e}; error / local residual = {error() / local:.2f}")


if __name__ == "__main__":
    main()
