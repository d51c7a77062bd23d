"""The tensor-network points of "Dephasing and interactions" (nesskit.figures.xxz_dephasing_tn).

The time series is checked against the exact M-sector solver (another method) at n = 6; the summary and the
crossing against series and lines built here with known answers (hypothesis).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.entanglement import lambda_min
from nesskit.errors import ParameterError
from nesskit.methods import solve
from nesskit.model import Model

xt = pytest.importorskip("nesskit.figures.xxz_dephasing_tn")


def test_series_relaxes_to_the_exact_solver() -> None:
    n, delta, gamma = 6, 0.5, 0.04
    rows = xt.central_series(n, delta, gamma, 64, time_total=40.0, interval=2.0)  # χ = 64 = 4³: no cut
    assert [r["t"] for r in rows] == pytest.approx(np.arange(2.0, 40.1, 2.0))
    s = xt.summarise([r["lambda_min"] for r in rows])
    ref = solve(Model(n, coupling=1.0, c=1.0, d=1.0, delta=delta, dephasing=gamma), "exact")
    exact = float(lambda_min(ref.pair(n // 2, n // 2 + 1)))
    assert abs(s["mean"] - exact) < 2e-6  # the splitting's bias at dt = 0.1 (~4e-7) and the relaxation's tail
    assert abs(rows[0]["lambda_min"] - exact) > 1e-3  # it did have to relax
    assert s["error"] < 1e-5
    assert np.mean([r["current"] for r in rows[len(rows) // 2:]]) == pytest.approx(float(np.mean(ref.current)),
                                                                                   abs=1e-5)
    assert max(r["u1_violation"] for r in rows) < 1e-7  # only the cutoff cuts (weight 1e-14: amplitudes ~1e-7)


@pytest.mark.parametrize("kwargs, word", [({"n": 7}, "n"), ({"n": 2}, "n"), ({"gamma": -0.1}, "gamma"),
                                          ({"bond_dimension": 2}, "bond_dimension"), ({"dt": 0.0}, "dt"),
                                          ({"delta": 0.37}, "delta")])
def test_series_refuses_bad_input(kwargs: dict, word: str) -> None:
    args = {"n": 6, "delta": 0.5, "gamma": 0.01, "bond_dimension": 16} | kwargs
    if word == "delta":
        args["n"] = 80  # generic Δ at large n: the matrix-product start is too wide
    with pytest.raises(ParameterError, match=word):
        xt.central_series(args["n"], args["delta"], args["gamma"], args["bond_dimension"], dt=args.get("dt", 0.1),
                          time_total=0.2, interval=0.1)


@settings(max_examples=40, deadline=None)
@given(level=st.floats(-1, 1), slope=st.floats(-1e-3, 1e-3), jitter=st.floats(0, 1e-3), size=st.integers(8, 60))
def test_summary_of_a_known_series(level: float, slope: float, jitter: float, size: int) -> None:
    t = np.arange(size, dtype=float)
    signs = np.where(np.arange(size) % 2 == 0, 1.0, -1.0)
    s = xt.summarise(level + slope * t + jitter * signs)
    half = size - size // 2
    # mean of the last half, and the drift between its quarters: slope × the distance of their centres
    assert s["mean"] == pytest.approx(level + slope * (size // 2 + (half - 1) / 2), abs=jitter + 1e-12)
    assert s["drift"] == pytest.approx(slope * half / 2, abs=2 * jitter + abs(slope) + 1e-12)
    assert s["error"] >= abs(s["drift"])
    assert s["samples"] == half


def test_summary_refuses_short_series() -> None:
    with pytest.raises(ParameterError, match=">= 4"):
        xt.summarise([0.1, 0.2, 0.3])


@settings(max_examples=50, deadline=None)
@given(root=st.floats(0.001, 0.01), slope=st.floats(1.0, 20.0), err=st.floats(0.0, 1e-4))
def test_crossing_of_a_line(root: float, slope: float, err: float) -> None:
    gammas = [0.0, 0.6 * root, 1.3 * root]
    lams = [slope * (g - root) for g in gammas]
    c = xt.crossing(gammas, lams, [err] * 3)
    assert c is not None
    assert c["gamma_critical"] == pytest.approx(root, rel=1e-9)
    assert c["error"] == pytest.approx(err / slope, rel=1e-6, abs=1e-15)
    assert (c["low"], c["high"]) == pytest.approx((0.6 * root, 1.3 * root))
    # errors larger than the last value: the chord stands, but only the lower bound is decided
    c = xt.crossing(gammas, lams, [err, err, 0.5 * slope * root])
    assert c is not None and c["gamma_critical"] == pytest.approx(root, rel=1e-9)
    assert c["error"] is None and c["high"] is None and c["low"] == pytest.approx(0.6 * root)
    c = xt.crossing(gammas[:2], lams[:2], [err] * 2)  # no sign change: a lower bound only
    assert c is not None and c["gamma_critical"] is None and c["low"] == pytest.approx(0.6 * root)
    assert xt.crossing(gammas[:2], lams[:2], [10.0] * 2) is None  # nothing decided, no sign change


@settings(max_examples=50, deadline=None)
@given(root=st.floats(0.001, 0.01), slope=st.floats(1.0, 20.0), noise=st.lists(st.floats(-0.9, 0.9), min_size=4,
       max_size=4), scale=st.floats(1e-4, 0.6))
def test_gamma_critical_bar_spans_what_is_decided(root: float, slope: float, noise: list[float],
                                                  scale: float) -> None:
    """Points of a line, moved by less than their (honest) error bars: the decided bounds hold the line's root,
    and the middle panel's bar reaches exactly to them when the chord is not decided."""
    xd = pytest.importorskip("nesskit.figures.xxz_dephasing")
    gammas = [0.0, 0.5 * root, 0.9 * root, 1.4 * root]
    err = [0.0] + [scale * slope * root] * 3
    lams = [slope * (g - root) + e * u for g, e, u in zip(gammas, err, noise, strict=True)]
    c = xt.crossing(gammas, lams, err)
    assert c is not None
    if c["low"] is not None:
        assert c["low"] < root
    if c["high"] is not None:
        assert c["high"] > root
    if c["gamma_critical"] is None:
        with pytest.raises(ValueError, match="gamma_critical"):
            xd.gamma_critical_bar(c)
        return
    below, above = xd.gamma_critical_bar(c)
    gc = c["gamma_critical"]
    if c["error"] is not None:
        assert below == above == c["error"]
    else:
        assert gc - below == pytest.approx(c["low"] if c["low"] is not None else gc, rel=1e-12)
        assert gc + above == pytest.approx(c["high"] if c["high"] is not None else gc, rel=1e-12)


