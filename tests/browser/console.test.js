// The office console in a real browser against the real server (SQLite):
// staff land in it, plan a day, adjust the plan, save it whole or not at
// all, and page through and import cards; a dropped network says so. The
// dashboard follows a courier's sync by itself, the backlog shows when it
// clears, a day is closed and its report read back, a review item opens its
// card and is resolved, an admin manages users and settings, sets up a
// message gateway and sends it a test, and a manual-channel message waits
// in the outbox as a WhatsApp link.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { ADMIN_PASSWORD, api, awayZone, launchBrowser, localDay, login, makePhotos, openAppAs, startServer, userId } from "./harness.js";
import { createHash } from "node:crypto";
import { createServer } from "node:http";

let server;
let browser;
let staff;

const DESK = { viewport: { width: 1366, height: 768 } };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await login(server.base, "petugas", "petugas-demo-1871");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function tomorrow() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return d.toISOString().slice(0, 10);
}

/// The kelurahan with the most plannable cards, and those cards' ids.
async function busiestKelurahan() {
  const counts = new Map();
  for (let page = 1; ; page++) {
    const r = await api(server.base, "GET", `/api/v1/cards?status=printed&per_page=100&page=${page}`, staff);
    for (const c of r.json.items) counts.set(c.kelurahan, (counts.get(c.kelurahan) ?? 0) + 1);
    if (page * 100 >= r.json.total) break;
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
}

async function stopIds(route) {
  return route.getByTestId("plan-stop").evaluateAll((els) => els.map((e) => e.dataset.cardId));
}

async function planFor(page, kelurahan, day = tomorrow()) {
  await page.getByTestId("console-nav-planner").click();
  await page.getByTestId("plan-date").fill(day);
  await page.getByTestId("plan-courier").first().waitFor();
  await page.getByTestId("plan-kelurahan").selectOption(kelurahan);
  await page.getByTestId("plan-cap").fill("40");
  await page.getByTestId("plan-cap").dispatchEvent("change");
  await page.getByTestId("plan-run").click();
  // The plan, or the refusal that says why there is none.
  await page.locator("[data-testid=plan-route], [data-testid=plan-error]").first().waitFor();
  const refused = page.getByTestId("plan-error");
  if (await refused.count()) assert.fail(`the plan was refused: ${await refused.textContent()}`);
}

test("staff who log in at / land in the console; a courier who opens the console is sent to the phone app", async () => {
  const desk = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await desk.page.waitForURL(/\/console\/$/);
  await desk.page.getByTestId("console-nav-planner").waitFor();
  assert.equal(await desk.page.getByTestId("stop-row").count(), 0);
  await desk.context.close();

  const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await phone.newPage();
  await page.goto(`${server.base}/console/plan`);
  await page.getByTestId("login-username").fill("kurir");
  await page.getByTestId("login-password").fill("kurir-demo-1871");
  await page.getByTestId("login-submit").click();
  await page.waitForURL(`${server.base}/`);
  await page.getByTestId("stop-row").first().waitFor();
  await phone.close();
});

test("staff plan tomorrow, move, reorder and drop cards, save every route, and the server holds them in that order", async () => {
  const [kelurahan, n] = await busiestKelurahan();
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await planFor(page, kelurahan);

  const routes = page.getByTestId("plan-route");
  assert.equal(await routes.count(), 2, "one route per demo courier");
  const [a, b] = [routes.nth(0), routes.nth(1)];
  const total = (await stopIds(a)).length + (await stopIds(b)).length + (await page.getByTestId("plan-unassigned").count());
  assert.equal(total, n, "every card of the kelurahan is planned or listed unassigned");
  await page.getByTestId("plan-map").waitFor();
  assert.equal(await page.getByTestId("plan-map-office").count(), 1, "the office (or the pins' centre) is marked");

  // Move a's last stop to b: both counts and lengths change.
  const aBefore = await stopIds(a);
  const bBefore = await stopIds(b);
  assert.ok(aBefore.length >= 3, `courier a has stops: ${aBefore.length}`);
  const metres = async (route) => Number(await route.getByTestId("plan-route-km").getAttribute("data-distance-m"));
  const [lengthA, lengthB] = [await metres(a), await metres(b)];
  // A courier whose route for the day is saved already (the demo courier's,
  // when tomorrow by this clock is the office's today) has it extended: its
  // stops count against the cap.
  const savedOf = async (route) => {
    const note = route.getByTestId("plan-route-extends");
    return (await note.count()) ? Number(await note.getAttribute("data-saved")) : 0;
  };
  const [savedA, savedB] = [await savedOf(a), await savedOf(b)];
  const moved = aBefore.at(-1);
  const bId = await b.getAttribute("data-courier-id");
  await a.locator(`[data-testid=plan-stop][data-card-id="${moved}"] [data-testid=plan-move]`).selectOption(bId);
  await b.locator(`[data-testid=plan-stop][data-card-id="${moved}"]`).waitFor();
  assert.deepEqual(await stopIds(b), [...bBefore, moved]);
  assert.equal((await stopIds(a)).length, aBefore.length - 1);
  assert.match(await a.getByTestId("plan-route-stops").textContent(), new RegExp(`^${savedA + aBefore.length - 1} / 40`));
  assert.ok(await metres(a) < lengthA, "a's tour is shorter without the stop");
  assert.ok(await metres(b) > lengthB, "b's tour is longer with it");

  // Reorder: a's second stop goes first.
  const [first, second] = await stopIds(a);
  await a.locator(`[data-testid=plan-stop][data-card-id="${second}"] [data-testid=plan-up]`).click();
  assert.deepEqual((await stopIds(a)).slice(0, 2), [second, first]);

  // Drop a's third stop back to the pool.
  const dropped = (await stopIds(a))[2];
  await a.locator(`[data-testid=plan-stop][data-card-id="${dropped}"] [data-testid=plan-drop]`).click();
  const out = page.locator(`[data-testid=plan-unassigned][data-card-id="${dropped}"]`);
  await out.waitFor();
  assert.equal(await out.getAttribute("data-reason"), "dropped");
  assert.match(await out.textContent(), /Dikeluarkan oleh petugas/);

  const wantA = await stopIds(a);
  const wantB = await stopIds(b);
  // Leaving with the plan unsaved asks first; staying keeps it as it was.
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
  await page.getByTestId("console-nav-cards").click();
  assert.match(asked, /belum disimpan/);
  assert.deepEqual(await stopIds(a), wantA, "the plan is still on screen");
  await page.getByTestId("plan-save").click();
  await page.getByTestId("plan-saved").waitFor();
  assert.equal(await page.getByTestId("saved-route").count(), 2);

  // Print what goes in the bag: each button hands the browser a PDF.
  for (const button of ["route-sheet", "route-labels"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(button).first().click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-", `${button} is a PDF`);
  }

  const saved = (await api(server.base, "GET", `/api/v1/routes?date=${tomorrow()}`, staff)).json.items;
  const byCourier = Object.fromEntries(saved.map((r) => [r.courier_id, r.stops.sort((x, y) => x.seq - y.seq).map((s) => s.card_id)]));
  const routeA = byCourier[await a.getAttribute("data-courier-id")];
  assert.equal(routeA.length, savedA + wantA.length, "one route for the day, extended");
  assert.deepEqual(routeA.slice(savedA), wantA, "courier a's route, in the order on screen");
  assert.deepEqual(byCourier[bId].slice(savedB), wantB);
  const card = await api(server.base, "GET", `/api/v1/cards/${dropped}`, staff);
  assert.equal(card.json.status, "printed", "the dropped card stays in the pool");
  await context.close();
});

test("a plan with one card taken meanwhile saves nothing and names that card", async () => {
  // The day after tomorrow: tomorrow's routes are saved already.
  const day = localDay(2);
  const [kelurahan] = await busiestKelurahan();
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await planFor(page, kelurahan, day);
  const routes = page.getByTestId("plan-route");
  const planned = [...(await stopIds(routes.nth(0))), ...(await stopIds(routes.nth(1)))];
  assert.ok(planned.length >= 2);
  const before = (await api(server.base, "GET", `/api/v1/routes?date=${day}`, staff)).json.items.length;

  // Another desk puts one of the planned cards on a route first.
  const couriers = (await api(server.base, "GET", "/api/v1/users?role=courier", staff)).json.items;
  const taken = planned.at(-1);
  const other = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: couriers[0].id, date: day, card_ids: [taken] });
  assert.equal(other.status, 201, other.text);

  await page.getByTestId("plan-save").click();
  const error = page.getByTestId("plan-error");
  await error.waitFor();
  assert.match(await error.textContent(), new RegExp(taken), "the 409 names the card");
  const after = (await api(server.base, "GET", `/api/v1/routes?date=${day}`, staff)).json.items.length;
  assert.equal(after, before + 1, "only the other desk's route: the plan saved nothing");
  const untouched = await api(server.base, "GET", `/api/v1/cards/${planned[0]}`, staff);
  assert.equal(untouched.json.status, "printed");
  await context.close();
});

