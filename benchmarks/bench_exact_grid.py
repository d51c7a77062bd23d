"""Benchmark: convergence of the exact solver's GMRES path over a parameter grid (issue: every point converged).

For every point of the grid n, Δ, c = d, Γ (= Γ_L = Γ_R), γ it solves with ``linear_solver="gmres"`` and reports
the GMRES iterations, cycles, the true residual ‖𝓛ρ‖₂ (Tr ρ = 1, recomputed by the solver from 𝓛 itself), the
preconditioner's measured relative error and the wall time; then a summary (worst iterations, worst residual,
points over the bounds).

Usage::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact_grid.py            # the issue's n = 8 grid
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact_grid.py --zeno     # Γ = 0.1 … 50 at n = 8
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact_grid.py --warm --n 10  # warm starts, 1-D sweeps

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact_grid.py --timing 10 --threads-list 1,2,0
        # wall and CPU time of single solves (0 = the default threads); --xx for the XX benchmark model

``--warm``: sweeps in γ (Δ = 0.5, c = d = 1, Γ = 1, γ = 0 … 0.1) and in Δ (γ = 0, Δ = 0.3 … 0.8), each point
solved cold and warm-started from the previous point's NESS (``guess=``); iterations and time of both.

Exit status 1 if any point misses ``--max-iterations`` or ``--tol``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--deltas", type=str, default="-1.5,-0.5,0,0.3,0.5,1,1.5")
    parser.add_argument("--cds", type=str, default="0,0.5,0.9,1", help="c = d values")
    parser.add_argument("--couplings", type=str, default="0.5,1,2", help="Γ_L = Γ_R values")
    parser.add_argument("--dephasings", type=str, default="0,0.05")
    parser.add_argument("--zeno", action="store_true", help="Δ = 0.5 and 0, c = d ∈ {0.5, 1}, Γ = 0.1 … 50, γ = 0")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--tol", type=float, default=1e-12)
    parser.add_argument("--maxiter", type=int, default=20, help="solver's maxiter (GMRES cycles)")
    parser.add_argument("--warm", action="store_true", help="warm-start sweeps in γ and Δ instead of the grid")
    parser.add_argument("--timing", type=int, default=0, help="time single solves at this n instead of the grid")
    parser.add_argument("--threads-list", type=str, default="1", help="with --timing: threads per solve (0: default)")
    parser.add_argument("--xx", action="store_true", help="with --timing: the XX model (γ = 0.1, μ = 1)")
    args = parser.parse_args()
    if args.warm:
        return warm_sweeps(args.n, args.threads)
    if args.timing:
        return timing(args.timing, [int(x) for x in args.threads_list.split(",")], args.xx)

    from nesskit.errors import SolverError
    from nesskit.model import Model
    from nesskit.solvers import exact

    def floats(text: str) -> list[float]:
        return [float(x) for x in text.split(",") if x.strip()]

    if args.zeno:
        grid = list(itertools.product([0.0, 0.5], [0.5, 1.0], [0.1, 0.5, 1, 2, 5, 10, 20, 50], [0.0]))
    else:
        grid = list(itertools.product(floats(args.deltas), floats(args.cds), floats(args.couplings),
                                      floats(args.dephasings)))
    print(f"# exact solver GMRES convergence, n = {args.n}, {len(grid)} points, {args.threads} BLAS thread(s), "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print(f"# command: OPENBLAS_NUM_THREADS=1 {' '.join([os.path.relpath(sys.executable)] + sys.argv)}")
    print("| Δ | c = d | Γ | γ | iterations | cycles | ‖𝓛ρ‖ | M⁻¹ error | Schur sectors | time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    bad = []
    for delta, cd, gam, deph in grid:
        model = Model(args.n, coupling=gam, c=cd, d=cd, delta=delta, dephasing=deph)
        start = time.perf_counter()
        try:
            ness = exact.solve(model, linear_solver="gmres", tol=args.tol, threads=args.threads, maxiter=args.maxiter)
        except SolverError as exc:
            wall = time.perf_counter() - start
            print(f"| {delta:g} | {cd:g} | {gam:g} | {deph:g} | failed | – | – | – | – | {wall:.2f} s |  {exc}")
            bad.append((delta, cd, gam, deph))
            continue
        wall = time.perf_counter() - start
        d = ness.diagnostics
        checks = getattr(d, "checks", {}) or {}
        its = d.iterations or 0
        rows.append((its, d.residual, wall))
        flag = ""
        if its > args.max_iterations or d.residual > args.tol:
            bad.append((delta, cd, gam, deph))
            flag = " **over**"
        print(f"| {delta:g} | {cd:g} | {gam:g} | {deph:g} | {its}{flag} | {checks.get('gmres_cycles', '–')} "
              f"| {d.residual:.1e} | {checks.get('preconditioner_error', float('nan')):.1e} "
              f"| {checks.get('schur_sectors', '–')} | {wall:.2f} s |", flush=True)
    if rows:
        its = [r[0] for r in rows]
        print(f"\nSummary: {len(rows)} of {len(grid)} points solved; iterations median {statistics.median(its):g}, "
              f"max {max(its)}; worst ‖𝓛ρ‖ {max(r[1] for r in rows):.1e}; median time "
              f"{statistics.median(r[2] for r in rows):.2f} s; load average at end {os.getloadavg()[0]:.2f}.")
    print(f"Points over the bounds (iterations > {args.max_iterations} or ‖𝓛ρ‖ > {args.tol:g}): "
          f"{len(bad)} {bad if bad else ''}")
    return 1 if bad else 0


def timing(n: int, threads_list: list[int], xx: bool) -> int:
    """Wall and CPU time of single solves at the XXZ point Δ = 0.5, c = d = 1, Γ = 1 (or the XX model)."""
    from nesskit.model import Model
    from nesskit.solvers import exact

    model = (Model(n, coupling=1.0, mu=1.0, dephasing=0.1) if xx
             else Model(n, coupling=1.0, c=1.0, d=1.0, delta=0.5))
    print(f"# {'XX γ = 0.1, μ = 1' if xx else 'XXZ Δ = 0.5, c = d = 1'}, Γ = 1, n = {n}")
    print("| threads | wall | CPU | iterations | ‖𝓛ρ‖ | load before |")
    print("|---|---|---|---|---|---|")
    for th in threads_list:
        load = os.getloadavg()[0]
        c0, t0 = time.process_time(), time.perf_counter()
        ness = exact.solve(model, threads=th if th > 0 else None)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        used = ness.diagnostics.checks.get("threads")
        label = f"default (→ {used})" if th <= 0 else str(used)
        print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {ness.diagnostics.iterations} | "
              f"{ness.diagnostics.residual:.1e} | {load:.1f} |", flush=True)
    return 0


def warm_sweeps(n: int, threads: int) -> int:
    """Cold vs warm-started solves along 1-D sweeps in γ and in Δ (table on stdout)."""
    from nesskit.model import Model
    from nesskit.solvers import exact

    base = Model(n, coupling=1.0, c=1.0, d=1.0, delta=0.5)
    sweeps = {"γ": [base.replace(dephasing=g) for g in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1)],
              "Δ": [base.replace(delta=x) for x in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]}
    print(f"# warm starts, n = {n}, c = d = 1, Γ = 1, {threads} BLAS thread(s), load {os.getloadavg()[0]:.2f}")
    print(f"# command: OPENBLAS_NUM_THREADS=1 {' '.join([os.path.relpath(sys.executable)] + sys.argv)}")
    for name, models in sweeps.items():
        print(f"\n| {name} | cold iterations | cold time | warm iterations | warm time | max |ρ_cold − ρ_warm| |")
        print("|---|---|---|---|---|---|")
        prev = None
        tot = [0, 0.0, 0, 0.0]
        for model in models:
            t0 = time.perf_counter()
            cold = exact.solve(model, threads=threads)
            t1 = time.perf_counter()
            warm = exact.solve(model, threads=threads, guess=prev) if prev is not None else cold
            t2 = time.perf_counter() if prev is not None else t1 + (t1 - t0)
            diff = max(float(abs(a - b).max()) for a, b in zip(cold.density_matrix.blocks, warm.density_matrix.blocks))
            value = model.uniform_dephasing if name == "γ" else model.delta
            ci, wi = cold.diagnostics.iterations or 0, warm.diagnostics.iterations or 0
            tot = [tot[0] + ci, tot[1] + t1 - t0, tot[2] + wi, tot[3] + t2 - t1]
            print(f"| {value:g} | {ci} | {t1 - t0:.2f} s | {wi if prev is not None else '(first)'} "
                  f"| {t2 - t1:.2f} s | {diff:.1e} |", flush=True)
            prev = warm
        print(f"| total | {tot[0]} | {tot[1]:.1f} s | {tot[2]} | {tot[3]:.1f} s | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
