// The instructor's page: the class as a grid, kept current by the server's event stream.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const view = { snapshot: null, sortKey: "student", sortDir: 1, filter: "all" };
const ACTIONS = {
  check: { label: "re-run checks", ask: (s) => `Run ${s}'s exercise checks now?` },
  reset: { label: "reset", ask: (s) => `Reset ${s}'s sandbox? Their changes inside it are lost.` },
  up: { label: "up again", ask: (s) => `Bring ${s}'s sandbox up again?` },
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.abs(seconds);
  const text = s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
  return seconds < 0 ? `expired ${text} ago` : text;
}

const now = () => Date.now() / 1000;

function since(epoch) {
  return epoch ? `${duration(Math.max(0, now() - epoch))} ago` : "never";
}

const COLUMNS = [
  ["student", "student", (r) => r.student],
  ["state", "sandbox", (r) => r.state],
  ["age", "age", (r) => r.created ? now() - r.created : -1],
  ["expires", "expires in", (r) => r.expires ? r.expires - now() : Infinity],
  ["last_check", "last check", (r) => r.last_check ?? 0],
  ["passed", "passed", (r) => r.passed],
];

function visible(row) {
  const cells = Object.values(row.cells);
  switch (view.filter) {
    case "stuck": return cells.some((c) => c.status === "failed");
    case "broken": return row.state !== "ready";
    case "done": return cells.length > 0 && cells.every((c) => c.status === "passed");
    default: return true;
  }
}

function renderHead(exercises) {
  const head = document.getElementById("head");
  head.replaceChildren();
  for (const [key, label] of COLUMNS) head.append(sortable(key, label, label));
  for (const ex of exercises) {
    const th = sortable(`ex:${ex.id}`, ex.id, ex.title);
    th.classList.add("exercise");
    head.append(th);
  }
  head.append(el("th", {}, "actions"));
}

function sortable(key, label, title) {
  const th = el("th", { title, "data-key": key }, label);
  if (view.sortKey === key) th.setAttribute("aria-sort", view.sortDir > 0 ? "ascending" : "descending");
  th.addEventListener("click", () => {
    view.sortDir = view.sortKey === key ? -view.sortDir : 1;
    view.sortKey = key;
    render();
  });
  return th;
}

function sortValue(row) {
  if (view.sortKey.startsWith("ex:")) {
    const cell = row.cells[view.sortKey.slice(3)];
    return { passed: 2, failed: 0, not_attempted: 1 }[cell ? cell.status : "not_attempted"];
  }
  return COLUMNS.find(([key]) => key === view.sortKey)[2](row);
}

function exerciseCell(ex, cell) {
  const status = cell ? cell.status : "not_attempted";
  const mark = { passed: "✓", failed: "✗", not_attempted: "·" }[status];
  let title = `${ex.title}: ${status.replace("_", " ")}`;
  if (status === "failed") {
    title += `\nfailing: ${cell.failed_checks.join(", ")}\nhint: ${ex.hint || "none"}`;
  }
  return el("td", { "data-exercise": ex.id, "data-status": status }, el("span", { class: `cell ${status}`, title }, mark));
}

function actionsCell(row, offered) {
  const td = el("td", { class: "actions" });
  if (row.activity) td.append(el("span", { class: "busy" }, `${row.activity} running…`));
  const wanted = (row.state === "ready" ? ["check", "reset"] : ["up"]).filter((a) => offered.includes(a));
  for (const action of wanted) {
    const button = el("button", { type: "button", "data-action": action }, ACTIONS[action].label);
    // a running check is waited for; a reset or an up is not
    if (row.activity && row.activity !== "check") button.disabled = true;
    button.addEventListener("click", () => act(row.student, action));
    td.append(button);
  }
  const base = `api/students/${encodeURIComponent(row.student)}/handout`;
  td.append(el("a", { href: `${base}.html`, download: "" }, "hand-out"));
  return td;
}

function renderRow(row, exercises) {
  const tr = el("tr", { "data-student": row.student, "data-state": row.state });
  tr.append(el("td", {}, row.student));
  tr.append(el("td", { class: `state-${row.state}` }, row.state));
  tr.append(el("td", {}, row.created ? duration(now() - row.created) : "–"));
  tr.append(el("td", {}, row.expires ? duration(row.expires - now()) : "–"));
  tr.append(el("td", { title: row.last_check ? new Date(row.last_check * 1000).toLocaleString() : "" }, since(row.last_check)));
  tr.append(el("td", {}, `${row.passed}/${exercises.length}`));
  for (const ex of exercises) tr.append(exerciseCell(ex, row.cells[ex.id]));
  tr.append(actionsCell(row, view.snapshot.actions));
  return tr;
}

// A row's elements stay as long as its data does: a refresh never takes a button from under the
// pointer or a hint from under the mouse unless that student changed.
const rowCache = new Map();

function rowNode(row, exercises) {
  const key = JSON.stringify([row, exercises]);
  const cached = rowCache.get(row.student);
  if (cached && cached.key === key) return cached.tr;
  const tr = renderRow(row, exercises);
  rowCache.set(row.student, { key, tr });
  return tr;
}

function render() {
  const snap = view.snapshot;
  if (!snap) return;
  renderHead(snap.exercises);
  const rows = snap.students.filter(visible);
  rows.sort((a, b) => (sortValue(a) > sortValue(b) ? 1 : sortValue(a) < sortValue(b) ? -1 : 0) * view.sortDir);
  document.getElementById("rows").replaceChildren(...rows.map((r) => rowNode(r, snap.exercises)));
  const ready = snap.students.filter((r) => r.state === "ready").length;
  document.getElementById("summary").textContent =
    `${snap.students.length} students, ${ready} sandboxes ready; ` +
    (snap.interval_seconds > 0 ? `checks every ${duration(snap.interval_seconds)}` : "checks when asked");
}

async function act(student, action) {
  if (!window.confirm(ACTIONS[action].ask(student))) return;
  const url = `api/students/${encodeURIComponent(student)}/${action}`;
  const response = await fetch(url, { method: "POST", headers: { "X-CSRF-Token": csrf } });
  const error = document.getElementById("error");
  error.textContent = response.ok ? "" : `${action} for ${student}: ${(await response.json()).error || response.status}`;
}

function connect() {
  const live = document.getElementById("live");
  const source = new EventSource("api/events");
  source.addEventListener("snapshot", (event) => {
    view.snapshot = JSON.parse(event.data);
    live.textContent = `live, updated ${new Date(view.snapshot.generated_at * 1000).toLocaleTimeString()}`;
    render();
  });
  source.onerror = () => { live.textContent = "reconnecting…"; };
}

// Ages, expiries and "last check ... ago" move on without the server: redraw them now and then.
setInterval(() => { rowCache.clear(); render(); }, 30000);

document.getElementById("filter").addEventListener("change", (event) => {
  view.filter = event.target.value;
  render();
});
connect();
