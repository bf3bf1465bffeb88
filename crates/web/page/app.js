// The page: open a ROOT file (picker, drop, or the server's list), browse it, draw its histograms, and
// histogram expressions over its trees with cuts on sliders. All reading and computing is the hepkey
// reader compiled to WebAssembly (crates/web); this file only wires the page to it.
import init, { WebFile } from "./pkg/hepkey_web.js";
import { drawHist1D, drawHist2D } from "./draw.js";

const $ = (id) => document.getElementById(id);
// What the page shows, for tests and for the curious (the browser console).
const shown = { ready: false, file: null, contents: null, lastHistogram: null, lastCutflow: null, lastError: null };
window.hepkey = shown;
let file = null;

function status(text) { $("status").textContent = text; }
function message(e) {
  if (e instanceof WebAssembly.RuntimeError) return `internal error in the reader (${e.message}); reload the page`;
  return e instanceof Error ? e.message : String(e);
}
function showError(text) {
  shown.lastError = text;
  $("error").textContent = text;
  $("error").hidden = !text;
}

async function start() {
  try {
    await init();
  } catch (e) {
    showError(`the reader did not load: ${message(e)}`);
    return;
  }
  shown.ready = true;
  status("ready: open a ROOT file");
  listServerFiles();
}

// ---- opening files ----

function openBytes(name, bytes) {
  showError("");
  status(`reading ${name}…`);
  try {
    const opened = new WebFile(name, bytes);
    const contents = JSON.parse(opened.contents());
    if (file) file.free();
    file = opened;
    shown.file = name;
    shown.contents = contents;
    showContents(name, contents);
    status(`${name}: ${contents.length} objects`);
  } catch (e) {
    showError(message(e));
    status(`${name} could not be read`);
  }
}

function readLocal(f) {
  status(`loading ${f.name} (${(f.size / 1e6).toFixed(1)} MB)…`);
  const reader = new FileReader();
  reader.onprogress = (ev) => { if (ev.lengthComputable) status(`loading ${f.name}: ${Math.round((100 * ev.loaded) / ev.total)} %`); };
  reader.onerror = () => showError(`${f.name}: ${reader.error}`);
  reader.onload = () => openBytes(f.name, new Uint8Array(reader.result));
  reader.readAsArrayBuffer(f);
}

$("file").addEventListener("change", (ev) => { if (ev.target.files[0]) readLocal(ev.target.files[0]); });
document.body.addEventListener("dragover", (ev) => { ev.preventDefault(); document.body.classList.add("dragging"); });
document.body.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.body.addEventListener("drop", (ev) => {
  ev.preventDefault();
  document.body.classList.remove("dragging");
  if (ev.dataTransfer.files[0]) readLocal(ev.dataTransfer.files[0]);
});

async function listServerFiles() {
  let list = [];
  try {
    const r = await fetch("files/");
    if (r.ok) list = await r.json();
  } catch { return; } // opened as a file, or no server: the picker still works
  if (!list.length) return;
  const select = $("server-files");
  for (const f of list) select.add(new Option(`${f.path} (${(f.size / 1e6).toFixed(1)} MB)`, f.path));
  select.hidden = false;
  select.addEventListener("change", () => { if (select.value) fetchServerFile(select.value); });
}

async function fetchServerFile(path) {
  try {
    const r = await fetch("files/" + path.split("/").map(encodeURIComponent).join("/"));
    if (!r.ok) throw new Error(`${path}: ${r.status} ${r.statusText}`);
    const total = Number(r.headers.get("Content-Length")) || 0;
    const parts = [];
    let got = 0;
    const reader = r.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.length;
      status(`loading ${path}: ${total ? Math.round((100 * got) / total) + " %" : (got / 1e6).toFixed(1) + " MB"}`);
    }
    const bytes = new Uint8Array(got);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    openBytes(path.split("/").pop(), bytes);
  } catch (e) {
    showError(message(e));
  }
}

// ---- the file browser ----

function item(text, cls, onclick) {
  const li = document.createElement("li");
  const span = document.createElement("span");
  span.textContent = text;
  span.className = cls;
  if (onclick) span.addEventListener("click", onclick);
  li.append(span);
  return li;
}

function showContents(name, contents) {
  const nav = $("browser");
  nav.replaceChildren();
  const title = document.createElement("h2");
  title.textContent = name;
  nav.append(title);
  const ul = document.createElement("ul");
  const trees = $("tree");
  trees.replaceChildren();
  for (const o of contents) {
    const depth = o.path.split("/").length - 1;
    let li;
    if (o.kind === "histogram1d" || o.kind === "histogram2d") {
      li = item(o.path, "object histogram", () => drawObject(o.path));
    } else if (o.kind === "tree") {
      li = item(`${o.path} (${o.entries ?? "?"} entries)`, "object tree", () => { trees.value = o.path; });
      trees.add(new Option(o.path, o.path));
      const branches = document.createElement("ul");
      for (const b of o.branches) {
        const bi = item(b.name, b.numeric ? "branch" : "branch disabled", b.numeric ? () => drawBranch(o.path, b.name) : null);
        const type = document.createElement("span");
        type.className = "type";
        type.textContent = b.type;
        bi.append(type);
        branches.append(bi);
      }
      li.append(branches);
      if (o.error) li.append(` — ${o.error}`);
    } else {
      li = item(`${o.path} (${o.class})`, "object disabled");
    }
    li.dataset.depth = depth;
    ul.append(li);
  }
  nav.append(ul);
}

