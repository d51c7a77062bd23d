"""Figures 1–11 of Žnidarič, PRA 85, 012324 (2012) — plotting only (SPEC §6).

Each ``figNN(data=None, **params)`` draws one figure and returns a :class:`matplotlib.figure.Figure` on an Agg
canvas (no pyplot state, safe in scripts and servers). Without ``data`` it computes it with
``nesskit.figures.data.figNN_data`` and ``params`` (the paper's values are the defaults), so
``fig04(coupling=1.5)`` redraws Fig. 4 for Γ = 1.5. No physics lives here: entangled regions are λ_min < 0 of
the NESS as computed by the library (the data's ``margin`` = λ_min + threshold, negative ⇔ entangled by the policy),
and the paper's boundary formulas come in the data as curves to overlay. Fig. 12 draws the claims of Sec. III D.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import data as figdata

ENTANGLED_MAP = "black"  # the paper's colour for entangled regions in the c–d / u–μ̄ planes
ENTANGLED_CLOUD = "#a50f15"  # dark red: entangled NESS in the (⟨z⟩, ⟨zz⟩) plane
NESS_FILL = "#fcbba1"
OVERLAY = "#ff7f0e"  # the paper's boundary formulas, drawn thin on top
OVERLAY_2 = "#1f9bd7"


def _figure(width: float, height: float, **kwargs: Any) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained", **kwargs)
    FigureCanvasAgg(fig)
    return fig


def _shade_negative(ax: Axes, x: np.ndarray, y: np.ndarray, values: np.ndarray, color: str, **kwargs: Any) -> bool:
    """Fill where ``values`` < 0 (x, y may be curvilinear 2-D grids); False if nothing is negative."""
    values = np.asarray(values, dtype=float)
    if not np.nanmin(values) < 0:
        return False
    ax.contourf(x, y, values, levels=[float(np.nanmin(values)) - 1.0, 0.0], colors=[color], **kwargs)
    return True


# -- (⟨z⟩, ⟨zz⟩) plane: Figs. 1, 6, 9 --------------------------------------------------------------------------------
def _zzz_panel(ax: Axes, cloud: dict[str, Any], title: str, entangled_label: str) -> None:
    z_eq, zz_eq = cloud["equilibrium_z"], cloud["equilibrium_zz"]
    z_lo, zz_lo = cloud["lower_z"], cloud["lower_zz"]
    ax.fill(np.r_[z_eq, z_lo[::-1]], np.r_[zz_eq, zz_lo[::-1]], color=NESS_FILL, lw=0)
    has = _shade_negative(ax, cloud["z"], cloud["zz"], cloud["margin"], ENTANGLED_CLOUD)
    ax.plot(z_eq, zz_eq, color="black", lw=2.2)
    ax.plot(z_lo, zz_lo, color="black", lw=1.2, ls="--")
    ax.plot([0], [0], marker="o", mfc="white", mec="black", ms=7, zorder=5)
    eq_label = r"equilibrium, $\mu=0$: $\langle zz\rangle=\langle z\rangle^2$"
    handles = [Line2D([], [], color="black", lw=2.2, label=eq_label),
               Patch(color=NESS_FILL, label=r"NESS, $\mu\neq 0$ (all valid $\mu,\bar\mu$)"),
               Line2D([], [], color="black", lw=1.2, ls="--", label="edge of the valid region")]
    if has:
        handles.append(Patch(color=ENTANGLED_CLOUD, label=entangled_label))
    ax.legend(handles=handles, loc="upper center", fontsize=8, framealpha=0.9)
    ax.set_xlabel(r"$\langle z\rangle = \langle\sigma^z_j\rangle$ (bulk)")
    ax.set_ylabel(r"$\langle zz\rangle = \langle\sigma^z_j\sigma^z_{j+1}\rangle$ (bulk)")
    ax.set_title(title, fontsize=10)


def fig01(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 1: bulk ⟨z⟩ vs ⟨zz⟩ of the NESS near the centre, γ = 0, Γ = 1; bulk-pair entanglement in dark red."""
    data = data or figdata.fig01_data(**params)
    p = data["params"]
    fig = _figure(5.6, 4.6)
    ax = fig.add_subplot()
    _zzz_panel(ax, data, rf"Fig. 1: bulk of the NESS, $\gamma=0$, $\Gamma={p['coupling']:g}$ (centre of Fig. 9)",
               r"$\rho_{j,j+1}$ entangled ($\lambda_{\min}<0$)")
    zoom = p["zoom"]
    ax.set_xlim(-zoom, zoom)
    ax.set_ylim(float(np.min(data["lower_zz"])) - 0.02, zoom**2 + 0.03)
    return fig


