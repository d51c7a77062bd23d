"""Entangled regions and critical values from λ_min of *any* method (SPEC §2–§4), on one road.

Two kinds of input, one entanglement policy (:func:`nesskit.entanglement.entangled`):

* **a function "parameters → λ_min"**, :class:`LambdaMin`, built from a model, a pair and any method of
  :func:`nesskit.methods.solve`. Each evaluation solves the model with the parameters changed
  (``model.replace(...)``) and reads ``ness.entanglement(i, j)["lambda_min"]`` and ``ness.error_estimate``.
  When the method is ``"auto"`` or ``"closed-form"`` and :class:`~nesskit.methods.ClosedForm` applies to the
  model, a whole grid of parameters is evaluated in one vectorised call of the closed forms (SPEC §3–§4): the
  *fast lane* of the same function, not a second road. For analysis, regions, critical values and figures this
  module is the one place that calls a solver module (its private ``_fast_lane``); the sweeps have their own lane
  (:mod:`nesskit.sweeps.lanes`), used here through :meth:`LambdaMin.map`.
  On it: :func:`edge_c_min` (start of the entangled interval on the edge d = 1; Eqs. 16, 22, Fig. 11),
  :func:`lower_edge` (Eqs. 17, 21), :func:`square_minimum`, :func:`entangled_somewhere`,
  :func:`parameter_threshold` (a root in one parameter of the minimum over the c–d square: Γ_min of Eq. 18,
  γ_c of Eq. 24, Γ± of Eq. 25), :func:`dephasing_critical` and :func:`coupling_window`.
* **a sweep Dataset** (``lambda_min`` over axes + ``pair``, with ``error`` or ``residual`` and ``status``):
  :func:`entangled`, :func:`entangled_fraction`, :func:`lambda_min_contour`, :func:`c_min`, :func:`min_lambda`.
  :meth:`LambdaMin.map` makes such a Dataset from any method.

Root finding is on the policy's margin λ_min + threshold(error) (negative ⇔ entangled), so a critical value is
where a state starts to count as entangled, never a sign change of rounding noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr
from scipy.optimize import brentq, minimize

from .entanglement import entangled as _policy_entangled
from .entanglement import entanglement_threshold
from .errors import ParameterError, SolverError
from .model import Model
from .pairs import PairSpec, pair_sites, parse_pair_spec

#: Parameters the closed-form fast lane evaluates on a grid (all of them broadcast).
FAST_PARAMETERS = ("c", "d", "mu", "mu_bar", "coupling", "coupling_left", "coupling_right", "dephasing")
#: Every parameter a :class:`LambdaMin` may change (keywords of :meth:`nesskit.model.Model.replace` but n).
MODEL_PARAMETERS = (*FAST_PARAMETERS, "delta", "fields", "hopping")

#: Default grid (points per side of the c–d square, corners included) of :func:`square_minimum`: closed-form fast
#: lane / per-point methods (each point a solve), before the local refinement.
SQUARE_POINTS = {"fast": 41, "per-point": 3}
#: Default points along an edge of the square for :func:`edge_c_min` and :func:`lower_edge`.
EDGE_POINTS = {"fast": 201, "per-point": 11}
#: Default absolute tolerance of the roots (brentq's ``xtol``).
ROOT_XTOL = {"fast": 1e-13, "per-point": 1e-9}


# -- the function "parameters → λ_min" ---------------------------------------------------------------------------
def _as_method(method: Any, options: Mapping[str, Any]) -> Any:
    from .methods import method_from

    return method_from(method, **options)


def _is_fast(model: Model, method: Any) -> bool:
    from .methods import Auto, ClosedForm

    if isinstance(method, Auto):
        if "closed-form" in method.exclude:
            return False
    elif not isinstance(method, ClosedForm):
        return False
    return ClosedForm().why_not(model) is None


def _fast_lane(model: Model, sites: Sequence[tuple[int, int]], params: Mapping[str, np.ndarray],
               magnetization: bool, correlations: bool) -> dict[str, np.ndarray]:
    """The closed forms of SPEC §3–§4 on a broadcast grid of parameters (the fast lane of :class:`Evaluator`).

    For analysis, regions, critical values and figures this is the only place that calls a solver module.
    """
    from .solvers import closed_form

    keys = set(params)
    if keys & {"c", "d"} and keys & {"mu", "mu_bar"}:
        raise ParameterError("give the driving either as (mu, mu_bar) or as (c, d), not both")
    if "coupling" in keys and keys & {"coupling_left", "coupling_right"}:
        raise ParameterError("give either coupling or coupling_left/coupling_right, not both")
    if keys & {"c", "d"}:
        c = params.get("c", np.asarray(model.c))
        d = params.get("d", np.asarray(model.d))
        mu, mu_bar = c + d, (d - c) / 2
    else:
        mu = params.get("mu", np.asarray(model.mu))
        mu_bar = params.get("mu_bar", np.asarray(model.mu_bar))
    gl = params.get("coupling", params.get("coupling_left", np.asarray(model.coupling_left)))
    gr = params.get("coupling", params.get("coupling_right", np.asarray(model.coupling_right)))
    gamma = params.get("dephasing", np.asarray(float(model.uniform_dephasing or 0.0)))
    shape = np.broadcast_shapes(*(np.shape(a) for a in (mu, mu_bar, gl, gr, gamma)))
    args = (gl, gr, mu, mu_bar, gamma)
    out: dict[str, np.ndarray] = {"error": np.full(shape, np.nan)}
    lams, zi, zj, zz = [], [], [], []
    for i, j in sites:
        a, b = min(i, j), max(i, j)
        lams.append(np.broadcast_to(closed_form.pair_entanglement(a, b, model.n, *args)["lambda_min"], shape))
        if correlations:
            z_a, z_b, z_ab, _ = closed_form.pair_correlations(a, b, model.n, *args)
            z_a, z_b = (z_a, z_b) if i < j else (z_b, z_a)
            zi.append(np.broadcast_to(np.real(z_a), shape))
            zj.append(np.broadcast_to(np.real(z_b), shape))
            zz.append(np.broadcast_to(np.real(z_ab), shape))
    out["lambda_min"] = np.stack(lams, axis=-1) if lams else np.zeros(shape + (0,))
    if correlations:
        out["z_i"], out["z_j"], out["zz"] = (np.stack(x, axis=-1) if x else np.zeros(shape + (0,))
                                             for x in (zi, zj, zz))
    if magnetization:
        m = closed_form.magnetization(model.n, *args)
        out["magnetization"] = np.broadcast_to(m, shape + (model.n,))
    return out


class Evaluator:
    """Pair entanglement (and optionally magnetization and ⟨σᶻσᶻ⟩) of ``model`` on a grid of parameters.

    The grid is the broadcast of the keyword arrays given to the call ``evaluator(**axes)``
    (names of :data:`MODEL_PARAMETERS`).
    Per point the model is ``model.replace(**point)`` and is solved by ``method``; with the closed-form fast lane
    (``_fast_lane``) the whole grid is one vectorised call. Results of single points are cached.

    Parameters
    ----------
    model : Model
        The chain; parameters not given to the call are the model's.
    pairs : pair spec or list of them
        ``"boundary"``, ``"bulk"``/``"central"``, ``"last"`` or 1-based (i, j) (:func:`nesskit.pairs.pair_sites`).
    method : str or Method
        Any method of :func:`nesskit.methods.solve` (default ``"auto"``).
    **options
        Options of a named method (for example ``tol`` of ``"exact"``).
    """

    def __init__(self, model: Model, pairs: Any = "central", method: Any = "auto", **options: Any) -> None:
        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        specs = [pairs] if isinstance(pairs, str) or _is_site_pair(pairs) else list(pairs)
        self.model = model
        self.pair_specs: tuple[PairSpec, ...] = tuple(parse_pair_spec(p) for p in specs)
        self.sites = tuple(pair_sites(p, model.n) for p in self.pair_specs)
        self.method = _as_method(method, options)
        self.fast = _is_fast(model, self.method)
        self.solves = 0
        self._cache: dict[tuple[tuple[str, float], ...], dict[str, Any]] = {}

    @property
    def lane(self) -> str:
        """``"fast"`` (vectorised closed forms) or ``"per-point"`` (one solve per point)."""
        return "fast" if self.fast else "per-point"

    def replace(self, **changes: Any) -> Evaluator:
        """The same pairs and method on ``model.replace(**changes)`` (for example another n)."""
        return type(self)(self.model.replace(**changes), self.pair_specs, self.method)

    def _params(self, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
        unknown = sorted(set(params) - set(MODEL_PARAMETERS))
        if unknown:
            raise ParameterError(f"parameters {unknown} cannot be varied; allowed: {list(MODEL_PARAMETERS)} "
                                 "(change n with .replace(n=...))")
        out = {}
        for k, v in params.items():
            arr = np.asarray(v, dtype=float)
            if not np.all(np.isfinite(arr)):
                raise ParameterError(f"{k} must be finite, got {arr[~np.isfinite(arr)].ravel()[0]!r}")
            out[k] = arr
        return out

    def _point(self, point: dict[str, float], magnetization: bool, correlations: bool) -> dict[str, Any]:
        from .methods import solve

        key = tuple(sorted(point.items()))
        hit = self._cache.get(key)
        if hit is not None and (not magnetization or "magnetization" in hit) and (not correlations or "zz" in hit):
            return hit
        model = self.model.replace(**point) if point else self.model
        ness = solve(model, self.method, pairs=list(self.sites))
        self.solves += 1
        err = ness.error_estimate
        res: dict[str, Any] = {"error": np.nan if err is None else float(err),
                               "lambda_min": np.array([ness.entanglement(i, j)["lambda_min"] for i, j in self.sites])}
        if correlations:
            tables = [ness.correlations(i, j) for i, j in self.sites]
            res["z_i"] = np.array([t[3, 0] for t in tables])
            res["z_j"] = np.array([t[0, 3] for t in tables])
            res["zz"] = np.array([t[3, 3] for t in tables])
        if magnetization:
            res["magnetization"] = np.asarray(ness.magnetization, dtype=float)
        self._cache[key] = res
        return res

    def __call__(self, magnetization: bool = False, correlations: bool = False, **params: Any
                 ) -> dict[str, np.ndarray]:
        """Evaluate on the broadcast grid of ``params``.

        Returns
        -------
        dict
            ``lambda_min`` (grid + pair axis), ``error`` (grid; NaN: at rounding level), and if asked
            ``magnetization`` (grid + site axis) and ``z_i``, ``z_j``, ``zz`` (grid + pair axis): ⟨σᶻ_i⟩, ⟨σᶻ_j⟩,
            ⟨σᶻ_iσᶻ_j⟩.
        """
        arrays = self._params(params)
        if self.fast and set(arrays) <= set(FAST_PARAMETERS):
            return _fast_lane(self.model, self.sites, arrays, magnetization, correlations)
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else ()
        grid = {k: np.broadcast_to(a, shape) for k, a in arrays.items()}
        npairs = len(self.sites)
        out: dict[str, np.ndarray] = {"lambda_min": np.empty(shape + (npairs,)), "error": np.empty(shape)}
        if correlations:
            for k in ("z_i", "z_j", "zz"):
                out[k] = np.empty(shape + (npairs,))
        if magnetization:
            out["magnetization"] = np.empty(shape + (self.model.n,))
        for idx in np.ndindex(shape):
            res = self._point({k: float(a[idx]) for k, a in grid.items()}, magnetization, correlations)
            for k in out:
                out[k][idx] = res[k]
        return out


def _fixed_parameters(model: Model, axes: set[str]) -> dict[str, Any]:
    """The model's parameters as fixed parameters of a sweep over ``axes`` (the axes' own values left out)."""
    fixed: dict[str, Any] = {"n": model.n, "delta": model.delta, "hopping": model.hopping_profile}
    gamma = model.uniform_dephasing
    if "dephasing" not in axes:
        fixed["dephasing"] = gamma if gamma is not None else model.dephasing_profile
    if any(model.field_profile) and "field" not in axes:
        fixed["fields"] = model.field_profile
    if "coupling" not in axes:
        for key in ("coupling_left", "coupling_right"):
            if key not in axes:
                fixed[key] = getattr(model, key)
    if axes & {"mu", "mu_bar"}:
        fixed.update({k: getattr(model, k) for k in ("mu", "mu_bar") if k not in axes})
    else:
        fixed.update({k: getattr(model, k) for k in ("c", "d") if k not in axes})
    return fixed


def _is_site_pair(p: Any) -> bool:
    return isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, (int, np.integer)) for x in p)


class LambdaMin:
    """λ_min of one pair as a function of the parameters, from any method (SPEC §2).

    ``f = LambdaMin(Model(6, coupling=1, delta=0.3), "central", method="exact")``; ``f(c=0.9, d=1.0)`` is λ_min of
    ρ_{3,4} of that chain at (c, d), ``f.margin(...)`` is λ_min + :func:`~nesskit.entanglement.entanglement_threshold`
    (error) (negative ⇔ entangled by the policy) and ``f.entangled(...)`` the policy itself. Arrays broadcast; with
    the closed-form fast lane (:attr:`fast`) a whole grid is one vectorised evaluation.

    Parameters
    ----------
    model : Model
        The chain; parameters not given to a call are the model's.
    pair : pair spec
        ``"boundary"``, ``"bulk"``/``"central"`` (⌊n/2⌋, ⌊n/2⌋ + 1), ``"last"`` or 1-based (i, j).
    method : str or Method
        Any method of :func:`nesskit.methods.solve` (default ``"auto"``).
    **options
        Options of a named method.
    """

    def __init__(self, model: Model, pair: Any = "central", method: Any = "auto", **options: Any) -> None:
        self._eval = Evaluator(model, [pair], method, **options)

    @property
    def model(self) -> Model:
        """The base model."""
        return self._eval.model

    @property
    def pair(self) -> PairSpec:
        """The pair spec."""
        return self._eval.pair_specs[0]

    @property
    def sites(self) -> tuple[int, int]:
        """The pair's sites in this chain (1-based)."""
        return self._eval.sites[0]

    @property
    def method(self) -> Any:
        """The method object."""
        return self._eval.method

    @property
    def fast(self) -> bool:
        """Whether grids are evaluated by the vectorised closed forms."""
        return self._eval.fast

    @property
    def lane(self) -> str:
        """``"fast"`` or ``"per-point"``."""
        return self._eval.lane

    @property
    def solves(self) -> int:
        """How many models were solved so far on the per-point lane."""
        return self._eval.solves

    def replace(self, pair: Any = None, **changes: Any) -> LambdaMin:
        """The same method (and pair, unless given) on ``model.replace(**changes)``."""
        model = self.model.replace(**changes) if changes else self.model
        return LambdaMin(model, self.pair if pair is None else pair, self.method)

    def evaluate(self, **params: Any) -> tuple[np.ndarray, np.ndarray]:
        """(λ_min, error estimate) on the broadcast grid of ``params`` (error NaN: at rounding level)."""
        res = self._eval(**params)
        lam = res["lambda_min"][..., 0]
        return (lam if lam.ndim else lam[()]), res["error"]

    def __call__(self, **params: Any) -> np.ndarray:
        return self.evaluate(**params)[0]

    def margin(self, **params: Any) -> np.ndarray:
        """λ_min + threshold(error): negative exactly where :meth:`entangled` is True."""
        lam, err = self.evaluate(**params)
        return lam + entanglement_threshold(err)

    def entangled(self, **params: Any) -> np.ndarray:
        """The entanglement policy (:func:`nesskit.entanglement.entangled`) on the grid of ``params``."""
        lam, err = self.evaluate(**params)
        return _policy_entangled(lam, err)

    def map(self, execution: Any = None, **axes: Any) -> xr.Dataset:
        """λ_min (and every sweep variable) on the outer product of ``axes``, by this function's method and model.

        A sweep (:func:`nesskit.sweeps.sweep`) of the base model with ``axes`` varied, this pair and this method:
        the Dataset has ``lambda_min`` (axes + ``pair``), ``error``, ``status`` and ``reason``, and the analysis
        functions of this module take it. ``execution`` is a :class:`nesskit.sweeps.Execution` (workers, ...;
        default: serial).
        """
        from .sweeps import Execution, sweep

        if execution is None:
            execution = Execution(workers=0)  # serial: a map for analysis is usually small; pass one to scale out
        if not axes:
            raise ParameterError("map needs at least one axis, e.g. c=np.linspace(-1, 1, 41)")
        return sweep({k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in axes.items()}, method=self.method,
                     pairs=[self.pair], execution=execution, **_fixed_parameters(self.model, set(axes)))

    def __repr__(self) -> str:
        return f"LambdaMin({self.model!r}, pair={self.pair!r}, method={self.method!r}, lane={self.lane!r})"


