import type { RedisKeys } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Activities } from "../activities/index.js";
import { stepLog } from "../logger.js";
import { evaluateAlertStep } from "../steps/alert.js";
import { retrying } from "./retry.js";

const TICK_MS = 500;

/**
 * Legacy mode's alerting: the alert workflow's loop, in-process. Each tick evaluates the enabled
 * alerts that are due; a Redis lock held for one interval makes one worker of many evaluate each.
 * Error traces make their project's ERROR_RATE alerts due at once.
 */
export class IntervalAlertEvaluator {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly lastRun = new Map<string, number>();
  private readonly triggeredProjects = new Set<string>();

  constructor(
    private readonly deps: { db: Db; redis: Redis; keys: RedisKeys; activities: Activities; log: Logger },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, TICK_MS);
  }

  trigger(projectId: string): void {
    this.triggeredProjects.add(projectId);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    const { db, redis, keys, log } = this.deps;
    const triggered = new Set(this.triggeredProjects);
    this.triggeredProjects.clear();
    try {
      const alerts = await db.selectFrom("alerts").select(["id", "project_id", "type", "evaluation_interval_secs"]).where("enabled", "=", true).execute();
      const now = Date.now();
      const due = alerts.filter(
        (a) =>
          (a.type === "ERROR_RATE" && triggered.has(a.project_id)) ||
          now - (this.lastRun.get(a.id) ?? 0) >= a.evaluation_interval_secs * 1000,
      );
      await Promise.all(
        due.map(async (alert) => {
          this.lastRun.set(alert.id, now);
          const lockMs = Math.max(alert.evaluation_interval_secs * 1000 - TICK_MS, TICK_MS);
          const forced = alert.type === "ERROR_RATE" && triggered.has(alert.project_id);
          const locked = forced || (await redis.set(keys.alertLock(alert.id), "1", "PX", lockMs, "NX")) === "OK";
          if (locked) await this.evaluate(alert.id);
        }),
      );
    } catch (error) {
      log.warn({ error: (error as Error).message }, "alert evaluation failed");
    }
  }

  private async evaluate(alertId: string): Promise<void> {
    const { activities, log } = this.deps;
    const steps = { ...activities, dispatchNotification: retrying(activities.dispatchNotification) };
    await evaluateAlertStep(alertId, `legacy-${Date.now()}-${Math.random().toString(36).slice(2)}`, steps, stepLog(log));
  }
}
