// The page: open a ROOT file (picker, drop, or the server's list), browse it, draw its histograms, and
// histogram expressions over its trees with cuts on sliders. All reading and computing is the hepkey
// reader compiled to WebAssembly (crates/web); this file only wires the page to it.
import init, { WebFile, WebSampleSet, bump_fit } from "./pkg/hepkey_web.js";
import { drawHist1DOn, drawHist2DOn, drawStackOn, SvgContext } from "./draw.js";

const $ = (id) => document.getElementById(id);
// What the page shows, for tests and for the curious (the browser console).
const shown = { ready: false, file: null, contents: null, lastHistogram: null, lastCutflow: null, lastError: null, set: null, lastSet: null, fit: null };
window.hepkey = shown;
let file = null;
// The open sample set: {wasm: WebSampleSet, info}.
let set = null;
// What the page can open, by path: the server's files, or a folder's (path → File).
const sources = new Map();
// Draws the plot on screen on any 2D context (the canvas, or SVG for "Save plot (SVG)").
let lastDraw = null;
function show(draw) {
  lastDraw = draw;
  const c = $("plot");
  draw(c.getContext("2d"), c.width, c.height);
}

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
    const exports = await init();
    // The WebAssembly memory the tab holds (files and decoded columns), for benchmarks.
    shown.wasmBytes = () => exports.memory.buffer.byteLength;
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
    leaveSet();
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
  if (location.protocol === "file:") return; // opened from disk: the buttons open files and folders
  let list = [];
  try {
    const r = await fetch("files/");
    if (r.ok) list = await r.json();
  } catch { return; } // opened as a file, or no server: the picker still works
  if (!list.length) return;
  const select = $("server-files");
  for (const f of list) {
    sources.set(f.path, { size: f.size, file: null });
    if (f.path.endsWith(".root")) select.add(new Option(`${f.path} (${(f.size / 1e6).toFixed(1)} MB)`, f.path));
  }
  select.hidden = select.options.length < 2;
  select.addEventListener("change", () => { if (select.value) fetchServerFile(select.value); });
  listSampleSets();
}

function listSampleSets() {
  const sets = $("sample-sets");
  while (sets.options.length > 1) sets.remove(1);
  for (const path of [...sources.keys()].filter((p) => p.endsWith(".toml")).sort()) sets.add(new Option(path, path));
  sets.hidden = sets.options.length < 2;
}

$("sample-sets").addEventListener("change", () => { if ($("sample-sets").value) openSet($("sample-sets").value); });

// A folder from the disk (the key, or one `hepkey generate` wrote): its analysis files become sample sets.
$("folder").addEventListener("change", (ev) => {
  for (const f of ev.target.files) {
    const path = f.webkitRelativePath || f.name;
    if (path.endsWith(".root") || path.endsWith(".toml")) sources.set(path, { size: f.size, file: f });
  }
  listSampleSets();
  status(`${ev.target.files.length} files in the folder; choose a sample set`);
});

// The bytes of a path of `sources`; `progress` gets the bytes read so far.
async function bytesOf(path, progress = () => {}) {
  const source = sources.get(path);
  if (source && source.file) return new Uint8Array(await source.file.arrayBuffer());
  const r = await fetch("files/" + path.split("/").map(encodeURIComponent).join("/"));
  if (!r.ok) throw new Error(`${path}: ${r.status} ${r.statusText}`);
  const parts = [];
  let got = 0;
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    progress(got);
  }
  const bytes = new Uint8Array(got);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return bytes;
}

async function fetchServerFile(path) {
  try {
    const total = (sources.get(path) || {}).size || 0;
    const bytes = await bytesOf(path, (got) =>
      status(`loading ${path}: ${total ? Math.round((100 * got) / total) + " %" : (got / 1e6).toFixed(1) + " MB"}`));
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
    show(h.axes.length === 2 ? (c, w, ht) => drawHist2DOn(c, w, ht, h) : (c, w, ht) => drawHist1DOn(c, w, ht, h));
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
    cuts: cutRows().map(cutOfRow),
  };
}

function cutOfRow(row) {
  const cut = { name: row.name(), expression: row.expression() };
  if (row.compare) cut.compare = row.compare();
  return cut;
}

function clearErrors() {
  for (const f of FIELDS) { $(`error-${f}`).hidden = true; $(f).classList.remove("invalid"); }
  for (const row of cutRows()) row.setError("");
  showError("");
}

// An expression error next to the field it is in.
function showFieldError(e) {
  shown.lastError = e.rendered;
  const cut = /^cut (\d+)$/.exec(e.field);
  if (cut) cutRows()[Number(cut[1])].setError(e.rendered);
  else if (FIELDS.includes(e.field)) {
    $(`error-${e.field}`).textContent = e.rendered + (e.hint ? `\n${e.hint}` : "");
    $(`error-${e.field}`).hidden = false;
    $(e.field).classList.add("invalid");
  } else showError(e.rendered);
}

