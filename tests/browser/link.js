// A bad mobile link between the phone's browser and the server: a TCP proxy
// the test starts, since `tc netem` needs a kernel module these machines do
// not have. What packet loss does to a phone's HTTP once TCP gives up is
// what it makes, deterministically:
// - a delay on every chunk, each way (ordered, as TCP delivers);
// - every `faultEvery`-th request meets a fault, in turn:
//   `lostAnswer` — the server gets the request and answers, and the
//                  connection is reset before the answer reaches the phone
//                  (the case exactly-once exists for);
//   `cutUpload`  — the connection is reset halfway through the request, so
//                  the server never sees it whole;
//   `stalled`    — the answer never comes and the connection stays open:
//                  only the phone's own timeout ends the wait (each costs
//                  the test that timeout, so only the first `stalls`);
// - a black hole: for a while nothing passes either way; what was sent is
//   delivered after (TCP's retransmission), unless the phone gave up first.
// A request is told apart on a kept-alive connection as the phone's bytes
// that follow the server's.
import { createServer, connect } from "node:net";

const FAULTS = ["lostAnswer", "cutUpload", "stalled"];

export async function lossyLink(targetPort) {
  const link = {
    delayMs: 0,
    faultEvery: 0,
    stalls: 0,
    holeUntil: 0,
    requests: 0,
    stats: { connections: 0, requests: 0, cutUpload: 0, lostAnswer: 0, stalled: 0, heldInHole: 0 },
    sockets: new Set(),
    /// From now on: `delayMs` each way, a fault every `faultEvery`-th
    /// request, `stalls` of them stalled.
    worsen({ delayMs, faultEvery, stalls }) {
      this.delayMs = delayMs;
      this.faultEvery = faultEvery;
      this.stalls = stalls;
    },
    /// Nothing passes for `ms`.
    blackHole(ms) {
      this.holeUntil = Date.now() + ms;
    },
    async close() {
      for (const s of this.sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };

  const server = createServer((phone) => {
    link.stats.connections++;
    const upstream = connect(targetPort, "127.0.0.1");
    link.sockets.add(phone).add(upstream);
    // What the request now in flight meets, and whether the server has
    // answered since the phone last sent.
    let fault = null;
    let answered = true;
    const reset = () => {
      phone.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    const fromPhone = pipe(phone, upstream, (data) => {
      if (answered) {
        answered = false;
        fault = null;
        if (link.faultEvery > 0) {
          link.requests++;
          link.stats.requests++;
          if (link.requests % link.faultEvery === 0) {
            const kinds = link.stats.stalled < link.stalls ? FAULTS : FAULTS.slice(0, 2);
            fault = kinds[(link.requests / link.faultEvery - 1) % kinds.length];
            link.stats[fault]++;
          }
        }
      }
      if (fault === "cutUpload") {
        fromPhone.push(data.subarray(0, data.length >> 1));
        setTimeout(reset, link.delayMs + 50);
        return null;
      }
      return data;
    });
    const stalled = () => fault === "stalled";
    pipe(upstream, phone, (data) => {
      answered = true;
      if (fault === "lostAnswer") {
        reset();
        return null;
      }
      if (stalled()) return null;
      return data;
    }, stalled);
    for (const s of [phone, upstream]) {
      s.on("error", () => {});
      s.on("close", () => {
        link.sockets.delete(s);
        // A stalled connection stays open on the phone's side even when
        // the server closes its own (an idle kept-alive connection).
        if (s === upstream && stalled()) return;
        phone.destroy();
        upstream.destroy();
      });
    }
  });

  // Forwards `from` to `to` through the delay and the black hole; `pass`
  // sees each chunk first and returns what to forward (null: nothing);
  // while `holdsOpen()`, the end of `from` is not passed on.
  function pipe(from, to, pass, holdsOpen = () => false) {
    const queue = [];
    let timer = null;
    let ended = false;
    const pump = () => {
      timer = null;
      while (queue.length) {
        const now = Date.now();
        const wait = Math.max(queue[0].at - now, link.holeUntil - now);
        if (wait > 0) {
          timer = setTimeout(pump, wait);
          return;
        }
        const { data } = queue.shift();
        if (!to.destroyed) to.write(data);
      }
      if (ended && !to.destroyed && !holdsOpen()) to.end();
    };
    const push = (data) => {
      if (Date.now() < link.holeUntil) link.stats.heldInHole++;
      queue.push({ at: Date.now() + link.delayMs, data });
      if (!timer) pump();
    };
    from.on("data", (chunk) => {
      const data = pass(chunk);
      if (data) push(data);
    });
    from.on("end", () => {
      ended = true;
      if (!timer) pump();
    });
    return { push };
  }

  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  link.base = `http://127.0.0.1:${server.address().port}`;
  return link;
}
