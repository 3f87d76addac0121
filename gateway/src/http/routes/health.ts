import { sql } from "kysely";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";

const CHECK_TIMEOUT_MS = 2000;

/** "ok" or "unavailable"; the reason goes to the log, not to the caller. */
async function probe(name: string, log: FastifyBaseLogger, check: () => Promise<unknown>): Promise<"ok" | "unavailable"> {
  let timer: NodeJS.Timeout | undefined;
  const running = check();
  running.catch(() => {}); // may settle after the timeout below; its outcome is no longer wanted
  try {
    await Promise.race([
      running,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return "ok";
  } catch (error) {
    log.warn({ err: error }, `readiness check failed: ${name}`);
    return "unavailable";
  } finally {
    clearTimeout(timer);
  }
}

/** Probes within this long of a finished check get its result: a flood of probes cannot load the backends. */
export const READY_CACHE_MS = 1000;

interface Readiness {
  ready: boolean;
  checks: Record<string, "ok" | "unavailable">;
}

/** live: the process answers. ready: it can accept work (database and dispatch backend reachable). */
export default async function healthRoutes(app: FastifyInstance) {
  app.get("/health/live", async () => ({ status: "ok" }));

  async function checkReadiness(): Promise<Readiness> {
    const [database, backend] = await Promise.all([
      probe("database", app.log, () => sql`select 1`.execute(app.db)),
      probe(app.handoff.name, app.log, () => app.handoff.check()),
    ]);
    return { ready: database === "ok" && backend === "ok", checks: { database, [app.handoff.name]: backend } };
  }

  // Concurrent probes share the check in flight; later ones its result, until it is READY_CACHE_MS old.
  let last: { result: Promise<Readiness>; settledAt?: number } | undefined;
  function readiness(): Promise<Readiness> {
    if (last && (last.settledAt === undefined || Date.now() - last.settledAt < READY_CACHE_MS)) return last.result;
    const current: { result: Promise<Readiness>; settledAt?: number } = { result: checkReadiness() };
    void current.result.finally(() => (current.settledAt = Date.now()));
    last = current;
    return current.result;
  }

  app.get("/health/ready", async (_request, reply) => {
    const { ready, checks } = await readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable", checks });
  });
}
