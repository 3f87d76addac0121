import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A local HTTP endpoint that records what it receives; `statuses` are answered in turn, then 200. */
export async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "/", headers: request.headers, body, at: Date.now() });
      response.writeHead(statuses.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Checks a Standard Webhooks signature the way a receiver would. */
export function verifyStandardWebhook(secret: string, message: Received): boolean {
  const id = message.headers["webhook-id"];
  const timestamp = message.headers["webhook-timestamp"];
  const signatures = String(message.headers["webhook-signature"] ?? "").split(" ");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${message.body}`).digest("base64")}`;
  return signatures.includes(expected);
}
