"""Running a ```console block: each `$ ` command, checked against the output written under it.

`make` commands are matched against the Makefile (the suite is what `make test` runs, and
`make run` serves until stopped); `curl` commands run for real against the demo on a loopback
port, with the documented `http://127.0.0.1:8000` pointed there. Any other command fails:
a document may only show commands some test runs or matches.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEMO = "http://127.0.0.1:8000"
#: An ETag in a documented output: each run has its own, so it is a variable.
ETAG = re.compile(r"\b[0-9a-f]{16}\b")
CURL_TIMEOUT = 30  # seconds


@dataclass
class Step:
    command: str
    expected: list[str]


def steps(text: str) -> list[Step]:
    """The commands of a console block (`\\` continues a line) and the output under each."""
    result: list[Step] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            if result:
                result[-1].expected.append(line)
                i += 1
                continue
            raise ValueError(f"output before any command: {line!r}")
        command = line[2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        result.append(Step(command=command, expected=[]))
        i += 1
    for step in result:
        while step.expected and not step.expected[-1].strip():
            step.expected.pop()
    return result


@dataclass(frozen=True)
class Demo:
    """The demo served for the commands: where, and the shell variables the document names."""

    base_url: str
    env: dict[str, str]


@dataclass
class Session:
    """What the commands of one document share: the demo (started on first use), ETags seen."""

    root: Path
    demo: Callable[[], Demo]
    etags: dict[str, str] = field(default_factory=dict)  # documented -> actual

    def run(self, step: Step) -> None:
        words = shlex.split(step.command, comments=True)
        if not words:
            raise AssertionError("an empty command")
        if words[0] == "make":
            self._make(words, step)
        elif words[0] == "curl":
            self._curl(step)
        else:
            raise AssertionError(
                f"no test runs `{words[0]}`: only make targets and curl against the demo are "
                "checked here (write it in prose, or teach tests/doc_samples/console.py to run it)"
            )

    def _make(self, words: list[str], step: Step) -> None:
        makefile = (self.root / "Makefile").read_text()
        targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, flags=re.M))
        for target in words[1:]:
            assert target in targets, f"`make {target}`: the Makefile has no such target"
        assert not step.expected, "make's output is not checked: write it in prose"

    def _curl(self, step: Step) -> None:
        demo = self.demo()
        base = demo.base_url
        command = self._substitute(step.command).replace(DEMO, base)
        done = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=CURL_TIMEOUT,
            env={**os.environ, **demo.env},
            check=False,
        )
        assert done.returncode == 0, f"curl failed ({done.returncode}): {done.stderr}"
        expected = [x.replace(DEMO, base) for x in step.expected]
        self._compare(expected, done.stdout)

    def _substitute(self, text: str) -> str:
        return ETAG.sub(lambda m: self.etags.get(m.group(0), m.group(0)), text)

    def _compare(self, expected: list[str], output: str) -> None:
        head, _, body = output.replace("\r\n", "\n").partition("\n\n")
        status, *headers = head.splitlines()
        if not expected:
            return
        want_status, *rest = expected
        self._match(want_status, status)
        blank = rest.index("") if "" in rest else len(rest)
        for want in rest[:blank]:
            name, _, value = want.partition(":")
            found = [h for h in headers if h.split(":", 1)[0].lower() == name.lower()]
            assert found, f"no {name} header in:\n{head}"
            self._match(value.strip(), found[0].partition(":")[2].strip())
        want_body = "\n".join(rest[blank + 1 :]).strip()
        if want_body:
            self._match(want_body, body.strip())
        else:
            assert not rest[blank + 1 :], "a blank line with no body after it"

    def _match(self, want: str, got: str) -> None:
        """`want` matches `got` whole; `...` is any text, an ETag the one it stood for before."""
        pattern = ""
        groups: dict[str, str] = {}
        for i, part in enumerate(re.split(r"(\.\.\.|\b[0-9a-f]{16}\b)", want)):
            if i % 2 == 0:
                pattern += re.escape(part)
            elif part == "...":
                pattern += ".*?"
            elif part in self.etags:
                pattern += re.escape(self.etags[part])
            elif part in groups:
                pattern += f"(?P={groups[part]})"
            else:
                groups[part] = f"v{len(groups)}"
                pattern += f"(?P<{groups[part]}>[0-9a-f]{{16}})"
        found = re.fullmatch(pattern, got, flags=re.S)
        assert found, f"expected\n  {want}\ngot\n  {got}"
        for documented, group in groups.items():
            self.etags[documented] = found.group(group)