# -- analysis on the function ------------------------------------------------------------------------------------
def _default(table: Mapping[str, Any], f: LambdaMin, value: Any) -> Any:
    return table[f.lane] if value is None else value


def _scalar(f: LambdaMin, **params: Any) -> tuple[float, float]:
    lam, err = f.evaluate(**params)
    return float(lam), float(np.asarray(err))


def _margin_scalar(f: LambdaMin, **params: Any) -> float:
    lam, err = _scalar(f, **params)
    return lam + float(entanglement_threshold(err))


def edge_c_min(f: LambdaMin, d: float = 1.0, points: int | None = None, xtol: float | None = None,
               **params: Any) -> float:
    """The start of the entangled interval on the edge d = ``d`` of the c–d square, for c in [0, 1].

    The paper's c_min (Eq. 16 boundary pair, Eq. 22 bulk pair, Fig. 11 with dephasing): the right tongue/pocket
    touches the edge d = 1 from c_min to the corner c = 1. The edge is scanned on ``points`` values of c (default
    ``EDGE_POINTS``) and the first entangled point's crossing refined by Brent's method on the policy's margin.
    0 if c = 0 is already entangled; NaN if no point of the edge is.
    """
    points = int(_default(EDGE_POINTS, f, points))
    xtol = float(_default(ROOT_XTOL, f, xtol))
    cs = np.linspace(0.0, 1.0, max(points, 2))
    fixed = {k: v for k, v in params.items() if k not in ("c", "d")}
    lam, err = f.evaluate(c=cs, d=np.full_like(cs, d), **fixed)
    ent = np.asarray(_policy_entangled(lam, err))
    if not ent.any():
        return math.nan
    k = int(np.argmax(ent))
    if k == 0:
        return 0.0
    return float(brentq(lambda c: _margin_scalar(f, c=c, d=d, **fixed), cs[k - 1], cs[k], xtol=xtol, rtol=1e-15))


