"""The data behind each figure of the paper (SPEC §6), computed only through nesskit's library.

Every ``figNN_data(...)`` takes the paper's parameters as defaults plus grid sizes, and returns a plain ``dict``
of numpy arrays and scalars (``params`` holds what was used). No formula of the paper is evaluated here. Every
λ_min, profile and correlation comes from :class:`nesskit.analysis.Evaluator` / :class:`nesskit.analysis.LambdaMin`
— the one road (any method of :func:`nesskit.methods.solve`; for the paper's chain the closed forms of SPEC §3–4
are its vectorised fast lane) — and boundaries and critical values from :mod:`nesskit.analysis`,
:mod:`nesskit.regions` and :mod:`nesskit.critical`, the thermal state from :mod:`nesskit.thermal`. What is done
here is only geometry (grids over the valid parameter square, Eqs. 10–11) and reading numbers off the computed
curves. Fig. 11 (and the maps behind Figs. 4, 7) take ``method`` and further model parameters (``delta``, ...), so
that, e.g., ``fig11_data(method="exact", delta=0.3)`` redraws Fig. 11 for an interacting chain.

Conventions: sites 1-based; "entangled" is the policy of :mod:`nesskit.entanglement` (λ_min below −threshold);
maps carry ``margin`` = λ_min + threshold (negative ⇔ entangled) for the plots to shade; (c, d) and (μ, μ̄) are
related by Eq. 11.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import analysis
from ..entanglement import entanglement_threshold
from ..errors import ParameterError
from ..model import Model, driving_valid_cd, mu_from_cd

#: Grid sizes for ``nesskit reproduce`` (full) and ``nesskit reproduce --quick`` (coarse, seconds).
RESOLUTION: dict[str, dict[str, dict[str, Any]]] = {
    "full": {
        "fig01": {"points": 401},
        "fig02": {"points": 400},
        "fig03": {"points": 300},
        "fig04": {"points": 501},
        "fig05": {"points": 201, "slices": 12},
        "fig06": {"points": 401},
        "fig07": {"points": 501},
        "fig08": {"points": 201, "slices": 12},
        "fig09": {"points": 401},
        "fig10": {"points": 31},
        "fig11": {"points": 41, "map_points": 301},
        "fig12": {"sizes": (4, 6, 10, 20, 50, 100, 200), "position_sizes": (10, 16), "distance_points": 9},
    },
    "quick": {
        "fig01": {"points": 61},
        "fig02": {"points": 80},
        "fig03": {"points": 60},
        "fig04": {"points": 81},
        "fig05": {"points": 41, "slices": 6},
        "fig06": {"points": 61},
        "fig07": {"points": 81},
        "fig08": {"points": 41, "slices": 6},
        "fig09": {"points": 61},
        "fig10": {"points": 5},
        "fig11": {"points": 8, "map_points": 61},
        "fig12": {"sizes": (4, 10, 50, 200), "position_sizes": (10,), "distance_points": 3,
                  "distance_couplings": (1.0, 1.6), "distance_n": 8},
    },
}

#: A bulk pair of a γ = 0 chain (any 2 ≤ j, j + 1 ≤ n − 1 gives the same state, SPEC §3).
BULK_N = 6
BULK_PAIR = (3, 4)
#: ρ₁₂ needs n ≥ 3 so that spin 2 is a bulk spin (SPEC §3, Eq. 14).
BOUNDARY_N = 6
BOUNDARY_PAIR = (1, 2)


def _check_points(name: str, value: int, minimum: int = 3) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _evaluator(pairs: Any, n: int, coupling: float, method: Any = "auto", **model: Any) -> analysis.Evaluator:
    return analysis.Evaluator(Model(n, coupling=coupling, **model), pairs, method)


def pair_lambda_min(pair: tuple[int, int], n: int, coupling: float, mu: np.ndarray, mu_bar: np.ndarray,
                    dephasing: float = 0.0, method: Any = "auto", **model: Any) -> np.ndarray:
    """λ_min of ρ_ij in the NESS (SPEC §2–4), broadcasting over μ, μ̄ (Γ_L = Γ_R = Γ), by ``method``."""
    ev = _evaluator([pair], n, coupling, method, **model)
    return np.asarray(ev(mu=mu, mu_bar=mu_bar, dephasing=dephasing)["lambda_min"][..., 0], dtype=float)


def magnetization_profile(n: int, coupling: float, mu: np.ndarray, mu_bar: np.ndarray,
                          dephasing: float = 0.0, method: Any = "auto", **model: Any) -> np.ndarray:
    """⟨σᶻ_j⟩, j = 1..n along the last axis (SPEC §3–4), Γ_L = Γ_R = Γ, by ``method``."""
    ev = _evaluator([], n, coupling, method, **model)
    return np.asarray(ev(magnetization=True, mu=mu, mu_bar=mu_bar, dephasing=dephasing)["magnetization"])


def _margin(lam: np.ndarray, error: np.ndarray) -> np.ndarray:
    """λ_min + the policy's threshold (negative ⇔ entangled, :func:`nesskit.entanglement.entangled`)."""
    return np.asarray(lam + entanglement_threshold(error), dtype=float)


