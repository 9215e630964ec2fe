"""docs/deployment.md's recipe, block by block: the channel layer, the systemd units, daphne's
command and the console commands (its nginx block: test_nginx.py; the whole recipe on
PostgreSQL, workers included: test_full_recipe.py)."""

from __future__ import annotations

import asyncio
import json
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.utils.module_loading import import_string
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.scale.conftest import Cluster
from tests.scale.polls import expect_database_shown, open_poll, vote
from tests.scale.recipe import (
    ROOT,
    SCALE_TESTS_COMMAND,
    SERVER_UNIT,
    WORKER_UNIT,
    channel_layers,
    console_commands,
    daphne_command,
    local_unit,
    uvicorn_command,
)
from tests.scale.support import ServerProcess, manage, votes_in_db, write_secret_env

pytestmark = [pytest.mark.slow]

SETTINGS_LAYERS = (
    "import json; from django.conf import settings; print(json.dumps(settings.CHANNEL_LAYERS))"
)


def test_the_documented_channel_layer_is_the_one_the_server_processes_use(
    cluster: Cluster,
) -> None:
    documented = channel_layers(cluster.redis.url)
    used = json.loads(manage(cluster.env, "shell", "-c", SETTINGS_LAYERS).strip().splitlines()[-1])
    assert documented["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert json.loads(json.dumps(documented)) == used


def test_the_documented_channel_layer_carries_a_group_message_through_redis(
    cluster: Cluster,
) -> None:
    config: dict[str, Any] = channel_layers(cluster.redis.url)["default"]
    layer = import_string(config["BACKEND"])(**config["CONFIG"])

    async def round_trip() -> dict[str, Any]:
        try:
            channel = await layer.new_channel()
            await layer.group_add("deployment-doc", channel)
            await layer.group_send("deployment-doc", {"type": "doc.check", "n": 42})
            received: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), 10)
            return received
        finally:
            await layer.flush()

    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        received = pool.submit(asyncio.run, round_trip()).result(timeout=60)
    assert received == {"type": "doc.check", "n": 42}


def test_the_server_processes_run_the_units_exec_start_and_environment(
    cluster: Cluster,
) -> None:
    server = cluster.servers[0]
    assert server.proc is not None
    proc = Path(f"/proc/{server.proc.pid}")
    argv = proc.joinpath("cmdline").read_bytes().decode().split("\0")[:-1]
    command = uvicorn_command(server.port)
    # A console script runs as `python <script> args…`: the script and its arguments must match.
    assert argv[-len(command) :] == command
    assert "--ws" in command and command[command.index("--ws") + 1] == "wsproto"
    environ = proc.joinpath("environ").read_bytes().decode().split("\0")
    assert "DJANGO_DEBUG=0" in environ
    assert "DJANGO_ALLOWED_HOSTS=example.com" in environ
    assert any(e.startswith("DJANGO_SECRET_KEY=") for e in environ)


@pytest.mark.parametrize(("unit", "instance"), [(SERVER_UNIT, "8001"), (WORKER_UNIT, "1")])
def test_the_documented_units_pass_systemd_analyze_verify(
    tmp_path: Path, unit: str, instance: str
) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: `make services` installs Debian's systemd")
    tmp_path.joinpath(unit).write_text(local_unit(write_secret_env(tmp_path / "secret.env"), unit))
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / unit.replace("@.", f"@{instance}."))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Unknown keys and bad values are warnings on stderr with exit status 0: count them too.
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")


def test_every_documented_command_is_one_these_tests_run() -> None:
    commands = console_commands()
    daphne = [c for c in commands if shlex.split(c)[0].endswith("/daphne")]
    assert daphne, "no daphne command"  # run by the daphne test below
    others = [c for c in commands if c not in daphne]
    assert others == [SCALE_TESTS_COMMAND]  # this very suite
    assert Path(__file__).parent == ROOT / shlex.split(SCALE_TESTS_COMMAND)[-2]


@pytest.fixture
def daphne(cluster: Cluster, tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess("daphne", cluster.env, tmp_path / "daphne.log", daphne_command)
    server.start()
    yield server
    server.stop()
    print(server.log())  # shown with a failed test's report only


@pytest.fixture
def daphne_and_uvicorn_pages(
    browser: Browser, cluster: Cluster, daphne: ServerProcess
) -> Iterator[tuple[Page, Page]]:
    contexts = [
        browser.new_context(base_url=base)
        for base in (daphne.base_url, cluster.servers[0].base_url)
    ]
    for context in contexts:
        context.set_default_timeout(ACTION_TIMEOUT_MS)
    through_daphne, through_uvicorn = (context.new_page() for context in contexts)
    yield through_daphne, through_uvicorn
    for context in contexts:
        context.close()


@pytest.mark.browser
def test_a_live_page_through_daphnes_command_shares_changes_with_uvicorn(
    cluster: Cluster, daphne_and_uvicorn_pages: tuple[Page, Page]
) -> None:
    through_daphne, through_uvicorn = daphne_and_uvicorn_pages
    pk = open_poll(cluster, through_daphne, through_uvicorn)
    vote(through_daphne, "Tea")
    expect_database_shown(cluster, pk, through_daphne, through_uvicorn, timeout=10_000)
    vote(through_uvicorn, "Coffee")
    expect_database_shown(cluster, pk, through_daphne, through_uvicorn, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 1, "Coffee": 1}
