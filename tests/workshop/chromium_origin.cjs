// A page on another origin tries to open a game on the workshop server. Prints one JSON line:
// {"ok": true, "outcome": "open" | "refused"}.   Usage: node chromium_origin.cjs EVIL_PAGE_URL WS_URL [CHROMIUM]
const { chromium } = require("playwright-core");

const [evilUrl, wsUrl, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const out = { ok: false };
  try {
    const page = await browser.newPage();
    await page.goto(evilUrl, { waitUntil: "load" });
    out.outcome = await page.evaluate((url) => new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve("open");
      ws.onerror = () => resolve("refused");
      ws.onclose = () => resolve("refused");
      setTimeout(() => resolve("timeout"), 20000);
    }), wsUrl);
    out.ok = true;
  } catch (err) {
    out.error = String(err && err.stack || err);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})();
