"""The reproduction report: every figure as PNG and PDF, ``numbers.md``/``numbers.json`` and ``index.html``.

:func:`reproduce` computes the data of figures 1–12 (:mod:`nesskit.figures.data`), draws them
(:mod:`nesskit.figures.plots`), collects the numbers the paper states (every row of
:func:`nesskit.critical.critical_values`) and the numbers read off the figures (Fig. 2's zero crossing, Fig. 10's
Γ±, Fig. 11's vanishing points, Figs. 4/7's c_min, Fig. 12's Γ_m, γ_c by position and the distance check), each
beside the formula's value where there is one, and writes the report. Optional sections from other modules
(:data:`EXTRA_SECTIONS`, e.g. interacting chains) are added when enabled and installed.
"""

from __future__ import annotations

import datetime
import html
import importlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from . import FIGURES, plots
from . import data as figdata

#: What each figure shows and the statement of the paper it reproduces (parameters are added from the data).
CAPTIONS: dict[str, tuple[str, str]] = {
    "fig01": ("Bulk ⟨z⟩ = ⟨σᶻ_j⟩ against ⟨zz⟩ = ⟨σᶻ_jσᶻ_{j+1}⟩ of every NESS without dephasing, zoomed on the "
              "centre. Thick curve: equilibrium states μ = 0 (infinite temperature, ⟨zz⟩ = ⟨z⟩²); shaded: NESS reached "
              "with μ ≠ 0 over the whole valid (μ, μ̄) rhombus; dark red: the bulk pair ρ_{j,j+1} is entangled "
              "(λ_min below −threshold, nesskit's entanglement policy). Empty circle: μ = μ̄ = 0.",
              "Sec. I / Fig. 1: driving moves the state down from the infinite-temperature equilibrium into a "
              "region of entangled nearest-neighbour spins, independent of n."),
    "fig02": ("λ_min of the partial transpose of the nearest-neighbour state of the infinite grand-canonical XX "
              "chain (Eqs. 3–4) against T = 1/β at φ = 0; the dashed line is T_c = 1/β_c from the root of Eq. 4.",
              "Sec. II / Fig. 2: ρ_{j,j+1} is entangled for T < 1.94 (β_c ≈ 0.5162)."),
    "fig03": ("Iso-temperature (solid, T = 0, 0.5, 1, 2, 4, 8, ∞) and iso-φ (dashed, φ = 0, ±0.25, ±0.5, ±1, ±2) "
              "curves of the infinite grand-canonical XX chain in the (⟨z⟩, ⟨E⟩ = 2⟨σˣσˣ⟩) plane. The thick red "
              "line ⟨E⟩ = 0 (T = ∞) holds every NESS of the model. T = 0 is the ground-state curve. The sign of "
              "⟨z⟩ follows nesskit.thermal's convention for exp(−βH − φM) (⟨z⟩ = −tanh φ at T = ∞).",
              "Sec. II / Fig. 3: (⟨E⟩, ⟨z⟩) determine (β, φ) uniquely; all NESS studied have zero energy density."),
    "fig04": ("Black: driving parameters for which the boundary pair ρ₁₂ is entangled (λ_min < 0 of the "
              "closed-form NESS, γ = 0), in the c–d plane (left) and the u–μ̄ plane (right, u = Γt = "
              "(⟨σᶻ_n⟩ − ⟨σᶻ_1⟩)/2; dashed: the image of the valid square). Thin lines: the paper's bottom edge of "
              "the right tongue (Eq. 17) and its spin-flip mirror, and c = ±c_min of Eq. 16 (dotted).",
              "Sec. III B.1 / Fig. 4: two tongues; the right one starts at c_min (Eq. 16) and reaches d = −1 "
              "for Γ > 1."),
    "fig05": ("ρ₁₂'s entangled region in (c, d, Γ) drawn as stacked c–d slices (one filled slice per Γ, colour "
              "by Γ), with the tip of the tongue from Eqs. 16–17 as a line (and its mirror).",
              "Sec. III B.1 / Fig. 5: two symmetric tongues, existing for Γ > Γ_min ≈ 0.511 (Eq. 18), largest near "
              "Γ ≈ 1.0887."),
    "fig06": ("Bulk ⟨z⟩ against ⟨zz⟩ of every NESS (γ = 0) as in Fig. 1, over the whole range; dark red: a NESS with "
              "these bulk values has an entangled boundary pair ρ₁₂ (the 'entanglement smile').",
              "Sec. III B.1 / Fig. 6: for large |μ̄| a small driving μ already entangles the boundary spins."),
    "fig07": ("Black: driving parameters for which a bulk pair ρ_{j,j+1} is entangled (closed-form NESS, γ = 0), "
              "in the c–d plane (left) and the u–μ̄ plane (right). Thin lines: the paper's lower edge of the "
              "pockets (Eq. 21, mirrored) and c = ±c_min of Eq. 22.",
              "Sec. III B.2 / Fig. 7: two symmetric pockets at large u, near the corners c = d = ±1."),
    "fig08": ("The bulk pockets in (c, d, Γ), drawn as stacked c–d slices (colour by Γ), with the pocket tip from "
              "Eqs. 21–22 as a line.",
              "Sec. III B.2 / Fig. 8: pockets exist only for 0.531 < Γ < 1.883 (Eq. 23)."),
    "fig09": ("Bulk ⟨z⟩ against ⟨zz⟩: equilibrium μ = 0 (thick), NESS region (shaded, lower edge dashed) and NESS "
              "with an entangled bulk pair (dark red), for Γ = 1 (left) and Γ = 1.5 (right).",
              "Sec. III B.2 / Fig. 9: bulk entanglement needs a strong driving μ; the states still have ⟨E⟩ = 0."),
    "fig10": ("Shaded: couplings Γ for which the central pair ρ_{n/2,n/2+1} of the dephasing chain is entangled "
              "somewhere in the c–d square, against γ(n − 2); the edges Γ± are roots in Γ of the minimum of λ_min "
              "over the square (closed-form NESS), markers for each n. Lines: Eq. 25.",
              "Sec. III D / Fig. 10: entanglement only for Γ₋ < Γ < Γ₊, Γ± = ½{w − γ(n−2) ± √([w − γ(n−2)]² − 4)}."),
    "fig11": ("Left: size 1 − c_min of the entangled region of the central pair (Γ = 1) against dephasing γ for "
              "n = 6, 10, 16 (c_min found numerically from λ_min); dotted: γ_c of Eq. 24; squares: the c_min of the "
              "right panel. Right: the region's edge in one quadrant for γ = 0.04, n = 6 and 10 (λ_min = 0 "
              "contours), and the γ = 0 edge of Eq. 21 (dashed); the region shrinks as n grows.",
              "Sec. III D / Fig. 11: entanglement disappears for γ > γ_c = (√2 + 1 − Γ − 1/Γ)/(n − 2) (Eq. 24)."),
    "fig12": ("Not a figure of the paper: its remaining claims of Sec. III D from computed data (closed-form NESS, "
              "roots of λ_min + threshold over the c–d square). (a) Γ_m(γ, n), the smallest Γ at which the boundary "
              "pair ρ₁₂ is entangled somewhere in the square, against n for several γ. (b) γ_c of every bulk pair "
              "(j, j+1) against its position (the boundary pairs, entangled up to γ of order 10², are off scale). "
              "(c) The minimum over the square, over every pair at distance r and over Γ, of λ_min + threshold "
              "against γ: below 0 only for r = 1.",
              "Sec. III D: lim_{n→∞} Γ_m = 1 for every γ; γ_c weakly increases away from the centre; with "
              "dephasing, non-nearest-neighbour pairs are never entangled."),
}


