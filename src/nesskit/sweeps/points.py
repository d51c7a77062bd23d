"""Per-point work: solve every point of one chunk through the front door :func:`nesskit.methods.solve`.

What is recorded and what is raised:

* a point outside the model's domain (Eq. 10, Γ ≤ 0, γ < 0, or any :class:`~nesskit.errors.ParameterError` of
  :class:`~nesskit.model.Model` or of the method, e.g. "no method can solve this model and give these pairs") gets
  status ``invalid`` and the message in ``reason``;
* a :class:`~nesskit.errors.SolverError` (the method could not produce a steady state) gets status ``failed`` and
  its message;
* any other exception is a programming error and propagates out of the sweep (never a "failed point").

Warm starts: along the last axis of the grid, within a chunk, the previous point's NESS is passed as ``guess=``
(methods that cannot use it ignore it; functions ``model -> NESS`` are called without it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ParameterError, SolverError
from ..methods import Method, solve
from ..model import Model
from ..ness import NESS
from ..pairs import pair_sites
from .assembly import FAILED, INVALID, MEASURES, empty_arrays, method_codes
from .plan import SweepPlan, invalid_reasons


def solve_point(plan: SweepPlan, model: Model, sites: list[tuple[int, int]], guess: NESS | None) -> NESS:
    """The NESS of one point by the plan's method (a Method through :func:`nesskit.methods.solve`)."""
    if isinstance(plan.method, Method):
        distinct = list(dict.fromkeys(sites))  # named pairs may coincide (n = 3: boundary = bulk = (1, 2))
        return solve(model, plan.method, pairs=distinct, guess=guess)
    ness = plan.method(model)
    if not isinstance(ness, NESS):
        raise TypeError(f"the sweep's method {plan.method!r} returned {type(ness).__name__}, not a nesskit NESS")
    return ness


def compute_chunk(plan: SweepPlan, chunk: int) -> tuple[int, dict[str, np.ndarray]]:
    """Solve every point of one chunk; returns ``(chunk, arrays)`` (flat arrays of the chunk's points).

    See the module docstring for what is recorded (``invalid``, ``failed`` with the reason) and what propagates.
    """
    start, stop = plan.chunk_bounds(chunk)
    out = empty_arrays(plan, stop - start)
    codes = method_codes(plan)
    last = plan.shape[-1]
    previous: NESS | None = None
    for row, (flat, kwargs) in enumerate(plan.points(start, stop)):
        guess = previous if (flat % last != 0 and row > 0) else None
        previous = None
        reason = str(invalid_reasons(kwargs.get).reshape(-1)[0])
        if reason:
            out["status"][row], out["reason"][row] = INVALID, reason
            continue
        try:
            model = Model(**kwargs)
            n = model.n
            sites = [pair_sites(p, n) for p in plan.pairs]
            ness = solve_point(plan, model, sites, guess)
            measures = [ness.entanglement(i, j) for i, j in sites]
        except SolverError as exc:
            out["status"][row], out["reason"][row] = FAILED, str(exc) or type(exc).__name__
            continue
        except ParameterError as exc:
            out["status"][row], out["reason"][row] = INVALID, str(exc) or type(exc).__name__
            continue
        previous = ness
        for p, m in enumerate(measures):
            for name in MEASURES:
                out[name][row, p] = m[name]
        out["magnetization"][row, :n] = np.asarray(ness.magnetization, dtype=float)
        out["current"][row] = float(np.asarray(ness.current)[n // 2 - 1])
        out["residual"][row] = _float(ness.diagnostics.residual)
        out["error"][row] = _float(ness.error_estimate)
        out["method_code"][row] = codes.index(ness.method) if ness.method in codes else len(codes) - 1
    out["reason"] = out["reason"].astype(str)  # fixed-width unicode: stored without pickling
    return chunk, out


def _float(x: Any) -> float:
    return np.nan if x is None else float(x)


__all__ = ["compute_chunk", "solve_point"]
