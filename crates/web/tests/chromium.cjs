// The headless Chromium that the page's scripts drive (page.cjs, page_set.cjs, page_file.cjs and
// bench/page/refill_chromium.cjs): Debian's chromium (or $HEPKEY_CHROMIUM) through playwright-core,
// found through NODE_PATH, with no network of its own.
const { chromium } = require("playwright-core");

function launch() {
  return chromium.launch({
    executablePath: process.env.HEPKEY_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

// Runs `drive(page, out)` on a new page of `viewport` size, then prints `out` as one JSON object: what
// the script put in it, the page's uncaught errors (`pageErrors`) and every URL it requested
// (`requests`). A failing script prints its error and exits with 1.
function drivePage(viewport, drive) {
  (async () => {
    const browser = await launch();
    const out = { pageErrors: [], requests: [] };
    try {
      const page = await browser.newPage({ viewport });
      page.on("pageerror", (e) => out.pageErrors.push(String(e)));
      page.on("request", (r) => out.requests.push(r.url()));
      await drive(page, out);
    } finally {
      await browser.close();
    }
    console.log(JSON.stringify(out));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { launch, drivePage };
