"""Fast lanes: methods that evaluate a whole grid at once instead of point by point.

:data:`FAST_LANES` is tried in order by :func:`nesskit.sweeps.sweep` (unless ``Execution(vectorise=False)``); the
first lane whose :meth:`FastLane.why_not` is None for the plan evaluates the whole grid. A lane must give the
same values as the per-point path with the same method (tested), and must apply only where the per-point method
(``auto`` or the lane's own method) would have chosen it at every point.

To add a lane (for example a batched matrix-product solution of the XXZ chain over Δ and Γ), write a class with
``name``, ``why_not(plan)`` and ``evaluate(plan)`` and append an instance with :func:`register_fast_lane`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from ..entanglement import xstate_measures
from ..methods import Auto, ClosedForm
from ..model import Model
from ..pairs import pair_sites
from .assembly import FAILED, INVALID, MEASURES, OK, SCALARS
from .plan import SweepPlan


def _empty_outputs(plan: SweepPlan, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """NaN arrays for every variable of a lane's result (measures per pair, magnetization per site, scalars)."""
    out: dict[str, np.ndarray] = {name: np.full(shape + (len(plan.pairs),), np.nan) for name in MEASURES}
    out["magnetization"] = np.full(shape + (plan.n_sites,), np.nan)
    for name in SCALARS:
        out[name] = np.full(shape, np.nan)
    return out


def _chain_lengths(plan: SweepPlan, shape: tuple[int, ...], n_axis: int | None
                   ) -> Iterator[tuple[int, int, tuple[Any, ...], tuple[int, ...]]]:
    """(k, n, index into the grid, shape of the sub-grid) for each chain length of the sweep."""
    for k, n in enumerate(plan.n_values):
        if n_axis is None:
            yield k, n, (), shape
        else:
            yield k, n, (slice(None),) * n_axis + (k,), shape[:n_axis] + shape[n_axis + 1:]

class FastLane(Protocol):
    """A vectorised evaluation of a whole sweep."""

    #: Recorded in the Dataset's ``execution`` attribute and in the digest of the stored result.
    name: str

    def why_not(self, plan: SweepPlan) -> str | None:
        """None if this lane evaluates every point of ``plan`` as its per-point method would, else the reason."""

    def evaluate(self, plan: SweepPlan) -> dict[str, np.ndarray]:
        """Grid arrays (shape ``plan.shape`` + trailing) of the variables of :func:`nesskit.sweeps.assembly.to_dataset`
        and ``methods_used`` (object array of names)."""


def representative_models(plan: SweepPlan) -> list[Model] | None:
    """One model per combination of the structural axes (n, delta, field) at the first valid point; None if no
    point is valid. Applicability of a method to the plan's models depends only on these axes."""
    valid = plan.validity()
    if not valid.any():
        return None
    base = plan.point(int(np.flatnonzero(valid.ravel())[0]))
    axes = plan.axes
    names = [k for k in ("n", "delta", "field") if k in axes]
    models = []
    for combo in itertools.product(*(axes[k].tolist() for k in names)):
        kwargs = dict(base)
        for k, v in zip(names, combo):
            kwargs["fields" if k == "field" else k] = v
        models.append(Model(**kwargs))
    return models


