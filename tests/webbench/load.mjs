// The web apps' load benchmark: bytes on the wire, time to interactive on
// emulated slow 4G with a 4× slower CPU (the phone app's first load, and a
// repeat load from the service worker; the console's first load), and
// Lighthouse's mobile scores for the phone app. Run by
// `cargo xtask bench-web` against the release binary; prints a Markdown
// table for BENCHMARKS.md.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { startServer } from "../browser/harness.js";

const RUNS = Number(process.env.BENCH_RUNS || 5);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
// Lighthouse's "slow 4G": 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const CPU_SLOWDOWN = 4;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => (n / 1024).toFixed(1);

// When the app can be used: the element the user acts on first is there
// (yew renders it with its handlers, so it works from that moment).
const MARK = `
  new MutationObserver((_, obs) => {
    const target = document.querySelector(window.__antarWaitFor || "[data-testid=login-username]");
    if (target && !window.__antarReady) { window.__antarReady = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  return cdp;
}

async function readyAfter(page, action, selector) {
  await page.addInitScript(`window.__antarWaitFor = ${JSON.stringify(selector)};`);
  await action();
  await page.waitForFunction(() => window.__antarReady !== undefined, null, { timeout: 120_000 });
  return page.evaluate(() => window.__antarReady);
}

/// The files a page loads (named from the dist root), with their sizes.
function sizes(dist, page = "index.html") {
  const index = readFileSync(join(dist, page), "utf8");
  const loaded = [...index.matchAll(/"\/([^"]+\.(?:wasm|js|css))"/g)].map((m) => m[1]);
  const files = [...new Set(loaded)].map((name) => ({
    name,
    raw: statSync(join(dist, name)).size,
    gzip: statSync(join(dist, `${name}.gz`)).size,
    brotli: statSync(join(dist, `${name}.br`)).size,
  }));
  files.push({ name: page, raw: index.length, gzip: gzipSync(index, { level: 6 }).length, brotli: NaN });
  return files;
}

async function wireBytes(browser, base) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  let total = 0;
  cdp.on("Network.loadingFinished", (e) => (total += e.encodedDataLength));
  await page.goto(base);
  await page.getByTestId("login-username").waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(1_000);
  await context.close();
  return total;
}

async function loadTimes(browser, base) {
  const first = [];
  const repeat = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    await context.addInitScript(MARK);
    const page = await context.newPage();
    await throttle(page);
    first.push(await readyAfter(page, () => page.goto(base), "[data-testid=login-username]"));
    // Log in, let the service worker take the shell and the phone keep the route.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.getByTestId("login-username").fill("kurir");
    await page.getByTestId("login-password").fill("kurir-demo-1871");
    await page.getByTestId("login-submit").click();
    await page.getByTestId("stop-row").first().waitFor({ timeout: 120_000 });
    await page.locator("[data-testid=sync-status]").waitFor();
    // The next morning: the app opens from the service worker, the stops from storage.
    repeat.push(await readyAfter(page, () => page.reload(), "[data-testid=stop-row]"));
    await context.close();
  }
  return { first, repeat };
}

/// The console's first load on slow 4G: until the login form can be used.
async function consoleLoads(browser, base) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(MARK);
    const page = await context.newPage();
    await throttle(page);
    times.push(await readyAfter(page, () => page.goto(`${base}/console/`), "[data-testid=login-username]"));
    await context.close();
  }
  return times;
}

async function lighthouseScores(base) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ["--headless=new", ...FLAGS] });
  try {
    const result = await lighthouse(base, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] });
    const lhr = result.lhr;
    const audit = (id) => lhr.audits[id]?.displayValue ?? "";
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0))
      .map((a) => a.id);
    return {
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      fcp: audit("first-contentful-paint"),
      tti: audit("interactive"),
      tbt: audit("total-blocking-time"),
      failing,
    };
  } finally {
    await chrome.kill();
  }
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
try {
  const dist = join(import.meta.dirname, "../../webapp/dist");
  const files = sizes(dist);
  const wire = await wireBytes(browser, server.base);
  const { first, repeat } = await loadTimes(browser, server.base);
  const consoleFiles = sizes(dist, "console/index.html");
  const consoleFirst = await consoleLoads(browser, server.base);
  const lh = await lighthouseScores(server.base);
  const sum = (k) => files.filter((f) => f.name !== "index.html").reduce((a, f) => a + f[k], 0);
  console.log(`\n| file | raw KB | gzip KB | brotli KB |\n|---|---|---|---|`);
  for (const f of files) console.log(`| ${f.name.replace(/-[0-9a-f]{8}/, "")} | ${kb(f.raw)} | ${kb(f.gzip)} | ${Number.isNaN(f.brotli) ? "–" : kb(f.brotli)} |`);
  console.log(`| **app (wasm + js + css)** | ${kb(sum("raw"))} | ${kb(sum("gzip"))} | ${kb(sum("brotli"))} |`);
  const consoleSum = (k) => consoleFiles.filter((f) => !f.name.endsWith(".html")).reduce((a, f) => a + f[k], 0);
  console.log(`| **console (wasm + js + css)** | ${kb(consoleSum("raw"))} | ${kb(consoleSum("gzip"))} | ${kb(consoleSum("brotli"))} |`);
  console.log(`\nBytes on the wire for a first visit (every response, headers included, Chromium's count): ${kb(wire)} KB`);
  console.log(`\n| load (slow 4G, CPU ×${CPU_SLOWDOWN}, median of ${RUNS}) | ms | runs |\n|---|---|---|`);
  console.log(`| first load → login form usable | ${Math.round(median(first))} | ${first.map(Math.round).join(", ")} |`);
  console.log(`| repeat load (service worker) → stop list shown | ${Math.round(median(repeat))} | ${repeat.map(Math.round).join(", ")} |`);
  console.log(`| console first load → login form usable | ${Math.round(median(consoleFirst))} | ${consoleFirst.map(Math.round).join(", ")} |`);
  console.log(`\nLighthouse (mobile, simulated throttling): performance ${lh.performance}, accessibility ${lh.accessibility}; FCP ${lh.fcp}, TTI ${lh.tti}, TBT ${lh.tbt}`);
  if (lh.failing.length) console.log(`Accessibility audits not passed: ${lh.failing.join(", ")}`);
} finally {
  await browser.close();
  await server.stop();
}
