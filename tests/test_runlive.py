"""`manage.py runlive` (what `make run` runs): the server and a jobs worker, stopped together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.process_output import Output

ROOT = Path(__file__).resolve().parent.parent

# Queues a run of the dashboard's job (the worker inside runlive runs it); prints its task's id,
# which the worker's log lines name ("Task id=<id> path=... state=RUNNING", then its end).
START_A_JOB = textwrap.dedent(
    """
    from project.dashboard.jobs import feature_selection
    print("TASK", feature_selection.start(seconds={seconds!r}).task_id)
    """
)
STATUS_OF_THE_LATEST_RUN = textwrap.dedent(
    """
    from project.dashboard.jobs import feature_selection
    from django_tasks_db.models import DBTaskResult
    latest = feature_selection.latest()
    print("STATUS", latest.status, latest.message)
    print("TASK", DBTaskResult.objects.get(id=latest.task_id).status)
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


MANAGE = [sys.executable, str(ROOT / "manage.py")]


def _environment(tmp_path: Path) -> dict[str, str]:
    """The demo's settings on a database of the test's own, its output unbuffered.

    The tests read runlive's output line by line through a pipe, where Python buffers it.
    """
    env = {
        **os.environ,
        "LIVEVIEW_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _runlive(env: dict[str, str], *, reload: bool = False) -> subprocess.Popen[str]:
    """`manage.py runlive` in its own process group, as a terminal runs it."""
    return subprocess.Popen(
        [*MANAGE, "runlive", f"127.0.0.1:{_free_port()}", *([] if reload else ["--noreload"])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )


def _stop(server: subprocess.Popen[str]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    if server.stdout is not None:
        server.stdout.close()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal, even under `nohup`


def _start_a_job(env: dict[str, str], seconds: float) -> str:
    """Queue the dashboard's job for runlive's worker; its task's id."""
    script = START_A_JOB.format(seconds=seconds)
    shell = subprocess.run(
        [*MANAGE, "shell", "-c", script], env=env, capture_output=True, text=True
    )
    assert shell.returncode == 0, shell.stdout + shell.stderr
    return shell.stdout.split("TASK", 1)[1].strip()


def _latest_run(env: dict[str, str]) -> str:
    """What the job's latest run says: "STATUS <status> <message>", "TASK <task status>"."""
    shell = subprocess.run(
        [*MANAGE, "shell", "-c", STATUS_OF_THE_LATEST_RUN], env=env, capture_output=True, text=True
    )
    return shell.stdout + shell.stderr


@pytest.mark.timeout(120)
def test_runlive_serves_runs_jobs_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    subprocess.run([*MANAGE, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    server = _runlive(env)
    output = Output(server, "runlive")
    try:
        output.until("Quit the server with CONTROL-C")
        assert "Jobs worker started" in output.text, output.text
        workers = _children(server.pid)
        assert len(workers) == 1
        task = _start_a_job(env, 0.2)
        output.until(f"Task id={task} ", "state=SUCCESSFUL")  # the worker's log: it ran it
        assert "STATUS done" in _latest_run(env)
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(timeout=30) is not None
        assert not Path(f"/proc/{workers[0]}").exists() or _zombie(workers[0])
    finally:
        _stop(server)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("stop", "reload"),
    [
        pytest.param("ctrl-c", False, id="ctrl-c"),
        # What systemd (KillMode=control-group) sends on every stop: the whole group.
        pytest.param("sigterm-group", False, id="sigterm-group"),
        pytest.param("sigterm-group", True, id="sigterm-group-reload"),
        # What Docker and Kubernetes send: the main process alone.
        pytest.param("sigterm-main", False, id="sigterm-main"),
        pytest.param("sigterm-main", True, id="sigterm-main-reload"),
    ],
)
def test_a_stop_in_the_middle_of_a_job_ends_it_as_interrupted(
    tmp_path: Path, stop: str, reload: bool
) -> None:
    env = _environment(tmp_path)
    subprocess.run([*MANAGE, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    server = _runlive(env, reload=reload)
    output = Output(server, "runlive")
    try:
        output.until("Quit the server with CONTROL-C")
        task = _start_a_job(env, 120)
        # The worker has claimed it and is about to run it: from here on, any stop must end it
        # "Interrupted" (whether it lands before the job's own signal handlers or after).
        output.until(f"Task id={task} ", "state=RUNNING")
        if stop == "ctrl-c":
            os.killpg(server.pid, signal.SIGINT)
        elif stop == "sigterm-group":
            os.killpg(server.pid, signal.SIGTERM)
        else:
            os.kill(server.pid, signal.SIGTERM)
        assert server.wait(timeout=30) is not None
        # Every process of the group is gone: nothing left to finish the job later.
        assert _group_members(server.pid) == []
    finally:
        _stop(server)
    latest = _latest_run(env)
    assert "STATUS failed Interrupted" in latest, latest + output.text
    assert "TASK FAILED" in latest, latest + output.text


def _group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group `pgid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_runlive_refuses_a_taken_port_before_starting_a_worker(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*MANAGE, "runlive", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Jobs worker started" not in done.stdout