test("the routes board reopens a saved route: reorder, move a stop, give it to another courier, cancel, and print again", async () => {
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const courier = async (name) => {
    const made = await api(server.base, "POST", "/api/v1/users", admin, { username: name, password: `${name}-1871`, role: "courier", display_name: `Kurir ${name}` });
    assert.equal(made.status, 201, made.text);
    return made.json.id;
  };
  const [one, two, three] = [await courier("papan-satu"), await courier("papan-dua"), await courier("papan-tiga")];
  const day = localDay(4);
  const free = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=5", staff)).json.items.map((c) => c.id);
  const route = async (courierId, cards) => {
    const made = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: courierId, date: day, card_ids: cards });
    assert.equal(made.status, 201, made.text);
    return made.json.id;
  };
  const a = await route(one, free.slice(0, 3));
  const b = await route(two, free.slice(3, 5));
  const stopsOf = async (id) => (await api(server.base, "GET", `/api/v1/routes/${id}`, staff)).json.stops.sort((x, y) => x.seq - y.seq).map((s) => s.card_id);

  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  const openBoard = async () => {
    await page.getByTestId("console-nav-routes").click();
    await page.getByTestId("board-date").fill(day);
    await page.locator(`[data-testid=route-row][data-route-id="${a}"]`).waitFor();
  };
  await openBoard();
  const rowA = page.locator(`[data-testid=route-row][data-route-id="${a}"]`);
  assert.equal(await rowA.getAttribute("data-courier-id"), one);
  assert.equal(await rowA.getByTestId("route-row-stops").textContent(), "3");
  await rowA.getByTestId("route-open").click();
  const panel = page.locator(`[data-testid=route-panel][data-route-id="${a}"]`);
  const shown = () => panel.getByTestId("route-stop").evaluateAll((els) => els.map((e) => e.dataset.cardId));
  assert.deepEqual(await shown(), free.slice(0, 3));

  // Reorder: the first stop one down, as the server then holds it.
  await panel.getByTestId("route-stop-down").first().click();
  await panel.locator(`[data-testid=route-stop]:first-child[data-card-id="${free[1]}"]`).waitFor();
  assert.deepEqual(await stopsOf(a), [free[1], free[0], free[2]]);
  // A reload in the middle loses nothing: the board reads the server.
  await page.reload();
  await openBoard();
  await rowA.getByTestId("route-open").click();
  assert.deepEqual(await shown(), [free[1], free[0], free[2]]);

  // Move the last stop to the other courier's route.
  await panel.locator(`[data-testid=route-stop][data-card-id="${free[2]}"] [data-testid=route-stop-move]`).selectOption(b);
  await panel.locator("[data-testid=route-stop]").nth(1).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=route-panel] [data-testid=route-stop]").length === n, 2);
  assert.deepEqual(await stopsOf(b), [free[3], free[4], free[2]]);

  // Give the route to the third courier.
  await panel.getByTestId("route-reassign").selectOption(three);
  await page.locator(`[data-testid=route-row][data-route-id="${a}"][data-courier-id="${three}"]`).waitFor();
  assert.equal((await api(server.base, "GET", `/api/v1/routes/${a}`, staff)).json.courier_id, three);
  const assigned = (await api(server.base, "GET", `/api/v1/cards/${free[0]}`, staff)).json.events.at(-1);
  assert.deepEqual([assigned.kind, assigned.payload.courier_id], ["assigned", three], "each card assigned to the new courier");
  // A route of a courier who already has one that day is refused with the reason.
  await panel.getByTestId("route-reassign").selectOption(two);
  await panel.getByTestId("route-error").filter({ hasText: b }).waitFor();

  // Print the sheet and the labels, twice each: any time, the same file.
  for (const button of ["route-print-sheet", "route-print-labels", "route-print-sheet", "route-print-labels"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), rowA.getByTestId(button).click()]);
    assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), "%PDF-", button);
  }

  // Cancel the other route: its cards go back to the pool.
  const rowB = page.locator(`[data-testid=route-row][data-route-id="${b}"]`);
  await rowB.getByTestId("route-open").click();
  page.once("dialog", (d) => d.accept());
  await page.locator(`[data-testid=route-panel][data-route-id="${b}"]`).getByTestId("route-cancel").click();
  await page.locator(`[data-testid=route-row][data-route-id="${b}"][data-status=cancelled]`).waitFor();
  for (const id of [free[2], free[3], free[4]]) {
    assert.equal((await api(server.base, "GET", `/api/v1/cards/${id}`, staff)).json.status, "printed", "back in the pool");
  }
  await context.close();
});

