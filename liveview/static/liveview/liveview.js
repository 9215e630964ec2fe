// liveview glue: opens the page's one socket once htmx and its ws extension are both loaded
// (so the page is live on every load), marks components busy while an event is in flight,
// keeps what the user typed until the server acknowledged it (across every fragment and
// reconnect, sending unsaved input again), shows the connection (#lv-status), stamps each
// event with the connection's epoch (stale replays are refused),
// refuses, visibly, an action made while the socket is not live, stops reconnecting when the
// server refused the page (close codes 44xx, 1008, 1009), and follows a handler's redirect: a
// frame that fills #lv-redirect's data-url (checked on the server); and keeps the address in
// step with the components' url_state (docs/urls.md): #lv-url pushes or replaces a history
// entry, back/forward sends the address to the server, every connect sends it (`u`).
// BUILDS is the browser half of liveview/dialect.py: the ws extension's events per htmx build,
// chosen by the htmx the page actually loaded (tests/test_dialect.py reads it as JSON).
(function () {
  var BUILDS = [
    {"versions": ["2."], "major": "2", "connect": "ws-connect", "send": "ws-send", "ext": "ws",
     "beforeSend": "htmx:wsConfigSend", "values": "parameters", "afterSend": "htmx:wsAfterSend",
     "beforeMessage": "htmx:wsBeforeMessage", "afterMessage": "htmx:wsAfterMessage", "text": "message",
     "cleanup": "htmx:beforeCleanupElement", "close": "htmx:wsClose", "code": "event.code",
     "open": "htmx:wsOpen", "beforeConnect": null, "error": null, "oobSwap": "htmx:oobBeforeSwap"},
    {"versions": ["4.0.0-alpha", "4.0.0-beta"], "major": "4", "connect": "hx-ws:connect",
     "send": "hx-ws:send", "ext": null,
     "beforeSend": "htmx:before:ws:request", "values": "body", "afterSend": "htmx:after:ws:request",
     "beforeMessage": "htmx:before:ws:message", "afterMessage": "htmx:after:ws:message",
     "text": "message.text", "cleanup": null, "close": "htmx:ws:close", "code": "code",
     "open": "htmx:after:ws:connection", "beforeConnect": "htmx:before:ws:connection",
     "error": "htmx:ws:error", "oobSwap": null},
    {"versions": ["4."], "major": "4", "connect": "hx-ws:connect", "send": "hx-ws:send", "ext": null,
     "beforeSend": "htmx:ws:before:message:outgoing", "values": "message.values",
     "afterSend": "htmx:ws:after:message:outgoing",
     "beforeMessage": "htmx:ws:before:message:incoming",
     "afterMessage": "htmx:ws:after:message:incoming", "text": "message.data",
     "cleanup": null, "close": "htmx:ws:close", "code": "code",
     "open": "htmx:ws:after:connection", "beforeConnect": "htmx:ws:before:connection",
     "error": "htmx:ws:error", "oobSwap": null}
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
  var fatal = 0, live = false, refused = [];
  b.insertAdjacentHTML("beforeend", '<div id="lv-redirect" hidden></div>');
  function go() {
    var r = document.getElementById("lv-redirect"), url = r && r.getAttribute("data-url");
    if (url) { r.removeAttribute("data-url"); location.assign(url); }
  }
  function on(name, f) { if (name) b.addEventListener(name, f); }
  // An attribute written only when it changes: most frames leave the page's signal and the
  // connection's state as they were (a write costs the browser even when the value is the same).
  function put(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
  // ---- The server's acknowledgement (docs/events.md, "What travels on the socket") ----
  // An event's reply ends with `<!--lv:SEQ-->` (no swap: htmx leaves a comment out of the
  // DOM); a reply renewing the page token acknowledges on #lv-epoch (data-ack) instead. The
  // comment comes on the socket whose connect frame put the page's epoch in place: it counts
  // in the epoch the page has when it arrives (heard before every other handler of the frame).
  var heard = { epoch: "", seq: 0 }, MARK = "<!--lv:";
  on(B.afterMessage, function (e) {
    var text = get(e.detail, B.text);
    if (typeof text !== "string" || text.slice(-3) !== "-->") return;
    var at = text.lastIndexOf(MARK), n = at < 0 ? 0 : Number(text.slice(at + MARK.length, -3));
    if (!(n > 0)) return;
    var ep = epoch();
    if (heard.epoch !== ep || n > heard.seq) heard = { epoch: ep, seq: n };
  });
  // The seq of the last event the server acknowledged in epoch `e` (#lv-epoch's data-v).
  function acked(e) {
    var ep = document.getElementById("lv-epoch"), n = Number((ep && ep.getAttribute("data-ack")) || 0);
    return heard.epoch === e && heard.seq > n ? heard.seq : n;
  }
  // ---- Streams (docs/streams.md) ----
  // htmx 2 swaps a targeted <template>'s children (oobSwap): the glue gives it its content (a table row
  // parses only there). After each frame an item inserted again takes its old place, and a
  // container keeps at most its limit (data-lv-limit: > 0 the first N, < 0 the last N).
  on(B.oobSwap, function (e) {
    var f = e.detail && e.detail.fragment;
    if (f && f.tagName === "TEMPLATE" && f.content) f.appendChild(f.content);
  });
  on(B.afterMessage, function () {
    document.querySelectorAll("[data-lv-ins]").forEach(function (el) {
      el.removeAttribute("data-lv-ins");
      Array.prototype.slice.call(el.parentNode ? el.parentNode.children : []).some(function (o) {
        if (o === el || o.id !== el.id) return false;
        var f = carry(o, el);
        if (!f) { el.remove(); return true; }  // a changed control has no counterpart: kept
        o.replaceWith(el);
        if (f.length) { f[0].focus(); caret(f[0], f[1], f[2]); }
        return true;
      });
    });
    document.querySelectorAll("[data-lv-limit]").forEach(function (c) {
      var n = Number(c.getAttribute("data-lv-limit"));
      while (n && c.children.length > Math.abs(n)) (n > 0 ? c.lastElementChild : c.firstElementChild).remove();
    });
  });
  // The item updated in place is a new element: each control the user changed in the old one
  // gives its value to its counterpart in the new one, and the focused one its focus and caret.
  // The counterpart has the same tag and type and, in this order, the same name (and value, for
  // a checkbox or radio), the same id, the same aria-label, or else the same place among the
  // item's controls of its tag and type that have none of these. A file box holding a chosen
  // file takes the new one's place itself (no script may set its value). If a changed control
  // has no counterpart, the old item stays and the update is dropped: typed text is never lost
  // (docs/streams.md). `settle` then applies the server's acknowledgements to the named ones.
  function keyed(item) {
    var by = {}, seen = {};
    item.querySelectorAll("input,textarea,select").forEach(function (c) {
      var check = c.type === "checkbox" || c.type === "radio", label = c.getAttribute("aria-label");
      var k = c.tagName + " " + c.type + " " + (c.name ? "name " + c.name + (check ? "=" + c.value : "")
        : c.id ? "id " + c.id : label ? "label " + label : "place");
      seen[k] = (seen[k] || 0) + 1;
      by[k + " " + seen[k]] = c;
    });
    return by;
  }
  function changed(c) {
    if (c.type === "file") return !!(c.files && c.files.length);
    if (c.type === "checkbox" || c.type === "radio") return c.checked !== c.defaultChecked;
    if (c.tagName === "SELECT") {
      return Array.prototype.some.call(c.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return c.value !== c.defaultValue;
  }
  function carry(from, to) {
    var olds = keyed(from), news = keyed(to), pairs = [], focus = [];
    for (var k in olds) {
      var o = olds[k];
      if (!changed(o) && o !== document.activeElement) continue;
      if (!news[k]) { if (changed(o)) return null; continue; }
      pairs.push([o, news[k]]);
    }
    pairs.forEach(function (p) {
      var o = p[0], n = p[1];
      if (o.type === "file") {
        if (changed(o)) { n.replaceWith(o); n = o; }
      } else if (o.type === "checkbox" || o.type === "radio") {
        if (changed(o)) n.checked = o.checked;
      } else if (o.tagName === "SELECT") {
        if (changed(o)) {
          var picked = Array.prototype.filter.call(o.options, function (x) { return x.selected; })
            .map(function (x) { return x.value; });
          Array.prototype.forEach.call(n.options, function (x) { x.selected = picked.indexOf(x.value) >= 0; });
        }
      } else if (changed(o)) n.value = o.value;
      if (o === document.activeElement) focus = [n, o.selectionStart, o.selectionEnd];
    });
    return focus;
  }
  // An action made while the socket is not live (down, reconnecting, or stopped) is never sent
  // late: the glue cancels it (or the extension dropped it) and says so in its component, also
  // after the reconnect's full render has replaced the component, until the component's next
  // action is sent. The notice is the glue's own: it leaves before each message and comes back
  // after it, so the server's partial swaps, aimed by position, find the children it rendered.
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
    var values = get(e.detail, B.values);
    values.lv_v = epoch();
    // uploads.js puts the ids of a form's finished uploads in its values.
    e.target.dispatchEvent(new CustomEvent("lv:send", { bubbles: true, detail: { values: values } }));
  });
  on(B.error, function (e) {  // htmx 4 drops a send made while its socket is closed
    if (/not open|closed|queue/i.test(String(e.detail && e.detail.error))) refuse(e.target);
  });
  on(B.afterSend, function (e) {
    var c = e.target.closest && e.target.closest("[data-lv]");
    if (c) { c.classList.add("lv-loading"); c.setAttribute("aria-busy", "true"); }
    if (c) refused = refused.filter(function (id) { return id !== c.id; });  // acted again
  });
  on(B.beforeMessage, function () {
    document.querySelectorAll(".lv-refused").forEach(function (p) { p.remove(); });
  });
  on(B.afterMessage, function () {
    live = true;
    put(b, "data-lv-socket", "live");
    refused.forEach(function (id) { var c = document.getElementById(id); if (c) notice(c); });
    document.querySelectorAll(".lv-loading").forEach(function (c) {
      c.classList.remove("lv-loading"); c.removeAttribute("aria-busy");
    });
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
    put(b, "data-lv-socket", "closed");
  });
  on(B.open, function () { put(b, "data-lv-socket", "open"); });
  on(B.beforeConnect, function (e) { if (fatal) e.detail.connection.cancelled = true; });
  // ---- What the user typed is theirs (docs/forms.md, "Templates and the user's input") ----
  // Each event carries `lv_seq`; the server acknowledges the last one it applied (`acked`).
  // Per control, `own` holds the user's value, the seq of the last event that carried it and
  // whether a newer value waits (a debounce running). After every frame a control whose value
  // the server has not acknowledged gets it back (with caret and focus), and its form keeps the
  // `etag` the input was based on; acknowledged, the server's rendering wins. After a
  // reconnect's first frame, unsaved input is put back and sent again.
  var seq = 0, own = {}, submits = {}, seen = null, snap = null, refusedSends = 0, token = null;
  // The page token may be renewed by a frame (`data-t`: the components' kept state changed);
  // every build's reconnect opens `new WebSocket(url)` with the URL it started with, so the
  // newest token is put into that URL here.
  var path = d.url.split("?")[0], Socket = window.WebSocket, socket = null;
  function LiveSocket(url, protocols) {
    var ours = String(url).indexOf(path + "?") >= 0;
    if (token && ours) url = String(url).replace(/([?&]t=)[^&]*/, "$1" + encodeURIComponent(token));
    if (ours) url = withAddress(String(url));
    var ws = protocols === undefined ? new Socket(url) : new Socket(url, protocols);
    if (ours) socket = ws;
    return ws;
  }
  LiveSocket.prototype = Socket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { LiveSocket[k] = Socket[k]; });
  window.WebSocket = LiveSocket;
  function isControl(el) {
    var t = el && el.name && el.tagName;
    return t === "TEXTAREA" || t === "SELECT" ||
      (t === "INPUT" && !/^(hidden|submit|button|reset|image|file)$/.test(el.type));
  }
  function boxOf(el) { return el.closest("[data-lv]"); }
  // A control without an id is known by its name in its component, or in its stream item
  // (every item may hold a control of that name; an item keeps its id when it is updated).
  function keyOf(el) {
    if (el.id) return "#" + el.id;
    var c = el.closest("[data-lv-stream] > [id]") || boxOf(el);
    var radio = el.type === "radio" ? "\u0000" + el.value : "";
    return (c ? c.id : "") + "\u0000" + el.name + radio;
  }
  function find(key) {
    if (key[0] === "#") return document.getElementById(key.slice(1));
    var p = key.split("\u0000"), c = document.getElementById(p[0]);
    var all = c ? c.querySelectorAll("[name]") : [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.name === p[1] && isControl(el) && (p.length < 3 || el.value === p[2])) return el;
    }
    return null;
  }
  function read(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked;
    if (el.tagName === "SELECT" && el.multiple) {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }).join("\u0000");
    }
    return el.value;
  }
  // What the server rendered for the control (its attributes): morphing leaves a value the user
  // edited alone (the browser's dirty flag), so the glue makes the server's rendering win.
  function rendered(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.defaultChecked;
    if (el.tagName === "SELECT") {
      var on = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; });
      if (!on.length && !el.multiple && el.options.length) on = [el.options[0]];
      return on.map(function (o) { return o.value; }).join("\u0000");
    }
    return el.defaultValue;
  }
  function write(el, v) {
    if (el.type === "checkbox" || el.type === "radio") { el.checked = v; return; }
    if (el.tagName === "SELECT" && el.multiple) {
      var vs = v.split("\u0000");
      Array.prototype.forEach.call(el.options, function (o) { o.selected = vs.indexOf(o.value) >= 0; });
      return;
    }
    el.value = v;
  }
  function etagInput(el) { return el.form && el.form.querySelector('input[type="hidden"][name="etag"]'); }
  function etagOf(el) { var t = etagInput(el); return t ? t.value : null; }
  // A hidden input's value is its attribute: while the glue shows the base the user's input was
  // typed on, the version the server rendered is kept aside in data-lv-rendered (a fragment
  // that re-renders the input drops it).
  var ASIDE = "data-lv-rendered";
  function served(el) {
    var t = etagInput(el);
    return t ? (t.hasAttribute(ASIDE) ? t.getAttribute(ASIDE) : t.value) : null;
  }
  function freeze(t, base) {
    if (t.value === base) return;
    if (!t.hasAttribute(ASIDE)) t.setAttribute(ASIDE, t.value);
    t.value = base;
  }
  function typed(e) {
    var el = e.target;
    if (!isControl(el)) return;
    var k = keyOf(el), r = own[k], v = read(el);
    if (r && r.value === v && r.node === el) return;  // `change` after `input`: nothing new
    if (!r) r = own[k] = { base: etagOf(el), seq: 0, epoch: "", acked: false };  // as shown
    r.value = v; r.unsent = true; r.acked = false; r.node = el;
    status();
  }
  // Whether `values` (an event's) carry the record's value.
  function carries(values, el, r) {
    if (!(el.name in values)) return false;
    if (typeof r.value !== "string" || (el.tagName === "SELECT" && el.multiple)) return true;
    return [].concat(values[el.name]).map(String).indexOf(r.value) >= 0;
  }
  function stamp(e) {
    if (e.defaultPrevented || (e.detail && e.detail.cancelled)) {
      var el = e.target;
      if (!(isControl(el) && own[keyOf(el)])) refusedSends += 1;  // typing is counted as input
      status();
      return;
    }
    var values = get(e.detail, B.values), sender = e.target, c = sender.closest && boxOf(sender);
    var s = ++seq, ep = epoch();
    values.lv_seq = s;
    Object.keys(own).forEach(function (k) {
      var r = own[k], el = r.node.isConnected ? r.node : find(k);
      if (el && boxOf(el) === c && carries(values, el, r) && read(el) === r.value) {
        r.seq = s; r.epoch = ep; r.unsent = false;
      }
    });
    if (sender.tagName === "FORM" && c) {
      submits[c.id] = { seq: s, epoch: ep, action: values.action };
    }
  }
  // htmx 2 replaces elements: a debounce still running on a replaced input would fire from the
  // detached element, whose events never reach the glue (sent unstamped: refused as stale, with
  // a notice). Cancel it; `settle` restarts it on the new element while the record is unsent
  // (not unsent: a stamped event, a Save, already carried the value).
  function cleanup(e) {
    var r = isControl(e.target) && own[keyOf(e.target)], d = r && e.target["htmx-internal-data"];
    if (d && d.delayed) { clearTimeout(d.delayed); d.delayed = null; }
  }
  function before() {
    var a = document.activeElement;
    snap = isControl(a) ? { key: keyOf(a), node: a, from: a.selectionStart, to: a.selectionEnd,
      value: a.value } : null;
  }
  // Where the selection goes when the server's value replaces the text of a focused control the
  // user has not changed: the whole text selected stays the whole text selected (the next key
  // replaces what is shown), a caret at the end stays at the end.
  function moved(k0, el) {
    var n = el.value.length, was = String(k0.value || "").length;
    if (k0.from === 0 && k0.to === was && was > 0) return [0, n];
    if (k0.from === was && k0.to === was) return [n, n];
    return [Math.min(k0.from, n), Math.min(k0.to, n)];
  }
  function caret(el, from, to) {
    try { el.setSelectionRange(from, to); } catch (x) { /* not a text control */ }
  }
  function settle() {
    var ep = document.getElementById("lv-epoch"), e = (ep && ep.getAttribute("data-v")) || "";
    var ack = acked(e), fresh = e !== seen;
    var again = [], k0 = snap, focusEl = k0 && find(k0.key);
    var rebased = [], renewed = ep && ep.getAttribute("data-t");
    if (renewed) token = renewed;  // a later frame's epoch element may morph it away
    seen = e;
    snap = null;
    Object.keys(own).forEach(function (k) {
      var r = own[k], el = find(k);
      if (!el) { delete own[k]; return; }  // the server removed the control
      r.acked = !r.unsent && r.seq > 0 && r.epoch === e && r.seq <= ack;
      if (!r.acked) return;
      // The server's rendering wins. A new `etag` is a save (or reload) the server made of
      // this form: input typed since is based on that version now.
      if (served(el) !== r.base && el.form) rebased.push(el.form);
      if (rendered(el) !== r.value || served(el) !== r.base) delete own[k];
    });
    var frozen = [];
    Object.keys(own).forEach(function (k) {
      var r = own[k], el = find(k);
      if (r.acked) { r.node = el; return; }
      var replaced = el !== r.node;
      r.node = el;
      if (el.form && rebased.indexOf(el.form) >= 0) r.base = served(el);
      var t = etagInput(el), differs = read(el) !== r.value;
      var moved = t && r.base !== null && served(el) !== r.base;
      if (fresh && rendered(el) === r.value && !moved) { delete own[k]; return; }  // it has it all
      if (differs) {
        write(el, r.value);
        if (k0 && k0.key === k) caret(el, k0.from, k0.to);
      }
      if (t && r.base !== null) { freeze(t, r.base); frozen.push(t); }
      // Sent again below, through the control's (maybe debounced) binding: unsent until a
      // stamped event carries it, so that a fragment replacing the control before the debounce
      // fires restarts it (`cleanup`, and below) instead of losing it.
      if (fresh) { r.unsent = true; again.push(el); }
      else if (replaced && r.unsent) el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    // A form with no unacknowledged input left shows the version the server rendered.
    document.querySelectorAll("input[" + ASIDE + "]").forEach(function (t) {
      if (frozen.indexOf(t) >= 0) return;
      t.value = t.getAttribute(ASIDE);
      t.removeAttribute(ASIDE);
    });
    // Every other control shows what the server rendered.
    document.querySelectorAll("[data-lv] [name]").forEach(function (el) {
      if (!isControl(el) || own[keyOf(el)] || el.type === "file") return;
      var v = rendered(el);
      if (read(el) !== v) write(el, v);
    });
    if (focusEl && focusEl.isConnected) {
      var changed = !own[k0.key] && focusEl.value !== k0.value, at = changed ? moved(k0, focusEl)
        : [k0.from, k0.to];
      if (focusEl !== document.activeElement) focusEl.focus();
      else if (!changed) at = null;
      if (at) caret(focusEl, at[0], at[1]);
    }
    Object.keys(submits).forEach(function (id) {
      var x = submits[id];
      if ((x.epoch === e && x.seq <= ack) || !document.getElementById(id)) delete submits[id];
    });
    if (fresh) sendAgain(again, e);
    status();
  }
  // A reconnect's first frame: the user's unsaved input goes back to the server, through the
  // control's own binding (its `edit`); a Save that was sent but never answered is sent again.
  function sendAgain(els, e) {
    var done = [];
    els.forEach(function (el) {
      var c = boxOf(el), x = c && submits[c.id];
      if (x && x.epoch !== e) {
        if (done.indexOf(c.id) >= 0) return;
        done.push(c.id);
        delete submits[c.id];
        var f = el.form, btn = f && x.action != null &&
          f.querySelector('[type="submit"][name="action"][value="' + CSS.escape(String(x.action)) + '"]');
        if (btn) btn.click(); else if (f) f.requestSubmit();
        return;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  // ---- The address: url_state in the query string or path (docs/urls.md) ----
  b.insertAdjacentHTML("beforeend", '<div id="lv-url" hidden></div>');
  function here() { return location.pathname + location.search; }
  // Every connect tells the server where the page is (back/forward while offline included).
  function withAddress(url) {
    return url.replace(/&u=[^&]*/, "") + "&u=" + encodeURIComponent(here());
  }
  // A frame filled #lv-url: a new history entry (or the current one replaced), same origin
  // only (checked on the server too), with no navigation.
  function address() {
    var el = document.getElementById("lv-url"), url = el && el.getAttribute("data-url");
    if (!url) return;
    el.removeAttribute("data-url");
    var to = new URL(url, location.href);
    if (to.origin !== location.origin) return;
    if (!(history.state && history.state.lv)) history.replaceState({ lv: 1 }, "");
    if (to.href === location.href) return;
    if (el.getAttribute("data-mode") === "replace") history.replaceState({ lv: 1 }, "", to.href);
    else history.pushState({ lv: 1 }, "", to.href);
  }
  // Back or forward to an entry liveview made: the server sets the state from the address and
  // sends what changed. While the socket is down, the next connect's `u` does it.
  function restore(e) {
    var c = document.querySelector("[data-lv]");
    if (!(e.state && e.state.lv) || !c || !live || !socket || socket.readyState !== 1) return;
    socket.send(JSON.stringify({ lv: c.id, event: "lv_url", url: here(), lv_v: epoch(), lv_seq: ++seq }));
  }
  // ---- The connection, as the user sees it (docs/events.md, "The connection indicator") ----
  b.insertAdjacentHTML("beforeend", '<div id="lv-status" class="lv-status" role="status" hidden></div>');
  var sendable = "[ws-send],[hx-ws\\:send]";
  // Found one attribute at a time: Chromium walks a page of 300 table rows for a selector list
  // in ~35 us, for a lone attribute in ~1 us (status runs after every frame).
  var SENDABLE = sendable.split(",");
  // A bound submit button in a plain form (the form is what a page without JavaScript posts):
  // htmx 4.0.0-beta6 sends the event and lets the click submit the form as well, navigating
  // away. Live, the click is the event's only (htmx 2 and 4.0.x do the same).
  function keepForm(e) {
    var el = e.target.closest && e.target.closest(sendable);
    if (el && el.form && el.type === "submit" && /^(BUTTON|INPUT)$/.test(el.tagName)) e.preventDefault();
  }
  b.addEventListener("click", keepForm);
  function status() {
    var el = document.getElementById("lv-status"), state = b.getAttribute("data-lv-socket");
    if (!el) return;
    var down = state === "closed" || (state === "open" && seen === null) || (seen !== null && state !== "live");
    var n = refusedSends, unacked = 0;
    Object.keys(own).forEach(function (k) { if (!own[k].acked) unacked += 1; });
    n += unacked;
    if (!down) {
      refusedSends = 0;
      if (!el.hidden) el.hidden = true;
      if (el.firstChild) el.textContent = "";
    } else {
      var what = fatal ? "Disconnected: reload the page." : "Offline: reconnecting\u2026";
      el.textContent = what + (n ? " " + n + (n === 1 ? " change" : " changes") + " not sent yet." : "");
      el.hidden = false;
    }
    put(el, "data-pending", String(down ? n : 0));
    // Controls holding input the server has not acknowledged yet, live or not (tests wait on 0).
    put(el, "data-unacked", String(unacked));
    // Buttons (and forms' submit buttons) would send nothing while the socket is down: marked,
    // and their components busy. Not disabled: a click is still refused with a notice, counted.
    SENDABLE.forEach(function (one) {
      document.querySelectorAll(one).forEach(function (s) {
        var btns = s.tagName === "FORM" ? s.querySelectorAll('[type="submit"],button:not([type])')
          : isControl(s) ? [] : [s];
        Array.prototype.forEach.call(btns, function (x) { x.classList.toggle("lv-offline", down); });
      });
    });
    document.querySelectorAll("[data-lv]").forEach(function (c) {
      if (down) put(c, "aria-busy", "true");
      // A lazy component's placeholder stays busy until its render arrives.
      else if (!c.classList.contains("lv-loading") && !c.hasAttribute("data-lv-lazy")) {
        c.removeAttribute("aria-busy");
      }
    });
  }
  on("input", typed);
  on("change", typed);
  on(B.beforeSend, stamp);
  on(B.cleanup, cleanup);
  on(B.beforeMessage, before);
  on(B.afterMessage, settle);
  on(B.afterMessage, function () { setTimeout(address, 0); });
  window.addEventListener("popstate", restore);
  on(B.error, function (e) {  // htmx 4 dropped a send made while its socket was closed
    var el = e.target;
    if (!/not open|closed|queue/i.test(String(e.detail && e.detail.error))) return;
    if (!(isControl(el) && own[keyOf(el)])) refusedSends += 1;
    status();
  });
  on(B.close, status);
  on(B.open, status);
  // ---- The page's signal for tests and scripts (docs/testing.md, "Waiting in a browser") ----
  // body[data-lv-state]: "connecting" until the socket's first frame, "live", "offline" while
  // it is closed. body[data-lv-pending]: events sent and not yet acknowledged in this epoch,
  // debounced input not sent yet, lazy placeholders not yet rendered. `liveview:idle` is
  // dispatched on <body> each time the page becomes live with nothing pending.
  var inFlight = [], idle = false;
  function lvState() {
    var s = b.getAttribute("data-lv-socket");
    return s === "live" ? "live" : s === "closed" || fatal ? "offline" : "connecting";
  }
  function debouncing() {
    return Object.keys(own).filter(function (k) {
      var el = own[k].node, t = el && el.isConnected && el.getAttribute("hx-trigger");
      return own[k].unsent && t && /^input\b/.test(t) && /\bdelay:/.test(t) &&
        el.matches(sendable);
    }).length;
  }
  function signal() {
    var e = epoch(), ack = acked(e);
    inFlight = inFlight.filter(function (x) { return x.epoch === e && x.seq > ack; });
    var n = inFlight.length + debouncing() + document.querySelectorAll("[data-lv-lazy]").length;
    var state = lvState(), now = state === "live" && n === 0;
    put(b, "data-lv-state", state);
    put(b, "data-lv-pending", String(n));
    if (now && !idle) b.dispatchEvent(new CustomEvent("liveview:idle", { bubbles: true }));
    idle = now;
  }
  function sent(e) {
    var v = !e.defaultPrevented && !(e.detail && e.detail.cancelled) && get(e.detail, B.values);
    if (v && v.lv_seq) inFlight.push({ seq: v.lv_seq, epoch: v.lv_v });
    signal();
  }
  on(B.beforeSend, sent);
  // Whatever can change what is pending, or the socket's state, computes the signal again.
  ["input", "change", B.afterMessage, B.error, B.close, B.open].forEach(function (name) {
    on(name, signal);
  });
  signal();
  if (B.ext) b.setAttribute("hx-ext", ((b.getAttribute("hx-ext") || "") + "," + B.ext).replace(/^,/, ""));
  b.setAttribute(B.connect, d.url);
  // htmx 2 processes <body> itself once the document is loaded; htmx 4 may have already.
  if (!B.ext || document.readyState === "complete") htmx.process(b);
})();
