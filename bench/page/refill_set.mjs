// How long the page takes to refill a sample set (data against stacked simulation) after a cut slider
// moves, and how much memory the tab's WebAssembly holds, with the page's own WebAssembly run by node's
// V8 (Chromium's engine). A benchmark, not a test.
//   node bench/page/refill_set.mjs DIR ANALYSIS.toml [CUT_INDEX VALUES...]
// DIR is what `hepkey serve DIR` would serve; ANALYSIS.toml a path under it. For example, with 1M data
// events of the Z → ℓℓ collection (and its simulation):
//   hepkey generate zll -o /tmp/gen1m --events 1000000
//   cp examples/atlas/zll_2020.toml /tmp/gen1m/zll.toml   # [variables] ATLAS_2020 = "." below
//   node bench/page/refill_set.mjs /tmp/gen1m zll.toml
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import init, { WebSampleSet } from "../../crates/web/page/pkg/hepkey_web.js";

const [dir, setPath] = process.argv.slice(2);
const wasmBytes = readFileSync(fileURLToPath(new URL("../../crates/web/page/pkg/hepkey_web_bg.wasm", import.meta.url)));
const wasm = await init({ module_or_path: wasmBytes });

function files(d) {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".root") ? [relative(dir, p)] : [];
  });
}
const available = files(dir);
let t = performance.now();
const set = new WebSampleSet(setPath, readFileSync(join(dir, setPath), "utf8"), JSON.stringify(available), JSON.stringify({ ATLAS_2020: "." }));
const info = JSON.parse(set.info());
let bytes = 0;
for (const f of new Set(info.samples.flatMap((s) => s.files))) {
  const b = readFileSync(join(dir, f));
  bytes += b.length;
  set.add_file(f, b);
}
console.log(`open ${info.samples.length} samples (${(bytes / 1e6).toFixed(0)} MB): ${(performance.now() - t).toFixed(0)} ms`);

// The mass-window cut, moved like a slider: `abs(mll - 91.18) < W`.
const h = info.histograms[0];
const request = (w) => JSON.stringify({
  definitions: info.definitions,
  variable: h.expression,
  cuts: info.selections.map((c) => (c.expression.includes("91.18")
    ? { name: `window ${w}`, expression: `(abs(mll - 91.18)) < ${w}`, compare: { lhs: "abs(mll - 91.18)", op: "<", value: w } }
    : c)),
  bins: h.bins, low: h.low, high: h.high,
});
t = performance.now();
let r = JSON.parse(set.analyse(request(25)));
if (r.error) throw new Error(r.error.rendered);
const events = r.samples.reduce((n, s) => n + s.cutflow[0].events, 0);
console.log(`first fill (decodes the branches): ${(performance.now() - t).toFixed(0)} ms over ${events} events`);
const times = [];
for (let w = 5; w <= 25; w += 1) {
  t = performance.now();
  r = JSON.parse(set.analyse(request(w)));
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const data = r.samples.filter((s) => s.kind === "data").reduce((n, s) => n + s.cutflow.at(-1).events, 0);
console.log(`refill after the slider moves: median ${times[times.length >> 1].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms over ${times.length} moves; ${data} data events selected`);
console.log(`WebAssembly memory: ${(wasm.memory.buffer.byteLength / 1e6).toFixed(0)} MB; node heap + buffers: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB resident`);
