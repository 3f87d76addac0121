import { once } from "node:events";
import { createServer } from "node:net";

/** How long a scrape waits for the Temporal runtime's exporter. */
const SCRAPE_TIMEOUT_MS = 2000;

/**
 * A free loopback port for the Temporal runtime's Prometheus exporter. The runtime cannot report
 * the port it bound, so one is picked here; only the worker's own /metrics reads it.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The Temporal SDK's metrics (Prometheus text), or nothing while its exporter does not answer. */
export async function scrapeTemporalMetrics(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    return response.ok ? await response.text() : "";
  } catch {
    return "";
  }
}
