// The courier's app at the door and on the phone: required proof, the
// identity check, one tab syncing at a time, logging out with unsent work,
// and data an earlier version kept in localStorage.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { ADMIN_PASSWORD, api, launchBrowser, localDay, login, makePhotos, openAppAs, sign, startServer, stopRow, userId } from "./harness.js";

let server;
let browser;
let staff;
let cards;
let courierId;
let niks = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await login(server.base, "petugas", "petugas-demo-1871");
  courierId = await userId(server.base, "kurir2");
  cards = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=8", staff)).json.items.map((c) => c.id);
  const today = localDay(0);
  const route = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: courierId, date: today, card_ids: cards });
  assert.equal(route.status, 201, route.text);
  for (const id of cards) niks[id] = (await api(server.base, "GET", `/api/v1/cards/${id}`, staff)).json.nik;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openCourier(options) {
  const opened = await openAppAs(browser, server.base, "kurir2", "kurir2-demo-1871", options);
  await opened.page.getByTestId("stop-row").first().waitFor();
  return opened;
}

async function settled(page) {
  await page.locator("[data-testid=sync-status][data-pending='0'][data-media='0']").waitFor({ timeout: 20_000 });
}

async function eventsOf(id, kind) {
  const card = await api(server.base, "GET", `/api/v1/cards/${id}`, staff);
  return card.json.events.filter((e) => e.kind === kind);
}

async function setProof(rules) {
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const settings = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  const r = await api(server.base, "PUT", "/api/v1/settings", admin, { ...settings, ...rules });
  assert.equal(r.status, 200, r.text);
}

test("the office's required proof is asked for, and a wrong NIK keeps a delivery from being saved", async () => {
  await setProof({ require_photo: true, require_signature: true, require_id_check: true });
  const { context, page } = await openCourier();
  await page.getByTestId("pickup-count").fill(String(cards.length));
  await page.getByTestId("pickup-confirm").click();
  await settled(page);

  const id = cards[0];
  const r = stopRow(page, id);
  await r.getByTestId("stop-deliver").click();
  await r.getByTestId("recipient-relation").selectOption("family");
  await r.getByTestId("recipient-name").fill("Sri Wahyuni");
  await r.getByTestId("delivery-submit").click();
  assert.deepEqual(await r.getByTestId("delivery-problem").allTextContents(), [
    "Isi hubungan keluarga.",
    "Cek NIK wajib.",
    "Foto wajib.",
    "Tanda tangan wajib.",
  ]);
  assert.equal(await page.getByTestId("sync-status").getAttribute("data-pending"), "0", "nothing recorded");

  await r.getByTestId("recipient-relationship").fill("istri");
  const wrong = niks[id].slice(0, 15) + (niks[id].endsWith("9") ? "8" : "9");
  await r.getByTestId("id-check").fill(wrong);
  await r.locator("[data-testid=id-check-result][data-state=mismatch]").waitFor();
  await r.getByTestId("id-check").fill(niks[id].replace(/(\d{4})/g, "$1 ").trim());
  await r.locator("[data-testid=id-check-result][data-state=match]").waitFor();
  await r.getByTestId("photo-input").setInputFiles({ name: "foto.jpg", mimeType: "image/jpeg", buffer: (await makePhotos(page, 1, { width: 640, height: 480 }))[0] });
  await r.locator("[data-testid=photo-status][data-state=ready]").waitFor();
  const shown = await r.getByTestId("photo-preview").evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.equal(shown, 640, "the courier sees the photo taken");
  await sign(page, r.getByTestId("signature-pad"));
  // Offline, so the outbox can be read as it waits on the phone.
  await context.setOffline(true);
  await r.getByTestId("delivery-submit").click();
  await page.locator(`[data-testid=stop-row][data-card-id="${id}"][data-status=delivered]`).waitFor();
  const waiting = await page.evaluate(() => antarDevice.all("pending"));
  assert.match(waiting, /nik_sealed/, "the typed NIK waits sealed");
  assert.ok(!waiting.includes(niks[id]) && !waiting.includes(niks[id].slice(6)), "the phone's outbox never holds the NIK readable");
  await context.setOffline(false);
  await settled(page);

  const [delivered] = await eventsOf(id, "delivered");
  // Made on the phone as a UUID v7, its time first: the server's log takes it at its end.
  assert.match(delivered.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const madeAt = parseInt(delivered.id.replace(/-/g, "").slice(0, 12), 16);
  assert.ok(Math.abs(madeAt - Date.now()) < 10 * 60_000, `the id begins with the phone's time: ${delivered.id}`);
  const p = delivered.payload;
  assert.equal(p.recipient_relation, "family");
  assert.equal(p.relationship, "istri");
  assert.equal(p.id_check, "match");
  assert.ok(!JSON.stringify(p).includes(niks[id]), "the typed NIK is not stored");
  assert.equal(p.nik_verified, true, "sealed in the browser, opened and matched by the server");
  assert.equal(p.nik_sealed, undefined, "the seal itself is not kept");
  for (const sha of [p.photo_sha256, p.signature_sha256]) {
    const res = await fetch(`${server.base}/api/v1/media/${sha}`, { headers: { authorization: `Bearer ${staff}` } });
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash("sha256").update(body).digest("hex"), sha, "stored under its own hash");
  }
  await setProof({ require_photo: false, require_signature: false, require_id_check: false });
  await context.close();
});

