# htmx builds django-htmx does not ship yet (4.0.x), fetched from the npm registry with
# `npm pack` into a cache outside the project, for the demo and for testing against each htmx.
# `python -m liveview.testing.htmx_builds` (what `make htmx` runs); docs/htmx.md.
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: The npm package and version range fetched: the newest htmx 4.0.x.
SPEC = "htmx.org@4.0"
#: Overrides the cache directory (default ~/.cache/liveview/htmx).
CACHE_ENV = "LIVEVIEW_HTMX_CACHE"
#: The files kept from the package, under its dist/ directory.
FILES = ("htmx.js", "htmx.min.js", "ext/hx-ws.js", "ext/hx-ws.min.js")
#: The scripts a page loads, in order, relative to a build's directory.
SCRIPTS = ("htmx.min.js", "ext/hx-ws.min.js")

_VERSION = re.compile(r"4\.0\.(\d+)")


class BuildMissing(RuntimeError):
    """No htmx 4.0.x build in the cache, and none could be fetched."""


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "liveview" / "htmx")


def cached(cache: Path | None = None) -> Path | None:
    """The directory of the newest complete 4.0.x build in the cache, or None."""
    root = cache or cache_dir()
    found = [
        (int(m.group(1)), path)
        for path in (root.iterdir() if root.is_dir() else ())
        if (m := _VERSION.fullmatch(path.name)) and _complete(path)
    ]
    return max(found)[1] if found else None


def _complete(build: Path) -> bool:
    return all((build / name).is_file() for name in FILES)


def fetch(spec: str = SPEC, cache: Path | None = None) -> Path:
    """`npm pack` `spec` and unpack its build into the cache; the build's directory.

    A build already in the cache is not fetched again.
    """
    root = cache or cache_dir()
    npm = shutil.which("npm")
    if npm is None:
        raise BuildMissing("npm is not installed: it fetches htmx 4.0.x (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        # --json names the tarball and its version; npm pack needs no package.json.
        done = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", tmp],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise BuildMissing(f"npm pack {spec} failed: {done.stderr.strip()[-500:]}")
        (packed,) = json.loads(done.stdout)
        target = root / str(packed["version"])
        if _complete(target):
            return target
        # Unpacked beside the cache's builds, then renamed: a build is complete or absent.
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".unpacking-"))
        try:
            with tarfile.open(Path(tmp) / str(packed["filename"])) as tar:
                for name in FILES:
                    source = tar.extractfile(f"package/dist/{name}")
                    if source is None:
                        raise BuildMissing(f"{packed['filename']} has no dist/{name}")
                    out = staging / name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(source.read())
            staging.replace(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def main() -> int:
    try:
        path = fetch()
    except (BuildMissing, OSError, subprocess.SubprocessError) as exc:
        present = cached()
        if present is None:
            print(f"htmx 4.0.x: {exc}", file=sys.stderr)
            return 1
        print(f"htmx 4.0.x: {exc}; using the cached {present}", file=sys.stderr)
        path = present
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
