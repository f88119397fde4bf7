/**
 * The web view's only script and stylesheet, served from this origin (/static/app.js,
 * /static/style.css): no build step, nothing fetched from elsewhere. The script never writes
 * HTML: log lines and matches are put into the page as text nodes.
 */

export const APP_JS = String.raw`"use strict";
(function () {
  var logs = document.getElementById("logs");
  if (!logs) return;
  var job = logs.getAttribute("data-job");
  var box = document.getElementById("lines");
  var select = document.getElementById("stream");
  var search = document.getElementById("search");
  var follow = document.getElementById("follow");
  var older = document.getElementById("older");
  var state = document.getElementById("log-state");
  var lines = [];
  var token = null;
  var full = false;
  var busy = false;

  function api(extra) {
    var q = "job=" + encodeURIComponent(job) + "&stream=" + encodeURIComponent(select.value) + extra;
    return fetch("/api/logs?" + q, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  }
  function say(text) { state.textContent = text; }

  function render() {
    var query = search.value.toLowerCase();
    var shown = 0;
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < lines.length; i++) {
      var text = lines[i].m;
      var lower = text.toLowerCase();
      if (query && lower.indexOf(query) < 0) continue;
      var row = document.createElement("div");
      row.className = "line";
      if (!query) {
        row.textContent = text;
      } else {
        var at = 0;
        var found;
        while ((found = lower.indexOf(query, at)) >= 0) {
          row.appendChild(document.createTextNode(text.slice(at, found)));
          var mark = document.createElement("mark");
          mark.textContent = text.slice(found, found + query.length);
          row.appendChild(mark);
          at = found + query.length;
        }
        row.appendChild(document.createTextNode(text.slice(at)));
      }
      fragment.appendChild(row);
      shown++;
    }
    box.replaceChildren(fragment);
    say(query ? shown + " of " + lines.length + " lines match" : lines.length + " lines" + (full ? "" : ", older ones above"));
  }

  function load() {
    busy = true;
    say("reading...");
    api("").then(function (page) {
      busy = false;
      if (page.error) { say(page.error); return; }
      lines = page.events;
      token = page.token;
      full = !!page.full;
      render();
      if (page.source === "archive") say(state.textContent + " (from the S3 archive: gone from CloudWatch Logs)");
      box.scrollTop = box.scrollHeight;
    });
  }

  function loadOlder() {
    if (busy || full || lines.length === 0) return;
    busy = true;
    api("&before=" + lines[0].t).then(function (page) {
      busy = false;
      if (page.error) { say(page.error); return; }
      var height = box.scrollHeight;
      lines = page.events.concat(lines);
      full = !!page.full;
      render();
      box.scrollTop = box.scrollHeight - height;
    });
  }

  function poll() {
    if (!follow.checked || busy || !token) return;
    busy = true;
    api("&after=" + encodeURIComponent(token)).then(function (page) {
      busy = false;
      if (page.error) { say(page.error); return; }
      token = page.token || token;
      var status = document.getElementById("job-status");
      if (status && page.status) status.textContent = page.status;
      if (page.events.length > 0) {
        var atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
        lines = lines.concat(page.events);
        render();
        if (atEnd) box.scrollTop = box.scrollHeight;
      } else if (page.status === "SUCCEEDED" || page.status === "FAILED") {
        follow.checked = false;
        say(lines.length + " lines; the job has ended");
      }
    });
  }

  select.addEventListener("change", load);
  search.addEventListener("input", render);
  older.addEventListener("click", loadOlder);
  box.addEventListener("scroll", function () { if (box.scrollTop === 0) loadOlder(); });
  setInterval(poll, 2000);
  load();
})();
`;

export const STYLE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #232f3e; padding: 8px 16px; }
header a.home { color: #fff; font-weight: 600; text-decoration: none; }
main { padding: 8px 16px 32px; max-width: 1200px; }
h1 small, h2 small { color: #666; font-weight: normal; font-size: 60%; }
a { color: #0b63c5; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
input, select, button { font: inherit; padding: 3px 6px; }
table { border-collapse: collapse; }
table.jobs { width: 100%; }
table.jobs th, table.jobs td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
table.jobs tr.failed { background: #fdecea; }
table.jobs small { color: #777; }
.status { font-weight: 600; }
.status.s-failed { color: #c62828; }
.status.s-succeeded { color: #2e7d32; }
.status.s-running, .status.s-starting { color: #1565c0; }
.problem { color: #c62828; }
.empty, .note { color: #666; }
em.live { color: #1565c0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; word-break: break-all; }
p.command code { background: #eee; padding: 2px 4px; }
svg rect.s-succeeded { fill: #43a047; }
svg rect.s-failed { fill: #e53935; }
svg rect.s-running, svg rect.s-starting { fill: #1e88e5; }
svg rect.s-runnable, svg rect.s-pending, svg rect.s-submitted, svg rect.s-other { fill: #fbc02d; }
svg rect.s-unknown { fill: #ddd; }
svg rect.s-bar { fill: #5c6bc0; }
svg.timeline text { font-size: 11px; fill: #fff; }
figure { margin: 8px 0; }
figcaption { color: #666; font-size: 12px; }
.breakdowns { display: flex; gap: 24px; flex-wrap: wrap; align-items: start; margin-top: 8px; }
table.counts td { padding: 1px 8px; border-bottom: 1px solid #eee; }
table.counts caption { text-align: left; color: #666; }
.log-tools { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 4px; }
#log-state { color: #666; }
pre#lines { background: #111; color: #eee; padding: 8px; height: 60vh; overflow: auto; margin: 0; font: 12px/1.35 ui-monospace, monospace; }
pre#lines div.line { white-space: pre-wrap; word-break: break-all; }
pre#lines mark { background: #ffeb3b; color: #111; }
`;
