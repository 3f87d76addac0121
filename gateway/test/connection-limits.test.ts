import { connect, type AddressInfo } from "node:net";
import t from "tap";
import { CONNECTION_TIMEOUT_MS, HEADERS_TIMEOUT_MS, MAX_HEADER_BYTES } from "../src/http/connection-limits.js";
import { gatewayFixture } from "./fixture.js";
import { instantHandoff } from "./instant-handoff.js";

/** Writes `head` to the server, then whatever `trickle` writes, and resolves with all it answered. */
function rawRequest(port: number, head: string, trickle?: (write: (chunk: string) => void) => () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    let stop = () => {};
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("error", (error) => (answer ? undefined : reject(error)));
    socket.on("close", () => {
      stop();
      resolve(answer);
    });
    socket.write(head);
    if (trickle) stop = trickle((chunk) => socket.write(chunk));
  });
}

t.test("timeouts and header size, as set on both servers", async (t) => {
  const { app, internal } = await gatewayFixture(t, { handoff: instantHandoff().handoff });
  await app.ready();
  for (const [name, server] of [["public", app.server], ["internal", internal.server]] as const) {
    t.equal(server.requestTimeout, 30_000, `${name}: requestTimeout`);
    t.equal(server.headersTimeout, HEADERS_TIMEOUT_MS, `${name}: headersTimeout`);
    t.equal(server.keepAliveTimeout, 72_000, `${name}: keepAliveTimeout above load balancers' 60 s`);
    t.equal(server.timeout, CONNECTION_TIMEOUT_MS, `${name}: connection (socket idle) timeout`);
    // Set from the server options; @types/node does not declare it on Server.
    t.equal((server as unknown as { maxHeaderSize: number }).maxHeaderSize, MAX_HEADER_BYTES, `${name}: maxHeaderSize`);
  }
});

t.test("a body that trickles in too slowly gets 408; oversized headers get 431", async (t) => {
  const { app, auth } = await gatewayFixture(t, {
    handoff: instantHandoff().handoff,
    limits: { http: { requestTimeoutMs: 1000, keepAliveTimeoutMs: 72_000 } },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;

  const head = [
    "POST /v1/traces HTTP/1.1",
    "Host: localhost",
    `Authorization: ${auth().authorization}`,
    "Content-Type: application/json",
    "Content-Length: 100",
    "",
    "",
  ].join("\r\n");
  // Headers at once, then one byte of the body per second: never done within the 1 s allowed.
  const slow = await rawRequest(port, head, (write) => {
    const timer = setInterval(() => write(" "), 1000);
    return () => clearInterval(timer);
  });
  t.match(slow, /^HTTP\/1\.1 408 /);

  const huge = await rawRequest(port, `GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${"a".repeat(MAX_HEADER_BYTES + 1024)}\r\n\r\n`);
  t.match(huge, /^HTTP\/1\.1 431 /);
  const normal = await rawRequest(port, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  t.match(normal, /^HTTP\/1\.1 200 /);
});
