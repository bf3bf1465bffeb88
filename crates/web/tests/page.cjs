// Drives the page in headless Chromium for crates/hepkey/tests/page_browser.rs: opens a ROOT file through the
// file input, reads what the page shows, draws a branch, moves a cut slider, opens a corrupt file.
// Prints one JSON object. Usage: node page.cjs URL GOOD.root CORRUPT.root SCREENSHOT.png
// (Chromium and playwright-core as chromium.cjs finds them.)
const { drivePage } = require("./chromium.cjs");

const [url, good, corrupt, screenshot] = process.argv.slice(2);

drivePage({ width: 1400, height: 1100 }, async (page, out) => {
  await page.goto(url);
  await page.waitForFunction(() => window.hepkey && (window.hepkey.ready || window.hepkey.lastError), null, { timeout: 60000 });
  out.ready = await page.evaluate(() => window.hepkey.ready);

  await page.setInputFiles("#file", good);
  await page.waitForFunction(() => window.hepkey.contents !== null);
  out.branches = await page.$$eval("#browser .branch", (els) => els.map((e) => e.firstChild.textContent));

  // A branch, histogrammed by clicking it.
  await page.fill("#bins", "10");
  await page.fill("#low", "0");
  await page.fill("#high", "10");
  await page.locator("#browser .branch", { hasText: /^NJet/ }).first().click();
  out.njet = await page.evaluate(() => window.hepkey.lastHistogram);

  // An expression with a weight and a cut moved by its slider.
  await page.fill("#variable", "Muon_Px");
  await page.fill("#weight", "EventWeight");
  await page.fill("#bins", "20");
  await page.fill("#low", "-100");
  await page.fill("#high", "100");
  await page.click("#add-cut");
  const cut = page.locator(".cut").first();
  await cut.locator("input").first().fill("NMuon");
  await cut.locator("input").first().dispatchEvent("change");
  await cut.locator("select").selectOption(">=");
  await cut.locator("input[type=range]").evaluate((slider) => {
    slider.value = 2;
    slider.dispatchEvent(new Event("input"));
  });
  await page.waitForFunction(() => (window.hepkey.lastCutflow || []).some((s) => s.name === "NMuon >= 2"));
  out.cut = await page.evaluate(() => ({ histogram: window.hepkey.lastHistogram, cutflow: window.hepkey.lastCutflow }));

  // An error in the expression shows inline, next to the field.
  await page.fill("#variable", "Muon_Pxx");
  await page.dispatchEvent("#variable", "change");
  await page.waitForFunction(() => !document.getElementById("error-variable").hidden);
  out.inlineError = await page.textContent("#error-variable");

  await page.fill("#variable", "Muon_Px");
  await page.dispatchEvent("#variable", "change");
  await page.waitForFunction(() => document.getElementById("error-variable").hidden);
  out.inkedPixels = await page.evaluate(() => {
    const c = document.getElementById("plot");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n;
  });
  await page.screenshot({ path: screenshot });
  out.refillMs = await page.evaluate(() => window.hepkey.lastRefillMs);
  // "Save plot (PNG)" downloads the canvas.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-png")]);
  out.savedPlot = screenshot.replace(/\.png$/, "-saved.png");
  await download.saveAs(out.savedPlot);
  out.savedName = download.suggestedFilename();

  // A corrupt file: the reader's message, and the page still works.
  await page.setInputFiles("#file", corrupt);
  await page.waitForFunction(() => /could not be read/.test(document.getElementById("status").textContent));
  out.corruptError = await page.textContent("#error");
  out.stillAlive = await page.evaluate(() => window.hepkey.file);

  // A file of the server's directory, from the page's list, and its TH2 as a colour map.
  await page.selectOption("#server-files", "uproot-hepdata-example.root");
  await page.waitForFunction(() => window.hepkey.file === "uproot-hepdata-example.root");
  await page.locator("#browser .histogram", { hasText: /^hpxpy$/ }).click();
  out.th2 = await page.evaluate(() => window.hepkey.lastHistogram);
  if (process.env.HEPKEY_PAGE_TH2_SCREENSHOT) await page.screenshot({ path: process.env.HEPKEY_PAGE_TH2_SCREENSHOT });
});
