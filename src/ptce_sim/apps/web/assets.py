"""The offline cache of the page's JavaScript and CSS, filled from the npm registry.

Why: Solara's server fetches Vuetify, RequireJS and Font Awesome from a CDN the first
time a page asks for them; offline (a classroom, a council's network, CI) the page stays
blank. Solara serves them from a local folder instead when ``SOLARA_ASSETS_PROXY_CACHE_DIR``
names one laid out as ``<folder>/<package>@<version>/<files>``. This script fills such a
folder with ``npm pack`` (the npm client, which must be installed: ``apt-get install npm``
on Debian), one package at a time, unpacked without the tarball's ``package/`` prefix.

Run it once, online::

    python -m ptce_sim.apps.web.assets            # into the default folder
    python -m ptce_sim.apps.web.assets --dest DIR

``ptce-sim web`` then uses the folder (the default one, or ``PTCE_SIM_WEB_ASSETS``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: What the page loads with solara 1.64 and the Vuetify 2 widgets (a missing one shows in
#: the server's log as "Could not load URL: .../npm/<spec>/...").
SPECS: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
)


def default_dir() -> Path:
    """``PTCE_SIM_WEB_ASSETS``, else ``$XDG_CACHE_HOME/ptce-sim/web-assets``."""
    env = os.environ.get("PTCE_SIM_WEB_ASSETS")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ptce-sim" / "web-assets"


def is_filled(folder: Path) -> bool:
    """Every spec has its folder (a previous fill completed)."""
    return all((folder / spec).is_dir() for spec in SPECS)


def fill(folder: Path, specs: tuple[str, ...] = SPECS, npm: str = "npm") -> list[str]:
    """Download and unpack each spec missing from ``folder``; returns those fetched."""
    if shutil.which(npm) is None:
        raise RuntimeError(
            f"'{npm}' not found: install Node's npm client (Debian: apt-get install npm)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    fetched = []
    for spec in specs:
        target = folder / spec
        if target.is_dir():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [npm, "pack", spec, "--silent", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            staging = Path(tempfile.mkdtemp(dir=folder, prefix=".partial-"))
            try:
                with tarfile.open(tarball) as tar:
                    _extract(tar, staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                (staging / "package").rename(target)  # complete folders only
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        fetched.append(spec)
    return fetched


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Unpack regular files and folders only, inside ``dest`` (a registry tarball is
    trusted, but a path that escapes the folder is still refused)."""
    root = dest.resolve()
    for member in tar.getmembers():
        path = (dest / member.name).resolve()
        if not str(path).startswith(str(root) + os.sep):
            raise RuntimeError(f"unsafe path in tarball: {member.name}")
        if member.isdir():
            path.mkdir(parents=True, exist_ok=True)
        elif member.isfile():
            path.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            with src, open(path, "wb") as f:
                shutil.copyfileobj(src, f)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fill the offline asset cache of ptce-sim web.")
    parser.add_argument("--dest", type=Path, default=None, help=f"folder (default {default_dir()})")
    args = parser.parse_args(argv)
    folder = args.dest or default_dir()
    try:
        fetched = fill(folder)
    except (RuntimeError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", "") or ""
        print(f"error: {err} {detail}".strip(), file=sys.stderr)
        return 1
    print(f"{folder}: {len(fetched)} package(s) fetched, {len(SPECS)} in the cache")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
