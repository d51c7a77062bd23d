"""``nesskit reproduce --quick`` writes the whole report: 24 images, numbers.md/json and index.html."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from nesskit.cli import main
from nesskit.figures import FIGURES


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(main, ["reproduce", "--out", str(out), "--quick", "--dpi", "60"])
    assert result.exit_code == 0, result.output
    return out, result.output


#: The figures of the report's sections "Interacting chains" (nesskit.figures.xxz) and "Dephasing and
#: interactions" (nesskit.figures.xxz_dephasing).
XXZ = ("xxz_delta", "xxz_map", "xxz_size", "xxz_dephasing")


def test_every_file_is_written(quick_report):
    out, output = quick_report
    images = sorted(p.name for p in out.iterdir() if p.suffix in (".png", ".pdf"))
    assert images == sorted(f"{f}.{ext}" for f in (*FIGURES, *XXZ) for ext in ("png", "pdf"))
    assert len(images) == 32
    for p in out.iterdir():
        assert p.stat().st_size > 500, p.name
    assert (out / "fig01.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "fig01.pdf").read_bytes()[:5] == b"%PDF-"
    for name in ("numbers.md", "numbers.json", "index.html"):
        assert (out / name).is_file()
    assert "wrote 35 files" in output


def test_numbers_hold_every_critical_value_and_the_figure_readings(quick_report):
    from nesskit.critical import critical_values

    out, _ = quick_report
    doc = json.loads((out / "numbers.json").read_text())
    names = [r["name"] for r in doc["rows"]]
    for row in critical_values():
        assert row["name"] in names
    assert any(n.startswith("T_c (Fig. 2)") for n in names)
    assert sum(n.startswith("γ_c, n = ") for n in names) == 3  # n = 6, 10, 16
    assert sum(n.startswith("Γ₋ at") for n in names) >= 2 and sum(n.startswith("Γ₊ at") for n in names) >= 2
    for row in doc["rows"]:  # every number agrees with its formula (coarse grids: Fig. 2 read off to ~1e-3)
        assert row["numeric"] is not None and math.isfinite(row["numeric"]), row
        if row["formula"] is None:
            assert row["rel_diff"] is None, row
        else:
            assert row["rel_diff"] is not None and row["rel_diff"] < 1e-3, row
    # Sec. III D's claims (Fig. 12): Γ_m → 1, γ_c by position, nothing beyond nearest neighbours
    gm = [r for r in doc["rows"] if r["name"].startswith("Γ_m(")]
    assert gm and all(r["paper"] == 1 and 0.8 < r["numeric"] < 1 for r in gm)
    assert any(n.startswith("γ_c(2,3) / γ_c(centre)") for n in names)
    far = [r for r in doc["rows"] if r["name"].startswith("min λ_min + threshold, distance")]
    assert len(far) == 2 and all(r["numeric"] > 0 for r in far)
    assert doc["meta"]["mode"] == "quick"
    md = (out / "numbers.md").read_text()
    assert md.count("\n| ") == len(doc["rows"]) + 1  # header + one line per row


def test_index_html_shows_every_figure_with_a_caption(quick_report):
    out, _ = quick_report
    page = (out / "index.html").read_text()
    for name in (*FIGURES, *XXZ):
        assert f"src='{name}.png'" in page
        assert f"href='{name}.pdf'" in page
    assert page.count("<figcaption>") == 16
    assert "Interacting chains" in page and "Dephasing and interactions" in page
    assert "Reproduces:" in page and "Eq. 24" in page
    assert "<table>" in page and "beta_c_phi0" in page


def test_single_figure_and_bad_options(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["reproduce", "--out", str(tmp_path), "--quick", "--figure", "fig02"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "fig02.png").is_file() and not (tmp_path / "fig01.png").exists()
    res = runner.invoke(main, ["reproduce", "--out", str(tmp_path), "--figure", "fig13"])
    assert res.exit_code == 2
    res = runner.invoke(main, ["reproduce", "--out", str(tmp_path), "--dpi", "5"])
    assert res.exit_code == 2


def test_extra_sections_are_optional_and_lazy(tmp_path, monkeypatch):
    """An enabled section runs and lands in the report; a section whose module is missing is skipped."""
    import sys
    import types

    from nesskit.figures import report

    mod = types.ModuleType("nesskit_test_section")

    def section(out_dir, quick):
        from nesskit.figures import plots

        plots.fig02(points=20).savefig(out_dir / "extra01.png")
        plots.fig02(points=20).savefig(out_dir / "extra01.pdf")
        return [{"stem": "extra01", "title": "An extra figure", "caption": "made by a test",
                 "rows": [{"name": "extra_value", "paper": None, "formula": 2.0, "numeric": 2.0, "rel_diff": 0.0}]}]

    mod.section = section
    monkeypatch.setitem(sys.modules, "nesskit_test_section", mod)
    monkeypatch.setattr(report, "EXTRA_SECTIONS", (
        report.ExtraSection("Extra", "nesskit_test_section:section", enabled=True),
        report.ExtraSection("Missing", "nesskit_no_such_module:section", enabled=True)))
    sections = report.extra_sections(tmp_path, quick=True)
    assert [s["title"] for s in sections] == ["Extra"]
    page = report.index_html({}, [], {"mode": "quick", "generated": "now", "wall_time": 0.0}, sections)
    assert "src='extra01.png'" in page and "An extra figure" in page
    assert report.extra_sections(tmp_path, quick=True, include=False) == []
    # through the command line: --extra adds the section (its figure and its numbers) to the report
    res = CliRunner().invoke(main, ["reproduce", "--out", str(tmp_path), "--quick", "--figure", "fig02", "--extra"])
    assert res.exit_code == 0, res.output
    assert "src='extra01.png'" in (tmp_path / "index.html").read_text()
    doc = json.loads((tmp_path / "numbers.json").read_text())
    assert any(r["name"] == "extra_value" and r["source"] == "Extra" for r in doc["rows"])
