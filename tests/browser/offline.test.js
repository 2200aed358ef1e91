// A whole courier day with the server truly unreachable: 30 stops worked
// while the server is stopped and the browser offline, a reload and a full
// browser restart in the middle, then back online through a bad link (slow,
// 400 ms each way, every fifth request cut or its answer lost, one answer
// that never comes, and 30 s when nothing passes), with nothing done on the
// phone but waiting.
// Afterwards the server must hold every event exactly once, and every photo.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { api, launchPhone, localDay, login, makePhotos, sign, startServer, stopRow, userId } from "./harness.js";
import { lossyLink } from "./link.js";

const STOPS = 30;
let server;
let phone;
let link;
const profile = mkdtempSync(join(tmpdir(), "antar-phone-"));

after(async () => {
  await phone?.close();
  await link?.close();
  await server?.stop();
  rmSync(profile, { recursive: true, force: true });
});

let signatures = 0;

async function deliver(page, cardId, { photo, nik, signed }) {
  const r = stopRow(page, cardId);
  await r.getByTestId("stop-deliver").click();
  await r.getByTestId("recipient-name").fill(`Penerima ${cardId.slice(0, 4)}`);
  if (nik) {
    await r.getByTestId("id-check").fill(nik);
    await r.locator("[data-testid=id-check-result][data-state=match]").waitFor();
  }
  if (photo) {
    await r.getByTestId("photo-input").setInputFiles({ name: "foto.jpg", mimeType: "image/jpeg", buffer: photo });
    await r.locator("[data-testid=photo-status][data-state=ready]").waitFor();
  }
  if (signed) await sign(page, r.getByTestId("signature-pad"), signatures++ * 7);
  await r.getByTestId("delivery-submit").click();
  await page.locator(`[data-testid=stop-row][data-card-id="${cardId}"][data-status=delivered]`).waitFor();
}

async function fail(page, cardId) {
  const r = stopRow(page, cardId);
  await r.getByTestId("stop-failed").click();
  await r.getByTestId("failed-reason").selectOption("not_home");
  await r.getByTestId("failed-submit").click();
  await r.getByTestId("stop-deliver").waitFor();
}

async function leaveAtVillage(page, cardId) {
  const r = stopRow(page, cardId);
  await r.getByTestId("stop-village").click();
  await r.getByTestId("village-submit").click();
  await page.locator(`[data-testid=stop-row][data-card-id="${cardId}"][data-status=left_at_village_office]`).waitFor();
}

async function pendingCount(page) {
  return Number(await page.getByTestId("sync-status").getAttribute("data-pending"));
}

