"""The serving side without a browser: the command, the offline asset cache and the
environment Solara starts with."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path

import pytest

from ptce_sim.apps.cli import main
from ptce_sim.apps.web import assets, server


def test_web_command_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["web", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--port" in out
    assert "127.0.0.1" in out  # the default host: this machine only


def test_bad_port_is_refused() -> None:
    assert main(["web", "--port", "0"]) == 2


def _tarball(path: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _fake_npm(tmp_path: Path, files: dict[str, bytes]) -> str:
    """An ``npm`` that answers ``npm pack SPEC --pack-destination DIR`` with a tarball."""
    source = tmp_path / "pkg.tgz"
    _tarball(source, files)
    script = tmp_path / "npm"
    script.write_text(
        "#!/bin/sh\n"
        'dest=""\n'
        'while [ $# -gt 0 ]; do [ "$1" = "--pack-destination" ] && dest="$2"; shift; done\n'
        f'cp "{source}" "$dest/pkg.tgz"\necho pkg.tgz\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_fill_unpacks_each_spec_without_the_package_prefix(tmp_path: Path) -> None:
    npm = _fake_npm(tmp_path, {"package/dist/app.js": b"//js", "package/package.json": b"{}"})
    folder = tmp_path / "cache"
    specs = ("@scope/a@1.0.0", "b@2")
    assert assets.fill(folder, specs, npm=npm) == list(specs)
    assert (folder / "@scope/a@1.0.0/dist/app.js").read_bytes() == b"//js"
    assert (folder / "b@2/package.json").exists()
    assert assets.fill(folder, specs, npm=npm) == []  # already there: nothing fetched
    assert not [p for p in folder.iterdir() if p.name.startswith(".partial")]


def test_fill_refuses_a_path_that_leaves_the_folder(tmp_path: Path) -> None:
    npm = _fake_npm(tmp_path, {"package/../../evil.js": b"x"})
    with pytest.raises(RuntimeError, match="unsafe path"):
        assets.fill(tmp_path / "cache", ("x@1",), npm=npm)
    assert not (tmp_path / "evil.js").exists()


def test_fill_says_when_npm_is_missing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="npm"):
        assets.fill(tmp_path / "cache", ("x@1",), npm="no-such-npm-here")


def test_solara_is_pointed_at_a_filled_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SOLARA_ASSETS_PROXY_CACHE_DIR", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"):
        monkeypatch.setenv(name, "")  # so that the test's changes are undone after it
        monkeypatch.delenv(name)
    monkeypatch.setenv("PTCE_SIM_WEB_ASSETS", str(tmp_path))
    assert assets.default_dir() == tmp_path
    assert server.configure_environment() is None  # empty: Solara fetches online
    for spec in assets.SPECS:
        (tmp_path / spec).mkdir(parents=True)
    assert server.configure_environment() == str(tmp_path)
    assert os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path)
    assert os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