def lower_edge(f: LambdaMin, c: Any, points: int | None = None, xtol: float | None = None,
               **params: Any) -> np.ndarray:
    """At fixed c, the smallest d at which the pair is entangled (the lower edge of the right region, Eqs. 17, 21).

    d ∈ [−1, 1] is scanned on ``points`` values and the first crossing refined by Brent's method on the margin.
    −1 where the region reaches the bottom of the square, NaN where no d is entangled at this c. Loops over ``c``.
    """
    points = int(_default(EDGE_POINTS, f, points))
    xtol = float(_default(ROOT_XTOL, f, xtol))
    cs = np.asarray(c, dtype=float)
    if np.any(~np.isfinite(cs) | (np.abs(cs) > 1)):
        raise ParameterError(f"c must lie in [-1, 1] (Eq. 11), got {cs[~(np.abs(cs) <= 1)].ravel()[0]!r}")
    ds = np.linspace(-1.0, 1.0, max(points, 2))
    out = np.empty(cs.shape)
    for idx in np.ndindex(cs.shape):
        ci = float(cs[idx])
        lam, err = f.evaluate(c=np.full_like(ds, ci), d=ds, **params)
        ent = np.asarray(_policy_entangled(lam, err))
        if not ent.any():
            out[idx] = math.nan
        elif ent[0]:
            out[idx] = -1.0
        else:
            k = int(np.argmax(ent))
            out[idx] = brentq(lambda x, ci=ci: _margin_scalar(f, c=ci, d=x, **params), ds[k - 1], ds[k],
                              xtol=xtol, rtol=1e-15)
    return out if out.ndim else out[()]


