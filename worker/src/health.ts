import { createServer, type Server } from "node:http";

/** What the worker reports on its health port (compose and orchestrators probe it). */
export const health = { ready: false, mode: "" };

/** GET /health → 200 while the worker takes work, 503 before and while it stops. Port 0: off. */
export function startHealthServer(port: number): Server | undefined {
  if (port === 0) return undefined;
  const server = createServer((request, response) => {
    const status = request.url === "/health" && health.ready ? 200 : 503;
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ ready: health.ready, mode: health.mode }));
  });
  server.listen(port, "0.0.0.0");
  return server;
}
