"""Crash-safe storage of a sweep: one small ``.npz`` file per finished chunk, merged into netCDF at the end.

Layout for ``out = "map.nc"``::

    map.nc.parts/manifest.json      {"digest": <sha256 of the sweep definition>, "chunks": N, ...}
    map.nc.parts/chunk-000017.npz   the arrays of chunk 17 (written as partial-000017-<pid>.tmp, then renamed)
    map.nc                          the merged dataset (written last, atomically), attribute ``sweep_digest``

Every file appears under its final name only once complete (``os.replace``), so a sweep killed at any moment,
even with SIGKILL, leaves only whole chunks behind; run again with the same definition it recomputes only the
missing chunks and ends with the identical dataset. Temporaries never match the glob of finished
parts (``chunk-*.npz``); stray ones left by a killed run are removed when the parts are reopened. A
different definition with the same ``out`` is refused (:class:`~nesskit.errors.ParameterError`) unless
``overwrite=True``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .errors import ParameterError


def netcdf_engine() -> str:
    """The xarray engine used to write: ``h5netcdf`` (netCDF4/HDF5) if h5py is installed, else ``scipy`` (netCDF3).

    h5netcdf needs h5py, which not every installation has; scipy's netCDF3 writer needs nothing more.
    """
    try:
        import h5netcdf  # noqa: F401
        import h5py  # noqa: F401
    except ImportError:
        return "scipy"
    return "h5netcdf"


#: Bump when the on-disk layout of the parts changes (part of every digest).
STORAGE_VERSION = 1


def definition_digest(definition: Mapping[str, Any]) -> str:
    """SHA-256 of a JSON-serialisable sweep definition (keys sorted; floats written exactly via ``repr``)."""
    text = json.dumps(definition, sort_keys=True, default=repr)
    return hashlib.sha256(f"v{STORAGE_VERSION}:{text}".encode()).hexdigest()


#: Names of finished parts; temporaries are ``partial-<chunk>-<pid>.tmp`` and ``manifest.json.tmp``.
CHUNK_NAME = re.compile(r"chunk-(\d{6,})\.npz")
#: Temporaries of the parts directory (also the ``chunk-*.tmp.npz`` of nesskit 0.1), removed on reopening.
STRAY_PATTERNS = ("partial-*.tmp", "chunk-*.tmp.npz", "*.json.tmp")


def _atomic_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)


class PartStore:
    """The ``<out>.parts/`` directory of one sweep definition.

    Parameters
    ----------
    out : path
        The final netCDF file.
    digest : str
        :func:`definition_digest` of the sweep definition.
    n_chunks : int
        Number of chunks of the sweep.
    overwrite : bool
        Discard an existing result or parts of a *different* definition instead of refusing.
    """

    def __init__(self, out: str | os.PathLike[str], digest: str, n_chunks: int, overwrite: bool = False) -> None:
        self.out = Path(out)
        self.parts = self.out.with_name(self.out.name + ".parts")
        self.digest = digest
        self.n_chunks = n_chunks
        self.overwrite = overwrite

    # -- the finished file -------------------------------------------------------------------------
    def finished(self) -> xr.Dataset | None:
        """The merged dataset if ``out`` holds this very definition; None if ``out`` does not exist.

        Raises :class:`ParameterError` if ``out`` holds another sweep (and ``overwrite`` is false).
        """
        if not self.out.exists():
            return None
        try:
            with xr.open_dataset(self.out) as ds:
                digest = ds.attrs.get("sweep_digest")
        except (OSError, ValueError, TypeError):
            digest = None
        if digest == self.digest:
            return xr.load_dataset(self.out)
        if not self.overwrite:
            raise ParameterError(
                f"out = {str(self.out)!r} already holds a different sweep (or is not a nesskit sweep file); "
                "choose another path or pass overwrite=True (CLI: --overwrite)"
            )
        self.out.unlink()
        return None

    # -- the parts ---------------------------------------------------------------------------------
    def open(self) -> set[int]:
        """Create or reopen the parts directory; return the chunk numbers already finished."""
        manifest = self.parts / "manifest.json"
        if self.parts.exists():
            try:
                old = json.loads(manifest.read_text())
            except (OSError, ValueError):
                old = {}
            if old.get("digest") != self.digest:
                if not self.overwrite and old:
                    raise ParameterError(
                        f"{str(self.parts)!r} holds the parts of a different sweep; choose another out path "
                        "or pass overwrite=True (CLI: --overwrite)"
                    )
                shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)
        if not manifest.exists():
            tmp = manifest.with_suffix(".json.tmp")
            tmp.write_text(json.dumps({"digest": self.digest, "chunks": self.n_chunks,
                                       "storage_version": STORAGE_VERSION}))
            _atomic_replace(tmp, manifest)
        self.clean_stray()
        done = set()
        for path in self.parts.glob("chunk-*.npz"):
            match = CHUNK_NAME.fullmatch(path.name)
            if match is not None:
                done.add(int(match.group(1)))
        return {k for k in done if 0 <= k < self.n_chunks}

    def clean_stray(self) -> list[Path]:
        """Remove the temporaries a killed run left behind (never a finished part); return what was removed."""
        removed = []
        for pattern in STRAY_PATTERNS:
            for path in self.parts.glob(pattern):
                if path.name == "manifest.json" or CHUNK_NAME.fullmatch(path.name):
                    continue
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def _path(self, chunk: int) -> Path:
        return self.parts / f"chunk-{chunk:06d}.npz"

    def write(self, chunk: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Store one finished chunk atomically."""
        final = self._path(chunk)
        tmp = self.parts / f"partial-{chunk:06d}-{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        _atomic_replace(tmp, final)

    def read(self, chunk: int) -> dict[str, np.ndarray]:
        """Load one finished chunk."""
        with np.load(self._path(chunk), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    def finish(self, ds: xr.Dataset) -> None:
        """Write the merged dataset to ``out`` atomically (attribute ``sweep_digest``), then drop the parts."""
        ds.attrs["sweep_digest"] = self.digest
        tmp = self.out.with_name(self.out.name + ".tmp")
        ds.to_netcdf(tmp, engine=netcdf_engine())  # type: ignore[call-overload]
        _atomic_replace(tmp, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)


def write_dataset(ds: xr.Dataset, out: str | os.PathLike[str], digest: str) -> None:
    """Write a dataset computed in one go (no parts) to ``out`` atomically, tagged with its digest."""
    PartStore(out, digest, 0).finish(ds)
