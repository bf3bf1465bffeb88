// The page opened from disk (file://), as on the offline key without a server, in headless Chromium for
// crates/hepkey/tests/page_browser.rs: the reader loads, a ROOT file opens through the file input, and a
// folder of samples with its analysis file becomes a sample set. Prints one JSON object.
// Usage: node page_file.cjs PAGE.html ROOT_FILE FOLDER SET_PATH
// (Chromium and playwright-core as chromium.cjs finds them.)
const { drivePage } = require("./chromium.cjs");
const { pathToFileURL } = require("url");

const [pageFile, rootFile, folder, setPath] = process.argv.slice(2);

drivePage({ width: 1400, height: 1100 }, async (page, out) => {
  await page.goto(pathToFileURL(pageFile).href);
  await page.waitForFunction(() => window.hepkey && (window.hepkey.ready || window.hepkey.lastError), null, { timeout: 60000 });
  out.ready = await page.evaluate(() => window.hepkey.ready);
  out.error = await page.evaluate(() => window.hepkey.lastError);
  if (!out.ready) return;

  await page.setInputFiles("#file", rootFile);
  await page.waitForFunction(() => window.hepkey.contents !== null);
  out.contents = await page.evaluate(() => window.hepkey.contents.map((o) => [o.path, o.kind, o.entries]));

  await page.setInputFiles("#folder", folder);
  await page.waitForFunction(() => document.getElementById("sample-sets").options.length > 1);
  out.sets = await page.$$eval("#sample-sets option", (os) => os.map((o) => o.value).filter(Boolean));
  await page.selectOption("#sample-sets", setPath);
  await page.waitForFunction(() => window.hepkey.lastSet !== null, null, { timeout: 120000 });
  out.samples = await page.evaluate(() => window.hepkey.lastSet.samples.map((s) => [s.name, s.values.reduce((a, b) => a + b, 0)]));
});
