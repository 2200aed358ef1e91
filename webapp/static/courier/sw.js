// Antar's service worker: precaches the app shell so the app opens with no
// network. The build fills in the version and the file list.
const VERSION = "{{VERSION}}";
const SHELL = [/*{{SHELL}}*/];
const CACHE = `antar-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("antar-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The API, resident pages and the office console (online only, and not
  // the phone's to keep) always go to the network. A door link (/s/…) is a
  // navigation like any other: offline it opens the cached app, which finds
  // the stop among the routes on the phone.
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/t/") || url.pathname.startsWith("/console")) return;
  if (req.mode === "navigate") {
    event.respondWith(navigate(req));
    return;
  }
  event.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit || fetch(req)));
});

// How long a page load waits for the network before opening the kept app.
const NAVIGATE_WAIT_MS = 4000;

// Network first, so a new release shows at once; the kept shell when
// offline, and also when the network does not answer in time: a phone with
// bars but no data would otherwise wait for TCP to give up, minutes.
async function navigate(req) {
  const network = fetch(req);
  network.catch(() => {});
  const late = new Promise((resolve) => setTimeout(() => resolve(null), NAVIGATE_WAIT_MS));
  try {
    const answer = await Promise.race([network, late]);
    if (answer) return answer;
  } catch {
    // Offline: the shell.
  }
  return (await caches.match("/", { cacheName: CACHE })) || network;
}