test("the card list filters by kecamatan and print batch", async () => {
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.getByTestId("console-nav-cards").click();
  await page.getByTestId("card-row").first().waitFor();
  const areas = (await api(server.base, "GET", "/api/v1/cards/areas", staff)).json;
  const kec = areas.kecamatan[0].name;
  await page.getByTestId("card-kecamatan-filter").selectOption(kec);
  const expected = (await api(server.base, "GET", `/api/v1/cards?kecamatan=${encodeURIComponent(kec)}&per_page=1`, staff)).json.total;
  await page.getByTestId("card-total").filter({ hasText: `: ${expected}` }).waitFor();
  for (const text of await page.getByTestId("card-row").allTextContents()) assert.ok(text.includes(kec), text);

  const batch = areas.batches[0];
  await page.getByTestId("card-batch-filter").selectOption(batch);
  const both = (await api(server.base, "GET", `/api/v1/cards?kecamatan=${encodeURIComponent(kec)}&batch=${encodeURIComponent(batch)}&per_page=1`, staff)).json.total;
  assert.ok(both < expected, "the batch narrows the list");
  await page.getByTestId("card-total").filter({ hasText: `: ${both}` }).waitFor();
  await context.close();
});

test("staff import a damaged print batch, see its progress, and read the per-row report", async () => {
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.getByTestId("console-nav-cards").click();
  await page.getByTestId("card-row").first().waitFor();
  const csv = "NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN\n1871010101990001;ANI BARU;JL. A;RAJABASA;RAJABASA\n12345;BUDI;JL. B;RAJABASA;RAJABASA\n";
  await page.getByTestId("import-file").setInputFiles({ name: "batch.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("import-submit").click();
  const report = page.getByTestId("import-report");
  await report.waitFor();
  assert.match(await report.textContent(), /1 diimpor · 0 duplikat · 1 ditolak/);
  const problem = page.getByTestId("import-problem").first();
  assert.match(await problem.textContent(), /^3NIK/, "line 3, column NIK");

  // A large file: the upload's progress shows while it is sent.
  const rows = ["NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN"];
  for (let i = 0; i < 40000; i++) rows.push(`1871010101${String(900000 + i).slice(-6)};WARGA ${i} ${"X".repeat(60)};JL. PANJANG ${i};RAJABASA;RAJABASA`);
  await page.getByTestId("import-dry-run").check();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 4_000_000, uploadThroughput: 1_000_000 });
  await page.getByTestId("import-file").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
  await page.getByTestId("import-submit").click();
  const progress = page.getByTestId("import-progress");
  await progress.waitFor();
  assert.match(await progress.textContent(), /Mengunggah \d+%|Server memeriksa/);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.getByTestId("import-report").filter({ hasText: "akan diimpor" }).waitFor({ timeout: 60_000 });
  await context.close();
});