@dataclass(frozen=True)
class ExtraSection:
    """An optional report section made by another module: ``target`` = ``"module:function"``, the function called
    as ``function(out_dir: Path, quick: bool) -> list[dict]``, one dict per figure it wrote into ``out_dir``:
    ``stem`` (file name without extension; ``stem.png`` and ``stem.pdf``), ``title``, ``caption`` and ``rows``
    (numbers: ``name``, ``paper``, ``formula``, ``numeric``, ``rel_diff``). Skipped when the module is not installed.
    """

    title: str
    target: str
    enabled: bool = False


#: The optional sections :func:`reproduce` knows; flip ``enabled`` to include one.
EXTRA_SECTIONS: tuple[ExtraSection, ...] = (
    ExtraSection("Interacting chains", "nesskit.figures.xxz:xxz_section", enabled=True),
    ExtraSection("Dephasing and interactions", "nesskit.figures.xxz_dephasing:xxz_dephasing_section", enabled=True),
)


def extra_sections(out: Path, quick: bool, include: bool | None = None) -> list[dict[str, Any]]:
    """Run the enabled sections of :data:`EXTRA_SECTIONS` whose module exists (imported lazily).

    ``include``: None follows each section's ``enabled``; True/False forces all on/off. Returns one dict per section:
    ``title`` and ``figures`` (the function's list).
    """
    out_sections = []
    for sec in EXTRA_SECTIONS:
        if not (sec.enabled if include is None else include):
            continue
        module_name, _, func_name = sec.target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        func = getattr(module, func_name, None)
        if func is None:
            continue
        out_sections.append({"title": sec.title, "figures": list(func(out, quick))})
    return out_sections