/// The delivery draft the phone keeps in IndexedDB, as stored.
async function storedDraft(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("antar");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction("kv").objectStore("kv").get("draft");
          req.onsuccess = () => resolve(req.result ?? null);
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

test("a half-filled delivery form survives a reload, and goes when it is cancelled", async () => {
  const { context, page } = await openCourier();
  // The list says whose day it shows, and counts only deliveries as done.
  assert.equal(await page.getByTestId("route-date").getAttribute("data-date"), localDay(0));
  const progress = page.getByTestId("progress");
  const [delivered, other, left] = await Promise.all(["data-delivered", "data-other", "data-left"].map((a) => progress.getAttribute(a)));
  assert.equal(Number(delivered) + Number(other) + Number(left), cards.length, "every stop counted once");
  assert.match(await progress.textContent(), new RegExp(`^${delivered} terantar`));
  const id = cards[7];
  await stopRow(page, id).getByTestId("stop-deliver").click();
  const form = stopRow(page, id).getByTestId("delivery-form");
  await form.getByTestId("recipient-relation").selectOption("family");
  await form.getByTestId("recipient-relationship").fill("istri");
  await form.getByTestId("recipient-name").fill("Siti Aminah");
  await form.getByTestId("landmark").fill("depan masjid");
  await form.getByTestId("id-check").fill("1871");
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 50; i++) {
      const d = await storedDraft(page);
      if (d?.landmark === "depan masjid") return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the draft was never kept");
  });
  const kept = await storedDraft(page);
  assert.equal(kept.card_id, id);
  assert.ok(!JSON.stringify(kept).includes("1871"), "the NIK typed at the door is never kept");

  await page.reload();
  const again = stopRow(page, id).getByTestId("delivery-form");
  await again.waitFor();
  assert.equal(await again.getByTestId("recipient-relation").inputValue(), "family");
  assert.equal(await again.getByTestId("recipient-relationship").inputValue(), "istri");
  assert.equal(await again.getByTestId("recipient-name").inputValue(), "Siti Aminah");
  assert.equal(await again.getByTestId("landmark").inputValue(), "depan masjid");
  assert.equal(await again.getByTestId("id-check").inputValue(), "", "typed again at the door");

  await again.getByTestId("delivery-cancel").click();
  await again.waitFor({ state: "detached" });
  assert.equal(await storedDraft(page), null, "a cancelled form leaves no draft");
  await page.reload();
  await stopRow(page, id).waitFor();
  assert.equal(await page.getByTestId("delivery-form").count(), 0, "nothing opens by itself");
  await context.close();
});