def square_minimum(f: LambdaMin, points: int | None = None, refine: bool = True,
                   start: tuple[float, float] | None = None, early: bool = False, **params: Any) -> dict[str, Any]:
    """The minimum of λ_min over the c–d square [−1, 1]² at fixed other parameters, and where it is.

    A grid of ``points`` × ``points`` (corners included; default ``SQUARE_POINTS``; 0: no grid), plus ``start``
    if given, then a bounded quasi-Newton search (L-BFGS-B, finite differences) from the best of them. With
    ``early=True`` the search stops at the first grid point that is entangled (enough to answer "entangled
    somewhere?").

    Returns
    -------
    dict
        ``lambda_min``, ``c``, ``d``, ``error``, ``margin`` (λ_min + threshold), ``entangled`` (the policy).
    """
    points = int(_default(SQUARE_POINTS, f, points))
    if points == 1 or points < 0:
        raise ParameterError(f"points must be 0 or >= 2, got {points}")
    axis = np.linspace(-1.0, 1.0, points)
    cg, dg = np.meshgrid(axis, axis, indexing="ij")
    cands_c, cands_d = cg.ravel(), dg.ravel()
    if start is not None:
        cands_c = np.r_[float(start[0]), cands_c]
        cands_d = np.r_[float(start[1]), cands_d]
    if cands_c.size == 0:
        raise ParameterError("square_minimum needs a grid (points >= 2) or a start")
    fixed = {k: v for k, v in params.items() if k not in ("c", "d")}
    if early and not f.fast:
        best = None
        for c, d in zip(cands_c, cands_d):
            lam_k, err_k = _scalar(f, c=float(c), d=float(d), **fixed)
            if best is None or lam_k < best[0]:
                best = (lam_k, float(c), float(d), err_k)
            if _policy_entangled(lam_k, err_k):
                break
        assert best is not None
    else:
        lam, err = f.evaluate(c=cands_c, d=cands_d, **fixed)
        lam = np.asarray(lam, dtype=float)
        err = np.broadcast_to(np.asarray(err, dtype=float), lam.shape)
        k = int(np.argmin(lam))
        best = (float(lam[k]), float(cands_c[k]), float(cands_d[k]), float(err[k]))
    if refine and not (early and _policy_entangled(best[0], best[3])):
        def fun(x: np.ndarray) -> float:
            return _scalar(f, c=float(np.clip(x[0], -1, 1)), d=float(np.clip(x[1], -1, 1)), **fixed)[0]

        opts = {"ftol": 1e-16, "gtol": 1e-14} if f.fast else {"ftol": 1e-13, "gtol": 1e-9, "maxiter": 15}
        res = minimize(fun, x0=[best[1], best[2]], method="L-BFGS-B", bounds=[(-1, 1), (-1, 1)], options=opts)
        if res.fun < best[0]:
            c_opt, d_opt = (float(np.clip(v, -1, 1)) for v in res.x)
            lam_opt, err_opt = _scalar(f, c=c_opt, d=d_opt, **fixed)
            if lam_opt < best[0]:
                best = (lam_opt, c_opt, d_opt, err_opt)
    lam_b, c_b, d_b, err_b = best
    return {"lambda_min": lam_b, "c": c_b, "d": d_b, "error": err_b,
            "margin": lam_b + float(entanglement_threshold(err_b)), "entangled": bool(_policy_entangled(lam_b, err_b))}


