// liveview glue: opens the page's one socket once htmx and its ws extension are both loaded
// (so the page is live on every load), marks components busy while an event is in flight,
// keeps the focused input's text, caret and pending send across htmx 2's replacing swaps
// (htmx 4 morphs), stamps each event with the connection's epoch (stale replays are refused), stops
// reconnecting when the server refused the page (close codes 44xx), and follows a handler's
// redirect: a frame that fills #lv-redirect's data-url (checked on the server).
(function () {
  var s = document.currentScript, b = document.body, two = s.dataset.htmx === "2";
  var fatal = 0, kept = null, unsent = null;
  b.insertAdjacentHTML("beforeend", '<div id="lv-redirect" hidden></div>');
  function go() {
    var r = document.getElementById("lv-redirect"), url = r && r.getAttribute("data-url");
    if (url) { r.removeAttribute("data-url"); location.assign(url); }
  }
  if (two) {
    b.setAttribute("hx-ext", ((b.getAttribute("hx-ext") || "") + ",ws").replace(/^,/, ""));
    b.setAttribute("ws-connect", s.dataset.url);
    if (document.readyState === "complete") htmx.process(b);
  } else {
    b.setAttribute("hx-ws:connect", s.dataset.url);
    htmx.process(b);
  }
  function on(name, f) { b.addEventListener(name, f); }
  // Every event carries the epoch of the render it was made against: a reconnect's replay of
  // events queued while the socket was down is then refused by the server, not run twice.
  function epoch() { var e = document.getElementById("lv-epoch"); return (e && e.dataset.v) || ""; }
  on(two ? "htmx:wsConfigSend" : "htmx:before:ws:request", function (e) {
    (two ? e.detail.parameters : e.detail.body).lv_v = epoch();
    if (e.target === unsent) unsent = null;
  });
  // Typed but not sent yet (a debounce running) when htmx 2 replaces the input: its timer
  // would still fire from the detached element, whose events never reach this glue (no
  // epoch: refused as stale). Cancel it; the restore below fires `input` on the new input.
  on("input", function (e) { unsent = e.target; });
  on("htmx:beforeCleanupElement", function (e) {
    var d = e.target === unsent && e.target["htmx-internal-data"];
    if (d && d.delayed) { clearTimeout(d.delayed); d.delayed = null; }
  });
  on(two ? "htmx:wsAfterSend" : "htmx:after:ws:request", function (e) {
    var c = e.target.closest && e.target.closest("[data-lv]");
    if (c) { c.classList.add("lv-loading"); c.setAttribute("aria-busy", "true"); }
  });
  on("htmx:wsBeforeMessage", function () {
    var a = document.activeElement;
    kept = a && a.id && "selectionStart" in a
      ? { id: a.id, node: a, value: a.value, from: a.selectionStart, to: a.selectionEnd } : null;
  });
  on(two ? "htmx:wsAfterMessage" : "htmx:after:ws:message", function () {
    b.setAttribute("data-lv-socket", "live");
    document.querySelectorAll(".lv-loading").forEach(function (c) {
      c.classList.remove("lv-loading"); c.removeAttribute("aria-busy");
    });
    var k = kept, el = k && document.getElementById(k.id);
    kept = null;
    if (el && el !== k.node && "selectionStart" in el) {
      el.value = k.value; el.focus();
      try { el.setSelectionRange(k.from, k.to); } catch (x) { /* not a text input */ }
      if (k.node === unsent) el.dispatchEvent(new Event("input", { bubbles: true }));
    }
    setTimeout(go, 0);
  });
  on(two ? "htmx:wsClose" : "htmx:ws:close", function (e) {
    var code = e.detail.code || (e.detail.event && e.detail.event.code);
    if (code >= 4400 && code < 4500) fatal = code;
    b.setAttribute("data-lv-socket", "closed");
  });
  on(two ? "htmx:wsOpen" : "htmx:after:ws:connection", function () {
    b.setAttribute("data-lv-socket", "open");
  });
  on("htmx:before:ws:connection", function (e) { if (fatal) e.detail.connection.cancelled = true; });
})();
