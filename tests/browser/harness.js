// Starts the real `antar` binary on a spare port with its own data dir, and
// a headless Chromium (Debian's) driven by playwright-core.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const ADMIN_PASSWORD = "admin-browser-test";

function sparePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/// Starts antar; `dataDir` and `port` restart an earlier server in place.
export async function startServer(extraArgs = [], { dataDir, port } = {}) {
  const bin = process.env.ANTAR_BIN;
  if (!bin) throw new Error("ANTAR_BIN must name the antar binary (cargo xtask test sets it)");
  dataDir ??= mkdtempSync(join(tmpdir(), "antar-browser-"));
  port ??= await sparePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const child = spawn(bin, ["serve", "--demo", ...extraArgs], {
    env: { ...process.env, ANTAR_DATA_DIR: dataDir, ANTAR_BIND: `127.0.0.1:${port}`, ANTAR_ADMIN_PASSWORD: ADMIN_PASSWORD, ANTAR_WORKERS: "2", DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => log.push(String(d)));
  child.stderr.on("data", (d) => log.push(String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`antar did not start:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    log,
    dataDir,
    port,
    /// Stops the server; `keepData` leaves its database for a restart.
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The browsers, and these tests' own clocks, keep the demo office's time
// zone, as its couriers' phones do: the phone app reads "today" from its
// clock. In UTC the tests failed from midnight to 07:00 WIB, when the
// machine's date is still the day before. (The console reckons the
// office's day from its settings; `awayZone` tests that.)
const OFFICE_ZONE = "Asia/Jakarta";
process.env.TZ = OFFICE_ZONE;

const CHROMIUM = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  env: { ...process.env, TZ: OFFICE_ZONE },
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export async function launchBrowser() {
  return chromium.launch(CHROMIUM);
}

/// A browser whose profile (storage, service worker, cache) lives in
/// `profileDir` and survives closing it: a phone's browser restarted.
export async function launchPhone(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, { ...CHROMIUM, viewport: { width: 360, height: 740 }, ...options });
}

export async function api(base, method, path, token, body) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, headers: r.headers, json, text };
}

export async function login(base, username, password) {
  const r = await api(base, "POST", "/api/v1/auth/login", null, { username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.json.access_token;
}

/// A new phone-sized page logged in through the app's own form.
export async function openAppAs(browser, base, username, password, options = {}) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, ...options });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  return { context, page };
}

/// The id of the office's user `username` (asked as the admin).
export async function userId(base, username) {
  const users = await api(base, "GET", "/api/v1/users", await login(base, "admin", ADMIN_PASSWORD));
  return users.json.items.find((u) => u.username === username).id;
}

/// A stop on the courier's list.
export function stopRow(page, cardId) {
  return page.locator(`[data-testid=stop-row][data-card-id="${cardId}"]`);
}

/// `n` test photos, each different, drawn and JPEG-encoded by the browser
/// itself as a camera would hand them over (480×360 by default: ~50 KB).
export async function makePhotos(page, n, { width = 480, height = 360 } = {}) {
  const encoded = await page.evaluate(
    async ([n, width, height]) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const c = document.createElement("canvas");
        c.width = width;
        c.height = height;
        const g = c.getContext("2d");
        for (let y = 0; y < c.height; y += 6) {
          for (let x = 0; x < c.width; x += 6) {
            g.fillStyle = `rgb(${(x * 7 + i * 13) % 256},${(y * 5 + x) % 256},${(x * y + i * 31) % 256})`;
            g.fillRect(x, y, 6, 6);
          }
        }
        g.fillStyle = "#000";
        g.font = "48px sans-serif";
        g.fillText(`rumah ${i}`, 40, height / 2);
        const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.9));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = "";
        for (const b of bytes) s += String.fromCharCode(b);
        out.push(btoa(s));
      }
      return out;
    },
    [n, width, height],
  );
  return encoded.map((b64) => Buffer.from(b64, "base64"));
}

/// Signs on a signature pad with the mouse; `wobble` makes each signature
/// a little different, as real ones are.
export async function sign(page, pad, wobble = 0) {
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + 20, box.y + 30 + wobble);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 80, { steps: 5 });
  await page.mouse.move(box.x + 200 - wobble, box.y + 40, { steps: 5 });
  await page.mouse.up();
}

/// A time zone whose date, right now, is not the office's: a computer set
/// to it shows whether an app reckons "today" by the office or by itself.
export function awayZone() {
  const day = (timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  const zone = ["Pacific/Kiritimati", "Pacific/Pago_Pago"].find((z) => day(z) !== localDay(0));
  if (!zone) throw new Error("one of UTC+14 and UTC-11 is on another date than UTC+7 at any hour");
  return zone;
}

/// The office's date `days` from today (`YYYY-MM-DD`), by the clock the
/// apps read (the office's zone, above); `toISOString` would give UTC's.
export function localDay(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
