import { createChannel, prepareDatabase } from "@cognobserve/gateway/database";
import { ApplicationFailure } from "@temporalio/activity";
import type { ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import { sql } from "kysely";
import t from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { createInternalApi, PermanentError, UnavailableError } from "../src/activities/index.js";
import { temporalActivities } from "../src/temporal/index.js";
import { activityFixture, INTERNAL_SECRET as SECRET } from "./fixture.js";

t.test("activities against the real internal API and the read-only role", async (t) => {
  const { database, project, baseUrl, reader, activities, secretBox } = await activityFixture(t, "Activities");

  t.test("persistTrace stores through the API, readable by the reader", async (t) => {
    const input = { ...sampleTrace(), projectId: project.id } as TraceWorkflowInput;
    t.equal(await activities.persistTrace(input), input.id);
    t.equal(await activities.persistTrace(input), input.id, "a retry is harmless");
    const spans = await reader.selectFrom("spans").select("id").where("project_id", "=", project.id).where("trace_id", "=", input.id).execute();
    t.equal(spans.length, 2);
  });

  t.test("persistScore stores through the API", async (t) => {
    const input = { ...sampleScore(), projectId: project.id } as ScoreWorkflowInput;
    t.equal(await activities.persistScore(input), input.id);
    const row = await reader.selectFrom("scores").selectAll().where("id", "=", input.id).executeTakeFirstOrThrow();
    t.equal(row.numeric_value, 0.9);
  });

  t.test("a 4xx from the API is final; a 5xx or no answer is retried", async (t) => {
    const gone = { ...sampleTrace(), projectId: "no-such-project" } as TraceWorkflowInput;
    const rejected = await activities.persistTrace(gone).catch((e: unknown) => e);
    t.ok(rejected instanceof PermanentError, "transport-neutral: a PermanentError");
    t.equal((rejected as PermanentError).type, "INTERNAL_API_REJECTED");
    const underTemporal = await temporalActivities(activities).persistTrace(gone).catch((e: unknown) => e);
    t.ok(underTemporal instanceof ApplicationFailure, "under Temporal: an ApplicationFailure");
    t.equal((underTemporal as ApplicationFailure).nonRetryable, true);
    t.equal((underTemporal as ApplicationFailure).type, "INTERNAL_API_REJECTED");

    const wrongSecret = createInternalApi({ baseUrl, secret: "wrong" });
    const unauthorized = await wrongSecret.call("ingestTrace", gone).catch((e: unknown) => e);
    t.ok(unauthorized instanceof UnavailableError, "a 401 is retried: during a secret rotation it passes");
    t.notOk(unauthorized instanceof PermanentError);
    await wrongSecret.close();

    const down = createInternalApi({ baseUrl: "http://127.0.0.1:1", secret: SECRET });
    const unreachable = await down.call("ingestTrace", gone).catch((e: unknown) => e);
    t.ok(unreachable instanceof Error);
    t.notOk(unreachable instanceof PermanentError, "retryable");
    await down.close();
  });

  t.test("the worker's database role cannot write", async (t) => {
    const attempts = {
      insert: sql`insert into projects (id, name) values ('x', 'x')`,
      update: sql`update traces set name = 'changed'`,
      delete: sql`delete from spans`,
      ddl: sql`create table intruder (id int)`,
      "leave read-only mode": sql`set default_transaction_read_only = off; insert into projects (id, name) values ('y', 'y')`,
    };
    for (const [what, statement] of Object.entries(attempts)) {
      const error = await statement.execute(reader).catch((e: { code?: string }) => e);
      t.match((error as { code?: string }).code, /^(25006|42501)$/, `${what} is refused`);
    }
    const projects = await database.db.selectFrom("projects").select("id").execute();
    t.same(projects.map((p) => p.id), [project.id], "nothing was written");
  });

  t.test("the worker's database role cannot read key digests or channel secrets", async (t) => {
    const channel = await createChannel(database.db, secretBox, project.id, { name: "hook", type: "WEBHOOK", config: { url: "https://example.com/hook" } });
    const check = async (when: string) => {
      const refused = {
        "select * from api_keys": sql`select * from api_keys`,
        "select key_hash from api_keys": sql`select key_hash from api_keys`,
        "select secret from channels": sql`select secret from channels`,
        "select * from channels": sql`select * from channels`,
      };
      for (const [what, statement] of Object.entries(refused)) {
        const error = await statement.execute(reader).catch((e: { code?: string }) => e);
        t.equal((error as { code?: string }).code, "42501", `${what} is refused (${when})`);
      }
      const { rows } = await sql<{ id: string; url: string }>`select id, url from channels`.execute(reader);
      t.same(rows, [{ id: channel.id, url: "https://example.com/hook" }], `the other columns stay readable (${when})`);
    };
    await check("after set-up");
    // Set-up runs at every gateway start: it must not hand the hidden ones back.
    await prepareDatabase(database.url, database.readonlyUrl);
    await check("after set-up ran again");
    const stored = await database.db.selectFrom("channels").select("secret").where("id", "=", channel.id).executeTakeFirstOrThrow();
    t.match(stored.secret, /^v1:/, "stored sealed");
    t.notOk(stored.secret!.includes(channel.secret!.slice("whsec_".length)), "not in clear");
  });
});
