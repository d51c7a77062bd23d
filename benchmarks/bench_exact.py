"""Benchmark: nesskit's exact NESS solver against QuTiP 5's ``steadystate``.

Models (``--model``):

* ``xx`` (the paper's chain): XX, n spins, γ = 0.1, Γ_L = Γ_R = 1, μ = 1, μ̄ = 0;
* ``xxz`` (interacting, the point where GMRES used to stagnate): Δ = 0.5, c = d = 1 (μ = 2, μ̄ = 0),
  Γ_L = Γ_R = 1, γ = 0.

Every measurement runs in its own subprocess (one BLAS/OpenMP thread, threadpoolctl), so that a run can be
killed at ``--qutip-timeout`` and the peak memory (``ru_maxrss`` of the child, interpreter and imports included)
belongs to that run alone. The residual ‖𝓛ρ‖₂ (vectorised ρ, Tr ρ = 1) is computed the same way for every
result: nesskit's matrix-free Liouvillian (:func:`nesskit.solvers.exact.dense_residual`) applied to the dense ρ
(for n ≤ 10; above, nesskit's own block residual, which is the same number since ρ vanishes off the blocks).

Compared:

* ``nesskit``: :func:`nesskit.solvers.exact.solve` with its defaults (tol = 1e-12; sparse LU for n ≤ 6,
  preconditioned GMRES above) and ``threads=--threads``; time includes building the sector Liouvillian.
* ``nesskit-tight``: the same with ``tol=--tight-tol`` (default 5e-15), to compare at a residual at least as
  small as QuTiP's direct solver's (~1e-15 – 5e-15).
* ``qutip-direct``: ``qutip.steadystate(H, c_ops)``, the default: method ``"direct"`` with solver ``"spsolve"``
  (``scipy.sparse.linalg.spsolve``, SuperLU, on the 4ⁿ × 4ⁿ Liouvillian with one row replaced by the trace).
* ``qutip-gmres``: ``qutip.steadystate(H, c_ops, method="direct", solver="gmres", use_precond=True,
  rtol=1e-12, atol=1e-14, restart=100, maxiter=20)`` (ILU preconditioner, QuTiP 4's "iterative-gmres").

Usage::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact.py --n-max 10 --repeats 3 \
        --qutip-timeout 600 --memory-limit 12 --nesskit-extra 11,12 --output /tmp/results_exact.md
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_exact.py --model xxz --n-min 8 --n-max 8 --repeats 3

A QuTiP variant that times out or runs out of memory at some n is not run at larger n.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from math import comb

QUTIP_GMRES_OPTIONS = {"rtol": 1e-12, "atol": 1e-14, "restart": 100, "maxiter": 20}
KINDS = ("nesskit", "nesskit-tight", "qutip-direct", "qutip-gmres")
SETTINGS = {"model": "xx", "threads": 1, "tight_tol": 5e-15}


def _model(n: int):  # noqa: ANN202 - imported lazily inside the worker
    from nesskit.model import Model

    if SETTINGS["model"] == "xxz":
        return Model(n, coupling=1.0, c=1.0, d=1.0, delta=0.5)
    return Model(n, coupling=1.0, mu=1.0, mu_bar=0.0, dephasing=0.1)


def worker(kind: str, n: int) -> dict:
    """One measurement, in this (child) process; returns time, peak memory and the residual."""
    import resource

    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    import numpy as np

    from nesskit.solvers import exact

    model = _model(n)
    out: dict = {"kind": kind, "n": n}
    if kind.startswith("nesskit"):
        tol = float(SETTINGS["tight_tol"]) if kind == "nesskit-tight" else exact.DEFAULT_TOL
        start = time.perf_counter()
        ness = exact.solve(model, tol=tol, threads=int(SETTINGS["threads"]))
        out["time"] = time.perf_counter() - start
        out["iterations"] = ness.diagnostics.iterations
        out["own_residual"] = ness.diagnostics.residual
        rho = ness.density_matrix.to_dense() if n <= 10 else None
    else:
        import qutip

        from nesskit.interop import to_qutip

        h, c_ops = to_qutip(model)
        options = {} if kind == "qutip-direct" else {"solver": "gmres", "use_precond": True, **QUTIP_GMRES_OPTIONS}
        start = time.perf_counter()
        try:
            rho_q = qutip.steadystate(h, c_ops, **options)
        except Exception as exc:  # QuTiP raises RuntimeError when GMRES does not converge
            out["time"] = time.perf_counter() - start
            out["error"] = f"{type(exc).__name__}: {exc}"[:200]
            out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return out
        out["time"] = time.perf_counter() - start
        rho = rho_q.full()
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if rho is not None:
        rho = rho / np.trace(rho)
        out["residual"] = exact.dense_residual(model, rho)
    else:
        out["residual"] = out.get("own_residual")
    return out


def measure(kind: str, n: int, timeout: float, memory_gib: float) -> dict:
    """Run :func:`worker` in a fresh interpreter with a wall-clock limit and an address-space limit."""
    import resource

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, __file__, "--worker", kind, str(n), "--model", str(SETTINGS["model"]),
           "--threads", str(SETTINGS["threads"]), "--tight-tol", str(SETTINGS["tight_tol"])]
    limit = int(memory_gib * 2**30)

    def cap_memory() -> None:  # a shared machine: fail with MemoryError rather than invite the OOM killer
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, preexec_fn=cap_memory)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "n": n, "timeout": timeout, "time": time.perf_counter() - start}
    if proc.returncode != 0:
        return {"kind": kind, "n": n, "error": (proc.stderr.strip().splitlines() or ["?"])[-1][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    """Median time over the successful runs; max of the peak memory; the last residual."""
    ok = [r for r in runs if "timeout" not in r and "error" not in r]
    if not ok:
        return runs[-1]
    out = dict(ok[-1])
    out["time"] = statistics.median(r["time"] for r in ok)
    out["times"] = [r["time"] for r in ok]
    out["maxrss_mb"] = max(r["maxrss_mb"] for r in ok)
    return out


def fmt_time(r: dict | None) -> str:
    if r is None:
        return "not run"
    if "timeout" in r:
        return f"> {r['timeout']:.0f} s (timeout)"
    if r.get("skipped"):
        return r["skipped"]
    if "error" in r:
        return f"failed ({r['error'][:60]})"
    return f"{r['time']:.3g} s"


def fmt_mem(r: dict | None) -> str:
    return f"{r['maxrss_mb'] / 1024:.2f} GiB" if r and "maxrss_mb" in r and "error" not in r else "–"


def fmt_res(r: dict | None) -> str:
    return f"{r['residual']:.1e}" if r and r.get("residual") is not None and "error" not in r else "–"


def ratio(q: dict | None, ours: dict) -> str:
    if q is None or q.get("skipped"):
        return "–"
    if "timeout" in q:
        return f"> {q['timeout'] / ours['time']:.0f}×"
    if "error" in q or "time" not in q:
        return "–"
    return f"{q['time'] / ours['time']:.0f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--n-min", type=int, default=4)
    parser.add_argument("--n-max", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3, help="runs per point (median); 1 for runs over 30 s")
    parser.add_argument("--qutip-timeout", type=float, default=600.0, help="seconds per QuTiP run")
    parser.add_argument("--nesskit-extra", type=str, default="", help="comma list of n for nesskit alone")
    parser.add_argument("--memory-limit", type=float, default=12.0, help="GiB of address space per run")
    parser.add_argument("--skip-qutip", action="store_true")
    parser.add_argument("--output", type=str, default=None, help="write the Markdown table here")
    parser.add_argument("--model", choices=("xx", "xxz"), default="xx")
    parser.add_argument("--threads", type=int, default=1, help="nesskit's BLAS threads (QuTiP: 1)")
    parser.add_argument("--tight-tol", type=float, default=5e-15, help="tol of the nesskit-tight runs")
    args = parser.parse_args()
    SETTINGS.update(model=args.model, threads=args.threads, tight_tol=args.tight_tol)
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]))))
        return

    kinds = ["nesskit", "nesskit-tight"] if args.skip_qutip else list(KINDS)
    results: dict[tuple[str, int], dict] = {}
    blocked: dict[str, int] = {}  # a QuTiP variant that timed out is not run at larger n
    sizes = list(range(args.n_min, args.n_max + 1))
    extra = [int(x) for x in args.nesskit_extra.split(",") if x.strip()]
    for n in sizes + [m for m in extra if m not in sizes]:
        for kind in kinds if n in sizes else ["nesskit"]:
            if kind in blocked:
                results[kind, n] = {"skipped": f"not run (failed/timed out at n = {blocked[kind]})"}
                print(f"n={n} {kind}: skipped", flush=True)
                continue
            timeout = args.qutip_timeout if not kind.startswith("nesskit") else 3600.0
            runs = [measure(kind, n, timeout, args.memory_limit)]
            while len(runs) < args.repeats and "time" in runs[-1] and runs[-1]["time"] < 30 and \
                    "timeout" not in runs[-1] and "error" not in runs[-1]:
                runs.append(measure(kind, n, timeout, args.memory_limit))
            r = summarise(runs)
            results[kind, n] = r
            if "timeout" in r or "MemoryError" in r.get("error", "") or "memory" in r.get("error", "").lower():
                blocked[kind] = n
            print(f"n={n} {kind}: {fmt_time(r)} mem {fmt_mem(r)} residual {fmt_res(r)} "
                  f"{'(' + r['error'] + ')' if 'error' in r else ''}", flush=True)

    lines = [
        f"Model {args.model!r}; nesskit with {args.threads} BLAS thread(s); tight tol = {args.tight_tol:g}.",
        "",
        "| n | unknowns nesskit C(2n,n) | unknowns QuTiP 4ⁿ | nesskit time | nesskit peak mem | nesskit ‖𝓛ρ‖ "
        "| nesskit tight time | ‖𝓛ρ‖ | QuTiP direct (spsolve) time | mem | ‖𝓛ρ‖ | speed-up | speed-up (tight) "
        "| QuTiP GMRES time | mem | ‖𝓛ρ‖ | speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes + [m for m in extra if m not in sizes]:
        ours = results["nesskit", n]
        tight = results.get(("nesskit-tight", n))
        qd = results.get(("qutip-direct", n))
        qg = results.get(("qutip-gmres", n))
        lines.append(
            f"| {n} | {comb(2 * n, n):,} | {4 ** n:,} | {fmt_time(ours)} | {fmt_mem(ours)} | {fmt_res(ours)} "
            f"| {fmt_time(tight)} | {fmt_res(tight)} "
            f"| {fmt_time(qd)} | {fmt_mem(qd)} | {fmt_res(qd)} | {ratio(qd, ours)} "
            f"| {ratio(qd, tight) if tight and 'time' in tight else '–'} "
            f"| {fmt_time(qg)} | {fmt_mem(qg)} | {fmt_res(qg)} | {ratio(qg, ours)} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.output:
        import numpy
        import scipy

        try:
            import qutip

            qv = qutip.__version__
        except ImportError:
            qv = "not installed"
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write("# Exact solver benchmark (nesskit vs QuTiP)\n\n")
            fh.write(f"Command: `OPENBLAS_NUM_THREADS=1 {' '.join([os.path.relpath(sys.executable)] + sys.argv)}`\n\n")
            fh.write(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                     f"numpy {numpy.__version__}, scipy {scipy.__version__}, QuTiP {qv}; QuTiP one BLAS "
                     f"thread, nesskit {args.threads}.\n"
                     f"Load average at the end: {os.getloadavg()}.\n\n")
            fh.write(table + "\n\nRaw:\n\n```\n")
            for (kind, n), r in sorted(results.items(), key=lambda x: (x[0][1], x[0][0])):
                fh.write(json.dumps({"kind": kind, "n": n, **r}) + "\n")
            fh.write("```\n")


if __name__ == "__main__":
    main()
