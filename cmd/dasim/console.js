// dasim live console: the calls of a running world as they happen, their
// verdicts, filters, the sequence diagram of one retrieval, faults and clock.
// Every request carries the admin token; nothing is loaded from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: "", last: 0, rows: new Map(), offices: new Set(), ops: new Set(), parties: new Set() };

function readToken() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    sessionStorage.setItem("dasim-admin-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname); // keep the token out of the address bar
  }
  return sessionStorage.getItem("dasim-admin-token") || "";
}

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + state.token }, options.headers || {});
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) {
    sessionStorage.removeItem("dasim-admin-token");
    showLogin("the token was refused");
    throw new Error("401");
  }
  return res;
}

function showLogin(why) {
  $("console").hidden = true;
  $("login").hidden = false;
  if (why) $("status").textContent = why;
}

// --- the event stream (server-sent events, read through fetch so that the
// token travels in the Authorization header) ---
async function stream() {
  try {
    const res = await api("/events?after=" + state.last);
    if (!res.ok) throw new Error("events: HTTP " + res.status);
    $("status").textContent = "live";
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let end;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        handleEvent(buf.slice(0, end));
        buf = buf.slice(end + 2);
      }
    }
    $("status").textContent = "reconnecting…";
  } catch (e) {
    if (e.message === "401") return;
    $("status").textContent = "disconnected (" + e.message + "), retrying";
  }
  setTimeout(stream, 1000);
}

function handleEvent(text) {
  const ev = { event: "message", id: "", data: "" };
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) continue; // keep-alive comment
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
    if (field === "data") ev.data += (ev.data ? "\n" : "") + value;
    else if (field === "event" || field === "id") ev[field] = value;
  }
  if (ev.id) state.last = Math.max(state.last, Number(ev.id));
  try {
    if (ev.event === "call") showCall(JSON.parse(ev.data));
  } catch (e) {
    $("status").textContent = "live, but a call could not be shown: " + e.message;
  }
  if (ev.event === "dropped") $("status").textContent = "live (" + JSON.parse(ev.data).dropped + " calls missed: this console fell behind)";
}

// --- the table of calls ---
function officesOf(c) {
  return [c.from, c.to].filter((p) => p && p.startsWith("office ")).map((p) => p.slice(7, 9));
}

function verdictCell(v) {
  if (!v) return '<span class="muted">not recorded</span>';
  if (!v.violations || v.violations.length === 0) return '<span class="ok">kept the contract</span>';
  return '<span class="bad">' + v.violations.length + " violation(s)</span>";
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]);
}

function showCall(c) {
  const faulty = (c.faults && c.faults.length > 0) || !!c.transportError;
  let row = state.rows.get(c.seq);
  if (!row) {
    row = document.createElement("tr");
    row.className = "new";
    state.rows.set(c.seq, row);
    $("calls").tBodies[0].prepend(row);
    $("count").textContent = state.rows.size;
  }
  row.dataset.offices = officesOf(c).join(" ");
  row.dataset.op = c.operation || (c.contract === "s3" ? "object store" : c.method);
  row.dataset.acks = (c.acks || []).join(" ");
  row.dataset.verdict = faulty ? "faulty" : "ok";
  row.classList.toggle("faulty", faulty);
  const time = c.at ? c.at.slice(11, 23) : "";
  const status = c.transportError ? '<span class="bad">' + esc(c.transportError) + "</span>" : esc(c.status);
  const acks = (c.acks || []).map((a) => '<button class="ack" data-ack="' + esc(a) + '">' + esc(a) + "</button>").join(" ");
  const violations = (c.faults || []).map((v) => '<div class="violation">' + esc(v) + "</div>").join("");
  row.innerHTML = "<td>" + c.seq + "</td><td>" + esc(time) + "</td><td>" + esc(c.from || "caller (not recorded)") + " → " + esc(c.to || "?") +
    "</td><td><b>" + esc(c.operation || c.method) + '</b><br><span class="muted">' + esc(c.method + " " + c.url) + "</span>" + violations +
    "</td><td>" + status + "</td><td>" + verdictCell(c.client) + "</td><td>" + verdictCell(c.server) + "</td><td>" + acks + "</td>";
  for (const o of officesOf(c)) addOption("f-office", state.offices, o);
  addOption("f-op", state.ops, row.dataset.op);
  for (const p of [c.from, c.to]) if (p) addDatalist("parties", state.parties, p);
  applyFilters(row);
}

