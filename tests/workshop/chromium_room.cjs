// The facilitator's room screen in headless Chromium: the QR code and the join address are there, and a
// player who joins appears without a reload. Prints "READY" once the screen is up, then one JSON line.
// Then it ends the round and checks the debrief slides: arrow keys, the minutes-vs-surveys chart.
// Usage: node chromium_room.cjs ROOM_URL [CHROMIUM] [SCREENSHOT_DIR]
const { chromium } = require("playwright-core");

const [roomUrl, executablePath = "/usr/bin/chromium", shots = ""] = process.argv.slice(2);

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
    // a projector of 1280x720: the round's clock and buttons and the whole join address show without scrolling
    await page.setViewportSize({ width: 1280, height: 720 });
    out.at720 = await page.evaluate(() => {
      const seen = (id) => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; };
      const url = document.getElementById("join-url");
      const lines = Math.round(url.getBoundingClientRect().height / parseFloat(getComputedStyle(url).lineHeight));
      return { clock: seen("clock"), start: seen("start"), end: seen("end"), qr: seen("qr"), code: seen("code"), urlLines: lines };
    });
    // a narrow window (the facilitator's laptop, half a screen): nothing runs off the right edge
    await page.setViewportSize({ width: 800, height: 600 });
    out.at800 = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    await page.setViewportSize({ width: 1600, height: 900 });
    console.log("READY");
    await page.waitForFunction(() => document.querySelectorAll("#players .player").length > 0, null, { timeout: 120000 });
    out.player = await page.textContent("#players .player .name");
    out.loads = loads;
    await page.waitForSelector("#players .state-ended", { timeout: 180000 });  // their day is over
    if (shots) await page.screenshot({ path: shots + "/room.png" });
    // the end of the round turns the screen into the debrief's slides
    await page.click("#start");  // a round: while it runs, Start cannot reset its clock
    await page.waitForFunction(() => /^\d+:\d\d$/.test(document.getElementById("clock").textContent));
    out.startWhileRunning = await page.evaluate(() => document.getElementById("start").disabled);
    await page.click("#end");
    await page.waitForSelector("body.-slides .slide.-on", { timeout: 60000 });
    out.slides = await page.evaluate(() => document.querySelectorAll(".slide").length);
    const first = await page.textContent(".slide.-on h3");
    out.firstSlide = await page.textContent(".slide.-on h2");
    await page.keyboard.press("ArrowRight");
    out.moved = (await page.textContent(".slide.-on h3")) !== first;
    for (let i = 0; i < 20; i++) {
      if (await page.evaluate(() => !!document.querySelector(".slide.-on .pair"))) break;
      await page.keyboard.press("ArrowRight");
    }
    out.minutesChart = await page.evaluate(() => {
      const on = document.querySelector(".slide.-on");
      return { pairs: on.querySelectorAll(".pair .bar").length, surveys: on.querySelectorAll(".pair .bar.ref").length };
    });
    if (shots) await page.screenshot({ path: shots + "/minutes.png" });
    out.questions = await page.evaluate(() => [...document.querySelectorAll(".slide h2")].filter(h => /^(Describe|Analyse|Transfer|Apply)$/.test(h.textContent)).length);
    // on a 1280x720 projector every slide fits the screen (its heading not cut off above, nothing below)
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press("Home");
    out.at720slides = [];
    for (let i = 0; i < out.slides; i++) {
      out.at720slides.push(await page.evaluate(() => {
        const on = document.querySelector(".slide.-on"), box = on.getBoundingClientRect();
        const parts = [...on.children].map(c => c.getBoundingClientRect());
        return {
          heading: on.querySelector("h3, h2").textContent,
          inside: parts.every(r => r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.right <= innerWidth),
          size: parseFloat(getComputedStyle(on).fontSize),
        };
      }));
      if (shots && i === 2) await page.screenshot({ path: shots + "/minutes720.png" });
      await page.keyboard.press("ArrowRight");
    }
    await page.keyboard.press("Escape");  // back to the room: its clock says who ended the round
    out.clockAfter = await page.textContent("#clock");
    out.startAfter = await page.evaluate(() => [document.getElementById("start").textContent, document.getElementById("start").disabled]);
    // another round, ended too: the slides come back by themselves, with the new results
    await page.click("#start");
    await page.waitForFunction(() => document.getElementById("start").disabled);
    await page.click("#end");
    await page.waitForSelector("body.-slides .slide.-on", { timeout: 60000 });
    out.slidesAgain = await page.evaluate(() => document.querySelector(".slide.-on").textContent);
    out.ok = true;
  } catch (err) {
    out.error = String(err && err.stack || err);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})();