def entangled_somewhere(f: LambdaMin, points: int | None = None, **params: Any) -> bool:
    """Whether the pair is entangled (by the policy) somewhere in the c–d square (:func:`square_minimum`)."""
    return bool(square_minimum(f, points, early=True, **params)["entangled"])


def parameter_threshold(f: LambdaMin, name: str, inside: float, outside: float, points: int | None = None,
                        xtol: float | None = None, **params: Any) -> float:
    """The value of parameter ``name`` between ``inside`` (entangled somewhere in the square) and ``outside``
    (entangled nowhere) where the last entangled state of the square stops being entangled.

    The minimiser of λ_min over the square at ``inside`` (:func:`square_minimum`) starts a local search at every
    value of ``name``, and Brent's method finds where the policy's margin λ_min + threshold at that followed
    minimum crosses zero (a smooth function; the global minimum over the square is not, once the minimum is
    ≈ 0 at product states). Then the whole square is checked just beyond the root; if something is still
    entangled there, the search goes on from that point. The paper's Γ_min (Eq. 18), Γ± (Eq. 25) and γ_c
    (Eq. 24) are such thresholds. :class:`~nesskit.errors.ParameterError` if the ends do not straddle one.
    """
    if name not in MODEL_PARAMETERS or name in ("c", "d", "mu", "mu_bar"):
        raise ParameterError(f"name must be a model parameter other than the driving, got {name!r}")
    xtol = float(_default(ROOT_XTOL, f, xtol))
    sq_in = square_minimum(f, points, **{**params, name: inside})
    sq_out = square_minimum(f, points, **{**params, name: outside})
    if not (sq_in["entangled"] and not sq_out["entangled"]):
        raise ParameterError(f"no entanglement threshold in {name} between {inside!r} (entangled: "
                             f"{sq_in['entangled']}) and {outside!r} (entangled: {sq_out['entangled']})")
    where: dict[str, tuple[float, float]] = {}

    def g(x: float) -> float:
        return float(square_minimum(f, 0, start=where["at"], **{**params, name: x})["margin"])

    for _ in range(4):
        where["at"] = (sq_in["c"], sq_in["d"])  # every local search starts from the entangled minimiser

        g_out = g(outside)
        if g_out < 0:  # cannot be below the square's minimum at ``outside``
            raise SolverError(f"the local search in the square disagrees with the grid at {name} = {outside!r}")
        where["at"] = (sq_in["c"], sq_in["d"])
        root = float(brentq(g, inside, outside, xtol=xtol, rtol=1e-15))
        beyond = root + math.copysign(max(4 * xtol, 1e-9 * abs(root)), outside - inside)
        sq_beyond = square_minimum(f, points, **{**params, name: beyond})
        if not sq_beyond["entangled"]:
            return root
        inside, sq_in = beyond, sq_beyond  # another part of the square is entangled longer: follow it
    raise SolverError(f"the entanglement threshold in {name} did not settle after 4 searches")


