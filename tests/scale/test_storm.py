"""The lost-update storm (issue 12): nobody's change is silently overwritten, nobody's typing is
thrown away — with browsers editing the same polls through the live editor on two server
processes, REST writers with If-Match, latency, a browser cut off for 15 s with unsaved text
while another writer changes its poll, a hidden tab, a Redis restart and a server SIGKILL.

Every committed write is recorded in commit order by a trigger in the test database. The test
fails on a write saved over a version its author had not seen, a keystroke lost, unsaved text
lost, or a page that does not show the database at the end. Seeded (LIVEVIEW_STORM_SEED) and
bounded (LIVEVIEW_STORM_SECONDS of editing, then the checks); loopback only.
"""

from __future__ import annotations

import base64
import json
import os
import random
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from liveview.testing import htmx_builds
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.scale.conftest import Cluster
from tests.scale.polls import CONVERGE_MS
from tests.scale.proxy import TcpProxy
from tests.scale.support import ServerProcess, manage, new_poll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(600),
]

SEED = int(os.environ.get("LIVEVIEW_STORM_SEED", "12"))
#: How long the editors and REST writers work before the checks (the faults fit inside).
SECONDS = float(os.environ.get("LIVEVIEW_STORM_SECONDS", "40"))
#: One way, each direction, for the slow browser.
LATENCY_S = 0.3
CUT_S = 15.0
HIDDEN_S = 6.0
REDIS_DOWN_S = 3.0
REST_USER = ("storm", "storm-pass")
MAX_REST_TRIES = 50
#: How often a user clicks a button the page refused while reconnecting before giving up.
MAX_CLICKS = 5

#: Every UPDATE of a poll, in commit order (SQLite runs triggers inside the writing statement).
AUDIT_SQL = """
CREATE TABLE IF NOT EXISTS storm_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, poll_id INTEGER,
    old_etag TEXT, new_etag TEXT, old_question TEXT, new_question TEXT);
CREATE TRIGGER IF NOT EXISTS storm_audit_poll AFTER UPDATE ON polls_poll BEGIN
    INSERT INTO storm_audit (poll_id, old_etag, new_etag, old_question, new_question)
    VALUES (OLD.id, OLD.etag, NEW.etag, OLD.question, NEW.question);
END;
"""

#: The server environment of each htmx build (tests/browser/conftest.py's HTMX_BUILDS).
DIALECTS = ("htmx2", "htmx4beta", "htmx4")


def dialect_env(build: str) -> dict[str, str]:
    if build == "htmx2":
        return {"LIVEVIEW_HTMX_VERSION": "2"}
    if build == "htmx4beta":
        return {"LIVEVIEW_HTMX_VERSION": "4"}
    cached = htmx_builds.cached()
    if cached is None:
        pytest.fail("no htmx 4.0.x build: run `make htmx`", pytrace=False)
    return {"LIVEVIEW_HTMX_VERSION": "4", "LIVEVIEW_HTMX_BUILD": str(cached)}


@dataclass
class Storm:
    servers: tuple[ServerProcess, ServerProcess]
    cluster: Cluster
    #: Each text written, by whom, and the versions its author had seen when it was written.
    seen: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, text: str, etag: str) -> None:
        with self.lock:
            self.seen.setdefault(text, set()).add(etag)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


@pytest.fixture(params=DIALECTS)
def storm(request: pytest.FixtureRequest, running_cluster: Cluster) -> Iterator[Storm]:
    """Two server processes of the dialect on the package's Redis and SQLite file, audited."""
    cluster = running_cluster
    for server in cluster.servers:
        server.stop()  # the package's servers make room (`cluster` restarts them for later tests)
    if not cluster.redis.running:
        cluster.redis.start()
    # Basic auth for the REST writers (off by default where LIVEVIEW_REST_BASIC_AUTH exists).
    env = {**cluster.env, **dialect_env(request.param), "LIVEVIEW_REST_BASIC_AUTH": "1"}
    with sqlite3.connect(cluster.sqlite_path) as db:
        db.executescript(AUDIT_SQL)
    user, password = REST_USER
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User;"
        f"User.objects.filter(username={user!r}).exists() or "
        f"User.objects.create_superuser({user!r}, password={password!r})",
    )
    log_dir = Path(cluster.sqlite_path).parent
    servers = (
        ServerProcess("storm-a", env, log_dir / f"storm-a-{request.param}.log"),
        ServerProcess("storm-b", env, log_dir / f"storm-b-{request.param}.log"),
    )
    try:
        for server in servers:
            server.start()
        yield Storm(servers, cluster)
    finally:
        for server in servers:
            print(f"--- {server.name} ---\n{server.log()}")
            server.stop()
        if not cluster.redis.running:
            cluster.redis.start()