test("a dropped network says so and a retry loads the list once it is back", async () => {
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.getByTestId("console-nav-planner").waitFor();
  await context.setOffline(true);
  await page.getByTestId("console-nav-cards").click();
  const failure = page.getByTestId("network-error");
  await failure.waitFor();
  assert.match(await failure.textContent(), /Tidak ada koneksi ke server/);
  await context.setOffline(false);
  await failure.getByTestId("retry").click();
  await page.getByTestId("card-row").first().waitFor();
  await context.close();
});

test("the dashboard shows each courier's day and picks up a courier's sync by itself, without a reload", async () => {
  // On a computer whose clock keeps another zone, on another date: the
  // dashboard still opens on the office's today, where the demo route is.
  const timezoneId = awayZone();
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", { ...DESK, timezoneId });
  await page.getByTestId("console-nav-dashboard").click();
  assert.equal(await page.getByTestId("dash-date").inputValue(), localDay(0), "the office's today");
  assert.notEqual(await page.evaluate(() => new Date().toLocaleDateString("en-CA")), localDay(0), "the browser is on another date");
  const courierId = await userId(server.base, "kurir");
  const row = page.locator(`[data-testid="dash-courier"][data-courier-id="${courierId}"]`);
  await row.waitFor();
  const cell = (field) => row.locator(`[data-field="${field}"]`).innerText().then(Number);
  const failedBefore = await cell("failed_attempts");
  const outBefore = (await cell("still_out")) + (await cell("not_taken"));
  assert.ok(outBefore > 0, "the demo courier has cards to deliver today");
  await page.getByTestId("dash-total").waitFor();
  const cards = await api(server.base, "GET", "/api/v1/cards?per_page=1", staff);
  const total = await page.getByTestId("dash-total").locator(".num").innerText();
  assert.equal(Number(total), cards.json.total, "the total bar counts every card of the office");
  let reloaded = false;
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) reloaded = true; });

  // The courier, elsewhere, takes a card and fails to deliver it.
  const courier = await login(server.base, "kurir", "kurir-demo-1871");
  const mine = await api(server.base, "GET", "/api/v1/me/routes", courier);
  const stop = mine.json.items.flatMap((r) => r.stops).find((s) => s.status === "assigned" || s.status === "with_courier");
  const at = new Date().toISOString();
  // In order (the server orders a card's events by time), after the route was made, none in the future.
  const ev = (kind, payload, ms) => ({ id: crypto.randomUUID(), card_id: stop.card_id, kind, occurred_at: new Date(Date.now() + ms).toISOString(), payload });
  const events = stop.status === "assigned" ? [ev("picked_up", {}, 0)] : [];
  events.push(ev("attempt_failed", { reason: "not_home" }, 5));
  const synced = await api(server.base, "POST", "/api/v1/sync", courier, { device_id: "dash-test", sent_at: at, events });
  assert.equal(synced.status, 200, synced.text);
  assert.ok(synced.json.results.every((r) => r.status === "accepted"), synced.text);

  await page.waitForFunction(
    ([id, before]) => {
      const td = document.querySelector(`[data-testid="dash-courier"][data-courier-id="${id}"] [data-field="failed_attempts"]`);
      return td && Number(td.textContent) === before + 1;
    },
    [courierId, failedBefore],
    { timeout: 30_000 },
  );
  assert.equal(reloaded, false, "the page was not reloaded");
  assert.notEqual(await row.getByTestId("dash-last-sync").innerText(), "belum pernah");
  await context.close();
});

