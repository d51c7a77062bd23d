"""Model validation (SPEC §1, Eq. 10), the (c, d) ↔ (μ, μ̄) map (Eq. 11) and the jump operators (Eqs. 7–9)."""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nesskit
from dense_reference import dense_liouvillian, dense_ness
from nesskit.errors import ParameterError
from nesskit.model import (
    RHOMBUS_TOLERANCE,
    Model,
    cd_from_mu,
    check_driving,
    driving_valid,
    driving_valid_cd,
    mu_from_cd,
)

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
    # on the edge of the square a factor 1 ± μ/2 ± μ̄ can come out as −1e-16 in floating point: it is zero
    ops = [
        (1, math.sqrt(gl * max(1 - mu / 2 + mb, 0.0)) * SP),
        (1, math.sqrt(gl * max(1 + mu / 2 - mb, 0.0)) * SM),
        (n, math.sqrt(gr * max(1 + mu / 2 + mb, 0.0)) * SP),
        (n, math.sqrt(gr * max(1 - mu / 2 - mb, 0.0)) * SM),
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


def test_jump_operators_on_the_edge_of_the_square() -> None:
    """Regression: c = 1, d = 0.5000000000000003 gives 1 − c = −1.1e-16 in floating point (found by hypothesis)."""
    m = Model(2, c=1.0, d=0.5000000000000003)
    assert m.bath_rates()["left_up"] == 0.0
    assert [op.label for op in m.jump_operators()] == ["left σ-", "right σ+", "right σ-"]


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


# -- aliases: the message names the parameter the user gave ---------------------------------------------

@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0, "1", True, 1j])
def test_coupling_alias_is_named_as_given(value: object) -> None:
    with pytest.raises(ParameterError) as info:
        Model(4, coupling=value)  # type: ignore[arg-type]
    msg = str(info.value)
    assert msg.startswith("coupling ") and "coupling_left" not in msg and "coupling_right" not in msg
    assert "(0, inf)" in msg  # the allowed range


@pytest.mark.parametrize(
    ("kwargs", "name", "allowed"),
    [
        ({"c": math.nan, "d": 0.0}, "c", "[-1, 1]"),
        ({"c": 0.0, "d": math.inf}, "d", "[-1, 1]"),
        ({"c": "0.5", "d": 0.0}, "c", "[-1, 1]"),
        ({"mu": math.nan}, "mu", "rhombus"),
        ({"mu_bar": "0.1"}, "mu_bar", "rhombus"),
        ({"coupling_left": math.nan}, "coupling_left", "(0, inf)"),
        ({"coupling_right": "2"}, "coupling_right", "(0, inf)"),
    ],
)
def test_driving_and_coupling_names_follow_the_user(kwargs: dict, name: str, allowed: str) -> None:
    with pytest.raises(ParameterError) as info:
        Model(4, **kwargs)
    msg = str(info.value)
    assert msg.split()[0] == name and allowed in msg


# -- numbers only, like n ---------------------------------------------------------------------------------

NOT_NUMBERS = ["1", "0.5", True, False, np.bool_(True), None, 0.5 + 0j, [0.5]]
SCALAR_PARAMS = ["coupling", "coupling_left", "coupling_right", "mu", "mu_bar", "delta", "dephasing", "fields",
                 "hopping"]


OPTIONAL = ("coupling", "coupling_left", "coupling_right", "mu", "mu_bar")  # None there means "not given"


@pytest.mark.parametrize(("param", "value"), [(p, v) for p in SCALAR_PARAMS for v in NOT_NUMBERS
                                              if not (v is None and p in OPTIONAL)], ids=repr)
def test_non_numbers_are_refused_like_n(param: str, value: object) -> None:
    if isinstance(value, list) and param in ("dephasing", "fields", "hopping"):
        value = ["0.5"] * {"hopping": 3}.get(param, 4)  # a list of the right length, of strings
    with pytest.raises(ParameterError) as info:
        Model(4, **{param: value})
    assert param in str(info.value) and "allowed range" in str(info.value)


