// How long the page takes to refill a histogram after a cut moves, with the page's own WebAssembly run
// by node's V8 (Chromium's engine). A benchmark, not a test.
//   node bench/page/refill.mjs FILE.root [TREE]
// e.g. on a generated sample: hepkey generate zll -o /tmp/gen --events 1000000
//   node bench/page/refill.mjs /tmp/gen/2lep/MC/mc_361107.Zmumu.2lep.root mini
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import init, { WebFile } from "../../crates/web/page/pkg/hepkey_web.js";

const [path, tree = "mini"] = process.argv.slice(2);
const wasm = readFileSync(fileURLToPath(new URL("../../crates/web/page/pkg/hepkey_web_bg.wasm", import.meta.url)));
await init({ module_or_path: wasm });

let t = performance.now();
const bytes = readFileSync(path);
const file = new WebFile(path.split("/").pop(), bytes);
const contents = JSON.parse(file.contents());
const entries = contents.find((o) => o.path === tree).entries;
console.log(`open + list: ${(performance.now() - t).toFixed(0)} ms, ${entries} entries, ${(bytes.length / 1e6).toFixed(0)} MB`);

const request = (threshold) => JSON.stringify({
  tree,
  definitions: "leps = lep[lep_pt > 7000]",
  variable: "mass(leps[0], leps[1]) / 1000",
  cuts: [
    { name: "two leptons", expression: "count(leps) >= 2" },
    { name: "leading pT", expression: `lep_pt[0] > ${threshold}` },
  ],
  bins: 60,
  low: 60,
  high: 120,
});
t = performance.now();
let r = JSON.parse(file.analyse(request(25000)));
if (r.error) throw new Error(r.error.rendered);
console.log(`first fill (decodes the branches): ${(performance.now() - t).toFixed(0)} ms`);
const times = [];
for (let threshold = 20000; threshold <= 40000; threshold += 1000) {
  t = performance.now();
  r = JSON.parse(file.analyse(request(threshold)));
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`refill after a cut moves: median ${times[times.length >> 1].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms over ${times.length} moves; ${r.cutflow.at(-1).events} events selected`);