def test_collect_and_the_shipped_file(tmp_path: Path) -> None:
    rows = [{"t": float(k), "lambda_min": -0.01 + 1e-6 * (k % 2), "z_i": 0.0, "z_j": 0.0, "current": 0.3,
             "chi": 8.0, "discarded": 1e-9, "u1_violation": 1e-6, "wall": float(k)} for k in range(1, 11)]
    path = tmp_path / "run.json"
    run = {"n": 20, "delta": 0.5, "gamma": 0.003, "bond_dimension": 64, "cutoff": 1e-14, "dt": 0.1,
           "command": "python -m nesskit.figures.xxz_dephasing_tn run", "series": rows}
    path.write_text(json.dumps(run))
    data = xt.collect([path])
    (e,) = data["entries"]
    assert e["lambda_min"] == pytest.approx(-0.01 + 0.4e-6)
    assert e["window"] == [6.0, 10.0]
    assert e["discarded_per_unit_time"] == pytest.approx(1e-9)
    assert data["validation"] == []
    shipped = xt.load_tn_points()
    for e in shipped["entries"] + shipped["validation"]:  # the shipped summaries are those of their own series
        s = xt.summarise([v for _, v in e["series"]])
        assert e["lambda_min"] == pytest.approx(s["mean"], abs=1e-15)
        assert e["error"] == pytest.approx(s["error"], abs=1e-15)
    for v in shipped["validation"]:
        assert abs(v["deviation"]) <= 1e-3


def test_report_merges_points_with_their_bias(monkeypatch: pytest.MonkeyPatch) -> None:
    """Error bar = series error + bias (the next smaller bond's difference, else the validation's deviation);
    γ_c is the chord's root through the exact γ = 0 point and the two bracketing points."""
    xd = pytest.importorskip("nesskit.figures.xxz_dephasing")

    def entry(gamma: float, chi: int, lam: float) -> dict:
        return {"n": 6, "delta": 0.5, "gamma": gamma, "bond_dimension": chi, "lambda_min": lam, "error": 1e-4,
                "time": 100.0}

    shipped = {"entries": [entry(0.03, 64, -0.004), entry(0.03, 32, -0.0043), entry(0.05, 64, 0.006)],
               "validation": [{"n": 4, "delta": 0.5, "gamma": 0.01, "bond_dimension": 64, "time": 50.0,
                               "deviation": -2e-4}]}
    monkeypatch.setattr(xd, "load_tn_points", lambda: shipped)
    data = xd.tn_data()
    p03, p05 = data["tn_points"][(0.5, 6)]
    assert p03["bias"] == pytest.approx(3e-4) and p03["error"] == pytest.approx(4e-4)
    assert p05["bias"] == pytest.approx(3e-4) and p05["error"] == pytest.approx(4e-4)  # the bias measured at 0.03
    monkeypatch.setattr(xd, "load_tn_points", lambda: {"entries": shipped["entries"][2:],
                                                       "validation": shipped["validation"]})
    assert xd.tn_data()["tn_points"][(0.5, 6)][0]["bias"] == pytest.approx(2e-4)  # no companion: the validation's
    c = data["tn_crossings"][(0.5, 6)]
    assert c["gamma_critical"] == pytest.approx(0.03 + 0.004 * 0.02 / 0.010)
    assert (c["low"], c["high"]) == (0.03, 0.05)
    data.update(gamma_critical={0.5: (np.array([4]), np.array([0.0415]))})
    rows = {r["name"]: r["numeric"] for r in xd.tn_rows(data)}
    names = list(rows)
    for side, g in (("lower", 0.03), ("upper", 0.05)):  # γ_c(6) ∈ [0.03, 0.05] against γ_c(4) = 0.0415
        assert rows[f"{side} bound of that exponent, Δ = 0.5, n = 4–6"] == pytest.approx(np.log(g / 0.0415) / np.log(2))
    assert "γ_c central pair, Δ = 0.5, n = 6 (tensor network)" in names
    assert "local exponent of γ_c ∝ (n − 2)^p, Δ = 0.5, n = 4–6" in names
    assert "γ_c central pair, Δ = 0.5, n = 6, decided lower bound (tensor network)" in names
    assert "γ_c central pair, Δ = 0.5, n = 6, decided upper bound (tensor network)" in names
    assert any(name.startswith("tensor-network bias, Δ = 0.5, n = 4") for name in names)
    assert "Squares (Δ = 0.5 at n = 6)" in xd.tn_caption(data)
    monkeypatch.setattr(xd, "load_tn_points", lambda: {"entries": [], "validation": []})
    assert "are not shown" in xd.tn_caption(xd.tn_data())