test("a 30-stop day worked offline through a reload and a browser restart reaches the server exactly once through a lossy link, photos included", async () => {
  server = await startServer();
  // The phone reaches the server only through the link, clean until the
  // evening.
  link = await lossyLink(server.port);
  const staff = await login(server.base, "petugas", "petugas-demo-1871");
  const courierId = await userId(server.base, "kurir2");
  const printed = await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=100", staff);
  const cards = printed.json.items.slice(0, STOPS).map((c) => c.id);
  assert.equal(cards.length, STOPS);
  const today = localDay(0);
  const route = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: courierId, date: today, card_ids: cards });
  assert.equal(route.status, 201, route.text);
  const niks = {};
  for (const id of cards.slice(0, 4)) niks[id] = (await api(server.base, "GET", `/api/v1/cards/${id}`, staff)).json.nik;

  // Morning at the office: log in, download the route; the app is cached.
  phone = await launchPhone(profile);
  let page = phone.pages()[0] ?? (await phone.newPage());
  await page.goto(link.base);
  await page.getByTestId("login-username").fill("kurir2");
  await page.getByTestId("login-password").fill("kurir2-demo-1871");
  await page.getByTestId("login-submit").click();
  await page.getByTestId("stop-row").nth(STOPS - 1).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  const photos = await makePhotos(page, 20);
  for (const p of photos) assert.ok(p.length > 20_000 && p.length < 120_000, `test photo of ${p.length} bytes`);

  // The network goes: the server is stopped and the phone offline.
  await server.stop({ keepData: true });
  await phone.setOffline(true);

  await page.getByTestId("pickup-count").fill(String(STOPS));
  await page.getByTestId("pickup-confirm").click();
  await page.locator(`[data-testid=stop-row][data-card-id="${cards[0]}"][data-status=with_courier]`).waitFor();

  const plan = { delivered: [], failed: [], village: [], returned: [] };
  let photo = 0;
  // Stops 1–10: deliveries with a photo; the first four also check the
  // NIK, every other one is signed.
  for (const [i, id] of cards.slice(0, 10).entries()) {
    await deliver(page, id, { photo: photos[photo++], nik: niks[id], signed: i % 2 === 0 });
    plan.delivered.push(id);
  }
  const beforeReload = await pendingCount(page);
  assert.equal(beforeReload, STOPS + 10, "one pick-up per card and ten deliveries wait");

  // A reload with no network: the service worker serves the app, storage the day.
  await page.reload();
  await page.locator(`[data-testid=stop-row][data-card-id="${cards[9]}"][data-status=delivered]`).waitFor();
  assert.equal(await pendingCount(page), beforeReload, "nothing lost in the reload");

  // Stops 11–20: six deliveries with photos, four nobody home.
  for (const id of cards.slice(10, 16)) {
    await deliver(page, id, { photo: photos[photo++] });
    plan.delivered.push(id);
  }
  for (const id of cards.slice(16, 20)) {
    await fail(page, id);
    plan.failed.push(id);
  }
  const beforeRestart = await pendingCount(page);

  // The phone's browser is closed and opened again, still offline.
  await phone.close();
  phone = await launchPhone(profile, { offline: true });
  page = phone.pages()[0] ?? (await phone.newPage());
  await page.goto(link.base);
  await page.locator(`[data-testid=stop-row][data-card-id="${cards[19]}"]`).waitFor();
  await page.locator("[data-testid=sync-status]").waitFor();
  assert.equal(await pendingCount(page), beforeRestart, "nothing lost in the restart");

  // Stops 21–30: four deliveries, two left at the village office, four
  // untouched; at the end of the day what is still carried goes back.
  for (const id of cards.slice(20, 24)) {
    await deliver(page, id, { photo: photos[photo++], signed: true });
    plan.delivered.push(id);
  }
  for (const id of cards.slice(24, 26)) {
    await leaveAtVillage(page, id);
    plan.village.push(id);
  }
  plan.returned = [...plan.failed, ...cards.slice(26)];
  await page.getByTestId("end-of-day").locator("summary").click();
  await page.getByTestId("return-to-office").click();
  await page.getByTestId("return-confirm").click();
  // The courier's word only: the cards stay with the courier, marked as
  // handed back, until staff receive them at the desk.
  for (const id of plan.returned) {
    await page.locator(`[data-testid=stop-row][data-card-id="${id}"][data-status=with_courier][data-handed-back=true]`).waitFor();
  }
  const made = STOPS + plan.delivered.length + plan.failed.length + plan.village.length + plan.returned.length;
  assert.equal(await pendingCount(page), made);
  assert.equal(photo, 20);

  // Back online through a bad link: 500 kbit/s, 400 ms each way, every
  // fifth request's answer lost or the request cut in turn, one stalled.
  server = await startServer([], { dataDir: server.dataDir, port: server.port });
  link.worsen({ delayMs: 400, faultEvery: 5, stalls: 1 });
  await phone.setOffline(false);
  const slow = { offline: false, latency: 0, downloadThroughput: (500 * 1024) / 8, uploadThroughput: (500 * 1024) / 8 };
  let cdp = await phone.newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", slow);
  await page.waitForFunction((made) => Number(document.querySelector("[data-testid=sync-status]")?.dataset.pending) < made, made, { timeout: 120_000 });
  // A reload in the middle of sending, into 30 s when nothing passes: the
  // app still opens from what the phone keeps, well before the link comes
  // back.
  link.blackHole(30_000);
  await page.reload();
  await page.locator(`[data-testid=stop-row][data-card-id="${cards[29]}"]`).waitFor({ timeout: 15_000 });
  assert.ok(Date.now() < link.holeUntil, "the app opened inside the black hole");
  cdp = await phone.newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", slow);
  await page.locator("[data-testid=sync-status][data-pending='0'][data-media='0']").waitFor({ timeout: 360_000 });
  assert.deepEqual(await page.getByTestId("sync-rejected").allTextContents(), [], "the server refused nothing");
  // The link did what it was meant to.
  console.log(`lossy link: ${JSON.stringify(link.stats)}`);
  for (const fault of ["cutUpload", "lostAnswer", "stalled"]) assert.ok(link.stats[fault] >= 1, `no request met ${fault}: ${JSON.stringify(link.stats)}`);
  assert.ok(link.stats.heldInHole >= 1, `nothing was held in the black hole: ${JSON.stringify(link.stats)}`);

  // The server holds each event exactly once, and every image.
  const media = new Set();
  let signed = 0;
  for (const id of cards) {
    const card = (await api(server.base, "GET", `/api/v1/cards/${id}`, staff)).json;
    const courierEvents = card.events.filter((e) => e.actor === courierId);
    const kinds = courierEvents.map((e) => e.kind).sort();
    const expected = ["picked_up"];
    if (plan.delivered.includes(id)) expected.push("delivered");
    if (plan.failed.includes(id)) expected.push("attempt_failed");
    if (plan.village.includes(id)) expected.push("left_at_village_office");
    if (plan.returned.includes(id)) expected.push("handed_back");
    assert.deepEqual(kinds, expected.sort(), `card ${id}: each event once\n${JSON.stringify(card.events.map((e) => [e.kind, e.actor, e.occurred_at, e.flag]))}\n${JSON.stringify(card.flagged)}`);
    const ids = courierEvents.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const e of courierEvents.filter((e) => e.kind === "delivered")) {
      assert.match(e.payload.photo_sha256, /^[0-9a-f]{64}$/);
      media.add(e.payload.photo_sha256);
      if (e.payload.signature_sha256) {
        signed++;
        media.add(e.payload.signature_sha256);
      }
      if (niks[id]) assert.equal(e.payload.id_check, "match");
    }
    const status = plan.delivered.includes(id) ? "delivered" : plan.village.includes(id) ? "left_at_village_office" : "with_courier";
    assert.equal(card.status, status, `card ${id}`);
    assert.equal(card.handed_back, plan.returned.includes(id), `card ${id}: the courier's claim, kept apart from custody`);
  }
  assert.equal(signed, 9, "every signature drawn reached the server");
  assert.equal(media.size, 20 + 9, "20 photos and 9 signatures");
  for (const sha of media) {
    const r = await fetch(`${server.base}/api/v1/media/${sha}`, { headers: { authorization: `Bearer ${staff}` } });
    assert.equal(r.status, 200, `image ${sha} reached the server\n${server.log.join("").split("\n").filter((l) => l.includes("media")).join("\n")}`);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(createHash("sha256").update(body).digest("hex"), sha);
    assert.ok(body.length <= 300 * 1024, `image of ${body.length} bytes`);
  }
});
