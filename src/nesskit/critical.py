"""The paper's critical values, each two ways: its formula and a numeric root found from the NESS itself.

"Numeric" never uses the formula: it locates where λ_min (of the closed-form NESS, SPEC §3–§4, or of the
free-fermion thermal state, SPEC §5) first becomes negative, by bisection / Brent's method / minimisation.

Definitions (SPEC §3–§5, paper Eqs. 4, 16, 18, 23–25):

* ``coupling_min_boundary`` Γ_min (Eq. 18): the smallest Γ = Γ_L = Γ_R at which min over the c–d square of
  λ_min(ρ₁₂) < 0. Numeric: bisection in Γ on "the minimum over the square (grid with corners, then a local
  search) is below −:data:`ENTANGLED_BELOW`".
* ``coupling_best_boundary``: the Γ at which the ρ₁₂ tongue is largest, *defined as the Γ that minimises c_min*
  (Eq. 16) — the paper's reading (≈ 1.08873). Other readings (largest tongue area, most negative λ_min) give
  other numbers. Formula: minimiser of Eq. 16; numeric: minimiser of the numerically found c_min
  (:func:`nesskit.regions.c_min`), both by a golden-section search refined by a polynomial fit of the minimum.
* ``coupling_bulk_low`` / ``coupling_bulk_high``: ends of the Γ range (Eq. 23) in which a bulk pair
  ρ_{j,j+1} is entangled somewhere in the square; numeric as for Γ_min.
* ``dephasing_critical_n{n}_coupling{Γ}`` γ_c (Eq. 24): the largest γ at which the central pair
  ρ_{n/2,n/2+1} is entangled somewhere in the square; numeric: bisection in γ on the minimum over the square.
* ``coupling_minus/plus_...`` Γ± (Eq. 25): the Γ range of central-pair entanglement at fixed γ, n.
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
from scipy.optimize import minimize, minimize_scalar

from . import regions, thermal
from .errors import ParameterError, check_int, check_nonnegative, check_positive

#: A state counts as entangled when its λ_min is below −ENTANGLED_BELOW (guards against rounding at pure
#: product corners, where λ_min = 0 exactly). Shifts the critical values by ~1e-13.
ENTANGLED_BELOW = 1e-14

#: w = 1 + √2 of Eqs. 23–25.
W = 1 + math.sqrt(2)

_SQUARE = np.linspace(-1.0, 1.0, 41)


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
def min_over_square(pair: regions.Pair, coupling: float, dephasing: float = 0.0, n: int = 4
                    ) -> tuple[float, float, float]:
    """min over (c, d) ∈ [−1, 1]² of λ_min of the pair, and where: a 41 × 41 grid (corners included), then a
    bounded quasi-Newton search from the best grid point. Returns (λ_min, c, d)."""
    lam = regions.pair_lambda_min(pair, _SQUARE[:, None], _SQUARE[None, :], coupling, dephasing, n)
    k, m = np.unravel_index(int(np.argmin(lam)), lam.shape)
    best = (float(lam[k, m]), float(_SQUARE[k]), float(_SQUARE[m]))

    def f(x: np.ndarray) -> float:
        return float(regions.pair_lambda_min(pair, x[0], x[1], coupling, dephasing, n))

    res = minimize(f, x0=[best[1], best[2]], method="L-BFGS-B", bounds=[(-1, 1), (-1, 1)],
                   options={"ftol": 1e-16, "gtol": 1e-14})
    if res.fun < best[0]:
        best = (float(res.fun), float(res.x[0]), float(res.x[1]))
    return best


def _entangled(pair: regions.Pair, coupling: float, dephasing: float, n: int) -> bool:
    return min_over_square(pair, coupling, dephasing, n)[0] < -ENTANGLED_BELOW


def _bisect(inside: Callable[[float], bool], outside_at: float, inside_at: float, xtol: float = 1e-13) -> float:
    """The boundary between ``outside_at`` (where ``inside`` is False) and ``inside_at`` (True), by bisection."""
    if inside(outside_at) or not inside(inside_at):
        raise ParameterError(f"no entanglement threshold between {outside_at!r} and {inside_at!r}")
    a, b = outside_at, inside_at
    while abs(b - a) > xtol * max(1.0, abs(a)):
        mid = 0.5 * (a + b)
        if inside(mid):
            b = mid
        else:
            a = mid
    return 0.5 * (a + b)


def _argmin_smooth(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Minimiser of a smooth function: golden section to ~1e-4, then the stationary point of a degree-4 fit on
    ±5e-3 (robust to ~1e-15 noise in f, unlike a pure comparison search)."""
    coarse = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-5}).x
    xs = coarse + np.linspace(-5e-3, 5e-3, 11)
    poly = np.polynomial.Polynomial.fit(xs, [f(x) for x in xs], 4)
    roots = poly.deriv().roots()
    real = roots[np.abs(roots.imag) < 1e-9].real
    return float(real[np.argmin(np.abs(real - coarse))])


