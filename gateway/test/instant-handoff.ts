import type { Handoff, IngestItem } from "../src/handoff/index.js";

/**
 * A handoff that takes everything at once and records it: for tests about what happens before
 * items are handed on (limits, health checks), without Temporal's latency in the way.
 */
export function instantHandoff(check: () => Promise<void> = async () => {}) {
  const submitted: IngestItem[] = [];
  let checks = 0;
  const handoff: Handoff = {
    name: "temporal",
    async submit(item) {
      submitted.push(item);
      return { workflowId: `ingest-${item.input.projectId}-instant` };
    },
    receipt: async () => undefined,
    alerts: { trigger: async () => {}, stop: async () => {} },
    async check() {
      checks++;
      await check();
    },
    close: async () => {},
  };
  return { handoff, submitted, checks: () => checks };
}