function analyse(req) {
  return JSON.parse(file.analyse(JSON.stringify(req)));
}

function run() {
  if (set) return runSet();
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
  if (result.error) return showFieldError(result.error);
  shown.lastHistogram = result.histogram;
  shown.lastCutflow = result.cutflow;
  show((c, w, h) => drawHist1DOn(c, w, h, result.histogram));
  const head = $("cutflow").tHead.rows[0];
  head.replaceChildren(...["step", "events", "weighted"].map((t) => Object.assign(document.createElement("th"), { textContent: t })));
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

// The span of the values an expression takes (a slider's range), or null.
function rangeOf(expression) {
  if (set) {
    const r = JSON.parse(set.wasm.range($("definitions").value, expression));
    return r && !r.error ? r : null;
  }
  const r = analyse({ tree: $("tree").value, definitions: $("definitions").value, variable: expression, bins: 1, cuts: [] });
  return r.error ? null : r.histogram.axes[0].edges;
}

// A cut: `expression op value`, the value on a slider spanning the expression's range. `name` is kept
// while the value stays the one it was written with.
function addCut(expression = "", op = ">", start = 0, name = null) {
  const el = document.createElement("div");
  el.className = "cut";
  const expr = Object.assign(document.createElement("input"), { value: expression, placeholder: "NMuon", spellcheck: false });
  const opSel = document.createElement("select");
  for (const o of [">", ">=", "<", "<=", "==", "!="]) opSel.add(new Option(o, o));
  opSel.value = op;
  const slider = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 100, step: "any", value: start });
  const value = Object.assign(document.createElement("input"), { type: "number", step: "any", value: start });
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×", title: "remove this cut" });
  const error = Object.assign(document.createElement("pre"), { className: "field-error", hidden: true });
  el.append(expr, opSel, slider, value, remove, error);
  $("cuts").append(el);
  const written = `${expression}\u0000${op}\u0000${start}`;
  const row = {
    element: el,
    name: () => (name && `${expr.value.trim()}\u0000${opSel.value}\u0000${value.value}` === written ? name : `${expr.value.trim()} ${opSel.value} ${value.value}`),
    expression: () => `(${expr.value.trim() || "true"}) ${opSel.value} ${value.value === "" ? 0 : value.value}`,
    // The same cut for the reader: the left side evaluated once, then compared at each slider move.
    compare: () => ({ lhs: expr.value.trim() || "true", op: opSel.value, value: value.value === "" ? 0 : Number(value.value) }),
    setError(text) { error.textContent = text; error.hidden = !text; expr.classList.toggle("invalid", !!text); },
  };
  rows.push(row);
  const rescale = () => {
    // The slider spans the values the expression takes (and the cut's own value).
    if ((!file && !set) || !expr.value.trim()) return;
    try {
      const span = rangeOf(expr.value.trim());
      if (!span) return;
      const v = Number(value.value);
      Object.assign(slider, { min: Math.min(span[0], v), max: Math.max(span[1], v) });
      slider.value = v;
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

// A cut with no number to slide (`trigE || trigM`): its expression as written, to edit or remove.
function addFixedCut(name, expression) {
  const el = document.createElement("div");
  el.className = "cut fixed";
  const expr = Object.assign(document.createElement("input"), { value: expression, spellcheck: false, title: name });
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×", title: "remove this cut" });
  const error = Object.assign(document.createElement("pre"), { className: "field-error", hidden: true });
  el.append(expr, remove, error);
  $("cuts").append(el);
  const row = {
    element: el,
    name: () => (expr.value === expression ? name : expr.value.trim()),
    expression: () => expr.value.trim() || "true",
    setError(text) { error.textContent = text; error.hidden = !text; expr.classList.toggle("invalid", !!text); },
  };
  rows.push(row);
  expr.addEventListener("change", schedule);
  remove.addEventListener("click", () => { el.remove(); schedule(); });
  return row;
}

// A selection of an analysis file as a cut row: a slider when it compares one expression with a number.
function addSelection(sel) {
  const m = /^(.*\S)\s*(==|!=|>=|<=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/.exec(sel.expression.trim());
  if (m && !/&&|\|\||[<>]|==|!=/.test(m[1])) return addCut(m[1], m[2], Number(m[3]), sel.name);
  return addFixedCut(sel.name, sel.expression);
}

$("add-cut").addEventListener("click", () => addCut());

function download(blob, name) {
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
// The plot as the canvas shows it, for slides; as SVG for documents.
$("save-png").addEventListener("click", () => $("plot").toBlob((blob) => download(blob, "hepkey-plot.png"), "image/png"));
$("save-svg").addEventListener("click", () => {
  if (!lastDraw) return;
  const c = $("plot");
  const svg = new SvgContext(c.width, c.height);
  lastDraw(svg, c.width, c.height);
  download(new Blob([svg.toString()], { type: "image/svg+xml" }), "hepkey-plot.svg");
});
for (const id of ["definitions", "variable", "weight", "bins", "low", "high", "tree"]) $(id).addEventListener("change", schedule);
$("analyser").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });

// ---- sample sets: an analysis file's samples, data against stacked simulation ----

function leaveSet() {
  if (set) set.wasm.free();
  set = null;
  shown.set = null;
  document.body.classList.remove("set-mode");
}

async function openSet(path, variables = {}) {
  showError("");
  let wasm;
  try {
    const text = new TextDecoder().decode(await bytesOf(path));
    const available = [...sources.keys()].filter((p) => p.endsWith(".root"));
    wasm = new WebSampleSet(path, text, JSON.stringify(available), JSON.stringify(variables));
  } catch (e) {
    showError(message(e));
    status(`${path} could not be used as a sample set`);
    return;
  }
  const info = JSON.parse(wasm.info());
  const files = [...new Set(info.samples.flatMap((s) => s.files))];
  const total = files.reduce((t, f) => t + ((sources.get(f) || {}).size || 0), 0);
  let done = 0;
  try {
    for (const [k, f] of files.entries()) {
      const bytes = await bytesOf(f, (got) =>
        status(`loading ${info.name}: file ${k + 1} of ${files.length}, ${Math.round((100 * (done + got)) / Math.max(total, 1))} % of ${(total / 1e6).toFixed(1)} MB`));
      done += bytes.length;
      wasm.add_file(f, bytes);
    }
  } catch (e) {
    wasm.free();
    showError(message(e));
    status(`${path}: a file could not be read`);
    return;
  }
  if (file) { file.free(); file = null; shown.file = null; }
  leaveSet();
  set = { wasm, info, path };
  shown.set = info;
  document.body.classList.add("set-mode");
  $("set-title").textContent = `${info.name} — ${path}`;
  showSetVariables(info);
  $("set-summary").textContent = `${info.samples.length} samples, ${files.length} files` + (info.skipped.length ? `, ${info.skipped.length} left out` : "");
  const list = $("set-samples");
  list.replaceChildren();
  for (const s of info.samples) list.append(Object.assign(document.createElement("li"), { textContent: `${s.name} (${s.kind}, ${s.group}): ${s.files.join(", ")}${s.weight ? ` × ${s.weight}` : ""}` }));
  for (const why of info.skipped) list.append(Object.assign(document.createElement("li"), { textContent: `left out: ${why}`, className: "hint" }));
  const choice = $("histogram-choice");
  choice.replaceChildren();
  info.histograms.forEach((h, i) => choice.add(new Option(`${h.name}: ${h.expression}`, i)));
  choice.add(new Option("your own expression", ""));
  $("definitions").value = info.definitions;
  for (const r of cutRows()) r.element.remove();
  for (const sel of info.selections) addSelection(sel);
  chooseHistogram(0);
  status(`${info.name}: ${info.samples.length} samples loaded (${(total / 1e6).toFixed(1)} MB)`);
}

// `[variables]` of the analysis file, editable: a changed value reopens the set.
function showSetVariables(info) {
  const box = $("set-variables");
  box.replaceChildren();
  for (const [k, v] of Object.entries(info.variables)) {
    const input = Object.assign(document.createElement("input"), { value: v, spellcheck: false });
    input.addEventListener("change", () => openSet(set.path, { ...set.info.variables, [k]: input.value }));
    const label = document.createElement("label");
    label.append(`\${${k}}`, input);
    box.append(label);
  }
}

let chosen = null;
function chooseHistogram(i) {
  const h = set.info.histograms[i];
  chosen = h || null;
  $("histogram-choice").value = h ? String(i) : "";
  if (h) {
    $("variable").value = h.expression;
    $("bins").value = h.bins;
    $("low").value = h.low;
    $("high").value = h.high;
  }
  schedule();
}
$("histogram-choice").addEventListener("change", () => {
  if ($("histogram-choice").value === "") { chosen = null; $("variable").focus(); } else chooseHistogram(Number($("histogram-choice").value));
});
$("variable").addEventListener("input", () => { if (set && chosen && $("variable").value !== chosen.expression) { chosen = null; $("histogram-choice").value = ""; } });

function setRequest() {
  const bins = Math.max(1, Math.round(Number($("bins").value) || 50));
  const low = $("low").value === "" ? (chosen ? chosen.low : 0) : Number($("low").value);
  const high = $("high").value === "" ? (chosen ? chosen.high : 1) : Number($("high").value);
  return {
    definitions: $("definitions").value,
    variable: $("variable").value.trim(),
    cuts: cutRows().map(cutOfRow),
    bins, low, high,
    name: chosen ? chosen.name : "page",
    xlabel: chosen ? chosen.xlabel : $("variable").value.trim(),
  };
}

function sum(list, key) {
  if (!list.length) return null;
  const out = new Array(list[0][key].length).fill(0);
  for (const s of list) s[key].forEach((v, i) => { out[i] += v; });
  return out;
}

function runSet() {
  if (!$("variable").value.trim()) return;
  clearErrors();
  const req = setRequest();
  const started = performance.now();
  let result;
  try {
    result = JSON.parse(set.wasm.analyse(JSON.stringify(req)));
  } catch (e) {
    showError(message(e));
    return;
  }
  if (result.error) return showFieldError(result.error);
  const data = result.samples.filter((s) => s.kind === "data");
  const mc = result.samples.filter((s) => s.kind !== "data");
  // One stack layer per group, backgrounds below signals, in the analysis file's order.
  const groups = [];
  for (const kind of ["background", "signal"]) {
    for (const s of mc.filter((x) => x.kind === kind)) {
      let g = groups.find((x) => x.group === s.group);
      if (!g) groups.push((g = { group: s.group, color: s.color, kind, values: new Array(s.values.length).fill(0) }));
      if (!g.color) g.color = s.color;
      s.values.forEach((v, i) => { g.values[i] += v; });
    }
  }
  const n = result.edges.length - 1;
  const zeros = new Array(n).fill(0);
  const total = { values: sum(mc, "values") || zeros, variances: sum(mc, "variances") || zeros };
  const signal = sum(mc.filter((s) => s.kind === "signal"), "values");
  const dataValues = sum(data, "values");
  shown.lastSet = result;
  shown.lastSetRequest = req;
  shown.fit = null;
  let fitText = "";
  let fit = null;
  if ($("fit").checked) {
    try {
      if (!dataValues || !signal) throw new Error("the fit needs data and a signal sample");
      const centres = result.edges.slice(0, n).map((e, i) => (e + result.edges[i + 1]) / 2);
      fit = JSON.parse(bump_fit(Float64Array.from(dataValues), Float64Array.from(centres), Float64Array.from(signal)));
      shown.fit = fit;
      fitText = `μ = ${fit.mu.toFixed(2)} ± ${fit.mu_error.toFixed(2)}, significance ${fit.significance.toFixed(1)} σ (expected ${fit.expected_significance.toFixed(1)} σ)`;
    } catch (e) {
      fitText = `fit: ${message(e)}`;
    }
  }
  $("fit-result").textContent = fitText;
  const info = set.info;
  const lumi = info.luminosity ? `, ${Number((info.luminosity / 1000).toPrecision(3))} fb⁻¹` : "";
  const plot = {
    edges: result.edges,
    stack: groups,
    total,
    data: dataValues ? { values: dataValues } : null,
    fit,
    title: info.name,
    xtitle: req.xlabel,
    experiment: info.experiment || "",
    label: info.energy ? `√s = ${info.energy} TeV${lumi}` : lumi.slice(2),
  };
  show((c, w, h) => drawStackOn(c, w, h, plot));
  // The cutflow: data events, and the weighted simulation and signal.
  const steps = (data[0] || mc[0]).cutflow.map((s) => s.name);
  const head = $("cutflow").tHead.rows[0];
  head.replaceChildren(...["step", "data events", "simulation", "signal"].map((t) => Object.assign(document.createElement("th"), { textContent: t })));
  const body = $("cutflow").tBodies[0];
  body.replaceChildren();
  const at = (list, k, key) => list.reduce((t, s) => t + s.cutflow[k][key], 0);
  steps.forEach((name, k) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = name;
    tr.insertCell().textContent = data.length ? at(data, k, "events") : "–";
    tr.insertCell().textContent = Number(at(mc, k, "weighted").toPrecision(5));
    tr.insertCell().textContent = Number(at(mc.filter((s) => s.kind === "signal"), k, "weighted").toPrecision(4));
  });
  const took = performance.now() - started;
  shown.lastRefillMs = took;
  status(`${info.name}: ${data.length ? at(data, steps.length - 1, "events") + " data events, " : ""}${Number(at(mc, steps.length - 1, "weighted").toPrecision(4))} expected (refilled in ${took.toFixed(1)} ms)`);
}

$("fit").addEventListener("change", schedule);
$("save-analysis").addEventListener("click", () => {
  if (!set) return;
  try {
    const text = set.wasm.save(JSON.stringify(setRequest()));
    const base = set.path.split("/").pop().replace(/\.toml$/, "");
    download(new Blob([text], { type: "application/toml" }), `${base}-page.toml`);
  } catch (e) {
    showError(message(e));
  }
});

start();