class ClosedFormLane:
    """The paper's closed forms (SPEC §3–§4) on the whole grid: :mod:`nesskit.solvers.closed_form` broadcasts."""

    name = "vectorised closed forms"

    def why_not(self, plan: SweepPlan) -> str | None:
        method = plan.method
        if not (isinstance(method, ClosedForm) or (isinstance(method, Auto) and "closed-form" not in method.exclude)):
            return "the method is neither 'auto' nor 'closed-form'"
        models = representative_models(plan)
        if models is None:
            return "no point is valid"
        cf = ClosedForm()
        for model in models:
            reason = cf.why_not(model, tuple(pair_sites(p, model.n) for p in plan.pairs))
            if reason is not None:
                return reason
        return None

    def evaluate(self, plan: SweepPlan) -> dict[str, np.ndarray]:
        from ..solvers import closed_form as cf

        shape = plan.shape
        reasons = np.asarray(plan.invalid_reasons(), dtype=object)
        valid = reasons == ""
        gl, gr = _couplings(plan)
        c, d = _driving_cd(plan)
        deph = plan.grid("dephasing")
        if deph is None:
            deph = np.asarray(0.0)
        elif isinstance(deph, tuple):  # a uniform profile (else why_not refused)
            deph = np.asarray(deph[0])
        everywhere = bool(valid.all())

        def safe(arr: Any, default: float) -> np.ndarray:
            arr = np.asarray(arr, dtype=float)
            return arr if everywhere else np.where(valid, arr, default)

        gl, gr, c, d, deph = safe(gl, 1.0), safe(gr, 1.0), safe(c, 0.0), safe(d, 0.0), safe(deph, 0.0)
        mu, mu_bar = c + d, (d - c) / 2
        out = _empty_outputs(plan, shape)
        n_axis = plan.axis_names.index("n") if "n" in plan.axis_names else None
        for k, n, idx, sub in _chain_lengths(plan, shape, n_axis):
            g_l, g_r, m_u, m_b = (_take(a, k, n_axis) for a in (gl, gr, mu, mu_bar))
            dph = _take(deph, k, n_axis)
            out["magnetization"][idx + (..., slice(0, n))] = np.broadcast_to(
                cf.magnetization(n, g_l, g_r, m_u, m_b, dephasing=dph), sub + (n,))
            out["current"][idx] = np.broadcast_to(cf.current(n, g_l, g_r, m_u, m_b, dephasing=dph), sub)
            for p, spec in enumerate(plan.pairs):
                i, j = pair_sites(spec, n)
                swap = i > j
                a, b = (j, i) if swap else (i, j)
                z_a, z_b, zz, pm = cf.pair_correlations(a, b, n, g_l, g_r, m_u, m_b, dephasing=dph)
                if swap:  # the state of (j, i): spins exchanged; the measures are symmetric
                    z_a, z_b, pm = z_b, z_a, np.conj(pm)
                for name, value in xstate_measures(z_a, z_b, zz, pm).items():
                    out[name][idx + (..., p)] = np.broadcast_to(value, sub)
        status = np.where(valid, OK, INVALID).astype(np.int8)
        bad = valid & ~np.isfinite(out["lambda_min"]).all(axis=-1)
        status[bad] = FAILED
        reasons = reasons.copy()
        reasons[bad] = "the closed form gave a non-finite value (overflow at these parameters)"
        if not everywhere or bad.any():
            mask = status != OK
            for name in (*MEASURES, "magnetization", *SCALARS):
                out[name][mask] = np.nan
        out["status"] = status
        out["reason"] = reasons
        out["methods_used"] = np.array(["closed-form"] if (status == OK).any() else [], dtype=object)
        return out