test("only one tab sends at a time; the other's work goes once", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  const other = await context.newPage();
  await other.goto(server.base);
  await other.getByTestId("stop-row").first().waitFor();
  // A third party holds the sync lock, as a tab in the middle of a sync would.
  await other.evaluate(() => {
    navigator.locks.request("antar-sync", () => new Promise((release) => (window.releaseSync = release)));
  });

  const id = cards[1];
  await stopRow(page, id).getByTestId("stop-failed").click();
  await stopRow(page, id).getByTestId("failed-submit").click();
  await page.locator("[data-testid=sync-status][data-pending='1']").waitFor();
  await page.getByTestId("sync-now").click();
  await other.getByTestId("sync-now").click();
  await page.waitForTimeout(2_500);
  assert.equal(await page.getByTestId("sync-status").getAttribute("data-pending"), "1", "no tab sends while the lock is held");
  assert.equal((await eventsOf(id, "attempt_failed")).length, 0);

  await other.evaluate(() => window.releaseSync());
  await other.getByTestId("sync-now").click();
  await page.getByTestId("sync-now").click();
  await settled(page);
  await settled(other);
  assert.equal((await eventsOf(id, "attempt_failed")).length, 1, "sent once, by one tab");
  await context.close();
});

test("logging out with unsent work keeps it, and it is sent after the next login", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  await context.setOffline(true);
  const id = cards[2];
  await stopRow(page, id).getByTestId("stop-failed").click();
  await stopRow(page, id).getByTestId("failed-reason").selectOption("moved");
  await stopRow(page, id).getByTestId("failed-submit").click();
  await page.locator("[data-testid=sync-status][data-pending='1']").waitFor();
  await page.getByTestId("sync-failure").waitFor();
  assert.match(await page.getByTestId("sync-failure").textContent(), /Tidak ada koneksi/);
  await page.getByTestId("logout").click();
  await page.getByTestId("login-username").waitFor();

  await context.setOffline(false);
  await page.getByTestId("login-username").fill("kurir2");
  await page.getByTestId("login-password").fill("kurir2-demo-1871");
  await page.getByTestId("login-submit").click();
  await settled(page);
  const [failed] = await eventsOf(id, "attempt_failed");
  assert.equal(failed?.payload.reason, "moved");
  await context.close();
});

test("an expired session never blocks work: the queue waits for the next login", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  // Both tokens dead, as after two weeks without a connection.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem("antar.session"));
    localStorage.setItem("antar.session", JSON.stringify({ ...s, access_token: "expired", refresh_token: "revoked" }));
  });
  const id = cards[5];
  await stopRow(page, id).getByTestId("stop-failed").click();
  await stopRow(page, id).getByTestId("failed-submit").click();
  await page.getByTestId("login-again").waitFor();
  assert.match(await page.getByTestId("sync-failure").textContent(), /Sesi habis/);
  assert.equal(await page.getByTestId("sync-status").getAttribute("data-pending"), "1", "the action is kept");
  assert.equal(await page.locator(`[data-testid=stop-row][data-card-id="${id}"]`).count(), 1, "work goes on meanwhile");

  await page.getByTestId("login-again").click();
  await page.getByTestId("login-username").fill("kurir2");
  await page.getByTestId("login-password").fill("kurir2-demo-1871");
  await page.getByTestId("login-submit").click();
  await settled(page);
  assert.equal((await eventsOf(id, "attempt_failed")).length, 1);
  await context.close();
});

test("work an earlier version kept in localStorage moves to IndexedDB and is sent", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  const id = cards[3];
  const eventId = crypto.randomUUID();
  await page.evaluate(
    ([id, eventId]) => {
      const event = { id: eventId, card_id: id, kind: "attempt_failed", occurred_at: new Date().toISOString(), payload: { reason: "refused" } };
      localStorage.setItem("antar.outbox", JSON.stringify({ pending: [event], rejected: [], sent: [], last_sync: null }));
    },
    [id, eventId],
  );
  await page.reload();
  await page.getByTestId("stop-row").first().waitFor();
  await settled(page);
  assert.equal(await page.evaluate(() => localStorage.getItem("antar.outbox")), null, "the old copy is gone once moved");
  const [failed] = await eventsOf(id, "attempt_failed");
  assert.equal(failed?.id, eventId, "sent with the id made on the phone");
  await context.close();
});

