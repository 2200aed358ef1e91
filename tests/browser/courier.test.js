// The courier's app in a real browser against the real server (SQLite).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { api, launchBrowser, login, openAppAs, startServer } from "./harness.js";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  // A NIK stands alone; request ids and uuids are hex and may hold digit runs.
  const leaks = (server?.log.join("") ?? "").split("\n").filter((line) => /(?<![0-9a-z])\d{16}(?![0-9a-z])/i.test(line));
  assert.deepEqual(leaks, [], "no NIK-shaped number in the server's log");
});

test("the courier logs in, sees the stops, marks one delivered and the server holds the event", async () => {
  const { context, page } = await openAppAs(browser, server.base, "kurir", "kurir-demo-1871");

  const rows = page.getByTestId("stop-row");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 12, "the demo route for today has 12 stops");
  const first = rows.first();
  const cardId = await first.getAttribute("data-card-id");
  assert.equal(await first.getAttribute("data-status"), "assigned");

  await first.getByTestId("stop-deliver").click();
  await first.getByTestId("recipient-name").fill("Siti Aminah");
  await first.getByTestId("delivery-submit").click();

  await page.locator(`[data-testid=stop-row][data-card-id="${cardId}"][data-status=delivered]`).waitFor();
  await page.locator("[data-testid=sync-status][data-pending='0']").waitFor({ timeout: 15_000 });

  const staff = await login(server.base, "petugas", "petugas-demo-1871");
  const card = await api(server.base, "GET", `/api/v1/cards/${cardId}`, staff);
  assert.equal(card.status, 200);
  assert.equal(card.json.status, "delivered");
  const delivered = card.json.events.filter((e) => e.kind === "delivered");
  assert.equal(delivered.length, 1, "exactly one delivery reached the server");
  assert.equal(delivered[0].payload.recipient_name, "Siti Aminah");
  assert.equal(delivered[0].payload.recipient_relation, "self");
  await context.close();
});

test("at the start of the day the courier confirms the bundle by its count, and only a matching count records the pick-up", async () => {
  const { context, page } = await openAppAs(browser, server.base, "kurir", "kurir-demo-1871");
  await page.getByTestId("stop-row").first().waitFor();
  const waiting = await page.locator("[data-testid=stop-row][data-status=assigned]").evaluateAll((rows) =>
    rows.map((r) => r.getAttribute("data-card-id")),
  );
  assert.equal(waiting.length, 11, "the stop delivered earlier is no longer at the office");
  assert.match(await page.getByTestId("pickup").textContent(), /11 kartu menunggu diambil/);

  await page.getByTestId("pickup-count").fill("10");
  await page.getByTestId("pickup-confirm").click();
  assert.match(await page.getByTestId("pickup-problem").textContent(), /10 ≠ 11/);
  assert.equal(await page.getByTestId("sync-status").getAttribute("data-pending"), "0", "a wrong count records nothing");
  assert.equal(await page.locator("[data-testid=stop-row][data-status=with_courier]").count(), 0);

  await page.getByTestId("pickup-count").fill("11");
  await page.getByTestId("pickup-confirm").click();
  await page.getByTestId("pickup").waitFor({ state: "detached" });
  assert.equal(await page.locator("[data-testid=stop-row][data-status=with_courier]").count(), 11);
  await page.locator("[data-testid=sync-status][data-pending='0']").waitFor({ timeout: 15_000 });

  const staff = await login(server.base, "petugas", "petugas-demo-1871");
  for (const id of waiting) {
    const card = await api(server.base, "GET", `/api/v1/cards/${id}`, staff);
    assert.equal(card.json.status, "with_courier", id);
    assert.equal(card.json.events.filter((e) => e.kind === "picked_up").length, 1, `one pick-up for ${id}`);
  }
  await context.close();
});