function addOption(selectId, seen, value) {
  if (!value || seen.has(value)) return;
  seen.add(value);
  const opt = document.createElement("option");
  opt.value = opt.textContent = value;
  $(selectId).append(opt);
  if (selectId === "f-op") addDatalist("operations", new Set(), value);
}

function addDatalist(listId, seen, value) {
  if (seen.has(value)) return;
  seen.add(value);
  const opt = document.createElement("option");
  opt.value = value;
  $(listId).append(opt);
}

function applyFilters(only) {
  const office = $("f-office").value, op = $("f-op").value, ack = $("f-ack").value.trim(), verdict = $("f-verdict").value;
  const rows = only ? [only] : state.rows.values();
  for (const row of rows) {
    row.hidden = (office && !row.dataset.offices.split(" ").includes(office)) || (op && row.dataset.op !== op) ||
      (ack && !row.dataset.acks.includes(ack)) || (verdict && row.dataset.verdict !== verdict);
  }
}

// --- the sequence diagram of one retrieval ---
async function showDiagram(ack) {
  const res = await api("/sequence.svg?ack=" + encodeURIComponent(ack));
  if (!res.ok) {
    $("diagram-ack").textContent = (await res.json()).error;
    return;
  }
  const img = $("diagram");
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await res.blob());
  img.style.display = "block";
  $("diagram-ack").textContent = "of retrieval " + ack;
}

// --- clock and faults ---
async function refreshClock() {
  try {
    const c = await (await api("/clock")).json();
    $("clock").textContent = c.now.slice(0, 19).replace("T", " ") + " UTC";
    $("clock-kind").textContent = c.virtual ? "(virtual)" : "(system clock: cannot be advanced)";
    $("advance").disabled = !c.advanceable;
  } catch (e) { /* shown by api() */ }
}

async function advance(ev) {
  ev.preventDefault();
  const res = await api("/clock/advance?by=" + encodeURIComponent($("advance-by").value), { method: "POST" });
  const body = await res.json();
  $("clock-msg").textContent = res.ok ? "now " + body.now : body.error + (body.reason ? ": " + body.reason : "");
  refreshClock();
}

async function refreshFaults() {
  const s = await (await api("/faults")).json();
  const body = $("faults").tBodies[0];
  body.innerHTML = "";
  for (const r of s.rules) {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td>" + esc(r.id) + "</td><td>" + esc(r.party) + "</td><td>" + esc(r.operation || "any") + "</td><td>" + esc(r.kind) +
      '</td><td><button data-fault="' + esc(r.id) + '">switch off</button></td>';
    body.append(tr);
  }
}

async function addFault(ev) {
  ev.preventDefault();
  const rule = { party: $("fault-party").value, operation: $("fault-op").value, kind: $("fault-kind").value };
  const res = await api("/faults", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(rule) });
  $("fault-msg").textContent = res.ok ? "switched on" : (await res.json()).error;
  refreshFaults();
}

async function removeFault(id) {
  await api("/faults?id=" + encodeURIComponent(id), { method: "DELETE" });
  refreshFaults();
}

let started = false;

function start() {
  state.token = readToken();
  if (!state.token) {
    showLogin("needs the admin token");
    return;
  }
  $("login").hidden = true;
  $("console").hidden = false;
  if (started) return;
  started = true;
  for (const id of ["f-office", "f-op", "f-verdict"]) $(id).addEventListener("change", () => applyFilters());
  $("f-ack").addEventListener("input", () => applyFilters());
  $("calls").addEventListener("click", (ev) => { if (ev.target.dataset.ack) showDiagram(ev.target.dataset.ack); });
  $("faults").addEventListener("click", (ev) => { if (ev.target.dataset.fault) removeFault(ev.target.dataset.fault); });
  $("advance-form").addEventListener("submit", advance);
  $("fault-form").addEventListener("submit", addFault);
  refreshClock();
  setInterval(refreshClock, 5000);
  refreshFaults();
  stream();
}

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("dasim-admin-token", $("token-input").value.trim());
  start();
});
start();
