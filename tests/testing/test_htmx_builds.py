"""htmx_builds: `npm pack` into a cache outside the project, the newest complete build found."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from liveview.testing import htmx_builds
from liveview.testing.htmx_builds import FILES, BuildMissing, cache_dir, cached, fetch


def build(root: Path, version: str, files: tuple[str, ...] = FILES) -> Path:
    for name in files:
        (root / version / name).parent.mkdir(parents=True, exist_ok=True)
        (root / version / name).write_text(f"// {version} {name}")
    return root / version


def test_the_cache_is_under_the_home_unless_the_environment_names_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(htmx_builds.CACHE_ENV, raising=False)
    assert cache_dir() == Path.home() / ".cache" / "liveview" / "htmx"
    monkeypatch.setenv(htmx_builds.CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path


def test_cached_is_the_newest_complete_4_0_build(tmp_path: Path) -> None:
    assert cached(tmp_path / "none") is None
    build(tmp_path, "4.0.2")
    newest = build(tmp_path, "4.0.10")
    build(tmp_path, "4.0.11", files=FILES[:1])  # an interrupted unpack is not a build
    build(tmp_path, "4.1.0")
    assert cached(tmp_path) == newest


FAKE_NPM = """#!{python}
import io, json, sys, tarfile
from pathlib import Path
dest = Path(sys.argv[sys.argv.index("--pack-destination") + 1])
name = "htmx.org-4.0.7.tgz"
with tarfile.open(dest / name, "w:gz") as tar:
    for f in {files!r}:
        data = ("// " + f).encode()
        info = tarfile.TarInfo("package/dist/" + f)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
Path({log!r}).open("a").write(" ".join(sys.argv[1:]) + "\\n")
print(json.dumps([{{"version": "4.0.7", "filename": name}}]))
"""


@pytest.fixture
def npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `npm` on PATH that packs a 4.0.7 build; its calls are logged."""
    bin_dir, log = tmp_path / "bin", tmp_path / "npm.log"
    bin_dir.mkdir()
    script = bin_dir / "npm"
    script.write_text(FAKE_NPM.format(python=sys.executable, files=FILES, log=str(log)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_fetch_packs_and_unpacks_the_build_into_the_cache(npm: Path, tmp_path: Path) -> None:
    target = fetch(cache=tmp_path / "cache")
    assert target == tmp_path / "cache" / "4.0.7"
    assert (target / "ext" / "hx-ws.js").read_text() == "// ext/hx-ws.js"
    assert cached(tmp_path / "cache") == target
    assert npm.read_text().startswith("pack htmx.org@4.0 --json --pack-destination ")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["4.0.7"]  # no staging left


def test_a_cached_build_is_kept(npm: Path, tmp_path: Path) -> None:
    kept = build(tmp_path / "cache", "4.0.7")
    assert fetch(cache=tmp_path / "cache") == kept
    assert (kept / "htmx.js").read_text() == "// 4.0.7 htmx.js"


def test_without_npm_fetch_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BuildMissing, match="npm is not installed"):
        fetch(cache=tmp_path)


def test_a_failing_npm_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "npm"
    script.write_text("#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BuildMissing, match="404 Not Found"):
        fetch("htmx.org@9.9", cache=tmp_path / "cache")


def test_the_command_falls_back_on_a_cached_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm: offline
    monkeypatch.setenv(htmx_builds.CACHE_ENV, str(tmp_path / "cache"))
    assert htmx_builds.main() == 1
    present = build(tmp_path / "cache", "4.0.1")
    assert htmx_builds.main() == 0
    assert capsys.readouterr().out.strip() == str(present)
