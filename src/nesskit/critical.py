"""The paper's critical values, each two ways: its formula and a numeric root found from λ_min of the NESS.

"Numeric" never uses the formula: it locates where λ_min of a pair first counts as entangled (the policy of
:mod:`nesskit.entanglement`) by root finding on λ_min of whichever method is chosen (:mod:`nesskit.analysis`; the
closed forms of SPEC §3–§4 are the fast lane of the same functions, the free-fermion thermal state of SPEC §5 for
β_c). So the same definitions apply to models beyond the paper (Δ ≠ 0, fields, site dephasing, ...), where
:func:`model_values` computes them numerically and there is no formula.

Definitions (SPEC §3–§5, paper Eqs. 4, 16, 18, 22–25):

* ``coupling_min_boundary`` Γ_min (Eq. 18): the smallest Γ = Γ_L = Γ_R at which ρ₁₂ is entangled somewhere in the
  c–d square (:func:`nesskit.analysis.parameter_threshold`).
* ``coupling_best_boundary``: the Γ at which the ρ₁₂ tongue is largest, *defined as the Γ that minimises c_min*
  (Eq. 16) — the paper's reading (≈ 1.08873). Formula: minimiser of Eq. 16; numeric: minimiser of the numerically
  found c_min (:func:`nesskit.regions.c_min`), both by a golden-section search refined by a polynomial fit.
* ``coupling_bulk_low`` / ``coupling_bulk_high``: ends of the Γ range (Eq. 23) in which a bulk pair ρ_{j,j+1} is
  entangled somewhere in the square.
* ``dephasing_critical...`` γ_c (Eq. 24): the smallest γ above which the central pair (⌊n/2⌋, ⌊n/2⌋ + 1) is
  entangled nowhere in the square (:func:`nesskit.analysis.dephasing_critical`).
* ``coupling_minus/plus...`` Γ± (Eq. 25): the Γ range of central-pair entanglement at fixed γ, n
  (:func:`nesskit.analysis.coupling_window`).
* ``c_min_boundary`` / ``c_min_central`` (Eqs. 16, 22 at γ = 0; Fig. 11 for γ > 0): the start of the entangled
  interval on the edge d = 1 at the model's γ (:func:`nesskit.analysis.edge_c_min`).
* ``beta_c_phi{φ}`` β_c: the inverse temperature at which λ_min of the nearest-neighbour thermal state crosses
  zero. There is no closed formula: ``formula`` is the root of Eq. 4 with the integrals of Eq. 3 done by
  quadrature (:func:`nesskit.thermal.beta_critical`); ``numeric`` is the root for the central bond of an open
  chain of 256 spins by free fermions (:func:`nesskit.thermal.beta_critical_finite`), an independent route.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from . import analysis, regions, thermal
from .analysis import LambdaMin
from .errors import ParameterError, check_int, check_nonnegative, check_positive
from .model import Model

#: w = 1 + √2 of Eqs. 23–25.
W = 1 + math.sqrt(2)

#: The chain on which the model-independent (γ = 0) values of the paper are computed (any n ≥ 4 gives the same).
PAPER_N = 6


# -- the paper's formulas -------------------------------------------------------------------------------------
def coupling_min_boundary_formula() -> float:
    """Eq. 18: Γ_min = √{[−3 + (27 − 3√78)^{1/3} + (27 + 3√78)^{1/3}] / 6} ≈ 0.511."""
    s78 = 3 * math.sqrt(78)
    return math.sqrt((-3 + np.cbrt(27 - s78) + np.cbrt(27 + s78)) / 6)


def coupling_best_boundary_formula() -> float:
    """The Γ minimising c_min of Eq. 16 (the largest boundary tongue, ≈ 1.08873)."""
    return _argmin_smooth(lambda g: float(regions.boundary_c_min(g)), 0.6, 3.0)


def coupling_bulk_range_formula() -> tuple[float, float]:
    """Eq. 23: ½(1 + √2 ∓ √(2√2 − 1)), i.e. 0.531 < Γ < 1.883."""
    root = math.sqrt(2 * math.sqrt(2) - 1)
    return (W - root) / 2, (W + root) / 2


def dephasing_critical_formula(n: int, coupling: float) -> float:
    """Eq. 24: γ_c = (√2 + 1 − Γ − 1/Γ)/(n − 2) for the central pair (n even); ≤ 0 means no entanglement."""
    n = check_int("n", n, 4)
    g = check_positive("coupling", coupling)
    return (W - g - 1 / g) / (n - 2)


def coupling_range_formula(dephasing: float, n: int) -> tuple[float, float]:
    """Eq. 25: Γ± = ½{w − γ(n − 2) ± √([w − γ(n − 2)]² − 4)}, w = 1 + √2 (NaN if the range is empty)."""
    n = check_int("n", n, 4)
    gamma = check_nonnegative("dephasing", dephasing)
    x = W - gamma * (n - 2)
    if x < 2:
        return math.nan, math.nan
    root = math.sqrt(x * x - 4)
    return (x - root) / 2, (x + root) / 2


# -- numeric, from λ_min of the NESS ---------------------------------------------------------------------------
def min_over_square(pair: Any, coupling: float, dephasing: float = 0.0, n: int = 4, method: Any = "auto",
                    **model: Any) -> tuple[float, float, float]:
    """min over (c, d) ∈ [−1, 1]² of λ_min of the pair, and where: (λ_min, c, d).

    By :func:`nesskit.analysis.square_minimum` (grid, then a local search) on λ_min of ``method``.
    """
    f = LambdaMin(Model(n, coupling=check_positive("coupling", coupling),
                        dephasing=check_nonnegative("dephasing", dephasing), **model), pair, method)
    sq = analysis.square_minimum(f)
    return sq["lambda_min"], sq["c"], sq["d"]


def _argmin_smooth(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Minimiser of a smooth function: golden section to ~1e-4, then the stationary point of a degree-4 fit on
    ±5e-3 (robust to ~1e-15 noise in f, unlike a pure comparison search)."""
    coarse = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-5}).x
    xs = coarse + np.linspace(-5e-3, 5e-3, 11)
    poly = np.polynomial.Polynomial.fit(xs, [f(x) for x in xs], 4)
    roots = poly.deriv().roots()
    real = roots[np.abs(roots.imag) < 1e-9].real
    return float(real[np.argmin(np.abs(real - coarse))])


