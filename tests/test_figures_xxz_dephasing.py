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
