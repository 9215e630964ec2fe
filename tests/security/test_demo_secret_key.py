"""The demo refuses to start with DEBUG off and the public default SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def import_settings(**environ: str) -> subprocess.CompletedProcess[str]:
    """Import the demo's settings in a fresh interpreter with this environment on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import project.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_a_secret_key_names_the_variable_to_set() -> None:
    result = import_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "set DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_with_the_public_default_key_spelled_out_is_refused() -> None:
    result = import_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="demo-only-not-secret-change-me-in-production"
    )
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_with_a_secret_key_starts() -> None:
    result = import_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_debug_on_keeps_the_demo_default() -> None:
    result = import_settings()
    assert result.returncode == 0, result.stderr
