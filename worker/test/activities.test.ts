import { ApplicationFailure } from "@temporalio/activity";
import type { ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import { sql } from "kysely";
import t from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { createInternalApi } from "../src/temporal/index.js";
import { activityFixture, INTERNAL_SECRET as SECRET } from "./fixture.js";

t.test("activities against the real internal API and the read-only role", async (t) => {
  const { database, project, baseUrl, reader, activities } = await activityFixture(t, "Activities");

  t.test("persistTrace stores through the API; getTraceDetails reads as the reader", async (t) => {
    const input = { ...sampleTrace(), projectId: project.id } as TraceWorkflowInput;
    t.equal(await activities.persistTrace(input), input.id);
    t.equal(await activities.persistTrace(input), input.id, "a retry is harmless");
    t.same(await activities.getTraceDetails(project.id, input.id), { id: input.id, spanCount: 2 });
    t.equal(await activities.getTraceDetails("another-project", input.id), null, "reads are project-scoped");
  });

  t.test("persistScore stores through the API", async (t) => {
    const input = { ...sampleScore(), projectId: project.id } as ScoreWorkflowInput;
    t.equal(await activities.persistScore(input), input.id);
    const row = await reader.selectFrom("scores").selectAll().where("id", "=", input.id).executeTakeFirstOrThrow();
    t.equal(row.numeric_value, 0.9);
  });

  t.test("a 4xx from the API is final; a 5xx or no answer is retried", async (t) => {
    const rejected = await activities.persistTrace({ ...sampleTrace(), projectId: "no-such-project" } as TraceWorkflowInput).catch((e: unknown) => e);
    t.ok(rejected instanceof ApplicationFailure);
    t.equal((rejected as ApplicationFailure).nonRetryable, true);
    t.equal((rejected as ApplicationFailure).type, "INTERNAL_API_REJECTED");

    const wrongSecret = createInternalApi({ baseUrl, secret: "wrong" });
    const unauthorized = await wrongSecret.post("ingestTrace", {}).catch((e: unknown) => e);
    t.equal((unauthorized as ApplicationFailure).nonRetryable, true, "a bad secret is a configuration error, not transient");
    await wrongSecret.close();

    const down = createInternalApi({ baseUrl: "http://127.0.0.1:1", secret: SECRET });
    const unreachable = await down.post("ingestTrace", {}).catch((e: unknown) => e);
    t.ok(unreachable instanceof Error);
    t.notOk(unreachable instanceof ApplicationFailure && unreachable.nonRetryable, "retryable");
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
});
