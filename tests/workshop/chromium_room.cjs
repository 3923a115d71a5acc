// The facilitator's room screen in headless Chromium: the QR code and the join address are there, and a
// player who joins appears without a reload. Prints "READY" once the screen is up, then one JSON line.
// Usage: node chromium_room.cjs ROOM_URL [CHROMIUM]
const { chromium } = require("playwright-core");

const [roomUrl, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const out = { ok: false };
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    let loads = 0;
    page.on("load", () => { loads += 1; });
    await page.goto(roomUrl, { waitUntil: "load" });
    out.qr = await page.evaluate(() => !!document.querySelector("#qr svg path, #qr svg rect"));
    out.joinUrl = await page.textContent("#join-url");
    out.code = await page.textContent("#code");
    console.log("READY");
    await page.waitForFunction(() => document.querySelectorAll("#players tbody tr").length > 0, null, { timeout: 120000 });
    out.player = await page.textContent("#players tbody tr td");
    out.loads = loads;
    out.ok = true;
  } catch (err) {
    out.error = String(err && err.stack || err);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})();