test("the backlog screen shows what waits, when it clears, and both charts", async () => {
  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.waitForURL(/\/console\/$/);
  await page.getByTestId("forecast-waiting").waitFor();
  const f = (await api(server.base, "GET", "/api/v1/forecast", staff)).json;
  assert.match(await page.getByTestId("forecast-waiting").innerText(), new RegExp(`^${f.waiting}\\b`));
  const clears = await page.getByTestId("forecast-clears-on").allInnerTexts();
  assert.equal(clears.length, 5);
  const expected = [f.clears_on.current_rate, f.clears_on.at_250, f.clears_on.at_500, f.clears_on.at_700, f.clears_on.at_1000];
  expected.forEach((date, i) => assert.equal(clears[i], date ?? "tidak akan habis (antrean bertambah)"));
  const printed = await page.locator('[data-testid="forecast-flow"] polyline[data-series="printed"]').getAttribute("points");
  assert.equal(printed.trim().split(" ").length, 28, "one point a day for four weeks");
  const projection = page.locator('[data-testid="forecast-backlog"] polyline.projection');
  assert.ok((await projection.getAttribute("points")).split(" ").length >= 2, "the backlog's projection is drawn");
  assert.match(await projection.evaluate((el) => getComputedStyle(el).strokeDasharray), /\d/, "dashed");
  // The values are written on the charts: today's backlog among them.
  const values = await page.locator('[data-testid="forecast-backlog"] [data-testid="chart-value"]').evaluateAll((els) => els.map((e) => e.dataset.value));
  assert.equal(values[0], String(f.backlog), "today's backlog, written at its point");
  // What the office controls: couriers and stops a day, the office as it is first.
  const rows = page.getByTestId("forecast-scenario");
  assert.equal(await rows.count(), f.scenarios.length);
  assert.equal(f.scenarios.length, 6);
  assert.equal(await rows.first().getAttribute("data-couriers"), String(f.scenarios[0].couriers));
  const couriers = (await api(server.base, "GET", "/api/v1/users?role=courier", staff)).json.items.filter((u) => !u.disabled).length;
  assert.equal(f.scenarios[0].couriers, Math.max(couriers, 1), "the office's own couriers first");
  await context.close();
});

test("staff hand a bundle out and receive returns by scanning labels at the desk, close the day, and print the handover report", async () => {
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const made = await api(server.base, "POST", "/api/v1/users", admin, { username: "kurir-tutup", password: "kurir-tutup-1871", role: "courier", display_name: "Kurir Tutup Hari" });
  assert.equal(made.status, 201, made.text);
  const today = new Date().toLocaleDateString("en-CA");
  const free = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=4", staff)).json.items.map((c) => c.id);
  const route = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: made.json.id, date: today, card_ids: free });
  assert.equal(route.status, 201, route.text);

  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  const openDay = async () => {
    await page.getByTestId("console-nav-days").click();
    await page.locator(`[data-testid="day-courier"][data-courier-id="${made.json.id}"]`).click();
  };
  await openDay();
  const report = page.getByTestId("day-report");
  const balance = (text) => report.getByTestId("day-balance").filter({ hasText: text }).waitFor();
  // A USB scanner types the label's link and Enter: three envelopes go in the bag.
  const handout = report.getByTestId("handout-scan");
  for (const id of free.slice(0, 3)) {
    await handout.fill(`${server.base}/s/${id}`);
    await handout.press("Enter");
    await page.locator(`[data-testid=scan-result][data-outcome=moved][data-card-id="${id}"]`).waitFor();
  }
  await balance("Dibawa 3 = Terantar 0 + Kembali 0 + Di kantor desa 0 + Masih dibawa 3");
  assert.equal(await report.getByTestId("day-not-taken").getAttribute("data-count"), "1", "the envelope not scanned stays at the office");

  // The courier delivers one and, with an earlier app, says another went back.
  const courier = await login(server.base, "kurir-tutup", "kurir-tutup-1871");
  const ev = (card, kind, payload = {}, ms = 0) => ({ id: crypto.randomUUID(), card_id: card, kind, occurred_at: new Date(Date.now() + ms).toISOString(), payload });
  const events = [ev(free[0], "delivered", { recipient_name: "Penerima", recipient_relation: "self" }, 5), ev(free[1], "returned_to_office", {}, 6)];
  const synced = await api(server.base, "POST", "/api/v1/sync", courier, { device_id: "close-test", sent_at: new Date(Date.now() + 10).toISOString(), events });
  assert.ok(synced.json.results.every((r) => r.status === "accepted"), synced.text);
  await page.reload();
  await openDay();
  await balance("Dibawa 3 = Terantar 1 + Kembali 0 + Di kantor desa 0 + Masih dibawa 2");
  assert.equal(await report.getByTestId("day-declared").getAttribute("data-count"), "1", "declared returned, not yet received");

  const scan = report.getByTestId("return-scan");
  await scan.fill(`${server.base}/s/${free[0]}`);
  await scan.press("Enter");
  await page.locator("[data-testid=scan-result][data-outcome=refused]").filter({ hasText: /sudah diterima warga/ }).waitFor();
  await scan.fill("bukan label!");
  await scan.press("Enter");
  await page.locator("[data-testid=scan-result][data-outcome=refused]").filter({ hasText: /bukan kode label/ }).waitFor();
  await scan.fill(`${server.base}/s/${free[1]}`);
  await scan.press("Enter");
  await page.locator(`[data-testid=scan-result][data-outcome=moved][data-card-id="${free[1]}"]`).waitFor();
  await balance("Dibawa 3 = Terantar 1 + Kembali 1 + Di kantor desa 0 + Masih dibawa 1");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "return-scan", "the field is ready for the next envelope");
  assert.equal(await report.getByTestId("day-declared").count(), 0, "the claim was received");

  const ticks = report.getByTestId("day-handed-back");
  assert.equal(await ticks.count(), 1);
  assert.equal(await ticks.first().isChecked(), false, "nothing is received on the courier's word");
  const kept = await ticks.first().getAttribute("data-card-id");
  page.once("dialog", (d) => d.accept());
  await report.getByTestId("day-close").click();
  await page.locator('[data-testid="day-report"][data-closed="true"]').waitFor();
  await page.getByTestId("day-discrepancy").waitFor();
  assert.equal(await page.getByTestId("day-close").count(), 0, "a closed day cannot be closed again");
  const day = (await api(server.base, "GET", `/api/v1/couriers/${made.json.id}/days/${today}`, staff)).json;
  assert.equal(day.closed, true);
  assert.deepEqual(day.still_out.map((c) => c.id), [kept], "the card not received stays with the courier");
  assert.deepEqual(day.returned.map((c) => c.id), [free[1]], "the scanned card was received back");

  // The CSV opens in Excel as UTF-8: a BOM, then the header.
  for (const [button, magic] of [["day-report-pdf", "%PDF-"], ["day-report-csv", "\ufeffTANGG"]]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(button).click()]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, Buffer.byteLength(magic)).toString(), magic, button);
    assert.match(download.suggestedFilename(), /^serah-terima-\d{4}-\d\d-\d\d-/, button);
    if (button === "day-report-pdf") {
      // The handover report as the office files it, read back as text.
      const text = execFileSync("pdftotext", ["-layout", await download.path(), "-"], { encoding: "utf8" });
      assert.match(text, /BERITA ACARA SERAH TERIMA KARTU e-KTP/);
      assert.match(text, /Kurir: Kurir Tutup Hari/);
      assert.match(text, /3 = 1 \+ 1 \+ 0 \+ 1 +\(seimbang\)/, text);
      assert.match(text, /Selisih: 1 kartu/);
      assert.doesNotMatch(text, /SEMENTARA/, "closed: not provisional");
    }
  }
  await context.close();
});

