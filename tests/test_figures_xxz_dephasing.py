"""The report section "Dephasing and interactions" (nesskit.figures.xxz_dephasing).

γ_c of the XX chain is checked against Eq. 24 (a formula, independent of the root search); γ_c of an interacting
chain against the dense Lindbladian's NESS (brute force, n = 4) on both sides of the root.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dense_reference import dense_ness, dense_pair
from nesskit.critical import dephasing_critical_formula
from nesskit.model import Model

xd = pytest.importorskip("nesskit.figures.xxz_dephasing")


def _dense_lambda_min(n: int, delta: float, gamma: float) -> float:
    rho = dense_ness(Model(n, coupling=1.0, c=1.0, d=1.0, delta=delta, dephasing=gamma))
    pair = dense_pair(rho, n // 2, n // 2 + 1, n)
    pt = pair.reshape(2, 2, 2, 2).transpose(0, 3, 2, 1).reshape(4, 4)  # partial transpose of the second spin
    return float(np.linalg.eigvalsh(0.5 * (pt + pt.conj().T))[0])


@pytest.mark.parametrize("n", [4, 10, 100])
def test_xx_gamma_critical_is_eq24(n: int) -> None:
    assert xd.gamma_critical(n, 0.0) == pytest.approx(dephasing_critical_formula(n, 1.0), rel=1e-6)


@pytest.mark.parametrize("delta", [0.5, 1.5])
def test_interacting_gamma_critical_is_the_dense_sign_change(delta: float) -> None:
    gc = xd.gamma_critical(4, delta)
    assert 0 < gc < 1
    assert _dense_lambda_min(4, delta, gc * (1 - 1e-4)) < 0 < _dense_lambda_min(4, delta, gc * (1 + 1e-4))


def test_section_writes_its_figure_and_rows(tmp_path: Path) -> None:
    figs = xd.xxz_dephasing_section(tmp_path, quick=True)
    assert [f["stem"] for f in figs] == ["xxz_dephasing"]
    assert (tmp_path / "xxz_dephasing.png").stat().st_size > 10_000
    rows = {r["name"]: r for r in figs[0]["rows"]}
    assert rows["γ_c central pair, Δ = 0, n = 100"]["rel_diff"] < 1e-6
    for delta in (0.5, 1.5):
        # interactions make γ_c fall faster than Eq. 24's 1/(n − 2) at these sizes (n = 6, 8 in quick mode)
        assert rows[f"exponent of γ_c ∝ (n − 2)^p, Δ = {delta:g}"]["numeric"] < -1.5
    assert "n = 20, 40, 100" in figs[0]["caption"]


# -- the shipped exact points (n = 12), nesskit.figures.xxz_dephasing_precompute --------------------------------------

pre = pytest.importorskip("nesskit.figures.xxz_dephasing_precompute")


def test_shipped_points_exist_with_provenance() -> None:
    import json
    from importlib import resources

    data = json.loads(resources.files("nesskit.figures.precomputed").joinpath(pre.PRECOMPUTED_FILE).read_text("utf-8"))
    prov = data["provenance"]
    assert prov["command"].startswith("python -m nesskit.figures.xxz_dephasing_precompute")
    assert {"nesskit", "date", "numpy", "python"} <= set(prov)
    entries = pre.load_precomputed()
    assert {(e["delta"], e["n"]) for e in entries} >= {(0.5, 12), (1.5, 12)}
    for e in entries:
        assert [p["gamma"] for p in e["curve"]] == pytest.approx([x * e["gamma_critical"] for x in
                                                                  data["curve_fractions"]], rel=1e-12)
        assert max(p["residual"] for p in e["curve"]) <= 1e-10


@pytest.mark.parametrize("delta", [0.5, 1.5])
def test_shipped_gamma_zero_point_is_the_matrix_product_ness(delta: float) -> None:
    """The shipped γ = 0 entry (exact M-sector solver) against the exact matrix-product NESS: another method."""
    from nesskit.methods import solve

    e = next(e for e in pre.load_precomputed() if (e["delta"], e["n"]) == (delta, 12))
    first = e["curve"][0]
    assert first["gamma"] == 0.0
    mp = solve(Model(12, coupling=1.0, c=1.0, d=1.0, delta=delta), "matrix-product")
    assert first["lambda_min"] == pytest.approx(float(mp.entanglement(6, 7)["lambda_min"]), abs=1e-9)
    assert first["current"] == pytest.approx(float(np.mean(mp.current)), rel=1e-8)


@pytest.mark.parametrize("delta", [0.5, 1.5])
def test_shipped_curve_changes_sign_at_its_root(delta: float) -> None:
    """λ_min(x γ_c) is negative below the root and positive above it, and rises monotonically (the curve's shape)."""
    e = next(e for e in pre.load_precomputed() if (e["delta"], e["n"]) == (delta, 12))
    lam = {round(p["gamma"] / e["gamma_critical"], 6): p["lambda_min"] for p in e["curve"]}
    assert lam[0.75] < -1e-4 and lam[1.25] > 1e-4
    assert abs(lam[1.0]) < 1e-5
    values = [lam[x] for x in sorted(lam)]
    assert all(a < b for a, b in zip(values[:4], values[1:5]))


def test_dephasing_data_merges_the_shipped_points() -> None:
    shipped = {(e["delta"], e["n"]): e for e in pre.load_precomputed()}
    data = xd.dephasing_data(quick=True)
    for delta in (0.5, 1.5):
        sizes, gcs = data["gamma_critical"][delta]
        assert 12 in sizes.tolist() and list(sizes) == sorted(sizes)
        assert gcs[sizes.tolist().index(12)] == shipped[(delta, 12)]["gamma_critical"]
        assert (delta, 12) in data["extra_curves"]
        assert len(data["currents"][delta]) == len(sizes)
    assert not xd.dephasing_data(quick=True, precomputed=False)["extra_curves"]


def test_precompute_finds_the_dense_root_at_n4() -> None:
    """The precompute's root and curve at n = 4 against the dense Lindbladian's NESS (brute force)."""
    data = pre.precompute([4], [1.5], xtol=1e-9)
    (e,) = data["entries"]
    gc = e["gamma_critical"]
    assert _dense_lambda_min(4, 1.5, gc * (1 - 1e-4)) < 0 < _dense_lambda_min(4, 1.5, gc * (1 + 1e-4))
    for p in e["curve"]:
        assert p["lambda_min"] == pytest.approx(_dense_lambda_min(4, 1.5, p["gamma"]), abs=1e-10)


def test_precompute_refuses_chains_without_a_bulk() -> None:
    with pytest.raises(pre.ParameterError, match="n must be >= 4"):
        pre.precompute([3], [0.5])