def margin_root(f: LambdaMin, name: str, low: float, high: float, xtol: float | None = None,
                **params: Any) -> float:
    """The value of parameter ``name`` above ``low`` where the pair stops being entangled, everything else fixed.

    Unlike :func:`parameter_threshold` the driving (c, d) is not searched: this is the threshold at the model's own
    driving (e.g. γ_c of the central pair at c = d = 1, where the paper's Eq. 24 is attained for the XX chain).
    The policy's margin λ_min + threshold(error) must be negative at ``low``; ``high`` is doubled until it is not,
    then Brent's method finds the sign change. NaN if the pair is not entangled at ``low``.
    """
    if name not in MODEL_PARAMETERS:
        raise ParameterError(f"name must be a model parameter, got {name!r}")
    xtol = float(_default(ROOT_XTOL, f, xtol))

    def g(x: float) -> float:
        return float(np.asarray(f.margin(**{**params, name: x})).reshape(-1)[0])

    if g(low) >= 0:
        return math.nan
    hi = float(high)
    while g(hi) < 0:
        hi = low + 2 * (hi - low)
        if hi - low > 1e4:
            raise ParameterError(f"the pair stays entangled for every {name} up to {hi:g}")
    return float(brentq(g, low, hi, xtol=xtol))


def dephasing_critical(f: LambdaMin, points: int | None = None, first_step: float = 0.05, xtol: float | None = None,
                       **params: Any) -> float:
    """γ_c: the smallest γ above which the pair is entangled nowhere in the c–d square (Eq. 24 for the central pair).

    The model's other parameters (and ``params``) fixed; uniform dephasing γ. Bracketed by doubling γ from
    ``first_step`` until nothing is entangled (entanglement assumed to exist on an interval [0, γ_c)), then
    :func:`parameter_threshold`. NaN if the pair is not entangled even at γ = 0.
    """
    if not entangled_somewhere(f, points, **{**params, "dephasing": 0.0}):
        return math.nan
    lo, hi = 0.0, float(first_step)
    while entangled_somewhere(f, points, **{**params, "dephasing": hi}):
        lo, hi = hi, 2 * hi
        if hi > 1e4:
            raise ParameterError("the pair stays entangled at every dephasing up to 1e4")
    return parameter_threshold(f, "dephasing", lo, hi, points, xtol, **params)