def coupling_min_boundary_numeric(method: Any = "auto", n: int = PAPER_N) -> float:
    """Smallest Γ with entangled ρ₁₂ somewhere in the c–d square (γ = 0), from λ_min of the NESS."""
    f = LambdaMin(Model(n), "boundary", method)
    return analysis.parameter_threshold(f, "coupling", inside=1.0, outside=0.3)


def coupling_best_boundary_numeric() -> float:
    """Γ minimising the numerically found c_min of the ρ₁₂ tongue (:func:`nesskit.regions.c_min`)."""
    return _argmin_smooth(lambda g: float(regions.c_min("boundary", g, n=PAPER_N)), 0.8, 1.6)


def coupling_bulk_range_numeric(method: Any = "auto", n: int = PAPER_N) -> tuple[float, float]:
    """Γ range of an entangled bulk pair (⌊n/2⌋, ⌊n/2⌋ + 1) (γ = 0), from λ_min of the NESS."""
    f = LambdaMin(Model(n), "bulk", method)
    return (analysis.parameter_threshold(f, "coupling", inside=1.0, outside=0.3),
            analysis.parameter_threshold(f, "coupling", inside=1.0, outside=3.0))


def dephasing_critical_numeric(n: int, coupling: float, method: Any = "auto", pair: Any = "central",
                               **model: Any) -> float:
    """The smallest γ above which the pair (default central) is entangled nowhere in the square (SPEC §4)."""
    n = check_int("n", n, 2)
    coupling = check_positive("coupling", coupling)
    f = LambdaMin(Model(n, coupling=coupling, **model), pair, method)
    gamma_c = analysis.dephasing_critical(f)
    if math.isnan(gamma_c):
        raise ParameterError(f"no entanglement of pair {pair!r} anywhere in the c-d square even at dephasing 0 "
                             f"(n = {n}, coupling = {coupling})")
    return gamma_c


def coupling_range_numeric(dephasing: float, n: int, method: Any = "auto", **model: Any) -> tuple[float, float]:
    """Γ± at fixed γ and n (Eq. 25 read numerically): the Γ range of an entangled central pair (NaN if empty)."""
    n = check_int("n", n, 2)
    gamma = check_nonnegative("dephasing", dephasing)
    f = LambdaMin(Model(n, dephasing=gamma, **model), "central", method)
    return analysis.coupling_window(f, coupling=1.0)


