"""Report section "Dephasing and interactions": does γ_c ∝ 1/(n − 2) (Eq. 24) survive Δ ≠ 0?

The paper finds for the XX chain that dephasing γ kills the central pair's entanglement above
γ_c = (√2 + 1 − Γ − 1/Γ)/(n − 2) (Eq. 24), reached at c = d = 1. This section asks the same of the XXZ chain
(Δ = 0.5, 1.5) at c = d = 1, Γ = 1, with exact methods only:

* Δ = 0: the closed forms (SPEC §4) at every n;
* Δ ≠ 0, γ = 0: the exact matrix-product NESS (SPEC §8.1) at every n;
* Δ ≠ 0, γ > 0: the exact M-sector solver (residual ≤ 1e-12) at n ≤ 10 — no exact solution is known there, and
  nesskit's tensor network does not yet reach these strongly driven dephased chains at n ≥ 20 to a stated
  accuracy (see ``benchmarks/results_tensor_network.md``).

Files ``xxz_dephasing.png``/``.pdf``: left, λ_min of the central pair against γ; right, γ_c(n) (root of the
entanglement policy's margin at c = d = 1) against n with Eq. 24.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import LambdaMin, margin_root
from ..critical import dephasing_critical_formula
from ..methods import solve
from ..model import Model
from .xxz import COLORS, _figure, _row, _save

DELTAS = (0.0, 0.5, 1.5)
EXACT_SIZES = (4, 6, 8, 10)
XX_SIZES = (4, 6, 8, 10, 20, 40, 100)


def _model(n: int, delta: float, gamma: float) -> Model:
    return Model(n, coupling=1.0, c=1.0, d=1.0, delta=delta, dephasing=gamma)


def lambda_min(n: int, delta: float, gamma: float) -> float:
    """λ_min of the central pair (⌊n/2⌋, ⌊n/2⌋ + 1), c = d = 1, Γ = 1, by ``auto`` (the exact method for (Δ, γ):
    closed forms at Δ = 0, SPEC §4; matrix product at γ = 0, §8.1; else the exact M-sector solver)."""
    r = solve(_model(n, delta, gamma), "auto")
    return float(r.entanglement(n // 2, n // 2 + 1)["lambda_min"])


def gamma_critical(n: int, delta: float, high: float = 1.0) -> float:
    """γ_c at c = d = 1, Γ = 1: where the central pair's policy margin changes sign in γ (Eq. 24 for Δ = 0).

    :func:`nesskit.analysis.margin_root` on ``auto`` (exact methods only), root to 1e-7 in γ; NaN when the pair is
    not entangled at γ = 0.
    """
    return margin_root(LambdaMin(_model(n, delta, 0.0), "central", "auto"), "dephasing", 0.0, high, xtol=1e-7)


def dephasing_data(quick: bool = False) -> dict[str, Any]:
    """λ_min(γ) curves and γ_c(n) for Δ ∈ ``DELTAS`` = (0, 0.5, 1.5) (exact methods; see the module docstring)."""
    gammas = 0.12 * np.linspace(0.0, 1.0, 13 if quick else 25) ** 2  # denser at small γ, where Δ = 1.5 turns
    exact_sizes = EXACT_SIZES[:-1] if quick else EXACT_SIZES
    curves: dict[tuple[float, int], np.ndarray] = {}
    for delta in DELTAS:
        for n in (XX_SIZES if delta == 0 else exact_sizes):
            if n < 6:
                continue
            curves[(delta, n)] = np.array([lambda_min(n, delta, float(g)) for g in gammas])
    gc: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    for delta in DELTAS:
        sizes = np.array(XX_SIZES if delta == 0 else exact_sizes)
        gc[delta] = (sizes, np.array([gamma_critical(int(n), delta) for n in sizes]))
    return {"gammas": gammas, "curves": curves, "gamma_critical": gc, "exact_sizes": exact_sizes}


def plot_dephasing(data: dict[str, Any]) -> Any:
    """Left: the central pair's λ_min against γ per Δ; right: γ_c(n) per Δ against the XX chain's Eq. 24 (log–log)."""
    fig, axes = _figure(10.0, 4.0, ncols=2)
    ax, bx = axes[0]
    styles = {6: ":", 8: "-.", 10: "--", 20: "-", 40: "-", 100: "-"}
    widths = {20: 1.0, 40: 1.6, 100: 2.2}
    for (delta, n), lam in sorted(data["curves"].items()):
        color = COLORS[DELTAS.index(delta)]
        ax.plot(data["gammas"], lam, styles.get(n, "-"), color=color, lw=widths.get(n, 1.2),
                label=f"Δ = {delta:g}, n = {n}")
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_xlabel("dephasing γ")
    ax.set_ylabel("λ_min of the central pair")
    ax.legend(fontsize=6, ncol=2)
    ns = np.arange(4, 101)
    bx.loglog(ns, [dephasing_critical_formula(int(n), 1.0) for n in ns], "k-", lw=0.8, label="Eq. 24 (XX)")
    for k, delta in enumerate(DELTAS):
        sizes, gcs = data["gamma_critical"][delta]
        bx.loglog(sizes, gcs, "o", color=COLORS[k], mfc="none" if delta == 0 else COLORS[k], label=f"Δ = {delta:g}")
    bx.set_xlabel("n")
    bx.set_ylabel("γ_c at c = d = 1")
    bx.legend(fontsize=7)
    return fig


def xxz_dephasing_section(out_dir: Path, quick: bool = False) -> list[dict[str, Any]]:
    """Compute, draw and save ``xxz_dephasing``; the report's figure dict (stem, title, caption, rows)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = dephasing_data(quick)
    _save(plot_dephasing(data), out_dir, "xxz_dephasing")
    rows = []
    for delta in DELTAS:
        sizes, gcs = data["gamma_critical"][delta]
        for n, g in zip(sizes, gcs, strict=True):
            eq24 = dephasing_critical_formula(int(n), 1.0)
            rows.append({**_row(f"γ_c central pair, Δ = {delta:g}, n = {int(n)}",
                                "root of the policy's margin at c = d = 1, Γ = 1", float(g),
                                eq24 if delta == 0 else None, "Eq. 24" if delta == 0 else ""),
                         "source": "closed forms (SPEC §4)" if delta == 0 else "exact M-sector solver"})
        ok = np.isfinite(gcs) & (sizes >= 6)  # n = 4 has no bulk: the fit starts at 6
        if delta != 0 and np.count_nonzero(ok) >= 2:
            slope = float(np.polyfit(np.log(sizes[ok] - 2.0), np.log(gcs[ok]), 1)[0])
            rows.append({**_row(f"exponent of γ_c ∝ (n − 2)^p, Δ = {delta:g}",
                                f"fit over n = {', '.join(str(int(n)) for n in sizes[ok])}; the XX chain's Eq. 24 has "
                                "p = −1", slope, None), "source": "exact M-sector solver"})
    largest = max(data["exact_sizes"])
    caption = (f"Left: λ_min of the central pair against the dephasing γ at c = d = 1, Γ = 1, for Δ = 0 (n = 6…100, "
               f"closed forms), Δ = 0.5 and 1.5 (n = 6…{largest}, exact M-sector solver, residual ≤ 1e-12; γ = 0 from "
               "the exact matrix-product NESS). Right: γ_c(n), the root of the entanglement policy's margin, with "
               "the paper's Eq. 24 (XX chain). λ_min is exact to rounding (≤ 1e-10); γ_c is a root to 1e-7 in γ. "
               "Interacting chains at n = 20, 40, 100 with γ > 0 are not shown: no exact method reaches them and the "
               "tensor network does not yet converge there to a stated accuracy.")
    return [{"stem": "xxz_dephasing", "title": "Dephasing against interactions: γ_c(n)", "caption": caption,
             "rows": rows}]


__all__ = ["xxz_dephasing_section", "dephasing_data", "plot_dephasing", "gamma_critical", "lambda_min"]
