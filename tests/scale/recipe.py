"""The production recipe of docs/deployment.md, read from the document itself: its channel layer
(the ```python block), its systemd units (```ini: the server's and the jobs worker's) and
daphne's command (```console).

The several-process tests start their server and worker processes from these, with only the
port, the paths, the database and the Redis URL swapped for the test's, so a recipe that stops
working fails them.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
#: Where the documented unit and commands expect the project and its virtualenv.
DOC_ROOT = "/srv/liveview"
DOC_VENV_BIN = DOC_ROOT + "/.venv/bin/"
DOC_PORT = "8001"
#: The documented systemd units, each named by its fence's first line (`# /etc/systemd/…`).
SERVER_UNIT = "liveview@.service"
WORKER_UNIT = "liveview-worker@.service"
UNIT_HEADER = "# /etc/systemd/system/"
#: The command a reader runs the several-process tests with, shown in the document.
SCALE_TESTS_COMMAND = ".venv/bin/python -m pytest tests/scale -q"


def fences(lang: str) -> list[str]:
    pattern = re.compile(rf"^```{lang}\n(.*?)^```$", re.DOTALL | re.MULTILINE)
    return [str(text) for text in pattern.findall(DEPLOYMENT_DOC.read_text())]


def only_fence(lang: str) -> str:
    found = fences(lang)
    if len(found) != 1:
        raise RuntimeError(f"{DEPLOYMENT_DOC} has {len(found)} {lang} blocks, not one")
    return found[0]


def venv_bin() -> Path:
    """This checkout's virtualenv scripts (uvicorn, daphne): where the recipe's /srv one is."""
    found = Path(sys.executable).parent
    if not (found / "uvicorn").is_file():
        raise RuntimeError(f"no uvicorn next to {sys.executable}: run the tests with .venv/bin")
    return found


# -- the channel layer (```python) ----------------------------------------------------------


def channel_layers(redis_url: str) -> dict[str, Any]:
    """CHANNEL_LAYERS as the documented block computes it with REDIS_URL in the environment."""
    before = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = redis_url
    try:
        namespace: dict[str, Any] = {}
        exec(compile(only_fence("python"), str(DEPLOYMENT_DOC), "exec"), namespace)
    finally:
        if before is None:
            del os.environ["REDIS_URL"]
        else:
            os.environ["REDIS_URL"] = before
    layers: dict[str, Any] = namespace["CHANNEL_LAYERS"]
    return layers


# -- the systemd unit (```ini) --------------------------------------------------------------


def unit_text(unit: str = SERVER_UNIT) -> str:
    """The ```ini block whose first line is `# /etc/systemd/system/<unit>`."""
    found = [text for text in fences("ini") if text.startswith(f"{UNIT_HEADER}{unit}\n")]
    if len(found) != 1:
        raise RuntimeError(f"{DEPLOYMENT_DOC} has {len(found)} {unit} units, not one")
    return found[0]


def unit_lines(section: str, key: str, unit: str = SERVER_UNIT) -> list[str]:
    """The values of `key=` in `[section]` of the unit, in order (systemd allows repeats)."""
    values, current = [], ""
    for raw in unit_text(unit).splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section and line.partition("=")[0] == key:
            values.append(line.partition("=")[2])
    return values


def unit_value(section: str, key: str, unit: str = SERVER_UNIT) -> str:
    values = unit_lines(section, key, unit)
    if len(values) != 1:
        raise RuntimeError(f"the documented {unit} has {len(values)} {key}= in [{section}]")
    return values[0]


def local_paths(text: str) -> str:
    """The documented paths (/srv/liveview/…) pointed at this checkout."""
    return text.replace(DOC_VENV_BIN, f"{venv_bin()}/").replace(DOC_ROOT, str(ROOT))


def uvicorn_command(port: int) -> list[str]:
    """The unit's ExecStart for instance `port` (systemd's `%i`), on this checkout's paths."""
    exec_start = unit_value("Service", "ExecStart")
    if "%i" not in exec_start:
        raise RuntimeError(f"the documented ExecStart does not take its port from %i: {exec_start}")
    return shlex.split(local_paths(exec_start).replace("%i", str(port)))


def worker_command(instance: str) -> list[str]:
    """The worker unit's ExecStart for `instance` (`%i`) on this host (`%H`), on this checkout."""
    exec_start = unit_value("Service", "ExecStart", WORKER_UNIT)
    words = shlex.split(local_paths(exec_start).replace("%i", instance))
    if words[1:3] != ["manage.py", "db_worker"]:
        raise RuntimeError(
            f"the documented worker no longer runs manage.py db_worker: {exec_start}"
        )
    return [word.replace("%H", socket.gethostname()) for word in words]


def unit_environment(environment_file: Path, unit: str = SERVER_UNIT) -> dict[str, str]:
    """The unit's Environment= lines, then `environment_file` (in place of its EnvironmentFile)."""
    env: dict[str, str] = {}
    for assignment in unit_lines("Service", "Environment", unit):
        for word in shlex.split(assignment):
            name, _, value = word.partition("=")
            env[name] = value
    unit_value("Service", "EnvironmentFile", unit)  # the unit has one: the test's stands in
    for line in environment_file.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def local_unit(environment_file: Path, unit: str = SERVER_UNIT) -> str:
    """The documented unit with this checkout's paths and the test's environment file."""
    documented = unit_value("Service", "EnvironmentFile", unit)
    return local_paths(
        unit_text(unit).replace(
            f"EnvironmentFile={documented}", f"EnvironmentFile={environment_file}"
        )
    )


# -- the console commands -------------------------------------------------------------------


def console_commands() -> list[str]:
    return [
        line[2:]
        for block in fences("console")
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def daphne_command(port: int) -> list[str]:
    """The documented daphne command, on this checkout's virtualenv and on `port`."""
    found = [c for c in console_commands() if shlex.split(c)[0].endswith("/daphne")]
    if len(found) != 1:
        raise RuntimeError(f"{DEPLOYMENT_DOC} shows {len(found)} daphne commands, not one")
    words = shlex.split(found[0])
    if words[0] != ".venv/bin/daphne" or words.count(DOC_PORT) != 1:
        raise RuntimeError(f"the documented daphne command changed shape: {found[0]}")
    words[0] = str(venv_bin() / "daphne")
    return [str(port) if word == DOC_PORT else word for word in words]