function drawObject(path) {
  try {
    const h = JSON.parse(file.histogram(path));
    shown.lastHistogram = h;
    showError("");
    if (h.axes.length === 2) drawHist2D($("plot"), h);
    else drawHist1D($("plot"), h);
    status(`${path}: ${h.entries} entries`);
  } catch (e) {
    showError(message(e));
  }
}

function drawBranch(tree, branch) {
  $("tree").value = tree;
  $("variable").value = branch;
  $("weight").value = "";
  run();
}

// ---- the analyser ----

const FIELDS = ["definitions", "variable", "weight"];

function request() {
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  return {
    tree: $("tree").value,
    definitions: $("definitions").value,
    variable: $("variable").value.trim(),
    weight: $("weight").value.trim() || null,
    bins: Math.max(1, Math.round(number("bins") || 50)),
    low: number("low"),
    high: number("high"),
    cuts: cutRows().map((row, i) => ({ name: row.name(), expression: row.expression() })),
  };
}

function clearErrors() {
  for (const f of FIELDS) { $(`error-${f}`).hidden = true; $(f).classList.remove("invalid"); }
  for (const row of cutRows()) row.setError("");
  showError("");
}

function analyse(req) {
  return JSON.parse(file.analyse(JSON.stringify(req)));
}

function run() {
  if (!file || !$("tree").value || !$("variable").value.trim()) return;
  clearErrors();
  let result;
  const started = performance.now();
  try {
    result = analyse(request());
  } catch (e) {
    showError(message(e));
    return;
  }
  if (result.error) {
    const e = result.error;
    shown.lastError = e.rendered;
    const cut = /^cut (\d+)$/.exec(e.field);
    if (cut) cutRows()[Number(cut[1])].setError(e.rendered);
    else if (FIELDS.includes(e.field)) {
      $(`error-${e.field}`).textContent = e.rendered + (e.hint ? `\n${e.hint}` : "");
      $(`error-${e.field}`).hidden = false;
      $(e.field).classList.add("invalid");
    } else showError(e.rendered);
    return;
  }
  shown.lastHistogram = result.histogram;
  shown.lastCutflow = result.cutflow;
  drawHist1D($("plot"), result.histogram);
  const body = $("cutflow").tBodies[0];
  body.replaceChildren();
  for (const s of result.cutflow) {
    const tr = body.insertRow();
    tr.insertCell().textContent = s.name;
    tr.insertCell().textContent = s.events;
    tr.insertCell().textContent = Number(s.weighted.toPrecision(6));
  }
  const took = performance.now() - started;
  shown.lastRefillMs = took;
  status(`${result.histogram.name}: ${result.cutflow[result.cutflow.length - 1].events} events selected (refilled in ${took.toFixed(1)} ms)`);
}

// Slider moves come faster than frames: refill once per frame.
let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; run(); });
}

const rows = [];
function cutRows() { return rows.filter((r) => r.element.isConnected); }

// A cut: `expression op value`, the value on a slider spanning the expression's range.
function addCut(expression = "", op = ">") {
  const el = document.createElement("div");
  el.className = "cut";
  const expr = Object.assign(document.createElement("input"), { value: expression, placeholder: "NMuon", spellcheck: false });
  const opSel = document.createElement("select");
  for (const o of [">", ">=", "<", "<=", "==", "!="]) opSel.add(new Option(o, o));
  opSel.value = op;
  const slider = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 100, step: "any", value: 0 });
  const value = Object.assign(document.createElement("input"), { type: "number", step: "any", value: 0 });
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×", title: "remove this cut" });
  const error = Object.assign(document.createElement("pre"), { className: "field-error", hidden: true });
  el.append(expr, opSel, slider, value, remove, error);
  $("cuts").append(el);
  const row = {
    element: el,
    name: () => `${expr.value.trim()} ${opSel.value} ${value.value}`,
    expression: () => `(${expr.value.trim() || "true"}) ${opSel.value} ${value.value === "" ? 0 : value.value}`,
    setError(text) { error.textContent = text; error.hidden = !text; expr.classList.toggle("invalid", !!text); },
  };
  rows.push(row);
  const rescale = () => {
    // The slider spans the values the expression takes (a one-bin histogram's automatic range).
    if (!file || !expr.value.trim()) return;
    try {
      const r = analyse({ tree: $("tree").value, definitions: $("definitions").value, variable: expr.value.trim(), bins: 1, cuts: [] });
      if (r.error) return;
      const [lo, hi] = r.histogram.axes[0].edges;
      Object.assign(slider, { min: lo, max: hi });
    } catch { /* the error shows when the cut runs */ }
  };
  expr.addEventListener("change", () => { rescale(); schedule(); });
  opSel.addEventListener("change", schedule);
  slider.addEventListener("input", () => { value.value = Number(Number(slider.value).toPrecision(6)); schedule(); });
  value.addEventListener("input", () => { slider.value = value.value; schedule(); });
  remove.addEventListener("click", () => { el.remove(); schedule(); });
  rescale();
  return row;
}

$("add-cut").addEventListener("click", () => addCut());
// The plot as the canvas shows it, for slides.
$("save-png").addEventListener("click", () => {
  $("plot").toBlob((blob) => {
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: "hepkey-plot.png" });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }, "image/png");
});
for (const id of ["definitions", "variable", "weight", "bins", "low", "high", "tree"]) $(id).addEventListener("change", schedule);
$("analyser").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });

start();