def _rel_diff(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return None
    return abs(a - b) / max(abs(b), 1e-300)


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _row(name: str, description: str, source: str, numeric: float | None, formula: float | None, paper: Any = None,
         formula_name: str = "") -> dict[str, Any]:
    numeric, formula = _num(numeric), _num(formula)
    return {"name": name, "description": description, "source": source, "paper": paper,
            "formula": formula, "formula_name": formula_name if formula is not None else "", "numeric": numeric,
            "rel_diff": _rel_diff(numeric, formula)}


def critical_rows() -> list[dict[str, Any]]:
    """Every row of :func:`nesskit.critical.critical_values`, tagged with its source."""
    from .. import critical

    rows = []
    for r in critical.critical_values():
        row = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in r.items()}
        row.setdefault("source", "nesskit.critical.critical_values()")
        rows.append(row)
    return rows


def figure_rows(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Numbers read off the figures' data, each beside the formula it should reproduce."""
    rows: list[dict[str, Any]] = []
    if "fig02" in results:
        d = results["fig02"]
        rows.append(_row("T_c (Fig. 2)", "zero crossing of λ_min(T) on the plotted grid, φ = "
                         f"{d['params']['phi']:g}", "Fig. 2 data", d["crossing"], d["critical_temperature"],
                         paper=1.94, formula_name="1/β_c (root of Eq. 4)"))
    for key, eq in (("fig04", "Eq. 16"), ("fig07", "Eq. 22")):
        if key in results:
            d = results[key]
            rows.append(_row(f"c_min ({key.replace('fig0', 'Fig. ')})",
                             f"start of the right entangled region from λ_min (regions.c_min; the plotted grid "
                             f"gives {d['grid_c_min']:.4f}, step {2 / (d['params']['points'] - 1):.2g}), "
                             f"Γ = {d['params']['coupling']:g}",
                             f"{key} data", d["numeric_c_min"], d["paper_c_min"], formula_name=eq))
    if "fig10" in results:
        d = results["fig10"]
        x = d["x"]
        picks = sorted({int(k) for k in np.linspace(0, len(x) - 1, min(3, len(x))).round()})
        for n, w in sorted(d["numeric"].items()):
            for k in picks:
                lo_f, hi_f = figdata.eq25_window(float(x[k]))
                rows.append(_row(f"Γ₋ at γ(n−2) = {x[k]:.3f}, n = {n}", "numeric root of min λ_min over the "
                                 "c–d square (Fig. 10)", "Fig. 10 data", w["lower"][k], lo_f, formula_name="Eq. 25"))
                rows.append(_row(f"Γ₊ at γ(n−2) = {x[k]:.3f}, n = {n}", "numeric root of min λ_min over the "
                                 "c–d square (Fig. 10)", "Fig. 10 data", w["upper"][k], hi_f, formula_name="Eq. 25"))
    if "fig11" in results:
        d = results["fig11"]
        for n, cur in sorted(d["curves"].items()):
            rows.append(_row(f"γ_c, n = {n}", f"γ where the central pair's region vanishes (Fig. 11), Γ = "
                             f"{d['params']['coupling']:g}", "Fig. 11 data", cur["zero"], cur["gamma_c"],
                             formula_name="Eq. 24"))
    if "fig12" in results:
        rows += fig12_rows(results["fig12"])
    return rows


def fig12_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims of Sec. III D as numbers (Fig. 12's data): Γ_m at the largest n, γ_c by position, distance check."""
    from .. import critical

    rows: list[dict[str, Any]] = []
    for gamma, cur in sorted(d["boundary"].items()):
        sizes, gm = cur["sizes"], cur["coupling_m"]
        trend = ", ".join(f"{int(n)}: {g:.4f}" for n, g in zip(sizes, gm))
        rows.append(_row(f"Γ_m(γ = {gamma:g}, n = {int(sizes[-1])})", f"smallest Γ with entangled ρ12 somewhere in "
                         f"the c–d square (Fig. 12a); against n: {trend}; paper: → 1 as n → ∞", "Fig. 12 data",
                         gm[-1], None, paper=1))
    for n, cur in sorted(d["position"].items()):
        gc = cur["gamma_c"]
        centre = int(cur["central"])
        k = centre - 1
        left = gc[1:k + 1][::-1]  # from the centre out to the pair (2, 3)
        monotone = bool(np.all(np.diff(left) >= -1e-12))
        formula = critical.dephasing_critical_formula(n, d["params"]["position_coupling"]) if n % 2 == 0 else None
        rows.append(_row(f"γ_c of the central pair ({centre},{centre + 1}), n = {n}", "Fig. 12b, Γ = "
                         f"{d['params']['position_coupling']:g}", "Fig. 12 data", gc[k], formula,
                         formula_name="Eq. 24"))
        rows.append(_row(f"γ_c(2,3) / γ_c(centre), n = {n}", "Fig. 12b: γ_c of the pair next to the boundary pair over "
                         f"the central one; non-decreasing from the centre outwards: {'yes' if monotone else 'NO'}; "
                         "paper: γ_c weakly increases away from the centre", "Fig. 12 data", gc[1] / gc[k], None))
        rows.append(_row(f"γ_c of the boundary pair (1,2), n = {n}", "Fig. 12b (off scale): the boundary pair's "
                         "region survives far stronger dephasing", "Fig. 12 data", gc[0], None))
    p = d["params"]
    for r, cur in sorted(d["distance"].items()):
        if r == 1:
            continue
        entangled = int(np.sum(cur["entangled"]))
        rows.append(_row(f"min λ_min + threshold, distance {r}, n = {p['distance_n']}", "over the c–d square, every "
                         f"pair (j, j+{r}), Γ ∈ {list(p['distance_couplings'])}, γ ∈ [0, {p['distance_gamma_max']:g}] "
                         f"({p['distance_points']} values) (Fig. 12c); entangled γ values: {entangled}; paper: never "
                         "entangled (> 0)", "Fig. 12 data", float(np.min(cur["margin"])), None))
    return rows


def _fmt(x: Any, digits: int = 7) -> str:
    if x is None or x == "":
        return ""
    if isinstance(x, (float, np.floating)):
        return "nan" if not math.isfinite(x) else f"{x:.{digits}g}"
    return str(x)


def numbers_markdown(rows: list[dict[str, Any]], title: str = "Numbers of the paper, recomputed by nesskit") -> str:
    """A Markdown table: quantity, paper, formula, numeric (read off / found), relative difference."""
    lines = [f"# {title}", "", "| quantity | description | paper | formula | numeric | rel. diff | source |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        formula = _fmt(r.get("formula"))
        if r.get("formula_name"):
            formula = f"{formula} ({r['formula_name']})"
        lines.append("| " + " | ".join([
            str(r.get("name", "")), str(r.get("description", "")).replace("|", "/"), _fmt(r.get("paper")), formula,
            _fmt(r.get("numeric")), _fmt(r.get("rel_diff"), 2), str(r.get("source", ""))]) + " |")
    return "\n".join(lines) + "\n"


def _json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(float(x)) else None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.ndarray):
        return _json_safe(x.tolist())
    return x


def caption(name: str, params: dict[str, Any]) -> str:
    """The caption of figure ``name``: what it shows, the parameters used, and the paper's statement."""
    what, claim = CAPTIONS[name]
    shown = ", ".join(f"{k} = {v}" for k, v in params.items())
    return f"{what} Parameters: {shown}. Reproduces: {claim}"


def index_html(results: dict[str, dict[str, Any]], rows: list[dict[str, Any]], meta: dict[str, Any],
               sections: list[dict[str, Any]] | None = None) -> str:
    """A self-contained HTML page: every figure with its caption, the extra sections, then the numbers table."""
    esc = html.escape
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<title>nesskit: Žnidarič, PRA 85, 012324 (2012) reproduced</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
             "figure{margin:2em 0;border-bottom:1px solid #ddd;padding-bottom:1em}img{max-width:100%}"
             "figcaption{font-size:0.92em}table{border-collapse:collapse;font-size:0.85em}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}</style>",
             "</head><body>",
             "<h1>Entanglement in stationary nonequilibrium states at high energies — reproduced</h1>",
             f"<p>M. Žnidarič, Phys. Rev. A 85, 012324 (2012), recomputed by nesskit {esc(__version__)} "
             f"({esc(meta['mode'])} resolution, {esc(meta['generated'])}, {meta['wall_time']:.1f} s). "
             "Entangled regions are where λ_min of the NESS computed by the library is below −threshold (nesskit's "
             "one entanglement policy); the paper's formulas are overlaid as thin lines. Sites are 1-based.</p>",
             "<p><a href='#numbers'>Numbers</a> · <a href='numbers.md'>numbers.md</a> · "
             "<a href='numbers.json'>numbers.json</a></p>"]
    for name in FIGURES:
        if name not in results:
            continue
        label = f"Fig. {int(name[3:])}"
        parts.append(f"<figure id='{name}'><h2>{label}</h2><img src='{name}.png' alt='{label}'>"
                     f"<figcaption><b>{label}.</b> {esc(caption(name, results[name]['params']))} "
                     f"(<a href='{name}.pdf'>PDF</a>)</figcaption></figure>")
    for sec in sections or []:
        parts.append(f"<h2>{esc(str(sec['title']))}</h2>")
        for item in sec["figures"]:
            stem = esc(str(item.get("stem", "")))
            title = esc(str(item.get("title", stem)))
            parts.append(f"<figure id='{stem}'><h3>{title}</h3><img src='{stem}.png' alt='{title}'>"
                         f"<figcaption>{esc(str(item.get('caption', '')))} (<a href='{stem}.pdf'>PDF</a>)"
                         "</figcaption></figure>")
    parts.append("<h2 id='numbers'>Numbers</h2><table><tr><th>quantity</th><th>description</th><th>paper</th>"
                 "<th>formula</th><th>numeric</th><th>rel. diff</th><th>source</th></tr>")
    for r in rows:
        formula = _fmt(r.get("formula")) + (f" ({r['formula_name']})" if r.get("formula_name") else "")
        cells = [r.get("name", ""), r.get("description", ""), _fmt(r.get("paper")), formula, _fmt(r.get("numeric")),
                 _fmt(r.get("rel_diff"), 2), r.get("source", "")]
        parts.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts) + "\n"


