"""The report section "Interacting chains" (nesskit.figures.xxz): files, captions, numbers, and its data at Δ = 0.

The Δ = 0 checks compare with the paper's closed forms (SPEC §3), computed here independently of the section.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from nesskit.model import Model
from nesskit.solvers import closed_form
from nesskit.solvers import matrix_product as mp

xxz = pytest.importorskip("nesskit.figures.xxz")


@pytest.fixture(scope="module")
def section(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("xxz")
    return out, xxz.xxz_section(out, quick=True)


def test_section_writes_every_figure(section: tuple[Path, list[dict]]) -> None:
    out, figs = section
    assert [f["stem"] for f in figs] == ["xxz_delta", "xxz_map", "xxz_size"]
    for f in figs:
        for ext in ("png", "pdf"):
            path = out / f"{f['stem']}.{ext}"
            assert path.exists() and path.stat().st_size > 10_000, path
        assert "Exact" in f["caption"] and f["title"]
        for row in f["rows"]:
            assert set(row) >= {"name", "paper", "formula", "numeric", "rel_diff"}
            assert row["numeric"] is not None and math.isfinite(row["numeric"])
    assert "closed form" in figs[0]["caption"]


def test_delta_zero_rows_meet_the_closed_forms(section: tuple[Path, list[dict]]) -> None:
    rows = [r for f in section[1] for r in f["rows"] if r["formula"] is not None]
    assert len(rows) >= 10
    for r in rows:
        assert r["rel_diff"] < 1e-10, r
    by_name = {r["name"]: r for f in section[1] for r in f["rows"]}
    # the numbers asked for in the closing note, here against an independent evaluation at Δ = 0
    conc0 = closed_form.pair_entanglement(100, 101, 200, 1.0, 1.0, 2.0, 0.0)["concurrence"]
    assert abs(by_name["concurrence ρ_100,101, Δ = 0, Γ = 1"]["numeric"] - float(conc0)) < 1e-12
    for delta in (0.5, 1, 1.5):
        assert by_name[f"concurrence ρ_100,101, Δ = {delta:g}, Γ = 1"]["numeric"] > 0


def test_delta_scan_data_at_zero_matches_closed_forms() -> None:
    d = xxz.delta_scan_data(40, np.linspace(-1, 1, 5), couplings=(0.7, 1.6))
    z = d["zero_index"]
    assert d["deltas"][z] == 0.0
    for k, gam in enumerate((0.7, 1.6)):
        for col, (i, j) in enumerate(d["pairs"]):
            ref = closed_form.pair_entanglement(i, j, 40, gam, gam, 2.0, 0.0)
            assert abs(d["lambda_min"][k, z, col] - float(ref["lambda_min"])) < 1e-12
            assert abs(d["concurrence"][k, z, col] - float(ref["concurrence"])) < 1e-12


def test_size_data_central_pair_is_the_solver_s() -> None:
    s = xxz.size_data(np.array([8, 12]), deltas=(1.5,), chain_n=24, chain_deltas=(2.0,))
    r = mp.solve(Model(12, coupling=1.0, c=1, d=1, delta=1.5))
    rho = r.pair(6, 7)
    conc = 2 * max(0.0, abs(rho[1, 2]) - math.sqrt(rho[0, 0].real * rho[3, 3].real))
    assert abs(s["concurrence"][0, 1] - conc) < 1e-12
    # Δ > 1: the entangled bonds sit at the centre
    ent = np.nonzero(s["chain_lambda_min"][0] < -1e-10)[0] + 1
    assert ent.size > 0 and abs(float(np.mean(ent)) - 12) <= 1