# -- a user at the poll editor ---------------------------------------------------------------


class Editor:
    """One user at one poll's editor: types a unique text as a person does, saves, resolves."""

    def __init__(self, name: str, page: Page, pk: int, storm: Storm, rng: random.Random) -> None:
        self.name, self.page, self.pk, self.storm, self.rng = name, page, pk, storm, rng
        self.n = 0
        self.text = ""  # what the user typed last and has not seen saved

    @property
    def form(self) -> Locator:
        return self.page.locator("form.editor")

    def value(self, name: str) -> str:
        found = self.form.locator(f"input[name={name}]")
        return str(found.evaluate("el => el.value")) if found.count() else ""

    def box(self) -> str:
        return self.value("question")

    def type_new_text(self) -> None:
        """Replace the question with a new text of this user's, key by key."""
        self.n += 1
        text = f"{self.name}-{self.n}-{self.rng.randrange(10**6)}"
        box = self.form.locator("input[name=question]")
        box.click()
        box.press("Control+a")
        box.press_sequentially(text[:1])
        # The version on screen when the user started: what their text is based on.
        self.storm.saw(text, self.value("etag"))
        print(f"{self.name}: typing {text!r} on {self.value('etag')}")
        box.press_sequentially(text[1:], delay=self.rng.choice([20, 60, 120]))
        self.text = text
        if self.box() != text:
            self.storm.problem(f"{self.name}: keystrokes lost: typed {text!r}, box {self.box()!r}")

    def outcome(self, base: str, sent: int) -> None:
        """Wait until the action is answered: saved (a new version), a conflict, an error."""
        try:
            self._outcome(base, sent)
        except PlaywrightTimeout:
            state = self.page.evaluate(
                """() => [document.body.getAttribute("data-lv-socket"),
                  (document.querySelector("form.editor") || document.body).outerHTML]"""
            )
            self.storm.problem(f"{self.name}: no answer to an action (base {base}): {state}")

    def _outcome(self, base: str, sent: int) -> None:
        # Answered: the server acknowledged the action's event (or the page reconnected since),
        # and the form shows its result.
        self.page.wait_for_function(
            """([base, sent]) => {
              const w = window.__traffic, ep = document.getElementById("lv-epoch");
              if (w.sent <= sent) return false;
              const ack = Math.max(Number(ep.dataset.ack || 0), w.acks[w.epoch] || 0);
              const answered = ep.dataset.v !== w.epoch || ack >= w.seq;
              const f = document.querySelector("form.editor");
              if (!answered || !f) return answered;
              const etag = f.querySelector("input[name=etag]").value;
              return !!f.querySelector(".conflict, .form-error") ||
                (!!f.querySelector(".saved") && etag !== base);
            }""",
            arg=[base, sent],
            timeout=CONVERGE_MS,
        )

    def sent(self) -> int:
        return int(self.page.evaluate("() => window.__traffic.sent"))

    def click(self, button: str) -> int:
        """Click `button` as a user does: a click the page refused while it was reconnecting
        (the notice says so, nothing was sent) is made again once the page is back.

        Returns how many frames the page had sent before the click that went out."""
        for _ in range(MAX_CLICKS):
            expect_live(self.page)
            sent = self.sent()
            self.form.get_by_role("button", name=button).click()
            # Sent at once (a submit has no debounce), or refused: the socket is not live.
            self.page.wait_for_function(
                """sent => window.__traffic.sent > sent ||
                  document.body.getAttribute("data-lv-socket") !== "live" """,
                arg=sent,
            )
            if self.sent() > sent:
                return sent
            print(f"{self.name}: {button!r} refused while reconnecting: clicked again")
        raise AssertionError(f"{self.name}: {button!r} refused {MAX_CLICKS} times")

    def quiet(self) -> None:
        """Wait until the page is live and the server has acknowledged every input it holds
        (after a reconnect, the re-sent input's answer, a conflict maybe, is in)."""
        expect_live(self.page)
        expect(self.page.locator("#lv-status")).to_have_attribute(
            "data-unacked", "0", timeout=CONVERGE_MS
        )

    def save(self) -> None:
        base = self.value("etag")
        print(f"{self.name}: save {self.box()!r} on {base}")
        sent = self.click("Save")
        self.outcome(base, sent)
        self.check_kept()

    def resolve(self, overwrite: bool) -> None:
        """A conflict is on screen: take theirs, or overwrite with mine (the version shown)."""
        if overwrite:
            text, base = self.box(), self.value("etag")
            sent = self.click("Overwrite with mine")
            self.outcome(base, sent)
            # The version the conflict UI showed when the user clicked: what the click carried.
            their = self.page.evaluate("() => window.__traffic.their")
            self.storm.saw(text, str(their))
            print(f"{self.name}: overwrite {text!r} over {their}")
        else:
            self.click("Reload theirs")
            expect(self.form.locator(".conflict")).to_have_count(0, timeout=CONVERGE_MS)
            self.quiet()
            self.text = ""
        self.check_kept()

    def check_kept(self) -> None:
        """While the text is not saved (a conflict, an error), it is still in the box."""
        shown = self.form.locator(".conflict, .form-error").count()
        if shown and self.text and self.box() != self.text:
            self.storm.problem(f"{self.name}: unsaved text lost: {self.text!r}, box {self.box()!r}")

    def in_conflict(self) -> bool:
        return bool(self.form.locator(".conflict").count())

    def round(self) -> None:
        if self.in_conflict():
            self.resolve(overwrite=self.rng.random() < 0.5)
            return
        self.type_new_text()
        self.save()

    def settle(self) -> None:
        """At the end: take theirs where a conflict is shown, until the form is clean."""
        for _ in range(5):
            self.quiet()  # not between a reconnect's first frame and the re-sent input's answer
            if not self.in_conflict():
                break
            self.resolve(overwrite=False)


