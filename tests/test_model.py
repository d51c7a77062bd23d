"""Model validation (SPEC §1, Eq. 10), the (c, d) ↔ (μ, μ̄) map (Eq. 11) and the jump operators (Eqs. 7–9)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.errors import ParameterError
from nesskit.model import Model, cd_from_mu, mu_from_cd

# -- validation: every bad input names its parameter ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 1}, "n"),
        ({"n": 0}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": "4"}, "n"),
        ({"n": True}, "n"),
        ({"n": 4, "coupling_left": 0.0}, "coupling_left"),
        ({"n": 4, "coupling_left": -1.0}, "coupling_left"),
        ({"n": 4, "coupling_right": 0.0}, "coupling_right"),
        ({"n": 4, "coupling": -0.5}, "coupling"),
        ({"n": 4, "coupling": math.nan}, "coupling"),
        ({"n": 4, "dephasing": -0.1}, "dephasing"),
        ({"n": 4, "dephasing": [0.1, 0.1, -0.1, 0.1]}, "dephasing[3]"),
        ({"n": 4, "dephasing": math.inf}, "dephasing"),
        ({"n": 4, "mu": 2.5}, "mu"),  # c = d = 1.25
        ({"n": 4, "mu": 1.0, "mu_bar": 0.8}, "mu"),  # d = 1.3
        ({"n": 4, "mu_bar": -1.01}, "mu"),  # corner (0, -1) passed
        ({"n": 4, "c": 1.2, "d": 0.0}, "c"),
        ({"n": 4, "c": 0.0, "d": -1.5}, "d"),
        ({"n": 4, "c": 0.5}, "c and d"),
        ({"n": 4, "c": 0.5, "d": 0.5, "mu": 1.0}, "either"),
        ({"n": 4, "coupling": 1.0, "coupling_left": 2.0}, "coupling"),
        ({"n": 4, "dephasing": [0.1, 0.2]}, "dephasing"),
        ({"n": 4, "fields": [0.1, 0.2, 0.3]}, "fields"),
        ({"n": 4, "hopping": [1.0, 1.0, 1.0, 1.0]}, "hopping"),
        ({"n": 4, "hopping": [[1.0, 1.0, 1.0]]}, "hopping"),
        ({"n": 4, "delta": math.nan}, "delta"),
        ({"n": 4, "fields": "abc"}, "fields"),
    ],
)
def test_bad_input_raises_parameter_error_naming_it(kwargs: dict, name: str) -> None:
    with pytest.raises(ParameterError) as info:
        Model(**kwargs)
    assert name in str(info.value)
    assert isinstance(info.value, ValueError)


def test_rhombus_message_states_the_allowed_region() -> None:
    with pytest.raises(ParameterError, match="rhombus"):
        Model(3, mu=-2.2)


def test_rhombus_corners_are_valid() -> None:
    for mu, mu_bar in [(2.0, 0.0), (-2.0, 0.0), (0.0, 1.0), (0.0, -1.0)]:
        m = Model(3, mu=mu, mu_bar=mu_bar)
        assert min(m.bath_rates().values()) == 0.0


# -- (c, d) ↔ (μ, μ̄), Eq. 11 ----------------------------------------------------------------------------

unit = st.floats(-1.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(c=unit, d=unit)
def test_every_point_of_the_cd_square_is_valid(c: float, d: float) -> None:
    m = Model(3, c=c, d=d)
    # Eq. 11 written out: d = μ/2 + μ̄, c = μ/2 − μ̄
    assert m.mu / 2 + m.mu_bar == pytest.approx(d, abs=1e-15)
    assert m.mu / 2 - m.mu_bar == pytest.approx(c, abs=1e-15)
    assert m.c == pytest.approx(c, abs=1e-15) and m.d == pytest.approx(d, abs=1e-15)
    # the four rates of Eq. 10 are the rhombus 1 ± μ/2 ± μ̄ ≥ 0
    assert all(v >= 0 for v in m.bath_rates().values())
    # the same point given as (μ, μ̄) is the same model
    m2 = Model(3, mu=m.mu, mu_bar=m.mu_bar)
    assert (m2.mu, m2.mu_bar) == (m.mu, m.mu_bar)


@settings(max_examples=60, deadline=None)
@given(c=st.floats(-3, 3), d=st.floats(-3, 3))
def test_outside_the_square_is_refused_inside_accepted(c: float, d: float) -> None:
    inside = abs(c) <= 1 and abs(d) <= 1
    if inside:
        Model(2, c=c, d=d)
    elif max(abs(c), abs(d)) > 1 + 1e-9:
        with pytest.raises(ParameterError):
            Model(2, c=c, d=d)
        mu, mu_bar = c + d, (d - c) / 2
        with pytest.raises(ParameterError):
            Model(2, mu=mu, mu_bar=mu_bar)


def test_cd_mu_functions_are_inverse() -> None:
    assert mu_from_cd(0.3, -0.7) == pytest.approx((0.3 - 0.7, (-0.7 - 0.3) / 2))
    assert cd_from_mu(*mu_from_cd(0.3, -0.7)) == pytest.approx((0.3, -0.7))
    assert Model(4, c=1.0, d=1.0).mu == 2.0 and Model(4, c=1.0, d=1.0).mu_bar == 0.0


def test_left_bath_alone_fixes_sz1_to_minus_c() -> None:
    """SPEC Eq. 11: the left bath alone drives spin 1 to ⟨σᶻ⟩ = −c (rates of σ⁺ vs σ⁻)."""
    m = Model(3, c=0.4, d=-0.2)
    r = m.bath_rates()
    # with rates w+ (σ⁺) and w− (σ⁻), the single-spin fixed point is (w+ − w−)/(w+ + w−)
    assert (r["left_up"] - r["left_down"]) / (r["left_up"] + r["left_down"]) == pytest.approx(-m.c)
    assert (r["right_up"] - r["right_down"]) / (r["right_up"] + r["right_down"]) == pytest.approx(m.d)


# -- jump operators, Eqs. 7–9 written out here independently --------------------------------------------

SP = np.array([[0, 1], [0, 0]])  # σ⁺ = |↑⟩⟨↓| with |↑⟩ = (1, 0)
SM = np.array([[0, 0], [1, 0]])
SZ = np.array([[1, 0], [0, -1]])


def expected_jumps(n, gl, gr, mu, mb, gammas):
    ops = [
        (1, math.sqrt(gl * (1 - mu / 2 + mb)) * SP),
        (1, math.sqrt(gl * (1 + mu / 2 - mb)) * SM),
        (n, math.sqrt(gr * (1 + mu / 2 + mb)) * SP),
        (n, math.sqrt(gr * (1 - mu / 2 - mb)) * SM),
    ]
    ops += [(j + 1, math.sqrt(g / 2) * SZ) for j, g in enumerate(gammas)]
    return [(s, m) for s, m in ops if np.abs(m).max() > 0]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 6),
    gl=st.floats(0.05, 5),
    gr=st.floats(0.05, 5),
    c=unit,
    d=unit,
    gamma=st.floats(0, 2),
)
def test_jump_operators_match_eqs_7_to_9(n, gl, gr, c, d, gamma) -> None:
    mu, mb = c + d, (d - c) / 2
    m = Model(n, coupling_left=gl, coupling_right=gr, c=c, d=d, dephasing=gamma)
    want = expected_jumps(n, gl, gr, mu, mb, [gamma] * n)
    got = m.jump_operators("paper")
    assert len(got) == len(want)
    for op, (site, mat) in zip(got, want):
        assert op.site == site
        np.testing.assert_allclose(op.matrix, mat, atol=1e-14)
    for op, (_site, mat) in zip(m.jump_operators("textbook"), want):
        np.testing.assert_allclose(op.matrix, math.sqrt(2) * mat, atol=1e-14)


def test_site_dependent_dephasing_operators() -> None:
    m = Model(3, dephasing=[0.2, 0.0, 0.5])
    deph = [op for op in m.jump_operators() if op.label.startswith("dephasing")]
    assert [op.site for op in deph] == [1, 3]  # zero rate left out
    np.testing.assert_allclose(deph[1].matrix, math.sqrt(0.25) * SZ)


def test_bad_convention_named() -> None:
    with pytest.raises(ParameterError, match="convention"):
        Model(3).jump_operators("qutip")


def test_model_is_immutable_and_replace_validates() -> None:
    m = Model(4, coupling=0.5, mu=1.0, dephasing=0.1)
    with pytest.raises(AttributeError):
        m.n = 5  # type: ignore[misc]
    assert m.replace(dephasing=0.2).dephasing_profile == (0.2,) * 4
    assert m.replace(n=6).n == 6
    with pytest.raises(ParameterError, match="dephasing"):
        m.replace(dephasing=-1.0)