class MatrixProductLane:
    """The exact XXZ NESS at extreme driving (SPEC §8.1) on a grid of Δ, Γ_L, Γ_R (any n):
    :func:`nesskit.solvers.matrix_product.grid_pair_measures`, vectorised over the parameters.

    Applies when the method is ``auto`` or ``matrix-product``, every axis is one of n, delta, coupling,
    coupling_left, coupling_right, field, the hopping is 1 and the matrix-product method applies to the model (γ = 0,
    c = d = ±1, uniform field). Under ``auto`` the per-point path would use the closed forms at Δ = 0 (same values).
    """

    name = "vectorised matrix product"
    AXES = ("n", "delta", "coupling", "coupling_left", "coupling_right", "field")

    def why_not(self, plan: SweepPlan) -> str | None:
        method = plan.method
        if not ((isinstance(method, Auto) and "matrix-product" not in method.exclude)
                or getattr(method, "name", None) == "matrix-product"):
            return "the method is neither 'auto' nor 'matrix-product'"
        from ..methods import method_class

        cls = method_class("matrix-product")
        if cls is None:
            return "the matrix-product method is not installed"
        from ..solvers import matrix_product

        if not hasattr(matrix_product, "grid_pair_measures"):
            return "the matrix-product module has no grid evaluation"
        other = [k for k in plan.axis_names if k not in self.AXES]
        if other:
            return f"axes {other} are not among {self.AXES}"
        hopping = plan.fixed.get("hopping", 1.0)
        if np.any(np.asarray(hopping, dtype=float) != 1.0):
            return "the grid evaluation is for hopping J = 1"
        models = representative_models(plan)
        if models is None:
            return "no point is valid"
        mp: Any = method if getattr(method, "name", None) == "matrix-product" else cls()
        for model in models:
            reason = mp.why_not(model, tuple(pair_sites(p, model.n) for p in plan.pairs))
            if reason is not None:
                return reason
        return None

    def evaluate(self, plan: SweepPlan) -> dict[str, np.ndarray]:
        import inspect

        from ..solvers.matrix_product import grid_pair_measures

        # the magnetization profile (``profile=True`` where the grid function makes it optional)
        profile = {"profile": True} if "profile" in inspect.signature(grid_pair_measures).parameters else {}

        shape = plan.shape
        reasons = np.asarray(plan.invalid_reasons(), dtype=object)
        valid = reasons == ""
        models = representative_models(plan)
        assert models is not None
        sign = 1 if models[0].c > 0 else -1
        gl, gr = _couplings(plan)
        delta = plan.grid("delta")
        delta = np.asarray(0.0 if delta is None else delta, dtype=float)
        gl = np.where(valid, np.asarray(gl, dtype=float), 1.0)
        gr = np.where(valid, np.asarray(gr, dtype=float), 1.0)
        out = _empty_outputs(plan, shape)
        n_axis = plan.axis_names.index("n") if "n" in plan.axis_names else None
        for k, n, idx, sub in _chain_lengths(plan, shape, n_axis):
            sites = [pair_sites(p, n) for p in plan.pairs]
            res = grid_pair_measures(n, _take(delta, k, n_axis), _take(gl, k, n_axis), _take(gr, k, n_axis), sign,
                                     sites, **profile)
            for name in MEASURES:
                out[name][idx] = np.broadcast_to(res[name], sub + (len(plan.pairs),))
            out["magnetization"][idx + (..., slice(0, n))] = np.broadcast_to(res["magnetization"], sub + (n,))
            out["current"][idx] = np.broadcast_to(res["current"], sub)
        status = np.where(valid, OK, INVALID).astype(np.int8)
        bad = valid & ~np.isfinite(out["lambda_min"]).all(axis=-1)
        status[bad] = FAILED
        reasons = reasons.copy()
        reasons[bad] = "the matrix-product grid evaluation gave a non-finite value at these parameters"
        mask = status != OK
        for name in (*MEASURES, "magnetization", *SCALARS):
            out[name][mask] = np.nan
        out["status"] = status
        out["reason"] = reasons
        out["methods_used"] = np.array(["matrix-product"] if (status == OK).any() else [], dtype=object)
        return out


def _take(arr: np.ndarray, k: int, n_axis: int | None) -> np.ndarray:
    """The slice n = n_values[k] of a broadcastable grid array (unchanged if it does not vary with n)."""
    if n_axis is None or arr.ndim == 0:
        return arr
    return np.take(arr, k if arr.shape[n_axis] > 1 else 0, axis=n_axis)


def _couplings(plan: SweepPlan) -> tuple[Any, Any]:
    one = np.asarray(1.0)
    g, gl, gr = plan.grid("coupling"), plan.grid("coupling_left"), plan.grid("coupling_right")
    gl = gl if gl is not None else (g if g is not None else one)
    gr = gr if gr is not None else (g if g is not None else one)
    return gl, gr


def _driving_cd(plan: SweepPlan) -> tuple[Any, Any]:
    if plan.grid("c") is not None:
        return plan.grid("c"), plan.grid("d")
    zero = np.asarray(0.0)
    mu = plan.grid("mu")
    mu_bar = plan.grid("mu_bar")
    mu = zero if mu is None else mu
    mu_bar = zero if mu_bar is None else mu_bar
    return mu / 2 - mu_bar, mu / 2 + mu_bar


#: Fast lanes tried in order (the order of ``auto``): the closed forms, then the matrix-product XXZ solution.
FAST_LANES: list[FastLane] = [ClosedFormLane(), MatrixProductLane()]


def register_fast_lane(lane: FastLane, *, first: bool = False) -> None:
    """Add a fast lane (at the end, or first); a lane with the same name is replaced."""
    FAST_LANES[:] = [x for x in FAST_LANES if x.name != lane.name]
    if first:
        FAST_LANES.insert(0, lane)
    else:
        FAST_LANES.append(lane)


def choose_lane(plan: SweepPlan) -> tuple[FastLane | None, list[str]]:
    """The first fast lane that applies (or None) and the reasons of those that do not."""
    reasons: list[str] = []
    for lane in FAST_LANES:
        reason = lane.why_not(plan)
        if reason is None:
            return lane, reasons
        reasons.append(f"{lane.name}: {reason}")
    return None, reasons


__all__ = ["FastLane", "ClosedFormLane", "MatrixProductLane", "FAST_LANES", "register_fast_lane", "choose_lane",
           "representative_models"]
