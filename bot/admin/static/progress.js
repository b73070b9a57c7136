// An announcement's delivery progress, updated in place: the page polls its JSON endpoint
// (same origin, the session cookie) until delivery can no longer move. No reload, no library.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.dataset.live !== "1") return;
  var every = parseInt(box.dataset.every, 10) || 1500;
  var COLUMNS = ["sent", "pending", "failed", "uncertain"];

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = String(text);
    if (cls) td.className = cls;
    return td;
  }

  function show(p) {
    document.getElementById("status").textContent = p.status;
    document.getElementById("done").textContent = String(p.done);
    document.getElementById("audience").textContent = String(p.audience);
    var body = document.getElementById("channels");
    body.textContent = "";
    p.channels.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.dataset.channel = c.channel;
      tr.appendChild(cell(c.name));
      COLUMNS.forEach(function (k) { tr.appendChild(cell(c[k], k)); });
      body.appendChild(tr);
    });
    var cancel = document.getElementById("cancel");
    if (cancel && p.status !== "scheduled") cancel.remove();
    var live = document.getElementById("live");
    if (live && !p.live) live.textContent = "（已结束）";
    if (p.report) {
      var rows = document.getElementById("report");
      rows.textContent = "";
      p.report.forEach(function (r) {
        var tr = document.createElement("tr");
        r.forEach(function (v) { tr.appendChild(cell(v)); });
        rows.appendChild(tr);
      });
    }
  }

  function last() {   // delivery has ended: the per-resident report once
    fetch(box.dataset.url + "?report=1", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p) show(p); })
      .catch(function () {});
  }

  function tick() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (p) show(p);
        if (p && !p.live) last();
        else setTimeout(tick, p && p.status === "scheduled" ? every * 5 : every);
      })
      .catch(function () { setTimeout(tick, every * 2); });
  }
  setTimeout(tick, every);
})();
