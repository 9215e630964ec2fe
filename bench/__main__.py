"""Every benchmark scenario, one after the other, into ``docs/benchmarks.md``.

    .venv/bin/python -m bench                   # or: make bench (writes docs/benchmarks.md)
    .venv/bin/python -m bench --quick           # a short check of every scenario; prints only
    .venv/bin/python -m bench --only memory,payload --out /tmp/b.md

The interface, for whoever adds a scenario:

* A scenario is a module in ``bench/`` with ``run(quick: bool) -> bench.section.Section``.
  It starts what it needs (``bench/server.py``: uvicorn on a free loopback port, a throw-away
  SQLite database), measures its figure **and the figure's baseline in the same run**, stops
  everything, and returns one ``Section``: name, title, the command that reruns it alone, a
  table, a one-line verdict against its target and whether the target was met. ``quick``
  means a short run that checks everything works (numbers not representative). It may print
  progress; it must not write files outside a temporary directory.
* Add it to ``SCENARIOS`` below (name, module), and put ``<!-- bench: NAME -->`` in
  ``bench/benchmarks.template.md`` where its section goes, after the hand-written text on how
  it is measured. A scenario without a placeholder is appended at the end.
* A scenario that raises becomes a section saying so; the others still run, and the runner
  exits 1.

``docs/benchmarks.md`` is generated: edit ``bench/benchmarks.template.md`` instead. The
template's ``<!-- bench: run -->`` becomes the run's header: date, commit, machine, versions,
the load average before and after, and the command.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib
import os
import platform
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.section import Section, load1, status  # noqa: E402
from bench.server import exit_on_sigterm  # noqa: E402

TEMPLATE = ROOT / "bench" / "benchmarks.template.md"
OUTPUT = ROOT / "docs" / "benchmarks.md"
PLACEHOLDER = re.compile(r"^<!-- bench: ([a-z_]+) -->$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    module: str


#: Every scenario ``make bench`` runs, in this order.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("event_roundtrip", "bench.event_roundtrip"),
    Scenario("fanout", "bench.fanout"),
    Scenario("payload", "bench.payload"),
    Scenario("click_dom", "bench.click_dom"),
    Scenario("memory", "bench.memory"),
    Scenario("churn", "bench.churn"),
    Scenario("soak", "bench.soak"),
    Scenario("redis_recovery", "bench.redis_recovery"),
    # Last: it sets the runner's Django up against its own Redis (the template still places
    # its section after the in-process fan-out).
    Scenario("redis_fanout", "bench.redis_fanout"),
)


#: Names of the scenarios that raised in this run.
FAILED: list[str] = []


def run_scenario(scenario: Scenario, quick: bool) -> Section:
    started, load_start = time.monotonic(), load1()
    print(f"== {scenario.name} ({scenario.module}){' --quick' if quick else ''}", flush=True)
    try:
        section: Section = importlib.import_module(scenario.module).run(quick)
    except Exception as exc:
        traceback.print_exc()
        FAILED.append(scenario.name)
        section = Section(
            name=scenario.name,
            title=scenario.name,
            command=f".venv/bin/python -m bench --only {scenario.name}",
            columns=("error",),
            rows=((f"`{type(exc).__name__}: {exc}`".replace("|", "\\|")[:500],),),
            verdict="the scenario failed; see the run's output",
            met=False,
        )
    section = dataclasses.replace(
        section, seconds=time.monotonic() - started, load=(load_start, load1())
    )
    print(f"== {scenario.name}: {status(section.met)}: {section.verdict}", flush=True)
    return section


def header(command: str, quick: bool, load: tuple[float, float], seconds: float) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("django", "channels", "django-components", "uvicorn", "websockets")
    )
    lines = [
        f"- Command: `{command}`{' (quick mode: figures not representative)' if quick else ''}",
        f"- Date: {when} (the machine's clock); commit `{_commit()}`",
        f"- Machine: {_cpu()}, {os.cpu_count()} cores, {_memory()}; Linux {platform.release()}",
        f"- Python {platform.python_version()}; {packages}",
        f"- Load average (1 min): {load[0]:.2f} before the run, {load[1]:.2f} after;"
        f" the run took {seconds / 60:.1f} minutes",
    ]
    return "\n".join(lines)


def summary(sections: Sequence[Section]) -> str:
    rows = ["| scenario | verdict | |", "|---|---|---|"]
    for s in sections:
        rows.append(f"| [{s.title}](#{_anchor(s.title)}) | {s.verdict} | {status(s.met)} |")
    return "\n".join(rows)


def render(template: str, run_header: str, sections: Sequence[Section]) -> str:
    by_name = {s.name: s for s in sections}
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "run":
            return run_header + "\n\n" + summary(sections)
        section = by_name.get(name)
        if section is None:
            return "_Not run this time._"
        used.add(name)
        return section.markdown()

    text = PLACEHOLDER.sub(fill, template).rstrip() + "\n"
    for section in sections:
        if section.name not in used:
            text += f"\n## {section.title}\n\n{section.markdown()}\n"
    return text


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (
        " + uncommitted changes"
        if git("status", "--porcelain", "--", ".", ":!docs/benchmarks.md")
        else ""
    )


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, to check they work")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"where to write the markdown (default: {OUTPUT.relative_to(ROOT)};"
        " with --quick or --only: print it instead)",
    )
    args = parser.parse_args(argv)
    names = {s.name for s in SCENARIOS}
    args.only = [n.strip() for n in args.only.split(",") if n.strip()]
    if unknown := set(args.only) - names:
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {sorted(names)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    started, load_start = time.monotonic(), load1()
    sections = [run_scenario(s, args.quick) for s in chosen]
    command = (
        "make bench"
        if not (args.quick or args.only)
        else ".venv/bin/python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    )
    run_header = header(command, args.quick, (load_start, load1()), time.monotonic() - started)
    text = render(TEMPLATE.read_text(), run_header, sections)
    out: Path | None = args.out
    if out is None and not (args.quick or args.only):
        out = OUTPUT
    if out is None:
        print(text)
    else:
        out.write_text(text)
        print(f"wrote {out}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
