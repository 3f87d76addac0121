import { FAILURE_TYPES } from "@cognobserve/shared";
import { createNotifier } from "@cognobserve/shared/notify";
import { sql } from "kysely";
import t from "tap";
import { createActivities, PermanentError } from "../src/activities/index.js";
import { STATEMENT_TIMEOUT_CODE, withStatementTimeout } from "../src/activities/alert-metrics.js";
import { waitFor } from "../../test/support/wait.js";
import { activityFixture } from "./fixture.js";

t.test("alert metric queries run under a statement timeout", async (t) => {
  const { database, project, reader, internalApi } = await activityFixture(t, "Timeouts");
  const setting = async () => (await sql<{ statement_timeout: string }>`show statement_timeout`.execute(reader)).rows[0]!.statement_timeout;
  const usual = await setting();

  t.test("a slow statement is cancelled with 57014, and the connection goes back without the limit", async (t) => {
    const slow = withStatementTimeout(reader, 50, (tx) => sql`select pg_sleep(1)`.execute(tx));
    await t.rejects(slow, { code: STATEMENT_TIMEOUT_CODE });
    t.equal(await withStatementTimeout(reader, 5000, async (tx) => (await sql<{ n: number }>`select 1 as n`.execute(tx)).rows[0]!.n), 1);
    // Both pooled connections (the pool holds 2), at once: neither kept the 50 ms limit.
    t.same(await Promise.all([setting(), setting()]), [usual, usual]);
  });

  t.test("evaluateAlert: a metric query past the timeout fails without retries; the workflow tries next interval", async (t) => {
    const notifier = createNotifier({ allowPrivateUrls: true });
    t.teardown(() => notifier.close());
    const activities = createActivities({ db: reader, internalApi, notifier, alertQueryTimeoutMs: 100 });
    const alert = await database.db
      .insertInto("alerts")
      .values({
        project_id: project.id,
        name: "slow",
        type: "COST",
        operator: "GREATER_THAN",
        threshold: 1,
        window_mins: 10_080,
        evaluation_interval_secs: 10,
        pending_secs: 0,
        repeat_interval_mins: 60,
        min_samples: 1,
        severity: "LOW",
        enabled: true,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // A metric query that cannot finish in time: spans is locked by another transaction meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const locking = database.db.transaction().execute(async (tx) => {
      await sql`lock table spans in access exclusive mode`.execute(tx);
      await held;
    });
    t.teardown(async () => {
      release();
      await locking;
    });
    await waitFor(async () => {
      const { rows } = await sql`select 1 from pg_locks where relation = 'spans'::regclass and mode = 'AccessExclusiveLock' and granted`.execute(database.db);
      return rows.length > 0 || undefined;
    }, 5000, "the lock on spans");
    const error = await activities.evaluateAlert(alert.id).catch((e: unknown) => e);
    t.ok(error instanceof PermanentError, "not retried: it would only time out again");
    t.match(error, { type: FAILURE_TYPES.ALERT_QUERY_TIMEOUT, message: /statement timeout/ });
    release();
    await locking;
    t.match(await activities.evaluateAlert(alert.id), { active: true, sampleCount: 0 }, "the next evaluation runs as usual");
  });
});
