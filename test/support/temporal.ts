import { randomBytes } from "node:crypto";

/** The server `npm test` started or found (scripts/test.mjs). */
export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? "127.0.0.1:7233";
export const TEMPORAL_NAMESPACE = process.env.TEMPORAL_NAMESPACE ?? "cognobserve";

/** Each test gets its own task queue, so no other worker on the same server takes its work. */
export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** A port nothing listens on: Temporal "down". */
export const DEAD_TEMPORAL_ADDRESS = "127.0.0.1:1";
