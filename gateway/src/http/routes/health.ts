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

/** live: the process answers. ready: it can accept work (database and dispatch backend reachable). */
export default async function healthRoutes(app: FastifyInstance) {
  app.get("/health/live", async () => ({ status: "ok" }));

  app.get("/health/ready", async (request, reply) => {
    const [database, backend] = await Promise.all([
      probe("database", request.log, () => sql`select 1`.execute(app.db)),
      probe(app.handoff.name, request.log, () => app.handoff.check()),
    ]);
    const checks = { database, [app.handoff.name]: backend };
    const ready = database === "ok" && backend === "ok";
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable", checks });
  });
}
