// One player in headless Chromium: load the workshop page, give a nickname, start a new day with Enter, press 1 until the
// end-of-day report shows, then press q and report what the page said. Prints one JSON line.
// With "--stay" it does not press q: it prints AT_REPORT and waits for the room to close, then reports whether
// the report stayed on screen (the terminal visible, no dialog over it).
// Usage: node chromium_day.cjs URL [CHROMIUM] [NICKNAME] [--stay]   (needs playwright-core on NODE_PATH)
const { chromium } = require("playwright-core");

const url = process.argv[2];
const executablePath = process.argv[3] || "/usr/bin/chromium";
const nickname = process.argv[4] || "";
const stay = process.argv.includes("--stay");
const WAIT = 120000;

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"],
  });
  const out = { ok: false, presses: 0 };
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // Keep what the game draws (the terminal paints on a canvas, so read the socket instead).
    await page.addInitScript(() => {
      window.__drawn = "";
      window.__frames = 0;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(u, p) {
          super(u, p);
          const decoder = new TextDecoder();
          this.addEventListener("message", (e) => {
            if (typeof e.data !== "string") {
              window.__drawn += decoder.decode(e.data, { stream: true }).replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, "");
              window.__frames += 1;
            }
          });
        }
      };
    });
    const failed = [];
    page.on("requestfailed", (r) => failed.push(r.url()));
    await page.goto(url, { waitUntil: "load" });
    // the welcome page: a nickname for the debrief, then Start
    await page.fill("#name", nickname);
    await Promise.all([page.waitForNavigation({ timeout: WAIT }), page.click("button[type=submit]")]);
    await page.waitForSelector("body.-first-byte", { timeout: WAIT });
    await page.waitForFunction(() => window.__drawn.includes("New day"), null, { timeout: WAIT });
    // no click, no focus call: the page gives the terminal the keyboard itself, so the first Enter plays
    out.focusedByPage = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("xterm-helper-textarea"));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.__drawn.includes("\u00b7 short day"), null, { timeout: WAIT });
    for (let i = 0; i < 60; i++) {
      const ended = await page.evaluate(() => window.__drawn.includes("The end of the day"));
      if (ended) break;
      const before = await page.evaluate(() => window.__frames);
      await page.keyboard.press("1");
      out.presses += 1;
      // the game answered; or the report was already arriving (a "1" on it changes nothing and draws nothing)
      await page.waitForFunction((n) => window.__frames > n || window.__drawn.includes("The end of the day"), before, { timeout: WAIT });
    }
    await page.waitForFunction(() => window.__drawn.includes("The end of the day"), null, { timeout: WAIT });
    if (stay) {
      console.log("AT_REPORT");
      await page.waitForSelector("body.-closed", { timeout: WAIT });
      out.kept = await page.evaluate(() => ({
        kept: document.body.classList.contains("-kept"),
        dialog: getComputedStyle(document.querySelector(".closed-dialog")).display,
        terminal: getComputedStyle(document.querySelector("#terminal")).opacity,
        bar: document.getElementById("kept").textContent,
      }));
    } else {
      await page.keyboard.press("q");
      await page.waitForSelector("body.-closed", { timeout: WAIT });
    }
    out.closedMessage = await page.textContent("#closed-message");
    out.failedRequests = failed;
    out.ok = true;
  } catch (err) {
    out.error = String(err && err.stack || err);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})();
