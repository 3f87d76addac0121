import { createHmac, randomBytes } from "node:crypto";
import { Agent, request, type Dispatcher } from "undici";
import { literalAddressProblem, privateAwareLookup } from "./url-guard.js";

const SEND_TIMEOUT_MS = 5_000;
/** What is read of a receiver's answer; the rest is never read (the connection is closed). */
export const RESPONSE_BODY_LIMIT_BYTES = 4 * 1024;

export interface Channel {
  id: string;
  type: "WEBHOOK" | "SLACK" | "DISCORD";
  url: string;
  secret: string | null;
}

export interface AlertMessage {
  /** Standard Webhooks webhook-id: the same for every retry of one notification. */
  notificationId: string;
  event: "alert.firing" | "alert.resolved" | "channel.test";
  alert: { id: string; name: string; type: string; operator: string; severity: string; windowMins: number };
  state: string;
  value: number;
  threshold: number;
}

export type DeliveryResult =
  | { status: "SENT"; responseStatus: number }
  /**
   * retryable: a later attempt may succeed (5xx, 429, network); else it never will (4xx).
   * error: the full detail, for logs and the recorded delivery. publicError: one of a few fixed
   * phrases, safe to show to whoever owns the channel (no addresses, no resolver messages).
   */
  | { status: "FAILED"; retryable: boolean; responseStatus: number | null; error: string; publicError: PublicDeliveryError };

export type PublicDeliveryError =
  | "refused: private or reserved address"
  | "could not resolve the host"
  | "connection failed"
  | "timed out"
  | `answered ${number}`;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(secret bytes, "id.timestamp.body")). */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

function summary(message: AlertMessage): string {
  if (message.event === "channel.test") return `CognObserve test notification for this channel`;
  const { alert } = message;
  const comparison = alert.operator === "GREATER_THAN" ? ">" : "<";
  return `[${message.state}] ${alert.name} (${alert.severity}): ${alert.type} is ${message.value} ` +
    `(threshold ${comparison} ${message.threshold}, last ${alert.windowMins} min)`;
}

function payload(channel: Channel, message: AlertMessage): string {
  switch (channel.type) {
    case "SLACK":
      return JSON.stringify({ text: summary(message) });
    case "DISCORD":
      return JSON.stringify({ content: summary(message) });
    case "WEBHOOK":
      return JSON.stringify({
        type: message.event,
        timestamp: new Date().toISOString(),
        data: { alert: message.alert, state: message.state, value: message.value, threshold: message.threshold, summary: summary(message) },
      });
  }
}

export interface Notifier {
  send(channel: Channel, message: AlertMessage): Promise<DeliveryResult>;
  close(): Promise<void>;
}

const RESOLVER_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA", "ENODATA", "ESERVFAIL"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** A failed connection as a result: the error's own message, and its fixed public phrase. */
function connectionFailure(error: unknown): DeliveryResult {
  const { code, name, message } = error as { code?: unknown; name?: string; message?: string };
  const causeCode = ((error as { cause?: { code?: unknown } }).cause ?? {}).code;
  const codes = [code, causeCode].filter((c): c is string => typeof c === "string");
  const publicError: PublicDeliveryError = codes.includes("EPRIVATE")
    ? "refused: private or reserved address"
    : codes.some((c) => RESOLVER_CODES.has(c))
      ? "could not resolve the host"
      : name === "TimeoutError" || codes.some((c) => TIMEOUT_CODES.has(c))
        ? "timed out"
        : "connection failed";
  // A refusal stays a refusal; anything else on the way may clear up.
  return { status: "FAILED", retryable: !codes.includes("EPRIVATE"), responseStatus: null, error: message ?? String(error), publicError };
}

/**
 * At most `limit` bytes of a response body, as text. The body is then destroyed, which closes the
 * connection, so a receiver streaming without end costs no more than that (plus undici's buffer).
 */
async function readCapped(body: Dispatcher.ResponseData["body"], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Destroying an unfinished body emits an abort error nobody else listens for.
  body.on("error", () => {});
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer.subarray(0, limit - size));
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // A body cut off half-way (timeout, reset): the status still says how the receiver answered.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Sends alert notifications; refuses non-public addresses unless allowPrivateUrls (tests, local).
 * timeoutMs bounds a whole send, from connecting to the end of what is read of the answer.
 */
export function createNotifier(options: { allowPrivateUrls: boolean; timeoutMs?: number }): Notifier {
  const agent = new Agent(options.allowPrivateUrls ? {} : { connect: { lookup: privateAwareLookup } });
  const timeoutMs = options.timeoutMs ?? SEND_TIMEOUT_MS;

  return {
    async send(channel, message) {
      const body = payload(channel, message);
      const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "CognObserve-Alerts/1" };
      if (channel.type === "WEBHOOK" && channel.secret) {
        const timestamp = Math.floor(Date.now() / 1000);
        headers["webhook-id"] = message.notificationId;
        headers["webhook-timestamp"] = String(timestamp);
        headers["webhook-signature"] = signWebhook(channel.secret, message.notificationId, timestamp, body);
      }
      try {
        // IP literals skip DNS, so the lookup guard never sees them.
        const refused = options.allowPrivateUrls ? null : literalAddressProblem(channel.url);
        if (refused) return { status: "FAILED", retryable: false, responseStatus: null, error: refused, publicError: "refused: private or reserved address" };
        const response = await request(channel.url, {
          method: "POST",
          headers,
          body,
          dispatcher: agent,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await readCapped(response.body, RESPONSE_BODY_LIMIT_BYTES);
        const status = response.statusCode;
        if (status < 300) return { status: "SENT", responseStatus: status };
        const retryable = status >= 500 || status === 429 || status === 408;
        return { status: "FAILED", retryable, responseStatus: status, error: `answered ${status}: ${text.slice(0, 200)}`, publicError: `answered ${status}` };
      } catch (error) {
        return connectionFailure(error);
      }
    },
    close: () => agent.close(),
  };
}