def coupling_min_boundary_numeric() -> float:
    """Smallest Γ with entangled ρ₁₂ somewhere in the c–d square (γ = 0), from λ_min of the NESS."""
    return _bisect(lambda g: _entangled("boundary", g, 0.0, 4), 0.3, 1.0)


def coupling_best_boundary_numeric() -> float:
    """Γ minimising the numerically found c_min of the ρ₁₂ tongue (:func:`nesskit.regions.c_min`)."""
    return _argmin_smooth(lambda g: float(regions.c_min("boundary", g)), 0.8, 1.6)


def coupling_bulk_range_numeric() -> tuple[float, float]:
    """Γ range of entangled bulk pairs ρ_{j,j+1} (γ = 0), from λ_min of the NESS."""

    def inside(g: float) -> bool:
        return _entangled("bulk", g, 0.0, 4)

    return _bisect(inside, 0.3, 1.0), _bisect(inside, 3.0, 1.0)


def dephasing_critical_numeric(n: int, coupling: float) -> float:
    """Largest γ with an entangled central pair somewhere in the square, from λ_min of the NESS (SPEC §4)."""
    n = check_int("n", n, 4)
    coupling = check_positive("coupling", coupling)

    def inside(gamma: float) -> bool:
        return _entangled("central", coupling, gamma, n)

    hi = 1.0
    while inside(hi):
        hi *= 2
    return _bisect(inside, hi, 0.0)


def coupling_range_numeric(dephasing: float, n: int) -> tuple[float, float]:
    """Γ± at fixed γ and n (Eq. 25 read numerically): the Γ range of an entangled central pair.

    Γ = 1 is inside whenever the range is non-empty (Γ₊Γ₋ = 1 by Eq. 25, but the numeric search only uses it
    as a starting point and checks it).
    """
    n = check_int("n", n, 4)
    gamma = check_nonnegative("dephasing", dephasing)

    def inside(g: float) -> bool:
        return _entangled("central", g, gamma, n)

    return _bisect(inside, 1e-3, 1.0), _bisect(inside, 1e3, 1.0)


# -- the table ------------------------------------------------------------------------------------------------
def _row(name: str, description: str, paper: float | None, formula: float, numeric: float) -> dict[str, Any]:
    rel = abs(numeric - formula) / abs(formula) if formula else abs(numeric - formula)
    return {"name": name, "description": description, "paper": paper, "formula": float(formula),
            "numeric": float(numeric), "rel_diff": float(rel)}


def critical_values() -> list[dict[str, Any]]:
    """Every critical value of the paper: name, description, paper's stated value (None where the paper gives
    only a formula), formula, numeric root from the NESS, and rel_diff = |numeric − formula| / |formula|."""
    rows = []
    b0, b4 = thermal.beta_critical([0.0, 4.0])
    rows.append(_row("beta_c_phi0", "β_c at φ = 0 (Eq. 4; formula: quadrature of Eq. 3; numeric: open chain n=256)",
                     0.5162, b0, thermal.beta_critical_finite(0.0)))
    rows.append(_row("beta_c_phi4", "β_c at φ = 4 (Eq. 4; formula: quadrature of Eq. 3; numeric: open chain n=256)",
                     0.5146, b4, thermal.beta_critical_finite(4.0)))
    rows.append(_row("coupling_min_boundary", "Γ_min: smallest Γ with entangled ρ12 (Eq. 18)",
                     0.511, coupling_min_boundary_formula(), coupling_min_boundary_numeric()))
    rows.append(_row("coupling_best_boundary", "Γ minimising c_min of the ρ12 tongue (Eq. 16)",
                     1.08873, coupling_best_boundary_formula(), coupling_best_boundary_numeric()))
    low_f, high_f = coupling_bulk_range_formula()
    low_n, high_n = coupling_bulk_range_numeric()
    rows.append(_row("coupling_bulk_low", "lower end of the bulk-entanglement Γ range (Eq. 23)", 0.531, low_f, low_n))
    rows.append(_row("coupling_bulk_high", "upper end of the bulk-entanglement Γ range (Eq. 23)", 1.883, high_f,
                     high_n))
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
