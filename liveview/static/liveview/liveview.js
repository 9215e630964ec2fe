// liveview glue: opens the page's one socket once htmx and its ws extension are both loaded
// (so the page is live on every load), marks components busy while an event is in flight,
// keeps the focused input's text, caret and pending send across htmx 2's replacing swaps
// (htmx 4 morphs), stamps each event with the connection's epoch (stale replays are refused),
// refuses, visibly, an action made while the socket is not live, stops reconnecting when the
// server refused the page (close codes 44xx, 1008, 1009), and follows a handler's redirect: a
// frame that fills #lv-redirect's data-url (checked on the server).
// BUILDS is the browser half of liveview/dialect.py: the ws extension's events per htmx build,
// chosen by the htmx the page actually loaded (tests/test_dialect.py reads it as JSON).
(function () {
  var BUILDS = [
    {"versions": ["2."], "major": "2", "connect": "ws-connect", "send": "ws-send", "ext": "ws",
     "beforeSend": "htmx:wsConfigSend", "values": "parameters", "afterSend": "htmx:wsAfterSend",
     "beforeMessage": "htmx:wsBeforeMessage", "afterMessage": "htmx:wsAfterMessage",
     "cleanup": "htmx:beforeCleanupElement", "close": "htmx:wsClose", "code": "event.code",
     "open": "htmx:wsOpen", "beforeConnect": null, "error": null},
    {"versions": ["4.0.0-alpha", "4.0.0-beta"], "major": "4", "connect": "hx-ws:connect",
     "send": "hx-ws:send", "ext": null,
     "beforeSend": "htmx:before:ws:request", "values": "body", "afterSend": "htmx:after:ws:request",
     "beforeMessage": null, "afterMessage": "htmx:after:ws:message",
     "cleanup": null, "close": "htmx:ws:close", "code": "code",
     "open": "htmx:after:ws:connection", "beforeConnect": "htmx:before:ws:connection",
     "error": "htmx:ws:error"},
    {"versions": ["4."], "major": "4", "connect": "hx-ws:connect", "send": "hx-ws:send", "ext": null,
     "beforeSend": "htmx:ws:before:message:outgoing", "values": "message.values",
     "afterSend": "htmx:ws:after:message:outgoing",
     "beforeMessage": null, "afterMessage": "htmx:ws:after:message:incoming",
     "cleanup": null, "close": "htmx:ws:close", "code": "code",
     "open": "htmx:ws:after:connection", "beforeConnect": "htmx:ws:before:connection",
     "error": "htmx:ws:error"}
  ];
  var s = document.currentScript, b = document.body, d = s.dataset;
  function alarm(text) {
    console.error("liveview: " + text);
    if (d.debug === undefined) return;
    b.insertAdjacentHTML("afterbegin", '<p class="lv-error lv-htmx-notice" role="alert"></p>');
    b.firstChild.textContent = "liveview: " + text;
  }
  if (typeof htmx === "undefined") return alarm("htmx did not load (LIVEVIEW_HTMX_SCRIPTS?)");
  var B = BUILDS.filter(function (x) {
    return x.versions.some(function (v) { return htmx.version.indexOf(v) === 0; });
  })[0];
  if (!B) return alarm("htmx " + htmx.version + " is not supported (docs/htmx.md)");
  if (B.major !== d.htmx) {
    alarm("this page loaded htmx " + htmx.version + " but is rendered for htmx " + d.htmx +
      " (LIVEVIEW_HTMX_VERSION): its bindings will not work (docs/htmx.md)");
  }
  function get(o, path) {
    path.split(".").forEach(function (k) { o = o && o[k]; });
    return o;
  }
  var fatal = 0, live = false, refused = [], kept = null, unsent = null;
  b.insertAdjacentHTML("beforeend", '<div id="lv-redirect" hidden></div>');
  function go() {
    var r = document.getElementById("lv-redirect"), url = r && r.getAttribute("data-url");
    if (url) { r.removeAttribute("data-url"); location.assign(url); }
  }
  function on(name, f) { if (name) b.addEventListener(name, f); }
  // An action made while the socket is not live (down, reconnecting, or stopped) is never sent
  // late: the glue cancels it (or the extension dropped it) and says so in its component, also
  // after the reconnect's full render has replaced the component.
  function notice(c) {
    if (c.querySelector(":scope > .lv-refused")) return;
    var p = document.createElement("p");
    p.className = "lv-error lv-refused";
    p.setAttribute("role", "alert");
    p.textContent = d.refused;
    c.insertBefore(p, c.firstChild);
  }
  function refuse(el) {
    var c = el && el.closest && el.closest("[data-lv]");
    if (!c) return;
    if (refused.indexOf(c.id) < 0) refused.push(c.id);
    notice(c);
  }
  // Every event carries the epoch of the render it was made against: were one replayed after a
  // reconnect all the same, the server would refuse it, not run it twice.
  function epoch() { var e = document.getElementById("lv-epoch"); return (e && e.dataset.v) || ""; }
  on(B.beforeSend, function (e) {
    if (!live) {
      e.preventDefault();
      if (e.detail) e.detail.cancelled = true;
      refuse(e.target);
      return;
    }
    get(e.detail, B.values).lv_v = epoch();
    if (e.target === unsent) unsent = null;
  });
  on(B.error, function (e) {  // htmx 4 drops a send made while its socket is closed
    if (/not open|closed|queue/i.test(String(e.detail && e.detail.error))) refuse(e.target);
  });
  // Typed but not sent yet (a debounce running) when htmx 2 replaces the input: its timer
  // would still fire from the detached element, whose events never reach this glue (no
  // epoch: refused as stale). Cancel it; the restore below fires `input` on the new input.
  on("input", function (e) { unsent = e.target; });
  on(B.cleanup, function (e) {
    var x = e.target === unsent && e.target["htmx-internal-data"];
    if (x && x.delayed) { clearTimeout(x.delayed); x.delayed = null; }
  });
  on(B.afterSend, function (e) {
    var c = e.target.closest && e.target.closest("[data-lv]");
    if (c) { c.classList.add("lv-loading"); c.setAttribute("aria-busy", "true"); }
  });
  on(B.beforeMessage, function () {
    var a = document.activeElement;
    kept = a && a.id && "selectionStart" in a
      ? { id: a.id, node: a, value: a.value, from: a.selectionStart, to: a.selectionEnd } : null;
  });
  on(B.afterMessage, function () {
    live = true;
    b.setAttribute("data-lv-socket", "live");
    refused.forEach(function (id) { var c = document.getElementById(id); if (c) notice(c); });
    refused = [];
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
  // hx-confirm on a bound element ({% live ... confirm= %}): neither ws extension asks, so the
  // glue does, before the event leaves; "Cancel" drops it (htmx has already stopped a bound
  // submit button's own submit). A send the glue refused never asks.
  on(B.beforeSend, function (e) {
    var q = e.target.getAttribute && e.target.getAttribute("hx-confirm");
    if (!q || e.defaultPrevented || (e.detail && e.detail.cancelled) || window.confirm(q)) return;
    e.preventDefault();
    if (e.detail) e.detail.cancelled = true;
  });
  on(B.close, function (e) {
    var code = get(e.detail, B.code);
    if ((code >= 4400 && code < 4500) || code === 1008 || code === 1009) fatal = code;
    live = false;
    b.setAttribute("data-lv-socket", "closed");
  });
  on(B.open, function () { b.setAttribute("data-lv-socket", "open"); });
  on(B.beforeConnect, function (e) { if (fatal) e.detail.connection.cancelled = true; });
  if (B.ext) b.setAttribute("hx-ext", ((b.getAttribute("hx-ext") || "") + "," + B.ext).replace(/^,/, ""));
  b.setAttribute(B.connect, d.url);
  // htmx 2 processes <body> itself once the document is loaded; htmx 4 may have already.
  if (!B.ext || document.readyState === "complete") htmx.process(b);
})();
