// liveview upload glue (docs/uploads.md): each file chosen in a live form's
// <input type="file" data-lv-upload="URL"> is sent at once to its signed URL over HTTP (one
// request per file), shown with a <progress>, a preview for images and a Cancel button; every
// event the form sends carries the ids of its finished uploads (the "lv:send" event of
// liveview.js). Without a URL (the page is not live yet, or no JavaScript) the form posts the
// files itself. State lives here, keyed by the input's id, and is drawn again whenever a
// fragment replaces the list; a new data-lv-round (a successful submit) starts afresh.
(function () {
  if (window.liveviewUploads) return;
  window.liveviewUploads = true;
  var state = {};
  function csrf(input) {
    var t = input.form && input.form.querySelector('[name="csrfmiddlewaretoken"]');
    if (t) return t.value;
    var s = document.querySelector("script[data-url]");
    var m = s && /[?&]csrf=([^&]*)/.exec(s.getAttribute("data-url"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function forget(st) {
    st.entries.forEach(function (x) {
      if (x.xhr) x.xhr.abort();
      if (x.preview) URL.revokeObjectURL(x.preview);
    });
  }
  function stateOf(input) {
    var st = state[input.id], round = input.getAttribute("data-lv-round");
    if (!st || st.round !== round) {
      if (st) forget(st);
      st = state[input.id] = { round: round, entries: [] };
    }
    return st;
  }
  function kept(st) { return st.entries.filter(function (x) { return !x.error; }).length; }
  function choose(e) {
    var input = e.target;
    if (!input.matches || !input.matches('input[type="file"][data-lv-upload]')) return;
    var url = input.getAttribute("data-lv-upload");
    if (!url) return;  // not live yet: the files go with the form's own post
    var st = stateOf(input), most = Number(input.getAttribute("data-lv-max-files"));
    var size = Number(input.getAttribute("data-lv-max-size"));
    Array.prototype.forEach.call(input.files, function (file) {
      var x = { name: file.name, progress: 0, id: null, error: null, xhr: null,
        preview: /^image\//.test(file.type) ? URL.createObjectURL(file) : null };
      st.entries.push(x);
      if (kept(st) > most) x.error = "Too many files: at most " + most + ".";
      else if (file.size > size) x.error = "The file is too large.";
      else send(input, url, x, file);
    });
    input.value = "";  // chosen files are in the list now; the input can take more
    draw(input.id);
  }
  function send(input, url, x, file) {
    var xhr = x.xhr = new XMLHttpRequest(), body = new FormData(), id = input.id;
    body.append("file", file, file.name);
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrf(input));
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { x.progress = Math.floor(100 * e.loaded / e.total); progress(id, x); }
    };
    xhr.onload = function () {
      var r = {};
      try { r = JSON.parse(xhr.responseText); } catch (err) { /* not JSON: a proxy's page */ }
      x.xhr = null;
      if (xhr.status === 201 && r.id) { x.id = r.id; x.name = r.name; x.progress = 100; }
      else x.error = r.error || "The upload failed (" + xhr.status + ").";
      draw(id);
      if (x.id) settled(id);
    };
    xhr.onerror = function () { x.xhr = null; x.error = "The upload failed: network error."; draw(id); };
    xhr.send(body);
  }
  // Cancel: an upload under way is aborted; a finished one is deleted on the server.
  function cancel(id, i) {
    var st = state[id], x = st && st.entries[i], input = document.getElementById(id);
    if (!x) return;
    if (x.xhr) x.xhr.abort();
    if (x.id && input) {
      var xhr = new XMLHttpRequest();
      xhr.open("DELETE", input.getAttribute("data-lv-upload") + "?id=" + encodeURIComponent(x.id));
      xhr.setRequestHeader("X-CSRFToken", csrf(input));
      xhr.send();
    }
    if (x.preview) URL.revokeObjectURL(x.preview);
    st.entries.splice(i, 1);
    draw(id);
    if (x.id) settled(id);
  }
  // The form's uploads changed: its binding (`lv-uploaded`) validates it again with them.
  function settled(id) {
    var input = document.getElementById(id);
    if (input) input.dispatchEvent(new Event("lv-uploaded", { bubbles: true }));
  }
  function progress(id, x) {
    var list = document.getElementById(id + "-uploads"), i = state[id].entries.indexOf(x);
    var bar = list && list.children[i] && list.children[i].querySelector("progress");
    if (bar) { bar.value = x.progress; bar.textContent = x.progress + "%"; } else draw(id);
  }
  function item(x, i) {
    var li = document.createElement("li");
    li.className = "lv-upload" + (x.error ? " lv-upload-failed" : x.id ? " lv-upload-done" : "");
    if (x.preview && !x.error) {
      var img = document.createElement("img");
      img.src = x.preview; img.alt = ""; img.className = "lv-upload-preview";
      li.appendChild(img);
    }
    var name = document.createElement("span");
    name.className = "lv-upload-name"; name.textContent = x.name;
    li.appendChild(name);
    if (x.error) {
      var p = document.createElement("span");
      p.className = "lv-error"; p.setAttribute("role", "alert"); p.textContent = x.error;
      li.appendChild(p);
    } else {
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = x.progress; bar.textContent = x.progress + "%";
      bar.setAttribute("aria-label", "Upload of " + x.name);
      li.appendChild(bar);
    }
    var btn = document.createElement("button");
    btn.type = "button"; btn.className = "lv-upload-cancel";
    btn.textContent = x.error ? "Remove" : "Cancel";
    btn.setAttribute("aria-label", btn.textContent + " " + x.name);
    btn.setAttribute("data-lv-cancel", String(i));
    li.appendChild(btn);
    return li;
  }
  function draw(id) {
    var st = state[id], list = document.getElementById(id + "-uploads");
    if (!st || !list) return;
    list.textContent = "";
    st.entries.forEach(function (x, i) { list.appendChild(item(x, i)); });
  }
  // Each file input gets its own `change` listener, not one on the document: the browser
  // fires `change` on the input that opened the file dialog, and if a fragment replaced that
  // input while the dialog was open (htmx 2 replaces it), the event never bubbles to the
  // document. Its own listener still hears it, and the upload goes to the form in the page.
  function watch() {
    document.querySelectorAll('input[type="file"][data-lv-upload]').forEach(function (input) {
      if (input.lvUploadWatched) return;
      input.lvUploadWatched = true;
      input.addEventListener("change", choose);
    });
  }
  // A fragment (a validation, a submit) replaced or emptied the list: draw it again; a new
  // round (the form was submitted and reset) forgets the uploads it consumed.
  function redraw() {
    watch();
    Object.keys(state).forEach(function (id) {
      var input = document.getElementById(id), list = document.getElementById(id + "-uploads");
      if (!input) return;
      var st = stateOf(input);
      if (list && list.children.length !== st.entries.length) draw(id);
    });
    // Files chosen before the page was live (no URL then) go once the URL has come.
    document.querySelectorAll('input[type="file"][data-lv-upload]').forEach(function (input) {
      if (input.files && input.files.length && input.getAttribute("data-lv-upload")) {
        choose({ target: input });
      }
    });
  }
  // Every event of a form carries its uploads' ids, under the file field's name.
  function carry(e) {
    var el = e.target, scope = el.closest && (el.closest("form") || el.closest("[data-lv]"));
    if (!scope) return;
    scope.querySelectorAll('input[type="file"][data-lv-upload]').forEach(function (input) {
      var st = state[input.id];
      e.detail.values[input.name] = st ? st.entries.filter(function (x) { return x.id; })
        .map(function (x) { return x.id; }) : [];
    });
  }
  watch();
  document.addEventListener("lv:send", carry);
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-lv-cancel]"), list = btn && btn.closest("ul");
    if (list) cancel(list.id.replace(/-uploads$/, ""), Number(btn.getAttribute("data-lv-cancel")));
  });
  new MutationObserver(redraw).observe(document.body, { childList: true, subtree: true });
})();
