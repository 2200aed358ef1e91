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

const CHROMIUM = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
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