def coupling_window(f: LambdaMin, points: int | None = None, xtol: float | None = None, low: float = 1e-2,
                    high: float = 1e2, **params: Any) -> tuple[float, float]:
    """(Γ₋, Γ₊): the range of Γ = Γ_L = Γ_R in which the pair is entangled somewhere in the square (Eq. 25).

    The model's other parameters fixed. An entangled coupling is looked for on a geometric grid of 9 values in
    [``low``, ``high``], starting at the model's Γ; the ends are thresholds (:func:`parameter_threshold`) towards
    the nearest non-entangled grid values. (NaN, NaN) if no coupling of the grid is entangled.
    """
    g0 = float(params.pop("coupling", math.sqrt(f.model.coupling_left * f.model.coupling_right)))
    grid = np.geomspace(low, high, 9)
    order = [g0, *sorted(grid, key=lambda g: abs(math.log(g / g0)))]
    inside = next((g for g in order if entangled_somewhere(f, points, coupling=g, **params)), None)
    if inside is None:
        return math.nan, math.nan
    below = [g for g in grid if g < inside][::-1]
    above = [g for g in grid if g > inside]

    def end(candidates: list[float]) -> float:
        inner = inside
        for g in candidates:
            if not entangled_somewhere(f, points, coupling=g, **params):
                return parameter_threshold(f, "coupling", inner, g, points, xtol, **params)
            inner = g
        return math.nan

    return end(below), end(above)


# -- analysis of sweep Datasets --------------------------------------------------------------------------------------
def lambda_min_of(ds: xr.Dataset, pair: str | int | None = None) -> xr.DataArray:
    """λ_min of one pair (by label such as ``"bulk"`` or ``"3-4"``, or by position); NaN where status != ok.

    With ``pair=None`` the dataset must hold a single pair.
    """
    if "lambda_min" not in ds:
        raise ParameterError("ds must be a nesskit sweep dataset with a lambda_min variable")
    lam = ds["lambda_min"]
    if "pair" in lam.dims:
        labels = [str(x) for x in ds["pair"].values]
        if pair is None:
            if len(labels) != 1:
                raise ParameterError(f"pair: the dataset holds several pairs {labels}; choose one")
            lam = lam.isel(pair=0)
        elif isinstance(pair, (int, np.integer)) and not isinstance(pair, bool):
            if not 0 <= pair < len(labels):
                raise ParameterError(f"pair: position must be in 0..{len(labels) - 1}, got {pair}")
            lam = lam.isel(pair=int(pair))
        else:
            if str(pair) not in labels:
                raise ParameterError(f"pair: {pair!r} is not in the dataset's pairs {labels}")
            lam = lam.isel(pair=labels.index(str(pair)))
        lam = lam.drop_vars([c for c in ("pair", "pair_i", "pair_j") if c in lam.coords])
    if "status" in ds:
        lam = lam.where(ds["status"] == 0)
    return lam


def error_of(ds: xr.Dataset) -> xr.DataArray:
    """The per-point error estimate the policy uses: ``error`` if the dataset has it, else ``residual``, else 0."""
    for name in ("error", "residual"):
        if name in ds:
            return ds[name].fillna(0.0)
    lam = ds["lambda_min"]
    return xr.zeros_like(lam.isel(pair=0) if "pair" in lam.dims else lam)


def entangled(ds: xr.Dataset, pair: str | int | None = None) -> xr.DataArray:
    """Boolean map: the entanglement policy (:func:`nesskit.entanglement.entangled`) at every valid point."""
    lam = lambda_min_of(ds, pair)
    err = error_of(ds)
    mask = xr.apply_ufunc(lambda a, b: np.asarray(_policy_entangled(a, b)), lam, err.broadcast_like(lam))
    return mask.astype(bool)


def entangled_fraction(ds: xr.Dataset, pair: str | int | None = None, dims: Sequence[str] | None = None
                       ) -> xr.DataArray:
    """Fraction of the valid grid points (status ok) that are entangled, over ``dims`` (default: every axis).

    On a uniform grid over the c–d square this is the entangled area fraction of the square. For any method, make
    the grid with :meth:`LambdaMin.map`.
    """
    ent = entangled(ds, pair)
    valid = lambda_min_of(ds, pair).notnull()
    dims = [str(x) for x in ent.dims] if dims is None else list(dims)
    for d in dims:
        if d not in ent.dims:
            raise ParameterError(f"dims: {d!r} is not an axis of the dataset ({list(ent.dims)})")
    return ent.sum(dims) / valid.sum(dims)


def lambda_min_contour(ds: xr.Dataset, pair: str | int | None = None, x: str | None = None,
                       y: str | None = None, level: float = 0.0) -> list[np.ndarray]:
    """The curves λ_min = ``level`` of a 2-D map, as a list of (m, 2) arrays of (x, y) points.

    Uses contourpy's marching squares (shipped with matplotlib; no plotting). Invalid points are masked;
    zero-length pieces (λ_min = level at an isolated grid point, e.g. a corner of the c-d square) are dropped.
    """
    import contourpy

    lam = lambda_min_of(ds, pair)
    if lam.ndim != 2:
        raise ParameterError(f"a contour needs exactly two axes, the map has {list(lam.dims)}; select the others "
                             "first (ds.sel(...))")
    x = x or str(lam.dims[0])
    y = y or str(lam.dims[1])
    if {x, y} != set(lam.dims):
        raise ParameterError(f"x, y must be the map's axes {list(lam.dims)}, got {x!r}, {y!r}")
    z = lam.transpose(y, x).values
    gen = contourpy.contour_generator(np.asarray(lam[x].values, float), np.asarray(lam[y].values, float),
                                      np.ma.masked_invalid(z), line_type=contourpy.LineType.Separate)
    segments = [np.asarray(seg) for seg in gen.lines(level)]
    return [seg for seg in segments if len(seg) > 1 and np.ptp(seg, axis=0).max() > 0]


