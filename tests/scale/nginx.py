"""Debian's nginx running the reverse-proxy block of docs/deployment.md, for the test's ports.

The block is read from the document itself (its ```nginx fence), so the test proves the recipe
the reader copies; only the upstream servers, the listen address and the static root change.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from bench.server import HOST, free_port, stop, tail, wait_until_serving
from tests.scale.recipe import ROOT

DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
NGINX_FENCE = re.compile(r"^```nginx\n(.*?)^```$", re.DOTALL | re.MULTILINE)
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None
    )
    if found is None:
        raise RuntimeError("nginx is not installed: `make test` installs Debian's nginx package")
    return found


def documented_block() -> str:
    fences = NGINX_FENCE.findall(DEPLOYMENT_DOC.read_text())
    if len(fences) != 1:
        raise RuntimeError(f"{DEPLOYMENT_DOC} has {len(fences)} nginx blocks, not one")
    return str(fences[0])


def adapt(block: str, listen_port: int, upstream_ports: list[int], static_root: Path) -> str:
    """The documented block with the test's ports and paths; an error if one is not found."""
    upstream = "".join(f"    server {HOST}:{port};\n" for port in upstream_ports)
    replacements = [
        (r"(upstream liveview \{\n)(?:    server [^\n]+;\n)+", rf"\g<1>{upstream}"),
        (r"listen 443 ssl;", f"listen {HOST}:{listen_port};"),
        (r"alias /srv/liveview/static/;", f"alias {static_root}/;"),
    ]
    for pattern, replacement in replacements:
        block, count = re.subn(pattern, replacement, block)
        if count != 1:
            raise RuntimeError(f"the documented nginx block no longer has {pattern!r}")
    return block


class Nginx:
    def __init__(self, workdir: Path, upstream_ports: list[int], static_root: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.log_path = workdir / "error.log"
        server = adapt(documented_block(), self.port, upstream_ports, static_root)
        temp = "\n".join(
            f"    {name}_temp_path {workdir}/{name};"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.config = workdir / "nginx.conf"
        self.config.write_text(
            # In the foreground, one process running as the test's user: it reads the test's
            # temporary static root and dies with the test.
            f"daemon off;\nmaster_process off;\npid {workdir}/nginx.pid;\n"
            f"error_log {self.log_path} warn;\n"
            "events {}\n"
            f"http {{\n    include {MIME_TYPES};\n    access_log off;\n{temp}\n{server}\n}}\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        command = [nginx_binary(), "-p", str(self.workdir), "-c", str(self.config)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the config:\n{check.stderr}")
        with (self.workdir / "nginx.out").open("wb") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        wait_until_serving(self.proc, self.port, self.log_path)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def log(self) -> str:
        return tail(self.log_path)
