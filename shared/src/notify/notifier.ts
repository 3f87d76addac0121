import { createHmac, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { Agent, request } from "undici";
import { isPrivateAddress, privateAwareLookup } from "./url-guard.js";

const SEND_TIMEOUT_MS = 5_000;

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
  /** retryable: a later attempt may succeed (5xx, 429, network); else it never will (4xx). */
  | { status: "FAILED"; retryable: boolean; responseStatus: number | null; error: string };

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

/** Sends alert notifications; refuses private addresses unless allowPrivateUrls (tests, local). */
export function createNotifier(options: { allowPrivateUrls: boolean }): Notifier {
  const agent = new Agent(options.allowPrivateUrls ? {} : { connect: { lookup: privateAwareLookup } });

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
        const host = new URL(channel.url).hostname.replace(/^\[|\]$/g, "");
        // IP literals skip DNS, so the lookup guard never sees them.
        if (!options.allowPrivateUrls && isIP(host) && isPrivateAddress(host)) {
          return { status: "FAILED", retryable: false, responseStatus: null, error: `refused: ${host} is a private address` };
        }
        const response = await request(channel.url, {
          method: "POST",
          headers,
          body,
          dispatcher: agent,
          headersTimeout: SEND_TIMEOUT_MS,
          bodyTimeout: SEND_TIMEOUT_MS,
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        const text = await response.body.text().catch(() => "");
        if (response.statusCode < 300) return { status: "SENT", responseStatus: response.statusCode };
        const retryable = response.statusCode >= 500 || response.statusCode === 429 || response.statusCode === 408;
        return { status: "FAILED", retryable, responseStatus: response.statusCode, error: `answered ${response.statusCode}: ${text.slice(0, 200)}` };
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { status: "FAILED", retryable: code !== "EPRIVATE", responseStatus: null, error: (error as Error).message };
      }
    },
    close: () => agent.close(),
  };
}
