"""Rendered chart images, cached on disk by the hash of what was rendered.

vl-convert's rendering dominates the briefing's time (about 0.3 s a chart).
The same spec at the same scale, with the same vl-convert, always gives the
same image, so a rendered PNG is kept under the SHA-256 of (vl-convert's
version, the scale, the spec's JSON) and reused by the next briefing, in this
process or the next. The directory is ``$DASHBOARD_CACHE_DIR``, else
``$XDG_CACHE_HOME/kz-ru-dashboard/charts``, else ``~/.cache/kz-ru-dashboard/charts``.
A write goes to a temporary file that is renamed into place, so a reader never
sees half an image; a cache that cannot be read or written is skipped (the
image is rendered instead), never an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import vl_convert as vlc

from dashboard.paths import write_atomic

CACHE_ENV = "DASHBOARD_CACHE_DIR"
_LOG = logging.getLogger(__name__)


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kz-ru-dashboard" / "charts"


def key(spec_json: str, scale: float) -> str:
    return hashlib.sha256(f"{vlc.__version__}\n{scale!r}\n{spec_json}".encode("utf-8")).hexdigest()


def png(spec_json: str, scale: float) -> bytes:
    """``vl_convert.vegalite_to_png(spec_json, scale)``, from the cache when this exact render was done before."""
    path = cache_dir() / f"{key(spec_json, scale)}.png"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = vlc.vegalite_to_png(spec_json, scale=scale)
    try:
        write_atomic(path, data)
    except OSError as exc:  # a read-only or full disk: render every time, still correct
        _LOG.info("chart cache not written (%s): %s", path.parent, exc)
    return data


#: bump when the frame drawn around a picture changes (its cached PNGs are then rendered again)
FRAME_VERSION = "frame-3"  # 3: "Texts published up to …" instead of "Data as of …" (issue 20, F10)


def framed_png(spec_json: str, scale: float, title: str, source_line: str, as_of) -> bytes:
    """The chart rendered as PNG with its title, source line and data date baked in under it
    (:func:`dashboard.export.framed_svg`, compact), from the cache when this exact picture was made before."""
    from dashboard import export

    frame = f"{FRAME_VERSION}\n{title}\n{source_line}\n{as_of}"
    path = cache_dir() / f"{key(spec_json + chr(0) + frame, scale)}.png"
    try:
        return path.read_bytes()
    except OSError:
        pass
    svg = export.framed_svg(vlc.vegalite_to_svg(spec_json), title, source_line, as_of, compact=True)
    data = export.png_with_text(vlc.svg_to_png(svg, scale=scale), title, source_line, as_of)
    try:
        write_atomic(path, data)
    except OSError as exc:
        _LOG.info("chart cache not written (%s): %s", path.parent, exc)
    return data
