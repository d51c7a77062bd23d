"""TEBD on one process against TEBD on two (``workers=2``: the chain's halves evolved at once), same state, same run.

The XX chain with dephasing (γ = 0.1, μ = 1) is first relaxed for t = 3 from the closed-form start at bond χ, so
that the bonds have grown; then the same chunk of evolution (``--steps`` Trotter steps of dt = 0.1, Blanes–Moan
order 4) is timed with one process and with two, ``--repeats`` times each, alternating. Prints the medians and
their ratio, and the largest difference of the local observables after each pair of runs (truncation noise: the two
evolutions cut at different moments).

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_two_cores.py --n 100 --bond-dimension 32 --steps 10

Needs two free CPUs; the figures are meaningful only on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from nesskit.model import Model
from nesskit.solvers import _tebd, _two_halves
from nesskit.solvers import tensor_network as tn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--bond-dimension", type=int, default=32)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    model = Model(args.n, coupling=1.0, mu=1.0, dephasing=0.1)
    gens = tn.bond_generators(model)
    one = _tebd._MPS(tn._closed_form_start(model, correlated=True))
    serial = _tebd._Propagator(gens, 0.1, 4, args.bond_dimension, 1e-14)
    serial.run(one, 30)
    two = _tebd._MPS([np.array(t) for t in one.tensors])
    t_one: list[float] = []
    t_two: list[float] = []
    with _two_halves.TwoCores() as cores:
        parallel = _tebd._Propagator(gens, 0.1, 4, args.bond_dimension, 1e-14, cores=cores)
        parallel.run(two, 1)  # the worker's start-up and imports, not timed
        serial.run(one, 1)
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            serial.run(one, args.steps)
            t1 = time.perf_counter()
            parallel.run(two, args.steps)
            t2 = time.perf_counter()
            t_one.append(t1 - t0)
            t_two.append(t2 - t1)
            diff = float(np.max(np.abs(tn._observables(one)[2] - tn._observables(two)[2])))
            print(f"one process {t1 - t0:7.2f} s   two {t2 - t1:7.2f} s   bonds {max(one.bond_dimensions)} / "
                  f"{max(two.bond_dimensions)}   observables differ by {diff:.1e}", flush=True)
    a, b = statistics.median(t_one), statistics.median(t_two)
    print(f"n = {args.n}, χ = {args.bond_dimension}, {args.steps} steps: median one process {a:.2f} s, "
          f"two processes {b:.2f} s, ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