test("a delivery without the required signature waits in review; its card shows the photo, the pin and the flag; staff resolve it with a note", async () => {
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const before = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, { ...before, require_signature: true })).status, 200);
  const made = await api(server.base, "POST", "/api/v1/users", admin, { username: "kurir-tinjau", password: "kurir-tinjau-1871", role: "courier", display_name: "Kurir Tinjau" });
  assert.equal(made.status, 201, made.text);
  const card = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=100", staff)).json.items.find((c) => c.phone);
  const today = new Date().toLocaleDateString("en-CA");
  assert.equal((await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: made.json.id, date: today, card_ids: [card.id] })).status, 201);

  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.getByTestId("console-nav-review").waitFor();
  const [photo] = await makePhotos(page, 1);
  const sha = createHash("sha256").update(photo).digest("hex");
  const courier = await login(server.base, "kurir-tinjau", "kurir-tinjau-1871");
  const put = await fetch(`${server.base}/api/v1/media/${sha}`, { method: "PUT", headers: { authorization: `Bearer ${courier}`, "content-type": "image/jpeg" }, body: photo });
  assert.equal(put.status, 201);
  const at = new Date().toISOString();
  // In order (the server orders a card's events by time), after the route was made, none in the future.
  const ev = (kind, payload, ms) => ({ id: crypto.randomUUID(), card_id: card.id, kind, occurred_at: new Date(Date.now() + ms).toISOString(), payload });
  const payload = { recipient_name: "Siti Penerima", recipient_relation: "self", photo_sha256: sha, lat: -5.3971, lon: 105.2668, accuracy_m: 8 };
  const synced = await api(server.base, "POST", "/api/v1/sync", courier, { device_id: "review-test", sent_at: at, events: [ev("picked_up", {}, 0), ev("delivered", payload, 5)] });
  assert.equal(synced.json.results[1].code, "flagged", synced.text);

  const counts = (await api(server.base, "GET", "/api/v1/review/counts", staff)).json;
  await page.getByTestId("console-nav-review").click();
  await page.getByTestId("review-count").filter({ hasText: String(counts.total) }).waitFor();
  await page.getByTestId("review-kind").selectOption("missing_proof");
  const item = page.locator(`[data-testid="review-item"][data-card-id="${card.id}"]`);
  await item.waitFor();
  assert.equal(await page.locator('[data-testid="review-item"]:not([data-kind="missing_proof"])').count(), 0, "filtered by kind");

  await item.getByTestId("review-card").locator("a").click();
  const detail = page.getByTestId("card-detail");
  await detail.waitFor();
  assert.equal(await detail.getAttribute("data-status"), "delivered");
  const img = page.getByTestId("card-photo");
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-photo"]')?.naturalWidth > 0);
  assert.match(await page.getByTestId("card-pin").getAttribute("href"), /openstreetmap\.org\/\?mlat=-5\.397100&mlon=105\.266800/);
  assert.equal(await page.getByTestId("card-event-flag").innerText(), "Bukti yang diwajibkan kantor tidak ada.");
  await page.getByTestId("card-held").click();
  await page.getByTestId("network-error").filter({ hasText: "Bertentangan dengan status kartu atau rute." }).waitFor();
  await page.getByTestId("card-link").click();
  assert.match(await page.getByTestId("card-whatsapp").getAttribute("href"), /^https:\/\/wa\.me\/62\d+\?text=/);

  await page.getByTestId("console-nav-review").click();
  await page.getByTestId("review-kind").selectOption("missing_proof");
  await item.getByTestId("review-note").fill("Tanda tangan diminta ulang; foto sudah cukup.");
  await item.getByTestId("review-resolve").click();
  await item.waitFor({ state: "detached" });
  const after = (await api(server.base, "GET", "/api/v1/review/counts", staff)).json;
  assert.equal(after.missing_proof, counts.missing_proof - 1);
  await page.getByTestId("review-count").filter({ hasText: String(after.total) }).or(page.locator("nav:not(:has([data-testid=review-count]))")).first().waitFor();
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, before)).status, 200);
  await context.close();
});

