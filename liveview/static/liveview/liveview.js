// liveview glue: opens the page's one socket once htmx and its ws extension are both loaded
// (so the page is live on every load), marks components busy while an event is in flight,
// keeps the focused input's text and caret across htmx 2's replacing swaps (htmx 4 morphs),
// stamps each event with the connection's epoch (stale replays are refused), stops
// reconnecting when the server refused the page (close codes 44xx), and follows a handler's
// redirect: a frame that fills #lv-redirect's data-url (checked on the server).
(function () {
  var s = document.currentScript, b = document.body, two = s.dataset.htmx === "2";
  var fatal = 0, kept = null;
  b.insertAdjacentHTML("beforeend", '<div id="lv-redirect" hidden></div>');
  function go() {
    var r = document.getElementById("lv-redirect"), url = r && r.getAttribute("data-url");
    if (url) { r.removeAttribute("data-url"); location.assign(url); }
  }
  if (two) {
    // A debounced send whose element a fragment replaced during its delay still fires, from
    // the detached element, whose events never reach <body>: stamp it here, as it is sent.
    var make = htmx.createWebSocket;
    htmx.createWebSocket = function (url) {
      var w = make(url), send = w.send;
      w.send = function (d) {
        if (typeof d === "string" && d.indexOf('"lv_v"') < 0) d = d.replace(/^\{/, '{"lv_v":' + JSON.stringify(epoch()) + ",");
        return send.call(w, d);
      };
      return w;
    };
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
