import type { Logger } from "pino";

/**
 * Shared by a worker's queue consumers: while a dependency (internal API, database, Temporal) is
 * down, they take no new items, so an outage holds the few items in flight instead of churning
 * through the queue. Those items keep retrying; the first that succeeds resumes all (and so does
 * the last one leaving for another reason, so the pause never outlives them).
 */
export class ConsumptionPause {
  private since: number | undefined;
  private waiting = 0;

  constructor(private readonly log: Logger) {}

  get paused(): boolean {
    return this.since !== undefined;
  }

  /** An item failed for an outage: pause (logged once per outage). */
  pause(error: string): void {
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.log.warn({ error }, "dependency unavailable: pausing queue consumption; items in flight are retried");
  }

  resume(): void {
    if (this.since === undefined) return;
    this.log.info({ pausedMs: Date.now() - this.since }, "dependency available again: resuming queue consumption");
    this.since = undefined;
  }

  /** An item starts waiting out an outage. */
  hold(): void {
    this.waiting++;
  }

  /** An item that waited is done (stored, dead-lettered, or left for recovery when stopping). */
  release(resumeIfLast = true): void {
    this.waiting--;
    if (this.waiting === 0 && resumeIfLast) this.resume();
  }
}