test("a failed attempt and a delivery carry the phone's GPS position and its accuracy", async () => {
  const geolocation = { latitude: -5.3645, longitude: 105.2431, accuracy: 12 };
  const { context, page } = await openAppAs(browser, server.base, "kurir", "kurir-demo-1871", {
    geolocation,
    permissions: ["geolocation"],
  });
  const rows = page.locator("[data-testid=stop-row][data-status=with_courier]");
  await rows.first().waitFor();
  const failedId = await rows.nth(0).getAttribute("data-card-id");
  const deliveredId = await rows.nth(1).getAttribute("data-card-id");

  const failed = page.locator(`[data-testid=stop-row][data-card-id="${failedId}"]`);
  await failed.getByTestId("stop-failed").click();
  await failed.locator("[data-testid=gps-status][data-state=found]").waitFor();
  assert.match(await failed.getByTestId("gps-status").textContent(), /akurasi ±12 m/);
  await failed.getByTestId("landmark").fill("pagar biru depan masjid");
  await failed.getByTestId("failed-submit").click();
  // The stop says so at once, before anything is sent.
  await failed.locator("[data-testid=stop-failed-count][data-count='1']").waitFor();

  const delivered = page.locator(`[data-testid=stop-row][data-card-id="${deliveredId}"]`);
  await delivered.getByTestId("stop-deliver").click();
  await delivered.locator("[data-testid=gps-status][data-state=found]").waitFor();
  await delivered.getByTestId("recipient-name").fill("Rahmat");
  await delivered.getByTestId("delivery-submit").click();
  await page.locator(`[data-testid=stop-row][data-card-id="${deliveredId}"][data-status=delivered]`).waitFor();
  await page.locator("[data-testid=sync-status][data-pending='0']").waitFor({ timeout: 15_000 });
  await failed.getByTestId("stop-landmark").waitFor();
  assert.equal(await failed.getByTestId("stop-landmark").textContent(), "Patokan: pagar biru depan masjid", "noted for the next visit");

  assert.equal(await failed.getByTestId("stop-failed-count").getAttribute("data-count"), "1", "the server's count after the sync");

  // The office's list shows the failed attempt and who carries the card.
  const desk = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", { viewport: { width: 1366, height: 768 } });
  await desk.page.getByTestId("console-nav-cards").click();
  await desk.page.getByTestId("card-row").first().waitFor();
  await desk.page.getByTestId("card-status-filter").selectOption("with_courier");
  const row = desk.page.locator(`[data-testid=card-row][data-card-id="${failedId}"]`);
  await row.waitFor();
  assert.equal((await row.getByTestId("card-failed").textContent()).trim(), "1");
  assert.match(await row.getByTestId("card-courier").textContent(), /\S/, "the courier is named");
  await desk.context.close();

  const staff = await login(server.base, "petugas", "petugas-demo-1871");
  for (const [id, kind] of [[failedId, "attempt_failed"], [deliveredId, "delivered"]]) {
    const card = await api(server.base, "GET", `/api/v1/cards/${id}`, staff);
    const [event] = card.json.events.filter((e) => e.kind === kind);
    assert.deepEqual(
      [event.payload.lat, event.payload.lon, event.payload.accuracy_m],
      [geolocation.latitude, geolocation.longitude, 12],
      `${kind} carries the position`,
    );
  }
  await context.close();
});

test("the courier finds stops by name or RT and by what is left to do", async () => {
  const { context, page } = await openAppAs(browser, server.base, "kurir", "kurir-demo-1871");
  const rows = page.getByTestId("stop-row");
  await rows.first().waitFor();
  const all = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-status")));
  assert.equal(all.length, 12);
  const finished = all.filter((s) => s === "delivered").length;
  assert.equal(finished, 2, "two deliveries were made by the tests before");

  await page.getByTestId("stop-filter").selectOption("done");
  assert.equal(await rows.count(), finished);
  await page.getByTestId("stop-filter").selectOption("open");
  assert.equal(await rows.count(), 12 - finished);
  await page.getByTestId("stop-filter").selectOption("all");

  const name = (await rows.nth(3).locator("strong").textContent()).trim();
  await page.getByTestId("stop-search").fill(name.toLowerCase());
  const found = await rows.evaluateAll((rs) => rs.map((r) => r.querySelector("strong").textContent.trim()));
  assert.ok(found.length >= 1 && found.every((n) => n.toLowerCase().includes(name.toLowerCase())), `${found}`);
  await page.getByTestId("stop-search").fill("tidak ada nama seperti ini");
  assert.equal(await rows.count(), 0);
  await page.getByTestId("stop-no-match").waitFor();
  await context.close();
});

test("the app shell is served with the right types and a service worker takes control", async () => {
  const index = await fetch(server.base + "/");
  assert.equal(index.status, 200);
  const html = await index.text();
  const wasm = html.match(/\/antar-[0-9a-f]+\.wasm/)[0];
  const wasmRes = await fetch(server.base + wasm, { headers: { "accept-encoding": "identity" } });
  assert.equal(wasmRes.headers.get("content-type"), "application/wasm");
  const plain = Buffer.from(await wasmRes.arrayBuffer());
  for (const encoding of ["br", "gzip"]) {
    const r = await fetch(server.base + wasm, { headers: { "accept-encoding": encoding } });
    assert.equal(r.headers.get("content-encoding"), encoding, `the ${encoding} copy made at build time`);
    assert.equal(r.headers.get("content-type"), "application/wasm");
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(plain), `${encoding} decodes to the same module`);
  }
  const manifest = await fetch(server.base + "/manifest.webmanifest");
  assert.equal(manifest.status, 200);
  const deep = await fetch(server.base + "/some/app/route");
  assert.equal(deep.status, 200, "app routes fall back to index.html");

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base);
  await page.getByTestId("login-username").waitFor();
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, server.base + "/");
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith("antar-shell-")));
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(cached.includes("/") && cached.includes(wasm), `shell precached: ${cached}`);
  await context.close();
});

test("the interface speaks Indonesian first and switches to English", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base);
  await page.getByTestId("login-submit").waitFor();
  assert.equal(await page.getByTestId("login-submit").textContent(), "Masuk");
  assert.equal(await page.locator("html").getAttribute("lang"), "id");
  await page.getByRole("button", { name: "English" }).click();
  assert.equal(await page.getByTestId("login-submit").textContent(), "Log in");
  await context.close();
});