def cd_square(points: int, lo: float = -1.0, hi: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A ``points`` × ``points`` grid over the valid square c, d ∈ [lo, hi] ⊆ [−1, 1] (Eq. 11); rows are d."""
    axis = np.linspace(lo, hi, _check_points("points", points))
    c, d = np.meshgrid(axis, axis, indexing="xy")
    return c, d


def _u_mu_bar(n: int, coupling: float, c: np.ndarray, d: np.ndarray, dephasing: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """The right-panel coordinates of Figs. 4 and 7: u = (⟨σᶻₙ⟩ − ⟨σᶻ₁⟩)/2 and μ̄, from (c, d)."""
    mu, mu_bar = mu_from_cd(c, d)
    m = magnetization_profile(n, coupling, mu, mu_bar, dephasing)
    return (m[..., -1] - m[..., 0]) / 2, mu_bar


def _square_perimeter(points: int) -> tuple[np.ndarray, np.ndarray]:
    """The boundary of the valid square, c, d = ±1, as a closed polyline."""
    s = np.linspace(-1, 1, points)
    one = np.ones_like(s)
    c = np.concatenate([s, one, s[::-1], -one])
    d = np.concatenate([-one, s, one, s[::-1]])
    return c, d


# -- Figs. 4 and 7: the c–d and u–μ̄ planes -------------------------------------------------------------------------
def entangled_map(pair: tuple[int, int], n: int, coupling: float, points: int, dephasing: float = 0.0,
                  lo: float = -1.0, method: Any = "auto", **model: Any) -> dict[str, Any]:
    """λ_min (and the policy's margin) of ρ_pair over the c–d square, with the u–μ̄ coordinates of every grid point
    (Figs. 4, 7, 11), by ``method`` (one solve per point unless the closed-form fast lane applies)."""
    c, d = cd_square(points, lo=lo)
    ev = _evaluator([pair], n, coupling, method, **model)
    res = ev(magnetization=True, c=c, d=d, dephasing=dephasing)
    lam = res["lambda_min"][..., 0]
    m = res["magnetization"]
    return {"c": c, "d": d, "lambda_min": lam, "margin": _margin(lam, res["error"]),
            "u": (m[..., -1] - m[..., 0]) / 2, "mu_bar": (d - c) / 2}


def _edge_curves(c_min: float, edge: Callable[[np.ndarray], np.ndarray], n: int, coupling: float,
                 samples: int = 400) -> dict[str, np.ndarray]:
    """The paper's boundary of the right tongue/pocket, c ∈ [c_min, 1], its mirror, and both in the u–μ̄ plane."""
    from .. import regions

    if not np.isfinite(c_min) or c_min >= 1:
        empty = np.array([])
        return {"c": empty, "d": empty, "u": empty, "mu_bar": empty,
                "c_left": empty, "d_left": empty, "u_left": empty, "mu_bar_left": empty}
    c = np.linspace(c_min, 1.0, samples)
    d = np.asarray(edge(c), dtype=float)
    keep = np.isfinite(d) & driving_valid_cd(c, np.where(np.isfinite(d), d, 2.0))  # Eq. 10, the one check
    c, d = c[keep], np.clip(d[keep], -1, 1)  # only rounding inside RHOMBUS_TOLERANCE is clipped
    cl, dl = regions.spin_flip(c, d)
    u, mb = _u_mu_bar(n, coupling, c, d)
    ul, mbl = _u_mu_bar(n, coupling, cl, dl)
    return {"c": c, "d": d, "u": u, "mu_bar": mb, "c_left": cl, "d_left": dl, "u_left": ul, "mu_bar_left": mbl}


def fig04_data(coupling: float = 2.0, points: int = 501) -> dict[str, Any]:
    """Fig. 4: where ρ₁₂ is entangled (λ_min < 0), Γ_L = Γ_R = Γ, γ = 0, in the c–d and u–μ̄ planes.

    Overlays: Eq. 16 (tongue start c_min) and Eq. 17 (its bottom edge) from :mod:`nesskit.regions`, mirrored
    for the left tongue; the allowed region's boundary (the square's image) for the u–μ̄ panel.
    """
    from .. import regions

    out = entangled_map(BOUNDARY_PAIR, BOUNDARY_N, coupling, points)
    c_min = float(regions.boundary_c_min(coupling))
    out["paper_c_min"] = c_min
    out["edge"] = _edge_curves(c_min, lambda c: regions.boundary_edge(c, coupling), BOUNDARY_N, coupling)
    pc, pd = _square_perimeter(101)
    out["allowed_u"], out["allowed_mu_bar"] = _u_mu_bar(BOUNDARY_N, coupling, pc, pd)
    out["numeric_c_min"] = float(regions.c_min("boundary", coupling))
    out["grid_c_min"] = tongue_start(out["c"], out["d"], out["margin"])
    out["params"] = {"coupling": coupling, "pair": BOUNDARY_PAIR, "n": BOUNDARY_N, "dephasing": 0.0,
                     "points": points}
    return out


def fig07_data(coupling: float = 1.0, points: int = 501) -> dict[str, Any]:
    """Fig. 7: where a bulk pair ρ_{j,j+1} is entangled, γ = 0, in the c–d and u–μ̄ planes.

    Overlays: Eq. 22 (pocket start c_min) and Eq. 21 (its lower edge) from :mod:`nesskit.regions`, mirrored.
    """
    from .. import regions

    out = entangled_map(BULK_PAIR, BULK_N, coupling, points)
    c_min = float(regions.bulk_c_min(coupling))
    out["paper_c_min"] = c_min
    out["edge"] = _edge_curves(c_min, lambda c: regions.bulk_edge(c, coupling), BULK_N, coupling)
    pc, pd = _square_perimeter(101)
    out["allowed_u"], out["allowed_mu_bar"] = _u_mu_bar(BULK_N, coupling, pc, pd)
    out["numeric_c_min"] = float(regions.c_min("bulk", coupling))
    out["grid_c_min"] = tongue_start(out["c"], out["d"], out["margin"])
    out["params"] = {"coupling": coupling, "pair": BULK_PAIR, "n": BULK_N, "dephasing": 0.0, "points": points}
    return out


def tongue_start(c: np.ndarray, d: np.ndarray, margin: np.ndarray) -> float:
    """The smallest c > 0 of an entangled grid point (read off a c–d map; resolution = grid step), or nan.

    ``margin`` is λ_min + threshold of the map (negative exactly where the policy calls the point entangled).
    """
    mask = (np.asarray(margin) < 0) & (c > 0)
    return float(c[mask].min()) if mask.any() else float("nan")


# -- Figs. 5 and 8: stacked c–d slices over Γ --------------------------------------------------------------------
def _slices(pair: tuple[int, int], n: int, couplings: np.ndarray, points: int) -> dict[str, Any]:
    c, d = cd_square(points)
    mu, mu_bar = mu_from_cd(c, d)
    ev = _evaluator([pair], n, 1.0)
    res = ev(mu=mu[None], mu_bar=mu_bar[None], coupling=np.asarray(couplings, dtype=float)[:, None, None])
    lam = res["lambda_min"][..., 0]
    return {"c": c, "d": d, "couplings": np.asarray(couplings, dtype=float), "lambda_min": lam,
            "margin": _margin(lam, res["error"])}


def fig05_data(coupling_range: tuple[float, float] = (0.45, 3.0), slices: int = 12, points: int = 201
               ) -> dict[str, Any]:
    """Fig. 5: ρ₁₂'s entangled region in (c, d, Γ) as stacked c–d slices; Eq. 16–17's tongue tip overlaid.

    The tip of the right tongue, (c_min(Γ), d_edge(c_min, Γ), Γ) from Eqs. 16–17, is returned for Γ > Γ_min
    (Eq. 18) together with Γ_min itself, so the plot can show where the tongues appear.
    """
    from .. import critical, regions

    lo, hi = coupling_range
    couplings = np.linspace(lo, hi, _check_points("slices", slices, 2))
    out = _slices(BOUNDARY_PAIR, BOUNDARY_N, couplings, points)
    fine = np.linspace(lo, hi, 400)
    cm = np.array([float(regions.boundary_c_min(g)) for g in fine])
    keep = cm <= 1
    tip_d = np.array([float(regions.boundary_edge(c, g)) for c, g in zip(cm[keep], fine[keep])])
    out["tip"] = {"coupling": fine[keep], "c": cm[keep], "d": tip_d}
    out["coupling_min"] = float(critical.coupling_min_boundary_formula())
    out["params"] = {"coupling_range": coupling_range, "slices": slices, "points": points, "pair": BOUNDARY_PAIR}
    return out


def fig08_data(coupling_range: tuple[float, float] = (0.45, 2.0), slices: int = 12, points: int = 201
               ) -> dict[str, Any]:
    """Fig. 8: the bulk pockets in (c, d, Γ) as stacked c–d slices; the pocket tip from Eqs. 21–22 overlaid.

    The pockets exist only for 0.531 < Γ < 1.883 (Eq. 23); the slices span a slightly wider range so that
    their appearance and disappearance are visible.
    """
    from .. import regions

    lo, hi = coupling_range
    couplings = np.linspace(lo, hi, _check_points("slices", slices, 2))
    out = _slices(BULK_PAIR, BULK_N, couplings, points)
    fine = np.linspace(lo, hi, 400)
    cm = np.array([float(regions.bulk_c_min(g)) for g in fine])
    keep = cm <= 1
    tip_d = np.array([float(regions.bulk_edge(c, g)) for c, g in zip(cm[keep], fine[keep])])
    out["tip"] = {"coupling": fine[keep], "c": cm[keep], "d": tip_d}
    out["params"] = {"coupling_range": coupling_range, "slices": slices, "points": points, "pair": BULK_PAIR}
    return out


# -- Figs. 1, 6, 9: the (⟨z⟩, ⟨zz⟩) plane of the bulk ------------------------------------------------------------
def zzz_cloud(coupling: float, points: int, entangled_pair: tuple[int, int], mu_bar_range: tuple[float, float]
              ) -> dict[str, Any]:
    """Bulk ⟨z⟩ = ⟨σᶻ_j⟩ and ⟨zz⟩ = ⟨σᶻ_jσᶻ_{j+1}⟩ of every NESS (γ = 0), and λ_min of ``entangled_pair``.

    The grid is curvilinear: μ̄ along axis 0 and s = μ/μ_max(μ̄) ∈ [0, 1] along axis 1, with μ_max = 2(1 − |μ̄|)
    the edge of the rhombus (Eq. 10). (μ, μ̄) and (−μ, μ̄) give the same bulk point, so λ_min is the smaller of
    the two: a point is marked entangled if some NESS with these bulk values has an entangled pair. s = 0 is
    the equilibrium curve ⟨zz⟩ = ⟨z⟩² (Eq. 12), s = 1 the lower edge of the NESS region.
    """
    lo, hi = mu_bar_range
    if not -1 <= lo < hi <= 1:
        raise ParameterError(f"mu_bar_range must satisfy -1 <= lo < hi <= 1, got {mu_bar_range!r}")
    mu_bar = np.linspace(lo, hi, _check_points("points", points))[:, None]
    s = np.linspace(0, 1, points)[None, :]
    mu = s * 2 * (1 - np.abs(mu_bar))
    mu, mu_bar = np.broadcast_arrays(mu, mu_bar)
    ev = _evaluator([BULK_PAIR, entangled_pair], BULK_N, coupling)
    plus = ev(correlations=True, mu=mu, mu_bar=mu_bar)
    minus = ev(mu=-mu, mu_bar=mu_bar)
    z, zz = plus["z_i"][..., 0], plus["zz"][..., 0]
    margins = (_margin(plus["lambda_min"][..., 1], plus["error"]), _margin(minus["lambda_min"][..., 1], minus["error"]))
    lam = np.minimum(plus["lambda_min"][..., 1], minus["lambda_min"][..., 1])
    return {"z": z, "zz": zz, "lambda_min": lam, "margin": np.minimum(*margins), "mu": mu, "mu_bar": mu_bar,
            "equilibrium_z": z[:, 0], "equilibrium_zz": zz[:, 0], "lower_z": z[:, -1], "lower_zz": zz[:, -1]}


def fig01_data(coupling: float = 1.0, points: int = 401, zoom: float = 0.3) -> dict[str, Any]:
    """Fig. 1: centre of Fig. 9 (left) — bulk ⟨z⟩ vs ⟨zz⟩, γ = 0, Γ = 1, bulk-pair entanglement marked."""
    out = zzz_cloud(coupling, points, BULK_PAIR, (-zoom, zoom))
    out["params"] = {"coupling": coupling, "points": points, "zoom": zoom, "entangled_pair": BULK_PAIR}
    return out


def fig06_data(coupling: float = 1.088, points: int = 401) -> dict[str, Any]:
    """Fig. 6: bulk ⟨z⟩ vs ⟨zz⟩ at Γ = 1.088 with the region where the boundary pair ρ₁₂ is entangled."""
    out = zzz_cloud(coupling, points, BOUNDARY_PAIR, (-1.0, 1.0))
    out["params"] = {"coupling": coupling, "points": points, "entangled_pair": BOUNDARY_PAIR}
    return out


def fig09_data(couplings: tuple[float, float] = (1.0, 1.5), points: int = 401) -> dict[str, Any]:
    """Fig. 9: bulk ⟨z⟩ vs ⟨zz⟩ with bulk-pair entanglement, for Γ = 1 (left) and Γ = 1.5 (right)."""
    panels = [zzz_cloud(g, points, BULK_PAIR, (-1.0, 1.0)) for g in couplings]
    return {"panels": panels, "params": {"couplings": tuple(couplings), "points": points,
                                         "entangled_pair": BULK_PAIR}}


# -- Figs. 2 and 3: the grand-canonical (thermal) state -----------------------------------------------------------
def fig02_data(phi: float = 0.0, temperature_max: float = 4.0, points: int = 400) -> dict[str, Any]:
    """Fig. 2: λ_min of the grand-canonical nearest-neighbour state vs T (SPEC §5, Eqs. 3–4).

    Also returns the zero crossing read off the computed curve (linear interpolation between grid points) and
    T_c = 1/β_c from :func:`nesskit.thermal.beta_critical`.
    """
    from .. import thermal

    temperature = np.linspace(temperature_max / points, temperature_max, _check_points("points", points))
    lam = np.asarray(thermal.lambda_min(1 / temperature, phi), dtype=float)
    crossing = first_zero(temperature, lam)
    return {"temperature": temperature, "lambda_min": lam, "crossing": crossing,
            "critical_temperature": 1 / float(thermal.beta_critical(phi)),
            "params": {"phi": phi, "temperature_max": temperature_max, "points": points}}


def first_zero(x: np.ndarray, y: np.ndarray) -> float:
    """The first sign change of y(x), by linear interpolation between grid points; nan if y never changes sign."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    s = np.sign(y)
    idx = np.nonzero(s[:-1] * s[1:] <= 0)[0]
    idx = [k for k in idx if not (y[k] == 0 and y[k + 1] == 0)]  # type: ignore[assignment]
    if not idx:
        return float("nan")
    k = idx[0]
    if y[k] == y[k + 1]:
        return float(x[k])
    return float(x[k] - y[k] * (x[k + 1] - x[k]) / (y[k + 1] - y[k]))


#: Iso-temperature and iso-φ curves of Fig. 3 (the paper's values).
FIG03_TEMPERATURES = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, np.inf)
FIG03_PHIS = (0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0)


def fig03_data(points: int = 300, temperatures: tuple[float, ...] = FIG03_TEMPERATURES,
               phis: tuple[float, ...] = FIG03_PHIS) -> dict[str, Any]:
    """Fig. 3: iso-T and iso-φ curves of the infinite grand-canonical XX chain in the (⟨z⟩, ⟨E⟩) plane.

    ⟨z⟩ and ⟨E⟩ = 2⟨σˣσˣ⟩ from :func:`nesskit.thermal.energy_magnetization` (SPEC §5; nesskit's sign of ⟨z⟩).
    Iso-T curves sweep φ over ±(2β + 15), enough for ⟨z⟩ to reach ±1 to ~1e-12; T = 0 is the ground-state curve
    :func:`nesskit.thermal.ground_state_energy` (at fixed finite φ, β = ∞ is always half filling). Iso-φ curves
    sweep β = 1/T over [0, 10³] (T from ∞ down to ~0). Every NESS has ⟨E⟩ = 0: the T = ∞ curve.
    """
    from .. import thermal

    n_pts = _check_points("points", points)
    s = np.sinh(np.linspace(-4, 4, n_pts)) / np.sinh(4)  # denser near φ = 0
    iso_t = []
    for t in temperatures:
        if t == 0:
            z = np.linspace(-1, 1, n_pts)
            iso_t.append({"temperature": 0.0, "z": z, "energy": np.asarray(thermal.ground_state_energy(z))})
            continue
        beta = 0.0 if np.isinf(t) else 1 / t
        z, e = thermal.energy_magnetization(beta, s * (2 * beta + 15))
        iso_t.append({"temperature": float(t), "z": np.asarray(z), "energy": np.asarray(e)})
    beta_axis = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, n_pts)])
    iso_phi = []
    for p in phis:
        z, e = thermal.energy_magnetization(beta_axis, p)
        iso_phi.append({"phi": float(p), "z": np.asarray(z), "energy": np.asarray(e)})
    return {"iso_temperature": iso_t, "iso_phi": iso_phi,
            "params": {"temperatures": tuple(temperatures), "phis": tuple(phis), "points": points}}


# -- Figs. 10 and 11: dephasing, central pair ---------------------------------------------------------------------
def central_pair(n: int) -> tuple[int, int]:
    """The central pair (⌊n/2⌋, ⌊n/2⌋ + 1) (Sec. III D; :func:`nesskit.pairs.pair_sites`)."""
    from ..pairs import pair_sites

    return pair_sites("central", n)


def fig10_data(sizes: tuple[int, ...] = (6, 10), x_max: float = 0.41, points: int = 41, method: Any = "auto",
               **model: Any) -> dict[str, Any]:
    """Fig. 10: the window Γ₋ < Γ < Γ₊ of central-pair entanglement vs γ(n − 2).

    For each n in ``sizes`` and each x = γ(n − 2) on a grid, Γ± are found numerically from λ_min of the NESS by
    ``method`` (:func:`nesskit.critical.coupling_range_numeric`: roots in Γ of the minimum over the c–d square);
    Eq. 25 (:func:`nesskit.critical.coupling_range_formula`) is returned on a fine grid to overlay.
    """
    from .. import critical

    x = np.linspace(0.0, x_max, _check_points("points", points, 2))
    numeric = {}
    for n in sizes:
        win = np.array([critical.coupling_range_numeric(xi / (n - 2), n, method, **model) for xi in x])
        numeric[int(n)] = {"lower": win[:, 0], "upper": win[:, 1]}
    fine = np.linspace(0.0, x_max, 300)
    formula = np.array([eq25_window(xi) for xi in fine])
    return {"x": x, "numeric": numeric, "formula_x": fine, "formula_lower": formula[:, 0],
            "formula_upper": formula[:, 1], "params": {"sizes": tuple(sizes), "x_max": x_max, "points": points}}


def eq25_window(x: float, n: int = 10) -> tuple[float, float]:
    """Eq. 25 (Γ₋, Γ₊) at γ(n − 2) = x, from :func:`nesskit.critical.coupling_range_formula` (depends on x only)."""
    from .. import critical

    lower, upper = critical.coupling_range_formula(x / (n - 2), n)
    return float(lower), float(upper)


def _paper_chain(model: Model) -> bool:
    from ..methods import ClosedForm

    return ClosedForm().why_not(model) is None


def fig11_data(sizes: tuple[int, ...] = (6, 10, 16), coupling: float = 1.0, gamma_max: float = 0.11,
               points: int = 41, map_gamma: float = 0.04, map_sizes: tuple[int, ...] = (6, 10),
               map_points: int = 301, method: Any = "auto", edge_points: int | None = None,
               **model: Any) -> dict[str, Any]:
    """Fig. 11: dephasing, central pair. Left: 1 − c_min vs γ for each n (c_min: start of the entangled interval
    on the edge d = 1, :func:`nesskit.analysis.edge_c_min`), with γ_c where the region vanishes
    (:func:`nesskit.analysis.dephasing_critical`) and γ_c of Eq. 24 where the paper has it. Right: λ_min over the
    quadrant c, d ∈ [0, 1] at γ = ``map_gamma`` for n in ``map_sizes``, and the γ = 0 edge (Eq. 21 for the paper's
    chain; else the numeric lower edge, :func:`nesskit.analysis.lower_edge`, on ``edge_points`` values of c).

    ``method`` and ``model`` (``delta``, ``fields``, ...) choose the solver and the chain: with
    ``method="exact", delta=0.3`` this is Fig. 11 of the interacting chain (use small n and coarse grids).
    """
    from .. import critical, regions
    from ..methods import method_from

    gammas = np.linspace(0.0, gamma_max, _check_points("points", points, 2))
    curves = {}
    paper = True
    for n in sizes:
        chain = Model(int(n), coupling=coupling, **model)
        paper = paper and _paper_chain(chain)
        f = analysis.LambdaMin(chain, "central", method)
        cm = np.array([analysis.edge_c_min(f, dephasing=float(g)) for g in gammas])
        formula = (float(critical.dephasing_critical_formula(int(n), coupling))
                   if _paper_chain(chain) and n % 2 == 0 and n >= 4 else float("nan"))
        curves[int(n)] = {"size": 1 - cm, "zero": analysis.dephasing_critical(f), "gamma_c": formula}
    maps = {}
    for n in map_sizes:
        chain = Model(int(n), coupling=coupling, **model)
        m = entangled_map(central_pair(int(n)), int(n), coupling, map_points, dephasing=map_gamma, lo=0.0,
                          method=method, **model)
        f = analysis.LambdaMin(chain, "central", method)
        maps[int(n)] = {"c": m["c"], "d": m["d"], "lambda_min": m["lambda_min"], "margin": m["margin"],
                        "c_min": analysis.edge_c_min(f, dephasing=map_gamma)}
    if paper and all(_paper_chain(Model(int(n), coupling=coupling, **model)) for n in map_sizes):
        c0 = float(regions.bulk_c_min(coupling))
        edge_c = np.linspace(c0, 1, 300)
        edge = {"c": edge_c, "d": np.asarray(regions.bulk_edge(edge_c, coupling), dtype=float), "source": "Eq. 21"}
    else:
        n0 = int(min(map_sizes, default=min(sizes)))
        f0 = analysis.LambdaMin(Model(n0, coupling=coupling, **model), "central", method)
        c0 = analysis.edge_c_min(f0, dephasing=0.0)
        k = edge_points or (300 if f0.fast else 6)
        edge_c = np.linspace(c0, 1, k) if np.isfinite(c0) else np.array([])
        edge_d = np.asarray(analysis.lower_edge(f0, edge_c, dephasing=0.0), dtype=float) if edge_c.size else edge_c
        edge = {"c": edge_c, "d": edge_d, "source": f"numeric, n = {n0}"}
    extra = {k: v for k, v in model.items()}
    return {"gamma": gammas, "curves": curves, "maps": maps, "edge_gamma0": edge,
            "params": {"sizes": tuple(sizes), "coupling": coupling, "gamma_max": gamma_max, "points": points,
                       "map_gamma": map_gamma, "map_sizes": tuple(map_sizes), "map_points": map_points,
                       "method": method_from(method).name,
                       **extra}}


# -- Fig. 12: the remaining claims of Sec. III D ------------------------------------------------------------------
def fig12_data(sizes: tuple[int, ...] = (4, 6, 10, 20, 50, 100, 200), dephasings: tuple[float, ...] = (0.02, 0.1, 0.5),
               position_sizes: tuple[int, ...] = (10, 16), position_coupling: float = 1.0, distance_n: int = 10,
               distance_points: int = 9, distance_gamma_max: float = 0.2,
               distance_couplings: tuple[float, ...] = (0.6, 1.0, 1.6), method: Any = "auto",
               **model: Any) -> dict[str, Any]:
    """Sec. III D's remaining claims from computed data (SPEC §4, §7).

    * ``boundary``: Γ_m(γ, n), the smallest Γ = Γ_L = Γ_R at which ρ₁₂ is entangled somewhere in the c–d square
      (lower end of :func:`nesskit.analysis.coupling_window`), for each γ in ``dephasings`` and n in ``sizes`` — the
      paper: Γ_m → 1 as n → ∞ for every γ.
    * ``position``: γ_c of every nearest-neighbour pair (j, j + 1) of chains of ``position_sizes`` spins at
      Γ = ``position_coupling`` (:func:`nesskit.analysis.dephasing_critical`) — the paper: γ_c weakly increases away
      from the centre.
    * ``distance``: the minimum over the c–d square, over every pair at distance r = k − j ∈ {1, 2, 3} of a chain of
      ``distance_n`` spins and over Γ ∈ ``distance_couplings``, of λ_min and of the policy's margin, against γ —
      the paper: with dephasing, only nearest neighbours are ever entangled.
    """
    boundary: dict[float, dict[str, np.ndarray]] = {}
    for gamma in dephasings:
        lows = []
        for n in sizes:
            f = analysis.LambdaMin(Model(int(n), dephasing=float(gamma), **model), "boundary", method)
            lows.append(analysis.coupling_window(f)[0])
        boundary[float(gamma)] = {"sizes": np.asarray(sizes, dtype=int), "coupling_m": np.asarray(lows, dtype=float)}
    position: dict[int, dict[str, Any]] = {}
    for n in position_sizes:
        gc = []
        for j in range(1, int(n)):
            f = analysis.LambdaMin(Model(int(n), coupling=position_coupling, **model), (j, j + 1), method)
            gc.append(analysis.dephasing_critical(f))
        position[int(n)] = {"site": np.arange(1, int(n)), "gamma_c": np.asarray(gc, dtype=float),
                            "central": central_pair(int(n))[0]}
    gammas = np.linspace(0.0, distance_gamma_max, _check_points("distance_points", distance_points, 2))
    distance: dict[int, dict[str, np.ndarray]] = {}
    for r in (1, 2, 3):
        lam_min = np.full(gammas.shape, np.inf)
        margin_min = np.full(gammas.shape, np.inf)
        ent = np.zeros(gammas.shape, dtype=bool)
        for k, gamma in enumerate(gammas):
            for g in distance_couplings:
                chain = Model(int(distance_n), coupling=float(g), dephasing=float(gamma), **model)
                for j in range(1, int(distance_n) - r + 1):
                    sq = analysis.square_minimum(analysis.LambdaMin(chain, (j, j + r), method))
                    lam_min[k] = min(lam_min[k], sq["lambda_min"])
                    margin_min[k] = min(margin_min[k], sq["margin"])
                    ent[k] |= sq["entangled"]
        distance[r] = {"lambda_min": lam_min, "margin": margin_min, "entangled": ent}
    return {"boundary": boundary, "position": position, "distance": distance, "distance_gamma": gammas,
            "params": {"sizes": tuple(sizes), "dephasings": tuple(dephasings), "position_sizes": tuple(position_sizes),
                       "position_coupling": position_coupling, "distance_n": distance_n,
                       "distance_couplings": tuple(distance_couplings), "distance_points": distance_points,
                       "distance_gamma_max": distance_gamma_max}}


#: Every figure's data function, by figure name.
DATA_FUNCTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "fig01": fig01_data, "fig02": fig02_data, "fig03": fig03_data, "fig04": fig04_data, "fig05": fig05_data,
    "fig06": fig06_data, "fig07": fig07_data, "fig08": fig08_data, "fig09": fig09_data, "fig10": fig10_data,
    "fig11": fig11_data, "fig12": fig12_data,
}


def figure_data(name: str, quick: bool = False, **overrides: Any) -> dict[str, Any]:
    """The data of figure ``name`` ("fig01" … "fig12") at the full or quick resolution of :data:`RESOLUTION`."""
    if name not in DATA_FUNCTIONS:
        raise ParameterError(f"figure must be one of {sorted(DATA_FUNCTIONS)}, got {name!r}")
    kwargs = dict(RESOLUTION["quick" if quick else "full"][name])
    kwargs.update(overrides)
    return DATA_FUNCTIONS[name](**kwargs)
