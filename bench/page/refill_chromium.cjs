// The page's refill time and memory in headless Chromium, on a sample set served by `hepkey serve`: the
// analysis file's mass-window cut moved by its slider. A benchmark, not a test.
//   hepkey generate zll -o /tmp/gen --events 500000 && cp examples/atlas/zll_2020.toml /tmp/gen/zll.toml
//   sed -i 's|^ATLAS_2020 = .*|ATLAS_2020 = "."|' /tmp/gen/zll.toml
//   hepkey serve /tmp/gen --port 8399 &
//   NODE_PATH=/path/to/node_modules node bench/page/refill_chromium.cjs http://127.0.0.1:8399/ zll.toml
// Chromium and playwright-core as the page tests find them.
const { launch } = require("../../crates/web/tests/chromium.cjs");

(async () => {
  const [url, setPath] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(url);
    await page.waitForFunction(() => window.hepkey && window.hepkey.ready);
    await page.waitForFunction(() => document.getElementById("sample-sets").options.length > 1);
    let t = Date.now();
    await page.selectOption("#sample-sets", setPath);
    await page.waitForFunction(() => window.hepkey.lastSet !== null, null, { timeout: 600000 });
    const loaded = (Date.now() - t) / 1000;
    const events = await page.evaluate(() => window.hepkey.lastSet.samples.reduce((n, s) => n + s.cutflow[0].events, 0));
    // The row of the mass window, moved step by step as a hand moves a slider.
    const index = await page.$$eval(".cut", (rows) => rows.findIndex((r) => r.querySelector("input").value.startsWith("abs(mll")));
    const row = page.locator(".cut").nth(index);
    const times = [];
    for (let w = 5; w <= 25; w++) {
      await row.locator("input[type=range]").evaluate((s, v) => { s.value = v; s.dispatchEvent(new Event("input")); }, w);
      await page.waitForFunction((v) => (window.hepkey.lastSetRequest.cuts || []).some((c) => c.compare && c.compare.value === v), w);
      times.push(await page.evaluate(() => window.hepkey.lastRefillMs));
    }
    times.sort((a, b) => a - b);
    const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const wasm = await page.evaluate(() => window.hepkey.wasmBytes());
    console.log(`${events} events loaded in ${loaded.toFixed(1)} s; refill after a slider move: median ${times[times.length >> 1].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms (${times.length} moves)`);
    if (process.env.HEPKEY_SCREENSHOT) await page.screenshot({ path: process.env.HEPKEY_SCREENSHOT });
    console.log(`memory: WebAssembly ${(wasm / 1e6).toFixed(0)} MB, JavaScript heap ${(metrics.JSHeapTotalSize / 1e6).toFixed(0)} MB`);
  } finally {
    await browser.close();
  }
})();
