import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import t, { type Test } from "tap";
import { createNotifier, RESPONSE_BODY_LIMIT_BYTES, type AlertMessage, type Channel } from "../src/notify/notifier.js";

const message: AlertMessage = {
  notificationId: "n-1",
  event: "channel.test",
  alert: { id: "a", name: "test", type: "TEST", operator: "GREATER_THAN", severity: "LOW", windowMins: 0 },
  state: "TEST",
  value: 0,
  threshold: 0,
};
const channel = (url: string): Channel => ({ id: "c", type: "SLACK", url, secret: null });

/** A local server whose handler answers each request; closed at teardown. */
async function serve(t: Test, handler: (response: ServerResponse) => void) {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => handler(response));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ENDLESS_BYTES = 256 * 1024 * 1024;

/** Answers `status`, then streams up to 256 MiB; resolves with how much it wrote before the client hung up. */
function endlessAnswer(status: number) {
  let written = 0;
  let finish!: (bytes: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const handler = (response: ServerResponse) => {
    response.writeHead(status, { "content-type": "text/plain" });
    const chunk = Buffer.alloc(64 * 1024, "x");
    response.on("close", () => finish(written));
    const pump = () => {
      while (written < ENDLESS_BYTES && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
      response.end();
    };
    pump();
  };
  return { handler, done };
}

t.test("a receiver's answer is read up to a cap, the rest is never read", async (t) => {
  const notifier = createNotifier({ allowPrivateUrls: true });
  t.teardown(() => notifier.close());

  const failing = endlessAnswer(503);
  const result = await notifier.send(channel(await serve(t, failing.handler)), message);
  t.match(result, { status: "FAILED", retryable: true, responseStatus: 503, publicError: "answered 503" });
  t.equal(result.status === "FAILED" && result.error, `answered 503: ${"x".repeat(200)}`, "the detail keeps the start of the answer");
  const written = await failing.done;
  t.comment(`the receiver got to write ${written} bytes`);
  t.ok(written < ENDLESS_BYTES / 4, "the connection was closed long before the receiver was done");

  const succeeding = endlessAnswer(200);
  t.same(await notifier.send(channel(await serve(t, succeeding.handler)), message), { status: "SENT", responseStatus: 200 });
  t.ok((await succeeding.done) < ENDLESS_BYTES / 4, "a 2xx answer is not read to its end either");
  t.equal(RESPONSE_BODY_LIMIT_BYTES, 4096);
});

t.test("failures carry the detail and a fixed public phrase", async (t) => {
  const notifier = createNotifier({ allowPrivateUrls: true, timeoutMs: 300 });
  const strict = createNotifier({ allowPrivateUrls: false });
  t.teardown(() => Promise.all([notifier.close(), strict.close()]));

  const silent = await serve(t, () => {}); // never answers
  t.match(await notifier.send(channel(silent), message), { status: "FAILED", retryable: true, responseStatus: null, publicError: "timed out" });

  const dripping = await serve(t, (response) => {
    response.writeHead(500);
    const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(".")), 50);
  });
  t.match(await notifier.send(channel(dripping), message), { status: "FAILED", responseStatus: 500, publicError: "answered 500" }, "a slow answer is cut off by the timeout");

  const gone = createServer();
  await new Promise<void>((done) => gone.listen(0, "127.0.0.1", done));
  const freedPort = (gone.address() as AddressInfo).port;
  await new Promise((done) => gone.close(done));
  const refusedConnection = await notifier.send(channel(`http://127.0.0.1:${freedPort}/hook`), message);
  t.match(refusedConnection, { status: "FAILED", retryable: true, publicError: "connection failed", error: /ECONNREFUSED/ });

  const unknownHost = await notifier.send(channel("http://no-such-host.invalid/hook"), message);
  t.match(unknownHost, { status: "FAILED", retryable: true, publicError: "could not resolve the host", error: /ENOTFOUND/ });

  const port = new URL(silent).port;
  const resolvesPrivate = await strict.send(channel(`http://localhost:${port}/hook`), message);
  t.match(resolvesPrivate, {
    status: "FAILED",
    retryable: false,
    publicError: "refused: private or reserved address",
    error: /^refused: localhost resolves to private or reserved address (127\.0\.0\.1|::1)$/,
  });
  for (const url of [`http://2130706433:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, "http://169.254.169.254/latest"]) {
    t.match(await strict.send(channel(url), message), { status: "FAILED", retryable: false, publicError: "refused: private or reserved address", error: /^refused: / }, url);
  }
});