# -- REST writers ----------------------------------------------------------------------------


class RestWriter(threading.Thread):
    """PUTs new questions with If-Match, alternating between the two servers, until stopped."""

    def __init__(self, storm: Storm, pks: list[int], rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.storm, self.pks, self.rng = storm, pks, rng
        self.stop = threading.Event()
        self.n = 0
        self.failures: list[str] = []
        token = base64.b64encode(":".join(REST_USER).encode()).decode()
        self.auth = f"Basic {token}"

    def put(self, pk: int) -> bool:
        """One read-modify-write; True when it was saved (False: 412, or a server down)."""
        server = self.rng.choice(self.storm.servers)
        url = f"{server.base_url}/api/polls/{pk}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                etag = response.headers["ETag"].strip('"')
            self.n += 1
            text = f"rest-{self.n}-{self.rng.randrange(10**6)}"
            self.storm.saw(text, etag)
            request = urllib.request.Request(
                url,
                data=json.dumps({"question": text}).encode(),
                method="PUT",
                headers={
                    "Content-Type": "application/json",
                    "If-Match": f'"{etag}"',
                    "Authorization": self.auth,
                },
            )
            with urllib.request.urlopen(request, timeout=10):
                return True
        except urllib.error.HTTPError as exc:
            self.failures.append(f"{url}: {exc} {exc.read()[:200]!r}")  # 412: someone was first
            return False
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            self.failures.append(f"{url}: {exc}")  # a 412 (someone was first), a server down
            return False

    def put_until_saved(self, pk: int) -> None:
        """Write `pk` now (a fault is in place: its page must come back to a changed poll)."""
        for _ in range(MAX_REST_TRIES):
            if self.put(pk):
                return
        raise AssertionError(f"no REST write got through: {self.failures[-5:]}")

    def run(self) -> None:
        while not self.stop.is_set():
            self.put(self.rng.choice(self.pks))
            self.stop.wait(self.rng.uniform(0.4, 1.5))  # the writers' pace, not a wait for state


# -- the checks ------------------------------------------------------------------------------


def audited_writes(sqlite_path: Path) -> list[tuple[int, str, str]]:
    """(poll, the version it was based on, the text) of each question written, in commit order.

    A write through `save_if_match` is two updates: the claim (the ETag moves from the base to
    a new one) and the save (the new question, under the claimed ETag)."""
    with sqlite3.connect(sqlite_path) as db:
        rows = db.execute(
            "SELECT poll_id, old_etag, new_etag, old_question, new_question "
            "FROM storm_audit ORDER BY seq"
        ).fetchall()
    claimed: dict[str, str] = {}
    writes = []
    for poll_id, old_etag, new_etag, old_question, new_question in rows:
        if old_question == new_question:
            if old_etag != new_etag:
                claimed[new_etag] = old_etag
            continue
        base = claimed.get(old_etag, old_etag) if old_etag == new_etag else old_etag
        writes.append((int(poll_id), str(base), str(new_question)))
    return writes


def question_in_db(sqlite_path: Path, pk: int) -> str:
    with sqlite3.connect(sqlite_path) as db:
        return str(db.execute("SELECT question FROM polls_poll WHERE id = ?", (pk,)).fetchone()[0])


def hide(page: Page, hidden: bool) -> None:
    """The tab goes to the background (or comes back), as htmx 4's ws extension sees it."""
    page.evaluate(
        """hidden => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
          Object.defineProperty(document, "visibilityState",
            { configurable: true, get: () => hidden ? "hidden" : "visible" });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def expect_live(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "live", timeout=CONVERGE_MS)


def unsaved_text_survives(editor: Editor, fault: str) -> None:
    """After `fault` healed: the user's unsaved text is in the box, and since their poll changed
    meanwhile, the conflict is shown (their text kept)."""
    expect_live(editor.page)
    if editor.box() != editor.text:  # the reconnect's first frame is in: the text must be too
        editor.storm.problem(
            f"{editor.name}: unsaved text lost in {fault}: {editor.text!r}, box {editor.box()!r}"
        )
        return
    try:
        expect(editor.form.locator(".conflict")).to_be_visible(timeout=CONVERGE_MS)
    except AssertionError:
        editor.storm.problem(f"{editor.name}: no conflict shown after {fault}")
    editor.check_kept()


#: Counts each page's socket traffic (printed with a failure).
COUNT_FRAMES = """(() => {
  const w = window.__traffic = { sent: 0, received: 0, events: {}, acks: {} };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    w.sent += 1;
    try {
      const d = JSON.parse(data), v = d.body || d;
      w.events[v.event] = (w.events[v.event] || 0) + 1;
      w.seq = v.lv_seq;
      w.their = v.their_etag;
      w.epoch = v.lv_v;
    } catch (x) { /* not an event */ }
    if (!this.__counted) {
      this.__counted = true;
      this.addEventListener("message", (m) => {
        w.received += 1;
        // A plain event's reply acknowledges it in a comment at its end (docs/events.md),
        // counted, as the glue does, in the epoch the page has when it arrives (this listener
        // comes after the socket's connect frame: the page has this socket's epoch).
        const t = String(m.data), at = t.lastIndexOf("<!--lv:");
        if (at < 0 || !t.endsWith("-->")) return;
        const ep = document.getElementById("lv-epoch"), epoch = ep && ep.dataset.v;
        const seq = Number(t.slice(at + 7, -3));
        if (epoch && seq > 0) w.acks[epoch] = Math.max(w.acks[epoch] || 0, seq);
      });
    }
    return send.call(this, data);
  };
})();"""


def new_page(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.add_init_script(COUNT_FRAMES)
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    return page


# -- the storm ---------------------------------------------------------------------------------


def test_no_lost_update_no_lost_keystroke_no_lost_text(browser: Browser, storm: Storm) -> None:
    rng = random.Random(SEED)
    cluster = storm.cluster
    a, b = storm.servers
    pks = [new_poll(cluster.env, f"Storm poll {i}?", ["Tea", "Coffee"]) for i in range(2)]
    slow = TcpProxy(a.port, delay=LATENCY_S)
    cuttable = TcpProxy(b.port)
    slow.start()
    cuttable.start()
    contexts = [browser.new_context() for _ in range(4)]
    errors: list[str] = []
    rest = RestWriter(storm, pks, random.Random(rng.random()))
    editors: list[Editor] = []
    try:
        for context in contexts:
            context.set_default_timeout(ACTION_TIMEOUT_MS)
        urls = [a.base_url, slow.base_url, b.base_url, cuttable.base_url]
        names = ["ann", "slow", "hidden", "cut"]
        for i, (context, url, name) in enumerate(zip(contexts, urls, names, strict=True)):
            page = new_page(context, errors)
            pk = pks[i % 2]
            page.goto(f"{url}/polls/{pk}/")
            expect_live(page)
            editors.append(Editor(name, page, pk, storm, random.Random(rng.random())))
        ann, slow_ed, hidden_ed, cut_ed = editors
        rest.start()
        started = time.monotonic()

        def elapsed() -> float:
            return time.monotonic() - started

        def rounds(until: float, *who: Editor) -> None:
            while elapsed() < until:
                rng.choice(who).round()

        rounds(SECONDS * 0.15, *editors)
        # The cut: unsaved text, 15 s without a network while someone changes that poll.
        cut_ed.type_new_text()
        cuttable.cut()
        cut_at = time.monotonic()
        rest.put_until_saved(cut_ed.pk)
        # Meanwhile: a hidden tab with unsaved text, whose poll changes too.
        hidden_ed.type_new_text()
        hide(hidden_ed.page, True)
        hidden_at = time.monotonic()
        rest.put_until_saved(hidden_ed.pk)
        rounds(elapsed() + max(0.0, hidden_at + HIDDEN_S - time.monotonic()), ann, slow_ed)
        hide(hidden_ed.page, False)
        unsaved_text_survives(hidden_ed, "a hidden tab")
        rounds(elapsed() + max(0.0, cut_at + CUT_S - time.monotonic()), ann, slow_ed, hidden_ed)
        cuttable.restore()
        unsaved_text_survives(cut_ed, "a 15 s network cut")
        # Redis restarts: the processes lose their pub/sub for a while.
        cluster.redis.stop()
        rounds(elapsed() + REDIS_DOWN_S, ann, slow_ed)
        cluster.redis.start()
        # Server B is killed with an unsaved text on one of its pages; it comes back.
        if hidden_ed.in_conflict():
            hidden_ed.resolve(overwrite=False)
        hidden_ed.type_new_text()
        b.kill()
        rest.put_until_saved(hidden_ed.pk)
        b.start()
        unsaved_text_survives(hidden_ed, "a server SIGKILL")
        rounds(max(elapsed(), SECONDS), *editors)
        rest.stop.set()
        rest.join(timeout=30)
        for editor in editors:
            editor.settle()
        # Every page shows the database, in the editor and in the results.
        for editor in editors:
            editor.quiet()
            stored = question_in_db(cluster.sqlite_path, editor.pk)
            expect(editor.page.locator("h1.question")).to_have_text(stored, timeout=CONVERGE_MS)
            expect(editor.form.locator("input[name=question]")).to_have_value(stored)
        # Every write was based on a version its author had seen.
        writes = audited_writes(cluster.sqlite_path)
        for pk, base, text in writes:
            if pk not in pks:
                continue
            if base not in storm.seen.get(text, set()):
                storm.problem(
                    f"poll {pk}: {text!r} was saved over {base}, which its author never saw"
                )
        assert len([w for w in writes if w[0] in pks]) > 10, "the storm wrote almost nothing"
        print(f"seed {SEED}: {len(writes)} writes, {rest.n} REST attempts")
        assert not storm.problems, f"{len(storm.problems)} problems:\n" + "\n".join(storm.problems)
        assert errors == []
    finally:
        rest.stop.set()
        for editor in editors:
            print(editor.name, editor.page.evaluate("() => window.__traffic"))
        for context in contexts:
            context.close()
        slow.stop()
        cuttable.stop()
