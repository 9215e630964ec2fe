"""The conditional writes (`save_if_match`, `delete_if_match`, the REST API's `If-Match`) and
publish-after-commit on PostgreSQL: the same tests that run on SQLite, run again against a real
PostgreSQL server (row locks and transactions of its own, not SQLite's one writer at a time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.postgres.server import PostgresServer
from tests.scale.recipe import ROOT

pytestmark = pytest.mark.slow

#: The tests of the conditional writes and of publishing after commit, and of the jobs run by
#: django-tasks' real database worker.
ON_POSTGRES = [
    "tests/test_resources.py",
    "tests/test_rest.py",
    "tests/test_jobs.py",
    "tests/test_job_interrupt.py",
]


@pytest.mark.timeout(900)
def test_conditional_writes_publish_after_commit_and_jobs_pass_on_postgresql(
    database: dict[str, str], postgres: PostgresServer
) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *ON_POSTGRES,
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.postgres.plugin",
        ],
        cwd=ROOT,
        env=database,
        capture_output=True,
        text=True,
        timeout=840,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "database: postgresql" in run.stdout, run.stdout[:2000]
    assert " passed" in summary and "skipped" not in summary, summary
