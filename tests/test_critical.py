"""Critical values: each formula against its numeric root found from λ_min of the NESS (1e-6), the paper's
stated numbers, Eq. 24 at larger n through the closed forms, and the claim that c = d = 1 survives last."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from nesskit import critical, regions
from nesskit.errors import ParameterError

REQUIRED = {"beta_c_phi0", "beta_c_phi4", "coupling_min_boundary", "coupling_best_boundary", "coupling_bulk_low",
            "coupling_bulk_high", "dephasing_critical_n6_coupling1"}


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    rows = critical.critical_values()
    return {row["name"]: row for row in rows}


def test_table_contract(table: dict[str, dict]) -> None:
    assert REQUIRED <= set(table)
    for row in table.values():
        assert set(row) == {"name", "description", "paper", "formula", "numeric", "rel_diff"}
        assert np.isfinite(row["formula"]) and np.isfinite(row["numeric"])


def test_formula_equals_numeric_root(table: dict[str, dict]) -> None:
    for name, row in table.items():
        assert row["rel_diff"] < 1e-6, name
        assert row["numeric"] == pytest.approx(row["formula"], rel=1e-6), name


def test_paper_numbers(table: dict[str, dict]) -> None:
    """Each stated number is the formula rounded to the digits the paper prints."""
    for name, row in table.items():
        if row["paper"] is None:
            continue
        digits = len(repr(row["paper"]).split(".")[1])
        tol = 1e-4 if name.startswith("beta_c") else 0.5 * 10.0**-digits
        assert abs(row["formula"] - row["paper"]) <= tol, name
    assert table["dephasing_critical_n6_coupling1"]["formula"] == pytest.approx(0.1035534, abs=1e-7)  # SPEC


@pytest.mark.parametrize("n", [20, 32, 50])
@pytest.mark.parametrize("coupling", [0.8, 1.0, 1.4])
def test_eq24_through_closed_forms_at_large_n(n: int, coupling: float) -> None:
    """γ_c by brentq on the closed-form λ_min of the central pair at the corner c = d = 1."""

    def corner(gamma: float) -> float:
        return float(regions.central_lambda_min(1.0, 1.0, coupling, gamma, n))

    root = brentq(corner, 0.0, 1.0, xtol=1e-15)
    assert root == pytest.approx(critical.dephasing_critical_formula(n, coupling), rel=1e-7)


@pytest.mark.parametrize(("n", "coupling"), [(6, 1.0), (10, 1.5), (20, 0.8)])
def test_corner_is_the_last_entangled_state(n: int, coupling: float) -> None:
    """Not assumed: the minimum over the whole square just below γ_c sits at c = d = ±1; just above, nothing."""
    gamma_c = critical.dephasing_critical_numeric(n, coupling)
    lam, c, d = critical.min_over_square("central", coupling, gamma_c * (1 - 1e-4), n)
    # c = d = 1, or its spin-flip mirror c = d = −1 (same λ_min, see nesskit.regions)
    assert lam < 0 and abs(c) == pytest.approx(1.0, abs=1e-6) and d == pytest.approx(c, abs=1e-6)
    grid = np.linspace(-1, 1, 401)
    above = regions.central_lambda_min(grid[:, None], grid[None, :], coupling, gamma_c * (1 + 1e-6), n)
    assert above.min() > -1e-14
    # and the full-square numeric γ_c equals the corner root
    root = brentq(lambda g: float(regions.central_lambda_min(1.0, 1.0, coupling, g, n)), 0.0, 1.0, xtol=1e-15)
    assert gamma_c == pytest.approx(root, rel=1e-9)


@pytest.mark.parametrize(("gamma", "n"), [(0.0, 4), (0.01, 8), (0.03, 12)])
def test_eq25_coupling_range(gamma: float, n: int) -> None:
    minus_f, plus_f = critical.coupling_range_formula(gamma, n)
    minus_n, plus_n = critical.coupling_range_numeric(gamma, n)
    assert minus_n == pytest.approx(minus_f, rel=1e-6)
    assert plus_n == pytest.approx(plus_f, rel=1e-6)
    if gamma == 0.0:  # Eq. 25 at γ = 0 is the bulk range of Eq. 23
        np.testing.assert_allclose([minus_f, plus_f], critical.coupling_bulk_range_formula(), rtol=1e-14)


def test_gamma_min_is_where_the_tongue_shrinks_to_the_corner() -> None:
    g = critical.coupling_min_boundary_formula()
    assert float(regions.boundary_c_min(g)) == pytest.approx(1.0, abs=1e-9)  # Eq. 16 meets Eq. 18
    assert critical.min_over_square("boundary", g * (1 - 1e-6))[0] > -1e-14
    assert critical.min_over_square("boundary", g * (1 + 1e-6))[0] < 0


def test_best_coupling_minimises_c_min() -> None:
    g = critical.coupling_best_boundary_formula()
    for other in (g - 1e-3, g + 1e-3):
        assert regions.c_min("boundary", other) > regions.c_min("boundary", g)


def test_no_entanglement_outside_range_raises() -> None:
    assert critical.dephasing_critical_formula(8, 2.5) < 0
    with pytest.raises(ParameterError, match="no entanglement"):
        critical.dephasing_critical_numeric(8, 2.5)
    assert np.isnan(critical.coupling_range_formula(0.5, 10)[0])
    with pytest.raises(ParameterError, match="coupling"):
        critical.dephasing_critical_formula(6, -1.0)
