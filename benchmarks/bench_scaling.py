"""Time versus n for every NESS method of nesskit (and QuTiP's steadystate where it still runs).

Usage::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scaling.py [--quick] [--repeats 3] [--max-seconds 60]

Methods: free fermions (γ = 0, Γ_L ≠ Γ_R) to n = 2000; the dephasing hierarchy, 2-point (profiles and currents)
to n = 500 and 4-point (⟨σᶻσᶻ⟩) as far as it goes; the exact sector solver and QuTiP ``steadystate`` at small n
(QuTiP is given the textbook operators √2·L, SPEC §1). For each method the n list is walked upward and stops after
the first n whose median exceeds ``--max-seconds``. The exponent is the log–log slope of the median time over the
larger half of the n measured. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import nesskit  # noqa: E402
from nesskit import Model  # noqa: E402
from nesskit.solvers import free_fermion, hierarchy  # noqa: E402


def ff_model(n: int) -> Model:
    return Model(n, coupling_left=0.8, coupling_right=1.3, mu=1.0, mu_bar=0.1)


def deph_model(n: int) -> Model:
    rng = np.random.default_rng(n)
    return Model(n, coupling_left=0.8, coupling_right=1.3, mu=1.0, mu_bar=0.1, dephasing=rng.uniform(0.05, 0.15, n),
                 fields=rng.uniform(-0.5, 0.5, n))


def run_qutip(n: int) -> None:
    import qutip

    from nesskit.operators import hamiltonian, jump_operators_full

    model = deph_model(n)
    dims = [[2] * n, [2] * n]
    h = qutip.Qobj(hamiltonian(model), dims=dims)
    c_ops = [qutip.Qobj(op, dims=dims) for op in jump_operators_full(model, "textbook")]
    qutip.steadystate(h, c_ops)


CASES: dict[str, tuple[Callable[[int], object], list[int], list[int]]] = {
    # name: (run, full n list, quick n list)
    "free-fermion": (lambda n: free_fermion.solve(ff_model(n)), [100, 250, 500, 1000, 2000], [100, 200, 400]),
    "hierarchy 2-point": (lambda n: hierarchy.solve(deph_model(n), four_point=False), [50, 100, 200, 300, 500],
                          [50, 100, 200]),
    "hierarchy 4-point": (lambda n: hierarchy.solve(deph_model(n), four_point=True), [8, 12, 16, 24, 32, 40, 48],
                          [8, 12, 16, 20]),
    "exact": (lambda n: nesskit.solve(deph_model(n), method="exact"), [4, 6, 8, 10, 12], [4, 6, 8]),
    "qutip steadystate": (run_qutip, [4, 6, 8, 10], [4, 6]),
}


def slope(ns: list[int], times: list[float]) -> float | None:
    """Log–log slope of time versus n over the larger half of the points (at least two)."""
    if len(ns) < 2:
        return None
    k = max(2, (len(ns) + 1) // 2)
    x, y = np.log(ns[-k:]), np.log(times[-k:])
    return float(np.polyfit(x, y, 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small n only (a smoke run, ~1 minute)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per point; the median is reported")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop a method after a point this slow")
    parser.add_argument("--methods", default=",".join(CASES), help="comma list of: " + ", ".join(CASES))
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, cores visible: {os.cpu_count()}")
    print("| method | n | median s | runs |\n|---|---|---|---|")
    summary = []
    for name in [m.strip() for m in args.methods.split(",") if m.strip()]:
        if name not in CASES:
            raise SystemExit(f"unknown method {name!r}; choose from {list(CASES)}")
        run, full, quick = CASES[name]
        ns, medians = [], []
        for n in quick if args.quick else full:
            times = []
            try:
                for _ in range(args.repeats if n < 1000 or name != "free-fermion" else max(1, args.repeats - 1)):
                    start = time.perf_counter()
                    run(n)
                    times.append(time.perf_counter() - start)
                    if times[-1] > args.max_seconds:
                        break
            except (ImportError, nesskit.ParameterError, MemoryError) as exc:
                print(f"| {name} | {n} | skipped: {type(exc).__name__}: {str(exc)[:60]} | |")
                break
            med = statistics.median(times)
            ns.append(n)
            medians.append(med)
            print(f"| {name} | {n} | {med:.3g} | {len(times)} |", flush=True)
            if med > args.max_seconds:
                break
        summary.append((name, slope(ns, medians)))
    print("\n| method | fitted exponent (time ~ n^p, larger half of n) |\n|---|---|")
    for name, p in summary:
        print(f"| {name} | {'–' if p is None else f'{p:.2f}'} |")


if __name__ == "__main__":
    main()