def test_n_and_c_d_refuse_strings_alike() -> None:
    for kwargs in ({"n": "4"}, {"n": 4, "c": "1", "d": 0.0}, {"n": 4, "c": 0.0, "d": True}):
        with pytest.raises(ParameterError):
            Model(**kwargs)


@pytest.mark.parametrize("value", [1, np.int64(1), np.float32(1.0), np.float64(1.0), np.array(1.0)], ids=repr)
def test_numpy_numbers_are_accepted(value: object) -> None:
    m = Model(3, coupling=value, dephasing=value, delta=value, fields=value, hopping=value)  # type: ignore[arg-type]
    assert m.coupling == 1.0 and m.delta == 1.0 and m.hopping_profile == (1.0, 1.0)
    assert all(type(x) is float for x in (m.coupling_left, m.delta, *m.dephasing_profile, *m.hopping_profile))


# -- zero hopping: refused exactly where the NESS is not unique (brute force) -------------------------------


def _unchecked(n: int, hopping: tuple[float, ...], **kwargs: object) -> Model:
    """The model the user asked for, built without the hopping check (to hand it to the dense reference)."""
    m = copy.copy(Model(n, **kwargs))  # type: ignore[arg-type]
    object.__setattr__(m, "hopping_profile", tuple(hopping))
    return m


def _kernel_dimension(model: Model) -> int:
    s = np.linalg.svd(dense_liouvillian(model), compute_uv=False)
    return int(np.sum(s < 1e-10 * s[0]))


VARIANTS = [
    {"mu": 0.6, "mu_bar": 0.1},
    {"c": 1.0, "d": 1.0, "delta": 0.7, "dephasing": 0.3},  # a corner: one rate of each bath is zero
    {"c": -1.0, "d": 0.4, "coupling_left": 0.4, "coupling_right": 2.0, "fields": 0.3, "delta": -0.5},
]
HOPPING_CASES = [(n, p, v) for n in (2, 3, 4) for p in itertools.product([0.0, 1.3], repeat=n - 1)
                 for v in range(len(VARIANTS))]
HOPPING_CASES += [(5, p, 2) for p in [(1.0, 0.0, 1.0, 1.0), (0.0, 1.0, 1.0, 0.0), (1.0, 0.0, 0.0, 1.0),
                                      (1.0, 1.0, 1.0, 0.0)]]


@pytest.mark.parametrize(("n", "hopping", "variant"), HOPPING_CASES)
def test_zero_hopping_refused_iff_ness_not_unique(n: int, hopping: tuple[float, ...], variant: int) -> None:
    """The kernel of the dense Lindbladian (Eqs. 5–9) is one-dimensional iff Model accepts the hopping."""
    kwargs = VARIANTS[variant]
    unique = _kernel_dimension(_unchecked(n, hopping, **kwargs)) == 1
    if unique:
        Model(n, hopping=hopping, **kwargs)  # type: ignore[arg-type]
    else:
        with pytest.raises(ParameterError, match="hopping.*not unique") as info:
            Model(n, hopping=hopping, **kwargs)  # type: ignore[arg-type]
        zero = [j + 1 for j, x in enumerate(hopping) if x == 0]
        assert str(zero) in str(info.value)  # names the bonds
    assert unique == (sum(x == 0 for x in hopping) <= 1)


def test_uniform_zero_hopping_refused_for_n_above_2() -> None:
    with pytest.raises(ParameterError, match="hopping"):
        Model(4, hopping=0)
    Model(2, hopping=0)  # one bond: two spins each at its own bath, unique