test("a refused action stays on screen with its reason until dismissed, and the office keeps it", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  // A card that was never on this courier's route, as a phone with a
  // mistaken download might hold.
  const stranger = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=1", staff)).json.items[0].id;
  await page.evaluate((card) => {
    const event = { id: crypto.randomUUID(), card_id: card, kind: "attempt_failed", occurred_at: new Date().toISOString(), payload: { reason: "not_home" } };
    localStorage.setItem("antar.outbox", JSON.stringify({ pending: [event], rejected: [], sent: [], last_sync: null }));
  }, stranger);
  await page.reload();
  const refused = page.getByTestId("sync-rejected");
  await refused.waitFor({ timeout: 20_000 });
  // The reason in the courier's language, the code kept for support.
  assert.equal(await refused.getAttribute("data-code"), "not_assigned");
  assert.match(await refused.textContent(), /Kartu tidak ada di rute kurir ini/);
  await page.reload();
  await refused.waitFor();
  assert.equal(await refused.count(), 1, "still there after a reload");
  await refused.getByRole("button").click();
  await refused.waitFor({ state: "detached" });
  await page.reload();
  await page.getByTestId("sync-status").waitFor();
  assert.equal(await refused.count(), 0, "dismissed for good");
  const review = await api(server.base, "GET", "/api/v1/review", staff);
  assert.ok(JSON.stringify(review.json).includes(stranger), "the office's review queue keeps the refused event");
  await context.close();
});

test("the app asks for persistent storage and says so when the browser refuses", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  const persisted = await page.evaluate(() => navigator.storage.persisted());
  assert.equal(await page.getByTestId("storage-not-persistent").isVisible(), !persisted);
  await context.close();
});

test("on a 360-px phone nothing scrolls sideways and every control in a stop is a thumb's size", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  const r = stopRow(page, cards[4]);
  await r.getByTestId("stop-deliver").click();
  await r.getByTestId("recipient-relation").selectOption("family");
  await r.getByTestId("signature-pad").waitFor();
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px screen`);
  const small = await r.locator("button, input, select, textarea, a").evaluateAll((els) =>
    els
      .filter((e) => e.offsetParent !== null && e.type !== "checkbox")
      .map((e) => [e.dataset.testid || e.id || e.textContent.trim(), e.getBoundingClientRect().height])
      .filter(([, h]) => h < 44),
  );
  assert.deepEqual(small, [], "controls under 44 px high");
  await context.close();
});

test("on a 360×740 phone the first stop shows at once, an opened form comes into view and a save says so", async () => {
  const { context, page } = await openCourier();
  await settled(page);
  const screen = page.viewportSize();
  const header = await page.locator("header.bar").boundingBox();
  assert.ok(header.height < 64, `the header is ${header.height} px high: it wrapped`);
  const first = await page.getByTestId("stop-row").first().boundingBox();
  assert.ok(first.y + 80 < screen.height, `the first stop starts at ${first.y} px, below the fold`);

  // Tap "Gagal antar" on a stop whose buttons sit at the bottom of the screen.
  const id = await page.locator("[data-testid=stop-row]:has([data-testid=stop-failed])").last().getAttribute("data-card-id");
  const row = stopRow(page, id);
  const button = row.getByTestId("stop-failed");
  await button.evaluate((b) => b.scrollIntoView({ block: "end" }));
  await button.click();
  const reason = row.getByTestId("failed-reason");
  await reason.waitFor();
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  };
  await page.waitForFunction(onScreen, await reason.elementHandle(), { timeout: 5_000 });
  await row.getByTestId("failed-submit").click();
  const notice = page.getByTestId("saved-notice");
  await notice.waitFor();
  assert.ok(await notice.evaluate(onScreen), "the saved notice is on screen where the courier is");
  assert.match(await notice.textContent(), /tersimpan di ponsel/);
  await settled(page);
  await context.close();
});

test("a route planned for tomorrow waits under its own day and does not join today's count", async () => {
  const tomorrowCards = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=3", staff)).json.items.map((c) => c.id);
  const tomorrow = localDay(1);
  const route = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: courierId, date: tomorrow, card_ids: tomorrowCards });
  assert.equal(route.status, 201, route.text);

  const { context, page } = await openCourier();
  await settled(page);
  await page.getByTestId("day-select").waitFor();
  assert.equal(await page.getByTestId("stop-row").count(), cards.length, "today's stops only");
  assert.equal(await page.getByTestId("pickup").count(), 0, "today's bundle was counted already");
  await page.getByTestId("day-select").selectOption(tomorrow);
  await page.locator(`[data-testid=stop-row][data-card-id="${tomorrowCards[0]}"]`).waitFor();
  assert.equal(await page.getByTestId("stop-row").count(), 3);
  assert.match(await page.getByTestId("pickup").textContent(), /3 kartu menunggu diambil/);
  await context.close();
});
