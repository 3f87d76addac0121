import { connectDb } from "@cognobserve/shared/db";
import t from "tap";
import { createProject } from "@cognobserve/gateway/database";
import { DEV_API_KEY_HASH_SECRET } from "@cognobserve/shared/env";
import { createTestDatabase } from "../../test/support/database.js";
import { measure } from "../src/activities/alert-metrics.js";

t.test("alert metrics over known data, read as the worker's role", async (t) => {
  const database = await createTestDatabase();
  const project = await createProject(database.db, "Metrics", DEV_API_KEY_HASH_SECRET);
  const quiet = await createProject(database.db, "Quiet", DEV_API_KEY_HASH_SECRET);
  const reader = connectDb(database.readonlyUrl, 2);
  t.teardown(async () => {
    await reader.destroy();
    await database.drop();
  });

  // 100 spans in the last minutes lasting 1..100 ms; every 10th is an ERROR; 10 tokens and $0.01 each.
  const now = Date.now();
  await database.db.insertInto("traces").values({ project_id: project.id, id: "t", name: "t", timestamp: new Date(now) }).execute();
  const spans = Array.from({ length: 100 }, (_, i) => ({
    project_id: project.id,
    trace_id: "t",
    id: `s${i}`,
    name: "s",
    start_time: new Date(now - 60_000 + i),
    end_time: new Date(now - 60_000 + i + (i + 1)),
    level: i % 10 === 0 ? "ERROR" : "DEFAULT",
    total_tokens: 10,
    total_cost: "0.01",
  }));
  // An hour old: outside a 5-minute window.
  spans.push({ ...spans[0]!, id: "old", start_time: new Date(now - 3_600_000), end_time: new Date(now - 3_600_000 + 5000), level: "ERROR" });
  await database.db.insertInto("spans").values(spans).execute();

  const m = (type: Parameters<typeof measure>[2], projectId = project.id) => measure(reader, projectId, type, 5);
  t.same(await m("ERROR_RATE"), { value: 10, sampleCount: 100 });
  t.same(await m("LATENCY_P50"), { value: 50.5, sampleCount: 100 });
  t.same(await m("LATENCY_P95"), { value: 95.05, sampleCount: 100 }, "linear interpolation: p95 of 1..100 ms");
  t.same(await m("LATENCY_P99"), { value: 99.01, sampleCount: 100 });
  t.same(await m("COST"), { value: 1, sampleCount: 100 });
  t.same(await m("TOKEN_USAGE"), { value: 1000, sampleCount: 100 });
  const wide = await measure(reader, project.id, "ERROR_RATE", 120);
  t.equal(wide.sampleCount, 101, "a wider window takes the old span in");
  t.ok(Math.abs(wide.value - (11 / 101) * 100) < 1e-9);
  for (const type of ["ERROR_RATE", "LATENCY_P95", "COST", "TOKEN_USAGE"] as const) {
    t.same(await m(type, quiet.id), { value: 0, sampleCount: 0 }, `${type}: no spans, no samples`);
  }
});
