"""Report section "Dephasing and interactions": does γ_c ∝ 1/(n − 2) (Eq. 24) survive Δ ≠ 0?

The paper finds for the XX chain that dephasing γ kills the central pair's entanglement above
γ_c = (√2 + 1 − Γ − 1/Γ)/(n − 2) (Eq. 24), reached at c = d = 1. This section asks the same of the XXZ chain
(Δ = 0.5, 1.5) at c = d = 1, Γ = 1, with exact methods only:

* Δ = 0: the closed forms (SPEC §4) at every n;
* Δ ≠ 0, γ = 0: the exact matrix-product NESS (SPEC §8.1) at every n;
* Δ ≠ 0, γ > 0: the exact M-sector solver (residual ≤ 1e-12) at n ≤ 10, and at n = 12 from the shipped exact
  points of :mod:`nesskit.figures.xxz_dephasing_precompute` (~80 s per solve, too slow for ``make reproduce``);
* beyond: the shipped time averages of the tensor network's TEBD (:mod:`nesskit.figures.xxz_dephasing_tn`, not
  exact: each point carries its error bar, whose bias part is the difference to a run at a smaller bond; the same
  code is checked at n = 12 against the exact solver). They are drawn apart and do not enter the exact fits.

Two findings are tabulated with the numbers behind them. (1) λ_min(γ) at different n collapses onto one curve of
γ/γ_c(n) per Δ (right panel). (2) At Δ = 1.5 γ_c(n) falls like the γ = 0 current j(n) (exponentially small in n in
the kink state): the rows give γ_c/j, from the exact solver and the exact matrix-product NESS.

Files ``xxz_dephasing.png``/``.pdf``: left, λ_min of the central pair against γ; middle, γ_c(n) (root of the
entanglement policy's margin at c = d = 1) against n with Eq. 24; right, λ_min against γ/γ_c(n).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import LambdaMin, margin_root
from ..critical import dephasing_critical_formula
from ..methods import solve
from .xxz import COLORS, _figure, _row, _save
from .xxz_dephasing_precompute import _model, load_precomputed
from .xxz_dephasing_tn import crossing, load_tn_points

DELTAS = (0.0, 0.5, 1.5)
EXACT_SIZES = (4, 6, 8, 10)
XX_SIZES = (4, 6, 8, 10, 20, 40, 100)


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


def current_without_dephasing(n: int, delta: float) -> float:
    """The mean spin current of the γ = 0 NESS at c = d = 1, Γ = 1 (exact matrix product, SPEC §8.1)."""
    return float(np.mean(solve(_model(n, delta, 0.0), "auto").current))


def dephasing_data(quick: bool = False, precomputed: bool = True) -> dict[str, Any]:
    """λ_min(γ) curves and γ_c(n) for Δ ∈ ``DELTAS`` = (0, 0.5, 1.5) (exact methods; see the module docstring).

    ``precomputed``: add the shipped exact points (n = 12 for Δ ≠ 0) to the curves (``"extra_curves"``, on their own
    γ grid) and to γ_c(n). ``"currents"`` maps Δ ≠ 0 to the γ = 0 current at each size of its γ_c.
    """
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
    extra: dict[tuple[float, int], tuple[np.ndarray, np.ndarray]] = {}
    for e in load_precomputed() if precomputed else []:
        delta, n = float(e["delta"]), int(e["n"])
        if delta not in DELTAS or delta == 0 or n in gc[delta][0]:
            continue
        extra[(delta, n)] = (np.array([p["gamma"] for p in e["curve"]]),
                             np.array([p["lambda_min"] for p in e["curve"]]))
        sizes, gcs = gc[delta]
        order = np.argsort(np.append(sizes, n))
        gc[delta] = (np.append(sizes, n)[order], np.append(gcs, float(e["gamma_critical"]))[order])
    currents = {delta: np.array([current_without_dephasing(int(n), delta) for n in gc[delta][0]])
                for delta in DELTAS if delta != 0}
    tn = tn_data(precomputed)
    return {"gammas": gammas, "curves": curves, "gamma_critical": gc, "exact_sizes": exact_sizes,
            "extra_curves": extra, "currents": currents, **tn}


def tn_data(precomputed: bool = True) -> dict[str, Any]:
    """The shipped tensor-network points per (Δ, n): γ, λ_min, error bar and γ_c by
    :func:`nesskit.figures.xxz_dephasing_tn.crossing` (with the exact γ = 0 point, matrix product, error 0), and the
    validation entries.

    A point's error bar is its series' error (2 × std + |drift|) plus its bias: the difference to the run with
    the next smaller bond at the same (n, Δ, γ) where there is one; else the largest such difference at the same
    (n, Δ); else the largest |deviation| of the validation runs (smaller n, same code, against the exact solver).
    """
    shipped = load_tn_points() if precomputed else {"entries": [], "validation": []}
    validation = shipped["validation"]
    bias_n12 = max((abs(v["deviation"]) for v in validation), default=float("nan"))
    groups: dict[tuple[float, int, float], list[dict[str, Any]]] = {}
    for e in shipped["entries"]:
        groups.setdefault((float(e["delta"]), int(e["n"]), float(e["gamma"])), []).append(e)
    measured: dict[tuple[float, int], float] = {}
    for (delta, n, _), runs in groups.items():
        if len(runs) > 1:
            runs = sorted(runs, key=lambda e: e["bond_dimension"])
            diff = abs(runs[-1]["lambda_min"] - runs[-2]["lambda_min"])
            measured[(delta, n)] = max(measured.get((delta, n), 0.0), diff)
    points: dict[tuple[float, int], list[dict[str, float]]] = {}
    for (delta, n, gamma), runs in sorted(groups.items()):
        runs = sorted(runs, key=lambda e: e["bond_dimension"])
        best = runs[-1]
        bias = (abs(best["lambda_min"] - runs[-2]["lambda_min"]) if len(runs) > 1
                else measured.get((delta, n), bias_n12))
        points.setdefault((delta, n), []).append(
            {"gamma": gamma, "lambda_min": float(best["lambda_min"]), "error": float(best["error"] + bias),
             "bias": float(bias), "bond_dimension": int(best["bond_dimension"]), "time": float(best["time"])})
    crossings = {}
    for (delta, n), pts in points.items():
        g = [0.0] + [p["gamma"] for p in pts]
        lam = [lambda_min(n, delta, 0.0)] + [p["lambda_min"] for p in pts]
        crossings[(delta, n)] = crossing(g, lam, [0.0] + [p["error"] for p in pts])
    return {"tn_points": points, "tn_crossings": crossings, "tn_validation": validation}


def gamma_critical_bar(c: dict[str, float | None]) -> tuple[float, float]:
    """The middle panel's bar around the estimate of γ_c, as (below, above) lengths.

    γ_c is the dephasing at which the central pair's λ_min (SPEC §2, lowest eigenvalue of the partial transpose)
    changes sign, the quantity the panel compares with the paper's Eq. 24 for the XX chain.

    ± the chord's error where both of its points are decided; otherwise from the estimate down to the decided
    lower bound and up to the decided upper bound (0 on a side with no decided bound), so the bar spans what the
    error bars decide about γ_c. ``c`` is a result of :func:`nesskit.figures.xxz_dephasing_tn.crossing` with an
    estimate.
    """
    gc = c["gamma_critical"]
    if gc is None:
        raise ValueError("gamma_critical_bar needs a crossing with an estimate (gamma_critical is None)")
    if c["error"] is not None:
        return float(c["error"]), float(c["error"])
    low, high = c["low"], c["high"]
    return (gc - low if low is not None else 0.0), (high - gc if high is not None else 0.0)


def plot_dephasing(data: dict[str, Any]) -> Any:
    """Left: the central pair's λ_min against γ per Δ; middle: γ_c(n) per Δ against the XX chain's Eq. 24 (log–log);
    right: λ_min against γ/γ_c(n) for Δ ≠ 0 (the collapse)."""
    fig, axes = _figure(14.0, 4.0, ncols=3)
    ax, bx, cx = axes[0]
    styles = {6: ":", 8: "-.", 10: "--", 12: "-", 20: "-", 40: "-", 100: "-"}
    widths = {20: 1.0, 40: 1.6, 100: 2.2}
    extra = data.get("extra_curves", {})
    gcs_of = {delta: dict(zip(sizes.tolist(), gcs.tolist(), strict=True))
              for delta, (sizes, gcs) in data["gamma_critical"].items()}
    for (delta, n), lam in sorted(data["curves"].items()):
        color = COLORS[DELTAS.index(delta)]
        ax.plot(data["gammas"], lam, styles.get(n, "-"), color=color, lw=widths.get(n, 1.2),
                label=f"Δ = {delta:g}, n = {n}")
        if delta != 0 and np.isfinite(gcs_of[delta].get(n, np.nan)):
            cx.plot(data["gammas"] / gcs_of[delta][n], lam, styles.get(n, "-"), color=color, lw=1.2,
                    label=f"Δ = {delta:g}, n = {n}")
    for (delta, n), (g, lam) in sorted(extra.items()):
        color = COLORS[DELTAS.index(delta)]
        ax.plot(g, lam, "o-", color=color, ms=3, lw=1.2, label=f"Δ = {delta:g}, n = {n} (shipped)")
        cx.plot(g / gcs_of[delta][n], lam, "o-", color=color, ms=3, lw=1.2, label=f"Δ = {delta:g}, n = {n}")
    for (delta, n), pts in sorted(data.get("tn_points", {}).items()):
        color = COLORS[DELTAS.index(delta)]
        g = np.array([p["gamma"] for p in pts])
        lam = np.array([p["lambda_min"] for p in pts])
        err = np.array([p["error"] for p in pts])
        ax.errorbar(g, lam, err, fmt="s", color=color, ms=4, mfc="none", capsize=2,
                    label=f"Δ = {delta:g}, n = {n} (tensor network)")
        c = data["tn_crossings"].get((delta, n))
        if c is not None and c["gamma_critical"] is not None:
            gc = c["gamma_critical"]
            cx.errorbar(g / gc, lam, err, fmt="s", color=color, ms=4, mfc="none", capsize=2,
                        label=f"Δ = {delta:g}, n = {n} (tensor network)")
            lo, hi = gamma_critical_bar(c)
            bx.errorbar([n], [gc], [[lo], [hi]], fmt="s", color=color, ms=5, mfc="none", capsize=2)
        if c is not None:  # the decided bracket, also where the chord's (linear) error is smaller
            if c["low"] is not None:
                bx.plot([n], [c["low"]], "^", color=color, ms=5, mfc="none")  # γ_c ≥ this (decided)
            if c["high"] is not None:
                bx.plot([n], [c["high"]], "v", color=color, ms=5, mfc="none")  # γ_c ≤ this (decided)
    for a in (ax, cx):
        a.axhline(0.0, color="k", lw=0.6)
        a.set_ylabel("λ_min of the central pair")
    ax.set_xlabel("dephasing γ")
    ax.legend(fontsize=6, ncol=2)
    cx.set_xlim(0.0, 1.6)
    cx.set_xlabel("γ / γ_c(n)")
    cx.legend(fontsize=6, ncol=2)
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
                         "source": "closed forms (SPEC §4)" if delta == 0 else
                         "exact M-sector solver" + (" (shipped)" if (delta, int(n)) in data["extra_curves"] else "")})
        ok = np.isfinite(gcs) & (sizes >= 6)  # n = 4 has no bulk: the fit starts at 6
        if delta != 0 and np.count_nonzero(ok) >= 2:
            slope = float(np.polyfit(np.log(sizes[ok] - 2.0), np.log(gcs[ok]), 1)[0])
            rows.append({**_row(f"exponent of γ_c ∝ (n − 2)^p, Δ = {delta:g}",
                                f"fit over n = {', '.join(str(int(n)) for n in sizes[ok])}; the XX chain's Eq. 24 has "
                                "p = −1", slope, None), "source": "exact M-sector solver"})
    shipped = sorted({n for (_, n) in data["extra_curves"]})
    for delta in DELTAS[1:]:
        sizes, gcs = data["gamma_critical"][delta]
        for n, g, j in zip(sizes, gcs, data["currents"][delta], strict=True):
            if n >= 6 and delta > 1:  # the kink state, where the current is exponentially small
                rows.append({**_row(f"γ_c / j(γ = 0), Δ = {delta:g}, n = {int(n)}",
                                    "γ_c over the γ = 0 spin current (exact matrix product)", float(g / j), None),
                             "source": "exact M-sector solver / matrix product"})
        ok = np.isfinite(gcs) & (sizes >= 8)
        if delta > 1 and np.count_nonzero(ok) >= 2:  # the kink state: exponential in n
            fit = ", ".join(str(int(n)) for n in sizes[ok])
            for what, values in (("γ_c", gcs[ok]), ("the γ = 0 current j", data["currents"][delta][ok])):
                rows.append({**_row(f"decay rate per site of {what}, Δ = {delta:g}",
                                    f"−d ln(·)/dn fitted over n = {fit}", -float(np.polyfit(sizes[ok], np.log(values),
                                                                                             1)[0]), None),
                             "source": "exact M-sector solver" if what == "γ_c" else "exact matrix product"})
        elif np.count_nonzero(ok) >= 2:  # power law: the local exponent between the two largest sizes
            (n1, n2), (g1, g2) = sizes[ok][-2:], gcs[ok][-2:]
            rows.append({**_row(f"local exponent of γ_c ∝ (n − 2)^p, Δ = {delta:g}, n = {int(n1)}–{int(n2)}",
                                "ln(γ_c(n₂)/γ_c(n₁)) / ln((n₂ − 2)/(n₁ − 2))",
                                float(np.log(g2 / g1) / np.log((n2 - 2) / (n1 - 2))), None),
                         "source": "exact M-sector solver"})
        for n_big in shipped:
            if (delta, n_big) not in data["extra_curves"]:
                continue
            n_ref = max(data["exact_sizes"])
            g_big, lam_big = data["extra_curves"][(delta, n_big)]
            gc_of = dict(zip(sizes.tolist(), gcs.tolist(), strict=True))
            x = g_big / gc_of[n_big]
            inner = (x > 0) & (x < 1)
            ref = np.array([lambda_min(n_ref, delta, float(xx * gc_of[n_ref])) for xx in x[inner]])
            rows.append({**_row(f"collapse of λ_min(γ/γ_c), Δ = {delta:g}, n = {n_ref} against {n_big}",
                                "largest |λ_min(n) − λ_min(n')| at γ/γ_c = " + ", ".join(f"{v:g}" for v in x[inner]),
                                float(np.max(np.abs(ref - lam_big[inner]))), None),
                         "source": "exact M-sector solver"})
    rows += tn_rows(data)
    largest = max(data["exact_sizes"] + tuple(shipped))
    caption = (f"Left: λ_min of the central pair against the dephasing γ at c = d = 1, Γ = 1, for Δ = 0 (n = 6…100, "
               f"closed forms), Δ = 0.5 and 1.5 (n = 6…{largest}, exact M-sector solver, residual ≤ 1e-12; γ = 0 from "
               "the exact matrix-product NESS"
               + (f"; n = {', '.join(map(str, shipped))} precomputed by the exact solver and shipped with its "
                  "provenance: python -m nesskit.figures.xxz_dephasing_precompute" if shipped else "")
               + "). Middle: γ_c(n), the root of the entanglement policy's margin, with the paper's Eq. 24 (XX chain). "
               "Right: λ_min against γ/γ_c(n) — the curves of different n collapse. λ_min is exact to rounding "
               "(≤ 1e-10); γ_c is a root to 1e-7 in γ (1e-8 for the shipped points). At Δ = 1.5 γ_c falls with n like "
               "the γ = 0 current (table: γ_c/j and the decay rates per site). "
               + tn_caption(data))
    return [{"stem": "xxz_dephasing", "title": "Dephasing against interactions: γ_c(n)", "caption": caption,
             "rows": rows}]


def tn_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Report rows of the tensor-network points: each λ_min with its error bar, γ_c(n) by the crossing, the
    local exponent from the largest exact size to it (with its bounds from γ_c's decided bounds), and the
    validation runs' deviations from the exact solver."""
    rows = []
    source = "tensor network (TEBD time average, shipped)"
    for (delta, n), pts in sorted(data.get("tn_points", {}).items()):
        for p in pts:
            rows.append({**_row(f"λ_min central pair, Δ = {delta:g}, n = {n}, γ = {p['gamma']:g} (tensor network)",
                                f"mean over the last half of t ∈ [0, {p['time']:.0f}] at χ = {p['bond_dimension']}; "
                                f"± {p['error']:.1e} (series spread and drift, bias {p['bias']:.1e})",
                                p["lambda_min"], None), "source": source})
        c = data["tn_crossings"].get((delta, n))
        if c is None:
            continue
        sizes, gcs = data["gamma_critical"][delta]
        ok = np.isfinite(gcs) & (sizes < n)
        n1, g1 = (int(sizes[ok][-1]), float(gcs[ok][-1])) if np.any(ok) else (0, float("nan"))

        def exponent(g2: float, g1: float = g1, n1: int = n1, n2: int = n) -> float:
            return float(np.log(g2 / g1) / np.log((n2 - 2) / (n1 - 2)))

        if c["low"] is not None:
            rows.append({**_row(f"γ_c central pair, Δ = {delta:g}, n = {n}, decided lower bound (tensor network)",
                                "the largest γ at which λ_min + its error bar < 0 (entangled beyond the error)",
                                c["low"], None), "source": source})
        if c["high"] is not None:
            rows.append({**_row(f"γ_c central pair, Δ = {delta:g}, n = {n}, decided upper bound (tensor network)",
                                "the smallest γ at which λ_min − its error bar > 0", c["high"], None),
                         "source": source})
        if c["gamma_critical"] is not None:
            how = (f"± {c['error']:.1e} from the points' error bars" if c["error"] is not None else
                   "an estimate: the upper point's error bar reaches zero, so only the lower bound is decided")
            rows.append({**_row(f"γ_c central pair, Δ = {delta:g}, n = {n} (tensor network)",
                                f"sign change of the mean λ_min (chord between the neighbouring points); {how}",
                                c["gamma_critical"], None), "source": source})
            if n1:
                rows.append({**_row(f"local exponent of γ_c ∝ (n − 2)^p, Δ = {delta:g}, n = {n1}–{n}",
                                    "ln(γ_c(n₂)/γ_c(n₁)) / ln((n₂ − 2)/(n₁ − 2)), n₂ the tensor network's "
                                    "estimate" + ("" if c["error"] is not None else " (not decided)"),
                                    exponent(c["gamma_critical"]), None),
                             "source": "exact M-sector solver / " + source})
        if n1 and c["low"] is not None:
            rows.append({**_row(f"lower bound of that exponent, Δ = {delta:g}, n = {n1}–{n}",
                                "the same with n₂'s decided lower bound of γ_c (γ_c(n₂) ≥ it, so p is at least this)",
                                exponent(c["low"]), None), "source": "exact M-sector solver / " + source})
        if n1 and c["high"] is not None:
            rows.append({**_row(f"upper bound of that exponent, Δ = {delta:g}, n = {n1}–{n}",
                                "the same with n₂'s decided upper bound of γ_c (γ_c(n₂) ≤ it, so p is at most this)",
                                exponent(c["high"]), None), "source": "exact M-sector solver / " + source})
    for v in data.get("tn_validation", []):
        rows.append({**_row(f"tensor-network bias, Δ = {v['delta']:g}, n = {v['n']}, γ = {v['gamma']:.4g}",
                            f"λ_min (same code, χ = {v['bond_dimension']}, t = {v['time']:.0f}) − the exact solver's",
                            v["deviation"], None), "source": source})
    return rows