def _params_for_caption(params: dict[str, Any]) -> dict[str, Any]:
    grid = ("points", "slices", "map_points", "distance_points", "edge_points")
    return {k: v for k, v in params.items() if k not in grid}


def reproduce(out: str | Path, quick: bool = False, figures: tuple[str, ...] = FIGURES, dpi: int = 150,
              progress: Callable[[str, str], None] | None = None, extra: bool | None = None) -> dict[str, Any]:
    """Recompute every figure and number of the paper into the folder ``out``.

    Writes ``figNN.png`` and ``figNN.pdf`` for each figure, ``numbers.md``, ``numbers.json`` and ``index.html``.

    Parameters
    ----------
    out : path
        Output folder (created if needed).
    quick : bool
        Coarse grids (:data:`nesskit.figures.data.RESOLUTION` ``["quick"]``): seconds instead of minutes.
    figures : tuple of str
        Which figures to make (default all twelve: the paper's eleven and Fig. 12, its Sec. III D claims).
    dpi : int
        Resolution of the PNG files.
    progress : callable, optional
        Called as ``progress(figure_name, stage)`` with stage "data", "plot" or "done".
    extra : bool or None
        Include the optional sections of :data:`EXTRA_SECTIONS`: None (default) those enabled there, and only when
        every figure is made; True all that are installed; False none.

    Returns
    -------
    dict
        ``files`` (paths written), ``rows`` (the numbers), ``timings`` (seconds per figure), ``wall_time``.
    """
    from ..errors import ParameterError

    unknown = [f for f in figures if f not in FIGURES]
    if unknown:
        raise ParameterError(f"figures must be among {list(FIGURES)}, got {unknown}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    timings: dict[str, float] = {}
    files: list[Path] = []
    for name in figures:
        t0 = time.perf_counter()
        if progress:
            progress(name, "data")
        results[name] = figdata.figure_data(name, quick=quick)
        if progress:
            progress(name, "plot")
        fig = plots.PLOT_FUNCTIONS[name](data=results[name])
        for ext in ("png", "pdf"):
            path = out / f"{name}.{ext}"
            fig.savefig(path, dpi=dpi)
            files.append(path)
        timings[name] = time.perf_counter() - t0
        if progress:
            progress(name, "done")
    rows = critical_rows() + figure_rows(results)
    wanted = extra is True or (extra is None and tuple(figures) == FIGURES)
    sections = extra_sections(out, quick, extra) if wanted else []
    for sec in sections:
        for item in sec["figures"]:
            for r in item.get("rows", []):
                row = {"description": "", "source": sec["title"], "formula_name": "", **r}
                row["rel_diff"] = _rel_diff(_num(row.get("numeric")), _num(row.get("formula")))
                rows.append(row)
            files += [p for p in (out / f"{item.get('stem')}.png", out / f"{item.get('stem')}.pdf") if p.is_file()]
    wall = time.perf_counter() - start
    meta = {"mode": "quick" if quick else "full", "generated": datetime.datetime.now().isoformat(timespec="seconds"),
            "wall_time": wall, "nesskit": __version__}
    captions = {name: caption(name, _params_for_caption(results[name]["params"])) for name in results}
    (out / "numbers.md").write_text(numbers_markdown(rows), encoding="utf-8")
    (out / "numbers.json").write_text(json.dumps(_json_safe({"meta": meta, "rows": rows, "timings": timings,
                                                             "captions": captions}), indent=1), encoding="utf-8")
    shown = {name: {"params": _params_for_caption(r["params"])} for name, r in results.items()}
    (out / "index.html").write_text(index_html(shown, rows, meta, sections), encoding="utf-8")
    files += [out / "numbers.md", out / "numbers.json", out / "index.html"]
    return {"files": files, "rows": rows, "timings": timings, "wall_time": time.perf_counter() - start}
