// Drives the page's sample sets in headless Chromium for crates/hepkey/tests/page_browser.rs: opens the
// analysis file `hepkey demo` wrote as a sample set, fits signal + background, adds a cut and moves its
// slider, saves the analysis file and the plot as SVG. Prints one JSON object.
// Usage: node page_set.cjs URL SET.toml SAVED.toml SAVED.svg SCREENSHOT.png
// (Chromium and playwright-core as chromium.cjs finds them.)
const { drivePage } = require("./chromium.cjs");

const [url, setPath, savedToml, savedSvg, screenshot] = process.argv.slice(2);

drivePage({ width: 1400, height: 1300 }, async (page, out) => {
  await page.goto(url);
  await page.waitForFunction(() => window.hepkey && window.hepkey.ready, null, { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById("sample-sets").options.length > 1);
  out.sets = await page.$$eval("#sample-sets option", (os) => os.map((o) => o.value).filter(Boolean));

  // The sample set as the analysis file defines it, and the fit of `hepkey demo`.
  await page.selectOption("#sample-sets", setPath);
  await page.waitForFunction(() => window.hepkey.lastSet !== null, null, { timeout: 120000 });
  out.info = await page.evaluate(() => window.hepkey.set);
  out.cuts = await page.$$eval(".cut", (rows) => rows.length);
  await page.check("#fit");
  await page.waitForFunction(() => window.hepkey.fit !== null);
  out.fit = await page.evaluate(() => window.hepkey.fit);
  out.fitText = await page.textContent("#fit-result");

  // A new cut on the leading photon's pT, moved by its slider.
  await page.click("#add-cut");
  const cut = page.locator(".cut").last();
  await cut.locator("input").first().fill("pt1");
  await cut.locator("input").first().dispatchEvent("change");
  await cut.locator("select").selectOption(">");
  await cut.locator("input[type=range]").evaluate((slider) => {
    slider.value = 45;
    slider.dispatchEvent(new Event("input"));
  });
  await page.waitForFunction(() => (window.hepkey.lastSetRequest.cuts || []).some((c) => c.name === "pt1 > 45"));
  out.moved = await page.evaluate(() => ({ result: window.hepkey.lastSet, request: window.hepkey.lastSetRequest, fit: window.hepkey.fit }));
  out.refillMs = await page.evaluate(() => window.hepkey.lastRefillMs);

  const [toml] = await Promise.all([page.waitForEvent("download"), page.click("#save-analysis")]);
  await toml.saveAs(savedToml);
  out.savedTomlName = toml.suggestedFilename();
  const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#save-svg")]);
  await svg.saveAs(savedSvg);
  await page.screenshot({ path: screenshot });
  out.inkedPixels = await page.evaluate(() => {
    const c = document.getElementById("plot");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n;
  });

  // A mistyped definition: the error inline, the page still answers.
  await page.fill("#variable", "m_yyy");
  await page.dispatchEvent("#variable", "change");
  await page.waitForFunction(() => !document.getElementById("error-variable").hidden);
  out.inlineError = await page.textContent("#error-variable");
});