test("an admin creates a courier, disables them (they cannot log in), enables them, and saves the office settings", async () => {
  const { context, page } = await openAppAs(browser, server.base, "admin", ADMIN_PASSWORD, DESK);
  await page.getByTestId("console-nav-admin").click();
  await page.getByTestId("user-username").fill("kurir-baru");
  await page.getByTestId("user-display-name").fill("Kurir Baru");
  await page.getByTestId("user-role").selectOption("courier");
  await page.getByTestId("user-password").fill("kurir-baru-1871");
  await page.getByTestId("user-create").click();
  const row = page.getByTestId("admin-user").filter({ hasText: "kurir-baru" });
  await row.waitFor();
  assert.equal((await api(server.base, "POST", "/api/v1/auth/login", null, { username: "kurir-baru", password: "kurir-baru-1871" })).status, 200);

  await row.getByTestId("user-toggle").click();
  await page.locator('[data-testid="admin-user"][data-disabled="true"]').filter({ hasText: "kurir-baru" }).waitFor();
  assert.equal((await api(server.base, "POST", "/api/v1/auth/login", null, { username: "kurir-baru", password: "kurir-baru-1871" })).status, 401, "disabled: no login");
  await row.getByTestId("user-toggle").click();
  await page.locator('[data-testid="admin-user"][data-disabled="false"]').filter({ hasText: "kurir-baru" }).waitFor();
  await row.getByTestId("user-new-password").fill("kata-sandi-baru-1871");
  await row.getByTestId("user-set-password").click();
  await page.getByTestId("admin-done").filter({ hasText: "kurir-baru" }).filter({ hasText: "kata sandi diganti" }).waitFor();
  assert.equal((await api(server.base, "POST", "/api/v1/auth/login", null, { username: "kurir-baru", password: "kata-sandi-baru-1871" })).status, 200);

  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const before = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  await page.getByTestId("settings-office_name").fill("KANTOR UJI");
  await page.getByTestId("settings-link_lifetime_days").fill("0");
  await page.getByTestId("settings-form").evaluate((f) => f.setAttribute("novalidate", ""));
  await page.getByTestId("settings-save").click();
  await page.getByTestId("settings-errors").filter({ hasText: "link_lifetime_days" }).waitFor();
  // A refused save keeps every field as typed and says why next to the field, in Indonesian.
  await page.getByTestId("settings-error-link_lifetime_days").filter({ hasText: "antara 1 dan 365 hari" }).waitFor();
  assert.equal(await page.getByTestId("settings-office_name").inputValue(), "KANTOR UJI");
  assert.equal(await page.getByTestId("settings-link_lifetime_days").inputValue(), "0");
  // Leaving with the change unsaved asks first; staying keeps it.
  page.once("dialog", (d) => d.dismiss());
  await page.getByTestId("console-nav-cards").click();
  assert.equal(await page.getByTestId("settings-office_name").inputValue(), "KANTOR UJI", "still on the form");
  await page.getByTestId("settings-office_name").fill(before.office_name);
  await page.getByTestId("settings-link_lifetime_days").fill(String(before.link_lifetime_days));
  await page.getByTestId("settings-max_stops_per_route").fill("33");
  await page.getByTestId("settings-require_gps").setChecked(!before.require_gps);
  await page.getByTestId("settings-save").click();
  await page.getByTestId("settings-saved").waitFor();
  const after = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  assert.deepEqual(after, { ...before, max_stops_per_route: 33, require_gps: !before.require_gps }, "only what was changed");
  // The trail, newest first: the settings just saved, then the password, the enable, the disable, the creation.
  await page.reload();
  await page.getByTestId("audit-intact").waitFor();
  await page.getByTestId("audit-row").nth(4).waitFor();
  const actions = await page.getByTestId("audit-row").evaluateAll((rows) => rows.slice(0, 5).map((r) => r.dataset.action));
  assert.deepEqual(actions, ["settings.change", "user.change", "user.change", "user.change", "user.create"]);
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, before)).status, 200);
  await context.close();

  const desk = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await desk.page.getByTestId("console-nav-planner").waitFor();
  assert.equal(await desk.page.getByTestId("console-nav-admin").count(), 0, "staff do not see Admin");
  await desk.context.close();
});