def c_min(ds: xr.Dataset, pair: str | int | None = None, axis: str = "c", keep: Sequence[str] = ()) -> xr.DataArray:
    """Smallest value of ``axis`` at which the pair is entangled for some value of the other axes, from a grid.

    Along ``axis`` (sorted ascending) every line of the grid is scanned for its first entangled point (the policy);
    the crossing between it and the preceding point is located by linear interpolation of λ_min + threshold, and
    the minimum is taken over all axes except ``axis`` and ``keep``. NaN where nothing is entangled. This is the
    paper's c_min (Eqs. 16, 22; Fig. 11 uses ``keep=("dephasing",)``); :func:`edge_c_min` finds it by root finding.
    """
    lam = lambda_min_of(ds, pair)
    if axis not in lam.dims:
        raise ParameterError(f"axis {axis!r} is not an axis of the dataset ({list(lam.dims)})")
    for k in keep:
        if k not in lam.dims or k == axis:
            raise ParameterError(f"keep: {k!r} must be an axis of the dataset other than {axis!r}")
    ent = entangled(ds, pair)
    margin = lam + xr.apply_ufunc(lambda e: np.asarray(entanglement_threshold(e)), error_of(ds).broadcast_like(lam))
    margin = margin.sortby(axis)
    ent = ent.sortby(axis)
    others = [d for d in lam.dims if d != axis and d not in keep]
    order = [*keep, *others, axis]
    lv = margin.transpose(*order).values
    ev = ent.transpose(*order).values
    keep_shape = lv.shape[:len(keep)]
    lv = lv.reshape(int(np.prod(keep_shape)), -1, lv.shape[-1])
    ev = ev.reshape(lv.shape)
    xs = np.asarray(margin[axis].values, float)
    first = np.argmax(ev, axis=-1)
    hit = ev.any(axis=-1)
    crossing = xs[first].astype(float)
    prev = np.clip(first - 1, 0, None)
    m_prev = np.take_along_axis(lv, prev[..., None], -1)[..., 0]
    m_here = np.take_along_axis(lv, first[..., None], -1)[..., 0]
    refine = hit & (first > 0) & np.isfinite(m_prev)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip(m_prev / (m_prev - m_here), 0.0, 1.0)
    crossing = np.where(refine, xs[prev] + frac * (xs[first] - xs[prev]), crossing)
    crossing = np.where(hit, crossing, np.inf)
    best = crossing.min(axis=-1)
    best = np.where(np.isfinite(best), best, np.nan).reshape(keep_shape)
    return xr.DataArray(best, dims=list(keep), coords={k: lam[k].values for k in keep},
                        attrs={"long_name": f"smallest {axis} with an entangled pair"})


def min_lambda(ds: xr.Dataset, pair: str | int | None = None,
               region: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The minimum of λ_min over a region (``{axis: (low, high)}``, inclusive; default: everything).

    Returns ``{"lambda_min": value, <axis>: coordinate, ...}`` at the minimum (NaN value if the region holds no
    valid point).
    """
    lam = lambda_min_of(ds, pair)
    for name, bounds in (region or {}).items():
        if name not in lam.dims:
            raise ParameterError(f"region: {name!r} is not an axis of the dataset ({list(lam.dims)})")
        try:
            low, high = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ParameterError(f"region: {name!r} needs (low, high), got {bounds!r}") from None
        coord = lam[name]
        lam = lam.where((coord >= low) & (coord <= high), drop=True)
    values = lam.values
    if values.size == 0 or not np.isfinite(values).any():
        return {"lambda_min": float("nan"), **{str(d): float("nan") for d in lam.dims}}
    idx = np.unravel_index(np.nanargmin(values), values.shape)
    out: dict[str, Any] = {"lambda_min": float(values[idx])}
    for d, k in zip(lam.dims, idx):
        out[str(d)] = lam[d].values[k].item()
    return out


__all__ = ["FAST_PARAMETERS", "MODEL_PARAMETERS", "Evaluator", "LambdaMin", "edge_c_min", "lower_edge",
           "square_minimum", "entangled_somewhere", "parameter_threshold", "margin_root", "dephasing_critical",
           "coupling_window",
           "lambda_min_of", "error_of", "entangled", "entangled_fraction", "lambda_min_contour", "c_min",
           "min_lambda"]