@pytest.mark.parametrize(("n", "cut"), [(2, 1), (4, 2), (5, 1), (5, 4)])
def test_single_zero_bond_gives_the_product_of_bath_states(n: int, cut: int) -> None:
    """One zero bond: each piece relaxes to its own bath, ⟨σᶻ⟩ = −c left of the cut and d right of it
    (SPEC §1, Eq. 11), whatever Δ, γ and the fields; the state is the product of the single-spin states."""
    hopping = [1.0] * (n - 1)
    hopping[cut - 1] = 0.0
    m = Model(n, c=0.3, d=-0.6, hopping=hopping, delta=0.4, dephasing=0.2, fields=0.5)
    up = np.array([1.0, 0.0])
    down = np.array([0.0, 1.0])
    rho = np.ones((1, 1))
    for site in range(1, n + 1):
        z = -m.c if site <= cut else m.d
        rho = np.kron(rho, np.diag((1 + z) / 2 * up + (1 - z) / 2 * down))
    np.testing.assert_allclose(dense_ness(m), rho, atol=1e-10)
    # and the package's default solver returns it (it used to leak a raw RuntimeError from SuperLU)
    ness = nesskit.solve(m)
    want = np.array([-m.c if j <= cut else m.d for j in range(1, n + 1)])
    np.testing.assert_allclose(ness.magnetization, want, atol=1e-8)


# -- Eq. 10, vectorised ---------------------------------------------------------------------------------

def _rates_nonnegative(mu: float, mu_bar: float, slack: float = 0.0) -> bool:
    """Eq. 10 written out: the four factors 1 ± μ/2 ± μ̄ of Eqs. 8–9 are ≥ 0 (≥ −slack)."""
    return min(1 - mu / 2 + mu_bar, 1 + mu / 2 - mu_bar, 1 + mu / 2 + mu_bar, 1 - mu / 2 - mu_bar) >= -slack


@settings(max_examples=200, deadline=None)
@given(mu=st.floats(-3, 3), mu_bar=st.floats(-1.5, 1.5))
def test_driving_valid_is_eq_10(mu: float, mu_bar: float) -> None:
    rates = [1 - mu / 2 + mu_bar, 1 + mu / 2 - mu_bar, 1 + mu / 2 + mu_bar, 1 - mu / 2 - mu_bar]
    assume(min(abs(r) for r in rates) > 1e-9)  # away from the edge, where the rounding slack decides
    assert bool(driving_valid(mu, mu_bar)) == _rates_nonnegative(mu, mu_bar)
    c, d = cd_from_mu(mu, mu_bar)
    assert bool(driving_valid_cd(c, d)) == _rates_nonnegative(mu, mu_bar)


def test_driving_valid_broadcasts_and_refuses_nan() -> None:
    mu = np.linspace(-2.5, 2.5, 11)[:, None]
    mb = np.linspace(-1.2, 1.2, 7)[None, :]
    got = driving_valid(mu, mb)
    assert got.shape == (11, 7) and got.dtype == bool
    want = np.array([[_rates_nonnegative(a, b, 1e-12) for b in mb[0]] for a in mu[:, 0]])
    np.testing.assert_array_equal(got, want)
    assert driving_valid(0.0, 0.0).shape == ()
    np.testing.assert_array_equal(driving_valid([math.nan, math.inf, 0.0], [0.0, -math.inf, math.nan]),
                                  [False, False, False])
    np.testing.assert_array_equal(driving_valid_cd([1.0, 1 + RHOMBUS_TOLERANCE / 2, 1 + 1e-9, math.nan], 0.0),
                                  [True, True, False, False])
    # the rhombus corners and the c = d = 1 corner from a float grid are valid
    assert driving_valid([2.0, -2.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]).all()
    c, d = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-1, 1, 7))
    assert driving_valid(*mu_from_cd(c, d)).all() and driving_valid_cd(c, d).all()
    with pytest.raises(ParameterError, match="mu"):
        driving_valid("1", 0.0)
    with pytest.raises(ParameterError, match="d"):
        driving_valid_cd(0.0, ["a"])


@settings(max_examples=100, deadline=None)
@given(mu=st.floats(-2.5, 2.5), mu_bar=st.floats(-1.3, 1.3))
def test_check_driving_and_model_agree_with_driving_valid(mu: float, mu_bar: float) -> None:
    if driving_valid(mu, mu_bar):
        assert check_driving(mu, mu_bar) == (mu, mu_bar)
        Model(3, mu=mu, mu_bar=mu_bar)
    else:
        with pytest.raises(ParameterError, match="rhombus"):
            check_driving(mu, mu_bar)
        with pytest.raises(ParameterError, match="rhombus"):
            Model(3, mu=mu, mu_bar=mu_bar)