test("an admin sets a gateway, edits a template with a live preview, and sends a test message it receives", async () => {
  // A gateway stand-in on a spare port: records what it is sent, answers 200.
  const received = [];
  const gateway = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise((ok) => gateway.listen(0, "127.0.0.1", ok));
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const before = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  const { context, page } = await openAppAs(browser, server.base, "admin", ADMIN_PASSWORD, DESK);
  await page.getByTestId("console-nav-admin").click();
  await page.getByTestId("notify-channel").selectOption("webhook");
  await page.getByTestId("notify-url").fill(`http://127.0.0.1:${gateway.address().port}/kirim`);
  await page.getByTestId("notify-secret").fill("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

  const scheduled = page.locator('[data-testid=notify-moment][data-moment="scheduled"]');
  await scheduled.getByTestId("notify-template").fill("Halo {nama}, kartu tiba {tanggal}.");
  await scheduled.getByTestId("notify-template-error").filter({ hasText: "{nama}" }).waitFor();
  await scheduled.getByTestId("notify-template").fill("Halo {nama_depan}, e-KTP tiba {tanggal} dari {kantor}.");
  const preview = scheduled.getByTestId("notify-preview");
  await preview.filter({ hasText: "Halo Siti, e-KTP tiba" }).waitFor();
  assert.match(await preview.textContent(), /tiba (Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d+ \w+ \d{4} dari /, "the date in Indonesian");
  await page.locator('[data-testid=notify-moment][data-moment="delivered"]').getByTestId("notify-moment-on").setChecked(false);
  await page.getByTestId("notify-save").click();
  await page.getByTestId("notify-saved").waitFor();
  const saved = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  assert.equal(saved.notify_channel, "webhook");
  assert.equal(saved.notify_secret_set, true);
  assert.equal(saved.notify_templates.scheduled, "Halo {nama_depan}, e-KTP tiba {tanggal} dari {kantor}.");
  assert.ok(!saved.notify_moments.includes("delivered") && saved.notify_moments.includes("scheduled"));
  assert.equal(saved.office_name, before.office_name, "the rest of the settings untouched");

  await page.getByTestId("notify-test-phone").fill("0812 3456 7890");
  await page.getByTestId("notify-test").click();
  await page.locator('[data-testid=notify-test-result][data-sent="true"]').waitFor();
  assert.equal(received.length, 1, "the gateway got the test message");
  assert.ok(received[0].headers["webhook-signature"].startsWith("v1,"), "signed");
  assert.equal(JSON.parse(received[0].body).data.phone, "6281234567890");
  await context.close();
  gateway.close();
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, { ...before, notify_secret: "" })).status, 200);
});

test("with the manual channel a saved route's message waits in the outbox as a WhatsApp link, and is marked sent", async () => {
  const admin = await login(server.base, "admin", ADMIN_PASSWORD);
  const before = (await api(server.base, "GET", "/api/v1/settings", admin)).json;
  const manual = { ...before, notify_channel: "manual", notify_quiet_hours: "" };
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, manual)).status, 200);
  const courier = (await api(server.base, "GET", "/api/v1/users?role=courier", staff)).json.items[0];
  const printed = (await api(server.base, "GET", "/api/v1/cards?status=printed&per_page=100", staff)).json.items;
  const card = printed.find((c) => c.phone);
  assert.ok(card, "a printed card with a phone number");
  // Three days ahead: the courier's earlier days have their routes.
  const route = await api(server.base, "POST", "/api/v1/routes", staff, { courier_id: courier.id, date: localDay(3), card_ids: [card.id] });
  assert.equal(route.status, 201, route.text);

  const { context, page } = await openAppAs(browser, server.base, "petugas", "petugas-demo-1871", DESK);
  await page.getByTestId("console-nav-messages").click();
  await page.getByTestId("msg-status").selectOption("pending");
  const row = page.locator(`[data-testid="msg-row"][data-moment="scheduled"][data-status="pending"]`).first();
  await row.waitFor();
  const href = await row.getByTestId("msg-whatsapp").getAttribute("href");
  assert.match(href, /^https:\/\/wa\.me\/62\d+\?text=Halo%20/);
  assert.ok(!decodeURIComponent(href).includes(card.nik ?? "no nik in the list"), "no NIK in a message");
  await row.getByTestId("msg-mark-sent").click();
  await page.getByTestId("msg-status").selectOption("sent");
  await page.locator(`[data-testid="msg-row"][data-moment="scheduled"][data-status="sent"]`).first().waitFor();
  const sent = (await api(server.base, "GET", `/api/v1/notifications?card_id=${card.id}`, staff)).json.items;
  assert.deepEqual(sent.map((n) => [n.moment, n.status]), [["scheduled", "sent"]]);
  await context.close();

  assert.equal((await api(server.base, "POST", `/api/v1/routes/${route.json.id}/cancel`, staff, {})).status, 200);
  assert.equal((await api(server.base, "PUT", "/api/v1/settings", admin, before)).status, 200);
});
