// Antar's thin adapters over browser APIs the app needs on a phone:
// IndexedDB, Web Locks, persistent storage, the camera's photos and a
// signature pad. What to store and when is decided in Rust; this file only
// speaks to the browser. Values cross as JSON text.
"use strict";
(() => {
  const DB_NAME = "antar";
  const DB_VERSION = 1;
  let opening = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    });
  }

  function db() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const d = req.result;
          // Actions not yet answered by the server, in the order recorded.
          d.createObjectStore("pending", { keyPath: "id" }).createIndex("seq", "seq");
          // Answered actions whose effect the downloaded routes may not show yet.
          d.createObjectStore("answered", { keyPath: "id" });
          // Actions the server refused, until the courier dismisses them.
          d.createObjectStore("rejected", { keyPath: "id" });
          // Routes, proof rules, last sync: one value per key.
          d.createObjectStore("kv");
          // Photos and signatures not yet uploaded, by SHA-256.
          d.createObjectStore("media");
        };
        req.onsuccess = () => {
          const d = req.result;
          // A newer version in another tab: let it upgrade.
          d.onversionchange = () => { d.close(); opening = null; };
          resolve(d);
        };
        req.onerror = () => { opening = null; reject(req.error); };
        req.onblocked = () => reject(new Error("storage is held by an older tab"));
      });
    }
    return opening;
  }

  // Applies a list of writes in one transaction: all or none.
  // op: {op: "add" | "put" | "delete", store, key?, value?}
  async function write(opsJson) {
    const ops = JSON.parse(opsJson);
    const d = await db();
    const stores = [...new Set(ops.map((o) => o.store))];
    if (stores.length === 0) return;
    const tx = d.transaction(stores, "readwrite");
    const finished = done(tx);
    for (const o of ops) {
      const s = tx.objectStore(o.store);
      if (o.op === "delete") s.delete(o.key);
      else if (o.key === undefined || o.key === null) s[o.op](o.value);
      else s[o.op](o.value, o.key);
    }
    await finished;
  }

  // Every value of a store (pending in the order recorded), as JSON.
  async function all(store) {
    const d = await db();
    const s = d.transaction(store, "readonly").objectStore(store);
    const source = store === "pending" ? s.index("seq") : s;
    return JSON.stringify(await request(source.getAll()));
  }

  async function get(store, key) {
    const d = await db();
    const v = await request(d.transaction(store, "readonly").objectStore(store).get(key));
    return v === undefined ? null : JSON.stringify(v);
  }

  async function putMedia(sha, bytes, type) {
    const d = await db();
    const tx = d.transaction("media", "readwrite");
    const finished = done(tx);
    tx.objectStore("media").put({ bytes, type }, sha);
    await finished;
  }

  async function mediaKeys() {
    const d = await db();
    return JSON.stringify(await request(d.transaction("media", "readonly").objectStore("media").getAllKeys()));
  }

  // {bytes: Uint8Array, type} or null.
  async function getMedia(sha) {
    const d = await db();
    const v = await request(d.transaction("media", "readonly").objectStore("media").get(sha));
    return v === undefined ? null : v;
  }

  // Runs `work` (returning a promise) only if no other tab holds `name`;
  // resolves true when it ran. Without Web Locks, runs it.
  async function exclusive(name, work) {
    if (!navigator.locks) {
      await work();
      return true;
    }
    return navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await work();
      return true;
    });
  }

  // "granted", "refused" or "unsupported".
  async function persist() {
    if (!navigator.storage || !navigator.storage.persist) return "unsupported";
    try {
      if (await navigator.storage.persisted()) return "granted";
      return (await navigator.storage.persist()) ? "granted" : "refused";
    } catch (_) {
      return "refused";
    }
  }

  function toBlob(canvas, type, quality) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the image could not be encoded"))), type, quality));
  }

  // A photo from the camera, scaled and re-encoded as JPEG until it fits
  // in `maxBytes`. Resolves {bytes: Uint8Array, type, url} (url: a preview).
  async function shrinkPhoto(file, maxBytes) {
    const image = await createImageBitmap(file);
    let side = 1600;
    let quality = 0.8;
    for (let round = 0; ; round++) {
      const scale = Math.min(1, side / Math.max(image.width, image.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      const blob = await toBlob(canvas, "image/jpeg", quality);
      if (blob.size <= maxBytes || round >= 8) {
        image.close();
        return { bytes: new Uint8Array(await blob.arrayBuffer()), type: "image/jpeg", url: URL.createObjectURL(blob) };
      }
      if (quality > 0.5) quality -= 0.15;
      else side = Math.round(side * 0.75);
    }
  }

  // A signature pad on a canvas: draw with a finger or a pen.
  function signaturePad(canvas) {
    const ctx = canvas.getContext("2d");
    let strokes = 0;
    let last = null;
    const fit = () => {
      const r = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(r.width));
      canvas.height = Math.max(1, Math.round(r.height));
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
    };
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    canvas.addEventListener("pointerdown", (e) => {
      canvas.setPointerCapture(e.pointerId);
      last = at(e);
      strokes++;
      ctx.beginPath();
      ctx.arc(last[0], last[1], 1, 0, 2 * Math.PI);
      ctx.fill();
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!last) return;
      const p = at(e);
      ctx.beginPath();
      ctx.moveTo(last[0], last[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      last = p;
    });
    const end = () => { last = null; };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    fit();
    return {
      isEmpty: () => strokes === 0,
      clear: () => { strokes = 0; fit(); },
      png: async () => new Uint8Array(await (await toBlob(canvas, "image/png")).arrayBuffer()),
    };
  }

  // The NIK typed at the door, sealed to the server's public key so the
  // outbox never holds it readable (the server's auth/nik_seal.rs opens it):
  // ECDH P-256 with a fresh key, HKDF-SHA256 (salt: the fresh public key;
  // info: "antar/nik-seal/v1" + card id), AES-256-GCM with the card id as
  // associated data. Resolves to JSON {epk, ct}, base64url.
  const b64u = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const unb64u = (s) =>
    Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  async function sealNik(serverKey, cardId, nik) {
    const subtle = crypto.subtle;
    const curve = { name: "ECDH", namedCurve: "P-256" };
    const server = await subtle.importKey("raw", unb64u(serverKey), curve, false, []);
    const mine = await subtle.generateKey(curve, false, ["deriveBits"]);
    const epk = new Uint8Array(await subtle.exportKey("raw", mine.publicKey));
    const shared = await subtle.deriveBits({ name: "ECDH", public: server }, mine.privateKey, 256);
    const ikm = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    const text = new TextEncoder();
    const info = new Uint8Array([...text.encode("antar/nik-seal/v1"), ...text.encode(cardId)]);
    const key = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: epk, info }, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    const ct = await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), additionalData: text.encode(cardId) }, key, text.encode(nik));
    return JSON.stringify({ epk: b64u(epk), ct: b64u(ct) });
  }

  // Scanning a label's QR code with the camera, where the browser has a
  // BarcodeDetector (Chrome on Android does; desktop Linux does not): the
  // app offers a typed fallback either way.
  const canScan = () => "BarcodeDetector" in globalThis && !!navigator.mediaDevices?.getUserMedia;

  /// Shows the back camera in `video` until a QR code is seen (resolves to
  /// its text) or `video.dataset.stop` is set (rejects); the camera is
  /// released either way.
  async function scanQr(video) {
    if (!canScan()) throw new Error("unsupported");
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    try {
      video.srcObject = stream;
      await video.play();
      for (;;) {
        if (video.dataset.stop) throw new Error("cancelled");
        const found = await detector.detect(video);
        if (found.length) return found[0].rawValue;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      stream.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
    }
  }

  globalThis.antarDevice = {
    write, all, get, putMedia, mediaKeys, getMedia, exclusive, persist, shrinkPhoto, signaturePad, sealNik,
    canScan, scanQr,
  };
})();
