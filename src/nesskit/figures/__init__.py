"""The paper's figures 1–11, Fig. 12 (the claims of its Sec. III D) and its numbers, from the library (SPEC §6–7).

Three layers, one job each:

* :mod:`nesskit.figures.data` — the data behind each figure (``fig01_data`` … ``fig12_data``), computed only by
  calling nesskit's library functions (closed forms, regions, critical values, thermal state);
* :mod:`nesskit.figures.plots` — ``fig01(...)`` … ``fig12(...)``: plotting only, each returns a matplotlib
  :class:`~matplotlib.figure.Figure` (Agg canvas, no pyplot state), the paper's parameters as defaults;
* :mod:`nesskit.figures.report` — ``numbers.md``/``numbers.json`` and ``index.html``, and
  :func:`~nesskit.figures.report.reproduce`,
  which writes everything into one folder (what ``nesskit reproduce`` runs).

>>> from nesskit.figures import plots
>>> fig = plots.fig04(coupling=1.5)      # doctest: +SKIP
>>> fig.savefig("fig04_gamma1.5.png")    # doctest: +SKIP
"""

from __future__ import annotations

FIGURES = tuple(f"fig{k:02d}" for k in range(1, 13))

__all__ = ["FIGURES"]