# -- the table ------------------------------------------------------------------------------------------------
def _rel(numeric: float | None, formula: float | None) -> float | None:
    if numeric is None or formula is None or not (math.isfinite(numeric) and math.isfinite(formula)):
        return None
    return abs(numeric - formula) / abs(formula) if formula else abs(numeric - formula)


def _clean(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _row(name: str, description: str, paper: float | None, formula: float | None, numeric: float | None
         ) -> dict[str, Any]:
    formula, numeric = _clean(formula), _clean(numeric)
    return {"name": name, "description": description, "paper": paper, "formula": formula, "numeric": numeric,
            "rel_diff": _rel(numeric, formula)}


def paper_values() -> list[dict[str, Any]]:
    """The model-independent critical values of the paper (its XX chain), formula beside the numeric root.

    Computed through the same functions as :func:`model_values`, on the closed-form fast lane.
    """
    rows = []
    b0, b4 = thermal.beta_critical([0.0, 4.0])
    rows.append(_row("beta_c_phi0", "β_c at φ = 0 (Eq. 4; formula: quadrature of Eq. 3; numeric: open chain n=256)",
                     0.5162, b0, thermal.beta_critical_finite(0.0)))
    rows.append(_row("beta_c_phi4", "β_c at φ = 4 (Eq. 4; formula: quadrature of Eq. 3; numeric: open chain n=256)",
                     0.5146, b4, thermal.beta_critical_finite(4.0)))
    rows.append(_row("coupling_min_boundary", "Γ_min: smallest Γ with entangled ρ12, γ = 0 (Eq. 18)",
                     0.511, coupling_min_boundary_formula(), coupling_min_boundary_numeric()))
    rows.append(_row("coupling_best_boundary", "Γ minimising c_min of the ρ12 tongue, γ = 0 (Eq. 16)",
                     1.08873, coupling_best_boundary_formula(), coupling_best_boundary_numeric()))
    low_f, high_f = coupling_bulk_range_formula()
    low_n, high_n = coupling_bulk_range_numeric()
    rows.append(_row("coupling_bulk_low", "lower end of the bulk-entanglement Γ range, γ = 0 (Eq. 23)", 0.531, low_f,
                     low_n))
    rows.append(_row("coupling_bulk_high", "upper end of the bulk-entanglement Γ range, γ = 0 (Eq. 23)", 1.883,
                     high_f, high_n))
    rows.append(_row("dephasing_critical_n6_coupling1", "γ_c of the central pair, n = 6, Γ = 1 (Eq. 24)", None,
                     dephasing_critical_formula(6, 1.0), dephasing_critical_numeric(6, 1.0)))
    rows.append(_row("dephasing_critical_n10_coupling1.5", "γ_c of the central pair, n = 10, Γ = 1.5 (Eq. 24)", None,
                     dephasing_critical_formula(10, 1.5), dephasing_critical_numeric(10, 1.5)))
    minus_f, plus_f = coupling_range_formula(0.02, 10)
    minus_n, plus_n = coupling_range_numeric(0.02, 10)
    rows.append(_row("coupling_minus_n10_dephasing0.02", "Γ₋ of the central pair, n = 10, γ = 0.02 (Eq. 25)", None,
                     minus_f, minus_n))
    rows.append(_row("coupling_plus_n10_dephasing0.02", "Γ₊ of the central pair, n = 10, γ = 0.02 (Eq. 25)", None,
                     plus_f, plus_n))
    return rows


def _is_paper_model(model: Model) -> bool:
    """The paper's chain: closed forms apply (uniform XX, uniform γ) and Γ_L = Γ_R."""
    from .methods import ClosedForm

    return ClosedForm().why_not(model) is None and model.coupling_left == model.coupling_right


def _describe(model: Model) -> str:
    parts = [f"n = {model.n}"]
    if model.coupling_left == model.coupling_right:
        parts.append(f"Γ = {model.coupling_left:g}")
    else:
        parts.append(f"Γ_L = {model.coupling_left:g}, Γ_R = {model.coupling_right:g}")
    gamma = model.uniform_dephasing
    parts.append(f"γ = {gamma:g}" if gamma is not None else "site-dependent γ")
    if model.delta:
        parts.append(f"Δ = {model.delta:g}")
    if any(model.field_profile):
        parts.append("fields")
    if any(j != 1.0 for j in model.hopping_profile):
        parts.append("hopping")
    return ", ".join(parts)


def _search_note(f: LambdaMin) -> str:
    lane = f.lane
    return (f"method {f.method.name}, {lane} lane; square {analysis.SQUARE_POINTS[lane]}² grid + L-BFGS-B, edge "
            f"{analysis.EDGE_POINTS[lane]} points, roots to {analysis.ROOT_XTOL[lane]:g}")


def model_values(model: Model, method: Any = "auto") -> list[dict[str, Any]]:
    """The model-dependent critical values of one chain, by root finding on λ_min of ``method``.

    Rows (all numeric; a formula only where the paper gives one for this chain, i.e. the uniform XX chain with
    Γ_L = Γ_R, else None):

    * ``c_min_boundary`` / ``c_min_central``: start of the entangled interval of ρ₁₂ / of the central pair
      (⌊n/2⌋, ⌊n/2⌋ + 1) on the edge d = 1 at the model's γ (Eq. 16 / Eq. 22 at γ = 0);
    * ``dephasing_critical``: the smallest uniform γ above which the central pair is entangled nowhere in the c–d
      square, the other parameters fixed (Eq. 24 for even n; a site profile of γ is replaced by the uniform γ);
    * ``coupling_minus`` / ``coupling_plus``: the Γ range of central-pair entanglement at the model's dephasing
      (Eq. 25 for even n and uniform γ; only for Γ_L = Γ_R).
    """
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    paper = _is_paper_model(model)
    gamma = model.uniform_dephasing
    desc = _describe(model)
    rows = []
    fb = LambdaMin(model, "boundary", method)
    fc = LambdaMin(model, "central", method)
    note = _search_note(fc)
    i, j = fc.sites
    def ref(eq: str, value: float | None) -> str:
        return f"formula: {eq}" if value is not None else "no formula for this chain"

    eq16 = float(regions.boundary_c_min(model.coupling_left)) if paper and gamma == 0 and model.n >= 3 else None
    eq16 = eq16 if eq16 is None or eq16 <= 1 else None
    rows.append(_row("c_min_boundary", f"start of the ρ1,2 entangled interval on d = 1 ({desc}; {ref('Eq. 16', eq16)};"
                     f" {note})", None, eq16, analysis.edge_c_min(fb)))
    eq22 = float(regions.bulk_c_min(model.coupling_left)) if paper and gamma == 0 and model.n >= 4 else None
    eq22 = eq22 if eq22 is None or eq22 <= 1 else None
    rows.append(_row("c_min_central", f"start of the ρ{i},{j} entangled interval on d = 1 ({desc}; "
                     f"{ref('Eq. 22', eq22)}; {note})", None, eq22, analysis.edge_c_min(fc)))
    even = model.n % 2 == 0 and model.n >= 4
    eq24 = dephasing_critical_formula(model.n, model.coupling_left) if paper and even else None
    eq24 = eq24 if eq24 is None or eq24 > 0 else None
    varied = "uniform γ varied" if gamma is not None else "uniform γ in place of the site profile"
    rows.append(_row("dephasing_critical", f"smallest γ above which ρ{i},{j} is entangled nowhere in the c–d "
                     f"square ({desc}, {varied}; {ref('Eq. 24', eq24)}; {note})", None, eq24,
                     analysis.dephasing_critical(fc)))
    if model.coupling_left == model.coupling_right:
        minus_n, plus_n = analysis.coupling_window(fc)
        minus_f, plus_f = coupling_range_formula(gamma, model.n) if paper and even and gamma is not None \
            else (None, None)
        for name, f_val, n_val, sym in (("coupling_minus", minus_f, minus_n, "Γ₋"),
                                        ("coupling_plus", plus_f, plus_n, "Γ₊")):
            f_val = _clean(f_val)
            rows.append(_row(name, f"{sym}: end of the Γ range with ρ{i},{j} entangled somewhere in the square "
                             f"({desc}, Γ varied; {ref('Eq. 25', f_val)}; {note})", None, f_val, n_val))
    return rows


def critical_values(model: Model | None = None, method: Any = "auto") -> list[dict[str, Any]]:
    """Every critical value: the paper's (:func:`paper_values`) and, with a model, that chain's
    (:func:`model_values`, by ``method``).

    Each row: ``name``, ``description``, ``paper`` (the paper's stated value, None where it gives only a formula),
    ``formula`` (None where there is none), ``numeric`` (the root found from λ_min; None if there is no such
    point), ``rel_diff`` = |numeric − formula| / |formula| (None without a formula).
    """
    rows = paper_values()
    if model is not None:
        rows += model_values(model, method)
    return rows