def tn_caption(data: dict[str, Any]) -> str:
    """The caption's last sentences: which sizes the tensor network adds, with its accuracy, and what is missing."""
    points = data.get("tn_points", {})
    if not points:
        return ("Interacting chains at n = 20, 40, 100 with γ > 0 are not shown: no exact method reaches them and "
                "the tensor network does not yet converge there to a stated accuracy.")
    which = ", ".join(f"Δ = {d:g} at n = {n}" for d, n in sorted(points))
    worst = max(p["error"] for pts in points.values() for p in pts)
    bias = max((abs(v["deviation"]) for v in data.get("tn_validation", [])), default=float("nan"))
    bonds = "/".join(str(b) for b in sorted({p["bond_dimension"] for pts in points.values() for p in pts}))
    return (f"Squares ({which}): the tensor network's TEBD (bond {bonds}) averaged over the last half of a long run "
            "from the exact γ = 0 NESS, not exact. Error bars (≤ " f"{worst:.1e}) are the series' spread and drift "
            "plus the truncation's bias, taken as the difference to the run at the next smaller bond (at n = 12 the "
            f"same code at bond 64 is {bias:.1e} off the exact solver). Middle panel: the square is where the means "
            "change sign; its bar is ± the chord's error where both of the chord's points are decided, else it spans "
            "the decided bracket; ▲ marks the largest γ still decided entangled, ▼ the smallest decided not "
            "entangled. Other interacting "
            "chains at n = 20, 40, 100 with γ > 0 are not shown: no exact method reaches them and the tensor "
            "network's error there is not yet below the values.")


__all__ = ["xxz_dephasing_section", "dephasing_data", "plot_dephasing", "gamma_critical", "lambda_min",
           "current_without_dephasing", "tn_data", "tn_rows", "tn_caption", "gamma_critical_bar"]