def fig06(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 6: bulk ⟨z⟩ vs ⟨zz⟩ at Γ = 1.088, with the "entanglement smile" where ρ₁₂ is entangled."""
    data = data or figdata.fig06_data(**params)
    fig = _figure(5.6, 4.6)
    ax = fig.add_subplot()
    title = rf"Fig. 6: NESS with entangled boundary pair, $\gamma=0$, $\Gamma={data['params']['coupling']:g}$"
    _zzz_panel(ax, data, title,
               r"$\rho_{12}$ entangled (for $\mu$ or $-\mu$)")
    ax.set_xlim(-1, 1)
    return fig


def fig09(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 9: bulk ⟨z⟩ vs ⟨zz⟩ with bulk nearest-neighbour entanglement, Γ = 1 (left) and Γ = 1.5 (right)."""
    data = data or figdata.fig09_data(**params)
    fig = _figure(10.5, 4.6)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, cloud, g in zip(axes, data["panels"], data["params"]["couplings"]):
        _zzz_panel(ax, cloud, rf"$\gamma=0$, $\Gamma={g:g}$", r"$\rho_{j,j+1}$ entangled")
        ax.set_xlim(-1, 1)
    axes[1].set_ylabel("")
    fig.suptitle("Fig. 9: bulk expectation values, equilibrium and NESS", fontsize=11)
    return fig


# -- thermal state: Figs. 2, 3 --------------------------------------------------------------------------------------
def fig02(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 2: λ_min of the grand-canonical nearest-neighbour state of the infinite XX chain vs T, φ = 0."""
    data = data or figdata.fig02_data(**params)
    fig = _figure(5.4, 3.9)
    ax = fig.add_subplot()
    ax.plot(data["temperature"], data["lambda_min"], color="black", lw=1.8, label=r"$\lambda_{\min}$ (Eqs. 3–4)")
    ax.axhline(0, color="grey", lw=0.8)
    tc = data["critical_temperature"]
    ax.axvline(tc, color=OVERLAY, lw=1, ls="--", label=rf"$T_c=1/\beta_c={tc:.4f}$")
    ax.plot([data["crossing"]], [0], "o", mfc="none", mec="tab:blue", ms=8,
            label=f"zero of the curve: {data['crossing']:.4f}")
    ax.set_xlabel(r"$T = 1/\beta$")
    ax.set_ylabel(r"$\lambda_{\min}(\rho^{PT}_{j,j+1})$")
    ax.set_xlim(0, data["params"]["temperature_max"])
    ax.set_title(rf"Fig. 2: thermal entanglement, $\varphi={data['params']['phi']:g}$ (entangled for $T<T_c$)",
                 fontsize=10)
    ax.legend(fontsize=8)
    return fig


def fig03(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 3: iso-T (solid) and iso-φ (dashed) curves of the grand-canonical XX chain in the (⟨z⟩, ⟨E⟩) plane."""
    data = data or figdata.fig03_data(**params)
    fig = _figure(6.2, 5.0)
    ax = fig.add_subplot()
    cmap = colormaps["viridis"]
    curves = data["iso_temperature"]
    for k, cur in enumerate(curves):
        t = cur["temperature"]
        label = r"$T=\infty$: all NESS ($\langle E\rangle=0$)" if np.isinf(t) else f"$T={t:g}$"
        if np.isinf(t):
            ax.plot(cur["z"], cur["energy"], color="red", lw=3.5, label=label, zorder=4)
        else:
            ax.plot(cur["z"], cur["energy"], color=cmap(k / max(len(curves) - 1, 1)), lw=1.5, label=label)
    for cur in data["iso_phi"]:
        ax.plot(cur["z"], cur["energy"], color="grey", lw=1.0, ls="--")
        if cur["phi"] >= 0:  # label once per |φ|, where the curve crosses ⟨E⟩ = −0.5
            k = int(np.argmin(np.abs(cur["energy"] + 0.5)))
            ax.annotate(rf"$\pm{cur['phi']:g}$" if cur["phi"] else "$0$", (-abs(cur["z"][k]), cur["energy"][k]),
                        fontsize=7, color="dimgrey", xytext=(2, 0), textcoords="offset points", ha="left",
                        backgroundcolor="white")
    ax.plot([], [], color="grey", ls="--", label=r"iso-$\varphi$ ($\varphi$ labelled)")
    ax.set_xlabel(r"$\langle z\rangle = \langle\sigma^z_j\rangle_G$")
    ax.set_ylabel(r"$\langle E\rangle = 2\langle\sigma^x_j\sigma^x_{j+1}\rangle_G$")
    ax.set_title(r"Fig. 3: grand-canonical state, iso-$T$ (solid) and iso-$\varphi$ (dashed)", fontsize=10)
    ax.legend(fontsize=7.5, loc="lower right", ncol=1, framealpha=0.9)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(top=0.1)
    return fig


# -- c–d and u–μ̄ planes: Figs. 4, 7 ---------------------------------------------------------------------------------
def _cd_panels(data: dict[str, Any], fig: Figure, edge_label: str, cmin_label: str) -> None:
    ax_cd, ax_u = fig.subplots(1, 2)
    _shade_negative(ax_cd, data["c"], data["d"], data["margin"], ENTANGLED_MAP)
    edge = data["edge"]
    ax_cd.plot(edge["c"], edge["d"], color=OVERLAY, lw=1.1)
    ax_cd.plot(edge["c_left"], edge["d_left"], color=OVERLAY, lw=1.1)
    cmin = data["paper_c_min"]
    if cmin < 1:
        ax_cd.axvline(cmin, color=OVERLAY_2, lw=0.9, ls=":")
        ax_cd.axvline(-cmin, color=OVERLAY_2, lw=0.9, ls=":")
    ax_cd.set_xlim(-1, 1)
    ax_cd.set_ylim(-1, 1)
    ax_cd.set_aspect("equal")
    ax_cd.set_xlabel(r"$c = \mu/2 - \bar\mu$")
    ax_cd.set_ylabel(r"$d = \mu/2 + \bar\mu$")
    ax_cd.legend(handles=[Patch(color=ENTANGLED_MAP, label=r"entangled ($\lambda_{\min}<0$)"),
                          Line2D([], [], color=OVERLAY, lw=1.1, label=edge_label),
                          Line2D([], [], color=OVERLAY_2, lw=0.9, ls=":", label=cmin_label)],
                 fontsize=7.5, loc="center", framealpha=0.9)
    _shade_negative(ax_u, data["u"], data["mu_bar"], data["margin"], ENTANGLED_MAP)
    ax_u.plot(edge["u"], edge["mu_bar"], color=OVERLAY, lw=1.1)
    ax_u.plot(edge["u_left"], edge["mu_bar_left"], color=OVERLAY, lw=1.1)
    ax_u.plot(data["allowed_u"], data["allowed_mu_bar"], color="black", lw=1.0, ls="--")
    ax_u.set_xlabel(r"$u = \Gamma t = (\langle\sigma^z_n\rangle - \langle\sigma^z_1\rangle)/2$")
    ax_u.set_ylabel(r"$\bar\mu$")
    umax = float(np.max(np.abs(data["allowed_u"])))
    ax_u.set_xlim(-1.08 * umax, 1.08 * umax)
    ax_u.set_ylim(-1.05, 1.05)
    ax_u.legend(handles=[Line2D([], [], color="black", ls="--", lw=1.0, label="allowed region")],
                fontsize=7.5, loc="upper left", framealpha=0.9)


def fig04(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 4: where the boundary pair ρ₁₂ is entangled, Γ = 2: c–d plane (left), u–μ̄ plane (right)."""
    data = data or figdata.fig04_data(**params)
    fig = _figure(10.0, 4.8)
    _cd_panels(data, fig, "Eq. 17 (bottom edge)", "Eq. 16 ($c_{\\min}$)")
    fig.suptitle(rf"Fig. 4: entangled $\rho_{{12}}$ (black), $\Gamma_L=\Gamma_R={data['params']['coupling']:g}$, "
                 r"$\gamma=0$", fontsize=11)
    return fig


def fig07(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 7: where a bulk pair ρ_{j,j+1} is entangled, Γ = 1: two pockets, c–d (left) and u–μ̄ (right)."""
    data = data or figdata.fig07_data(**params)
    fig = _figure(10.0, 4.8)
    _cd_panels(data, fig, "Eq. 21 (lower edge)", "Eq. 22 ($c_{\\min}$)")
    fig.suptitle(rf"Fig. 7: entangled bulk pair $\rho_{{j,j+1}}$ (black), "
                 rf"$\Gamma_L=\Gamma_R={data['params']['coupling']:g}$, $\gamma=0$", fontsize=11)
    return fig


# -- (c, d, Γ) stacks: Figs. 5, 8 -------------------------------------------------------------------------------------
def _stack(data: dict[str, Any], fig: Figure, title: str, tip_label: str) -> Axes:
    ax = fig.add_subplot(projection="3d", computed_zorder=False)  # draw in call order: slices, then the tip
    cmap = colormaps["plasma"]
    gs = data["couplings"]
    span = (gs.max() - gs.min()) or 1.0
    for g, lam in zip(gs, data["margin"]):
        if np.nanmin(lam) < 0:
            color = cmap(0.1 + 0.75 * (g - gs.min()) / span)
            ax.contourf(data["c"], data["d"], lam, levels=[float(np.nanmin(lam)) - 1, 0], zdir="z", offset=g,
                        colors=[color], alpha=0.7, zorder=1)
    tip = data["tip"]
    ax.plot(tip["c"], tip["d"], tip["coupling"], color=OVERLAY_2, lw=2.0, label=tip_label, zorder=10)
    ax.plot(-tip["c"], -tip["d"], tip["coupling"], color=OVERLAY_2, lw=2.0, zorder=10)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_zlim(gs.min(), gs.max())
    ax.set_xlabel("$c$")
    ax.set_ylabel("$d$")
    ax.set_zlabel(r"$\Gamma$")
    ax.view_init(elev=22, azim=-60)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def fig05(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 5: ρ₁₂'s entangled region in (c, d, Γ), drawn as stacked c–d slices; Eqs. 16–17 tip as a line."""
    data = data or figdata.fig05_data(**params)
    fig = _figure(6.2, 5.6)
    gmin = data.get("coupling_min", float("nan"))
    _stack(data, fig, rf"Fig. 5: entangled $\rho_{{12}}$, stacked slices in $\Gamma$ ($\Gamma_{{\min}}={gmin:.3f}$)",
           "tongue tip, Eqs. 16–17")
    return fig


def fig08(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 8: the bulk pockets in (c, d, Γ), drawn as stacked c–d slices; Eqs. 21–22 tip as a line."""
    data = data or figdata.fig08_data(**params)
    fig = _figure(6.2, 5.6)
    _stack(data, fig, r"Fig. 8: entangled bulk pair, stacked slices ($0.531<\Gamma<1.883$)", "pocket tip, Eqs. 21–22")
    return fig


# -- dephasing: Figs. 10, 11 -------------------------------------------------------------------------------------------
def fig10(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 10: the window Γ₋ < Γ < Γ₊ of central-pair entanglement vs γ(n − 2): numerics shaded, Eq. 25 lines."""
    data = data or figdata.fig10_data(**params)
    fig = _figure(5.6, 4.4)
    ax = fig.add_subplot()
    x = data["x"]
    sizes = sorted(data["numeric"])
    markers = ["o", "s", "^", "D"]
    largest = data["numeric"][sizes[-1]]
    ax.fill_between(x, largest["lower"], largest["upper"], color="#9ecae1", alpha=0.8,
                    label=rf"entangled somewhere (numerical, $n={sizes[-1]}$)")
    for k, n in enumerate(sizes):
        w = data["numeric"][n]
        ax.plot(x, w["lower"], markers[k % 4], color="navy", mfc="none", ms=4,
                label=f"numerical $\\Gamma_\\pm$, $n={n}$")
        ax.plot(x, w["upper"], markers[k % 4], color="navy", mfc="none", ms=4)
    ax.plot(data["formula_x"], data["formula_upper"], color=OVERLAY, lw=1.3, label=r"Eq. 25: $\Gamma_+$")
    ax.plot(data["formula_x"], data["formula_lower"], color="#d62728", lw=1.3, label=r"Eq. 25: $\Gamma_-$")
    ax.set_xlabel(r"$\gamma\,(n-2)$")
    ax.set_ylabel(r"$\Gamma$")
    ax.set_xlim(0, float(x.max()) * 1.02)
    ax.set_title(r"Fig. 10: central pair $\rho_{n/2,n/2+1}$ entangled for $\Gamma_-<\Gamma<\Gamma_+$", fontsize=10)
    ax.legend(fontsize=7.5)
    return fig


def fig11(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 11: dephasing, Γ = 1: 1 − c_min vs γ for n = 6, 10, 16 (left); region edges at γ = 0.04 (right)."""
    data = data or figdata.fig11_data(**params)
    p = data["params"]
    fig = _figure(10.5, 4.6)
    ax_l, ax_r = fig.subplots(1, 2)
    g = data["gamma"]
    colors = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
    for k, (n, cur) in enumerate(sorted(data["curves"].items())):
        size = np.asarray(cur["size"], dtype=float)
        keep = np.isfinite(size)
        xs, ys = g[keep], size[keep]
        if np.isfinite(cur["zero"]):  # the curve ends where the region vanishes (found numerically)
            xs, ys = np.r_[xs, cur["zero"]], np.r_[ys, 0.0]
        ax_l.plot(xs, ys, "-", color=colors[k % 4], label=f"$n={n}$")
        ax_l.plot(g[keep], size[keep], "o", ms=3, color=colors[k % 4])
        ax_l.axvline(cur["gamma_c"], color=colors[k % 4], lw=0.8, ls=":")
    if any(np.isfinite(cur["gamma_c"]) for cur in data["curves"].values()):
        ax_l.plot([], [], color="grey", lw=0.8, ls=":", label=r"$\gamma_c$, Eq. 24")
    for n, m in sorted(data["maps"].items()):
        col = colors[sorted(data["curves"]).index(n) % 4] if n in data["curves"] else "black"
        ax_l.plot([p["map_gamma"]], [1 - m["c_min"]], "s", ms=7, mfc="none", mec=col)
    ax_l.set_xlabel(r"$\gamma$")
    ax_l.set_ylabel(r"$1 - c_{\min}$")
    ax_l.set_ylim(bottom=0)
    ax_l.set_xlim(0, float(g.max()))
    ax_l.legend(fontsize=8)
    ax_l.set_title(r"size of the entangled region (squares: right panel)", fontsize=9.5)
    for n, m in sorted(data["maps"].items()):
        col = colors[sorted(data["curves"]).index(n) % 4] if n in data["curves"] else "black"
        lam = m["margin"]
        if np.nanmin(lam) < 0:
            _shade_negative(ax_r, m["c"], m["d"], lam, col, alpha=0.18)
            ax_r.contour(m["c"], m["d"], lam, levels=[0.0], colors=[col], linewidths=1.6)
        ax_r.plot([], [], color=col, lw=1.6, label=rf"$n={n}$, $\gamma={p['map_gamma']:g}$")
    ax_r.annotate("", xy=(0.93, 0.93), xytext=(0.62, 0.62),
                  arrowprops={"arrowstyle": "->", "color": "dimgrey", "lw": 1.2})
    ax_r.text(0.6, 0.66, "$n$ increases", color="dimgrey", fontsize=9, rotation=45, ha="center", va="bottom")
    e = data["edge_gamma0"]
    ax_r.plot(e["c"], e["d"], color="black", ls="--", lw=1.2, label=rf"$\gamma=0$ ({e.get('source', 'Eq. 21')})")
    ax_r.set_xlim(0, 1)
    ax_r.set_ylim(0, 1)
    ax_r.set_aspect("equal")
    ax_r.set_xlabel("$c$")
    ax_r.set_ylabel("$d$")
    ax_r.legend(fontsize=8, loc="lower left")
    ax_r.set_title("entangled region (shaded, above/right of its edge)", fontsize=9.5)
    extra = "".join(f", {k} = {v:g}" for k, v in p.items() if k == "delta" and v)
    fig.suptitle(rf"Fig. 11: dephasing, central pair $\rho_{{n/2,n/2+1}}$, $\Gamma={p['coupling']:g}${extra} "
                 f"(method {p.get('method', 'auto')})", fontsize=11)
    return fig


def fig12(data: dict[str, Any] | None = None, **params: Any) -> Figure:
    """Fig. 12 (not in the paper): Sec. III D's claims drawn from computed data — Γ_m(γ, n) of ρ₁₂ against n,
    γ_c against the pair's position, and the smallest λ_min of pairs at distance 1, 2, 3 against γ."""
    data = data or figdata.fig12_data(**params)
    p = data["params"]
    fig = _figure(13.0, 4.3)
    ax_a, ax_b, ax_c = fig.subplots(1, 3)
    colors = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
    for k, (gamma, cur) in enumerate(sorted(data["boundary"].items())):
        ax_a.plot(cur["sizes"], cur["coupling_m"], "o-", color=colors[k % 4], ms=4, label=rf"$\gamma={gamma:g}$")
    ax_a.axhline(1.0, color="grey", lw=0.8, ls="--", label=r"paper: $\Gamma_m\to 1$")
    ax_a.set_xscale("log")
    ax_a.set_xlabel("$n$")
    ax_a.set_ylabel(r"$\Gamma_m$")
    ax_a.set_title(r"(a) $\rho_{12}$ entangled only for $\Gamma>\Gamma_m(\gamma,n)$", fontsize=9.5)
    ax_a.legend(fontsize=8)
    for k, (n, cur) in enumerate(sorted(data["position"].items())):
        site, gc = cur["site"], cur["gamma_c"]
        bulk = (site >= 2) & (site <= n - 2)
        ax_b.plot(site[bulk] - cur["central"], gc[bulk], "s-", color=colors[k % 4], ms=4, label=f"$n={n}$")
    ax_b.set_xlabel(r"$j - \lfloor n/2\rfloor$ (pair $(j, j+1)$; boundary pairs off scale)")
    ax_b.set_ylabel(r"$\gamma_c$")
    ax_b.set_title(rf"(b) $\gamma_c$ against the pair's position, $\Gamma={p['position_coupling']:g}$", fontsize=9.5)
    ax_b.legend(fontsize=8)
    g = data["distance_gamma"]
    for k, (r, cur) in enumerate(sorted(data["distance"].items())):
        ax_c.plot(g, cur["margin"], "o-", color=colors[k % 4], ms=4, label=f"distance {r}")
    ax_c.axhline(0.0, color="black", lw=0.8)
    ax_c.set_yscale("symlog", linthresh=1e-4)
    ax_c.set_xlabel(r"$\gamma$")
    ax_c.set_ylabel(r"min of $\lambda_{\min}$ + threshold")
    ax_c.set_title(rf"(c) pairs at distance $r$, $n={p['distance_n']}$ (entangled below 0)", fontsize=9.5)
    ax_c.legend(fontsize=8)
    fig.suptitle("Fig. 12: the claims of Sec. III D from computed data", fontsize=11)
    return fig


#: Every figure's plotting function, by figure name.
PLOT_FUNCTIONS = {
    "fig01": fig01, "fig02": fig02, "fig03": fig03, "fig04": fig04, "fig05": fig05, "fig06": fig06,
    "fig07": fig07, "fig08": fig08, "fig09": fig09, "fig10": fig10, "fig11": fig11, "fig12": fig12,
}
