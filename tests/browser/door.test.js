// At the door: a label's QR code holds `/s/{card_id}`. Opened by the
// courier carrying the card, it opens that stop; by anyone else, a login
// and nothing of the card. The app's scan button reads the code with the
// browser's BarcodeDetector where there is one, else takes the typed stop
// number.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, launchBrowser, login, startServer, stopRow } from "./harness.js";

let server;
let browser;
let staff;
let stops;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await login(server.base, "petugas", "petugas-demo-1871");
  const courier = await login(server.base, "kurir", "kurir-demo-1871");
  stops = (await api(server.base, "GET", "/api/v1/me/routes", courier)).json.items[0].stops;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function phone(init) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  if (init) await context.addInitScript(init);
  return { context, page: await context.newPage() };
}

async function logIn(page, username, password) {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

test("a label's link shows a stranger only the login, then opens that stop for its courier", async () => {
  const target = stops[4];
  const { context, page } = await phone();
  await page.goto(`${server.base}/s/${target.card_id}`);
  await page.getByTestId("login-username").waitFor();
  const body = await page.locator("body").textContent();
  assert.ok(!body.includes(target.name) && !body.includes(target.address), "nothing of the card before login");

  await logIn(page, "kurir", "kurir-demo-1871");
  const row = stopRow(page, target.card_id);
  await row.and(page.locator("[data-scanned=true]")).waitFor();
  const found = page.getByTestId("scan-found");
  assert.equal(await found.getAttribute("data-card-id"), target.card_id);
  assert.match(await found.textContent(), new RegExp(`#${target.seq} ${target.name}`));
  assert.equal(new URL(page.url()).pathname, "/", "the address bar is back at the list");
  assert.ok(await row.isVisible());
  await context.close();
});

test("a code read off the printed labels opens its stop on the courier's phone", async () => {
  // The office prints the demo route's labels; the first label's code is
  // read back as a phone camera would (rendered, then decoded by zbar).
  const route = (await api(server.base, "GET", "/api/v1/routes", staff)).json.items[0];
  const res = await fetch(`${server.base}/api/v1/routes/${route.id}/labels.pdf`, { headers: { authorization: `Bearer ${staff}` } });
  assert.equal(res.status, 200);
  const dir = mkdtempSync(join(tmpdir(), "antar-labels-"));
  writeFileSync(join(dir, "labels.pdf"), Buffer.from(await res.arrayBuffer()));
  // The top-left label of the first sheet, at 200 dpi.
  execFileSync("pdftoppm", ["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "551", "-H", "292", join(dir, "labels.pdf"), join(dir, "cell")]);
  const url = execFileSync("zbarimg", ["--quiet", "--raw", join(dir, "cell.png")], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  const first = [...route.stops].sort((a, b) => a.seq - b.seq)[0];
  assert.equal(url, `${server.base}/s/${first.card_id}`, "the code holds the door link and nothing else");

  const { context, page } = await phone();
  await page.goto(url);
  await logIn(page, "kurir", "kurir-demo-1871");
  await stopRow(page, first.card_id).and(page.locator("[data-scanned=true]")).waitFor();
  assert.match(await page.getByTestId("scan-found").textContent(), /#1 /);
  await context.close();
});

test("a label of a card on no route of the courier says so clearly", async () => {
  const other = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=1", staff)).json.items[0];
  const { context, page } = await phone();
  await page.goto(server.base);
  await logIn(page, "kurir", "kurir-demo-1871");
  await page.getByTestId("stop-row").first().waitFor();
  await page.goto(`${server.base}/s/${other.id}`);
  const unknown = page.getByTestId("scan-unknown");
  await unknown.waitFor();
  assert.match(await unknown.textContent(), /tidak ada di rute Anda/);
  assert.ok(!(await page.locator("body").textContent()).includes(other.name));
  await context.close();
});

test("the scan button reads the code with BarcodeDetector where the browser has one", async () => {
  const target = stops[7];
  const url = `${server.base}/s/${target.card_id}`;
  // Chromium on Linux has no BarcodeDetector: stand in one that sees this
  // label's code, and a camera that is a canvas.
  const { context, page } = await phone(`
    globalThis.BarcodeDetector = class { async detect() { return [{ rawValue: ${JSON.stringify(url)} }]; } };
    navigator.mediaDevices.getUserMedia = async () => {
      const c = document.createElement("canvas"); c.width = 64; c.height = 48;
      c.getContext("2d").fillRect(0, 0, 64, 48);
      return c.captureStream(5);
    };
  `);
  await page.goto(server.base);
  await logIn(page, "kurir", "kurir-demo-1871");
  await page.getByTestId("stop-row").first().waitFor();
  await page.getByTestId("scan-open").click();
  await page.getByTestId("scan-found").waitFor();
  assert.equal(await page.getByTestId("scan-found").getAttribute("data-card-id"), target.card_id);
  await stopRow(page, target.card_id).and(page.locator("[data-scanned=true]")).waitFor();
  assert.equal(await page.getByTestId("scan-panel").count(), 0, "the scanner closes on a find");
  await context.close();
});

test("without a scanner the courier types the stop number printed on the label", async () => {
  const { context, page } = await phone();
  await page.goto(server.base);
  await logIn(page, "kurir", "kurir-demo-1871");
  await page.getByTestId("stop-row").first().waitFor();
  await page.getByTestId("scan-open").click();
  await page.getByTestId("scan-no-camera").waitFor();
  await page.getByTestId("scan-code").fill("#3");
  await page.getByTestId("scan-submit").click();
  const target = stops.find((s) => s.seq === 3);
  await stopRow(page, target.card_id).and(page.locator("[data-scanned=true]")).waitFor();
  await page.getByTestId("scan-open").click();
  await page.getByTestId("scan-code").fill("nonsense!");
  await page.getByTestId("scan-submit").click();
  assert.match(await page.getByTestId("scan-unknown").textContent(), /Kode tidak dikenali/);
  await context.close();
});
