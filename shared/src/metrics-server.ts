import { once } from "node:events";
import { createServer } from "node:http";

export interface MetricsServerOptions {
  host: string;
  /** 0: no listener. */
  port: number;
  /** The exposition text, rendered by the metrics library at each scrape. */
  scrape(): Promise<{ contentType: string; body: string }>;
  onError?(error: unknown): void;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics for Prometheus on a listener of its own, so metrics never share the public port.
 * Resolves once listening (rejects when the port is taken); undefined when the port is 0.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer | undefined> {
  if (options.port === 0) return undefined;
  const server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?", 1)[0] !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    options.scrape().then(
      ({ contentType, body }) => response.writeHead(200, { "content-type": contentType }).end(body),
      (error: unknown) => {
        options.onError?.(error);
        response.writeHead(500).end();
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      // A scraper's keep-alive connection must not hold the process open.
      server.closeAllConnections();
      await closed;
    },
  };
}
