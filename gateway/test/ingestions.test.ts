import { randomUUID } from "node:crypto";
import t from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { gatewayFixture } from "./fixture.js";

// No worker polls the fixture's task queue: a batch stays running and its items pending. The
// stored and failed states, with a worker, are in test/e2e.test.ts and worker/test/batches.test.ts.
t.test("GET /v1/ingestions/:workflowId", async (t) => {
  const { app, auth, project, otherProject } = await gatewayFixture(t);
  const get = (workflowId: string, key?: string) =>
    app.inject({ method: "GET", url: `/v1/ingestions/${encodeURIComponent(workflowId)}`, headers: auth(key) });

  const traces = [sampleTrace(), sampleTrace()];
  const answer = await app.inject({ method: "POST", url: "/v1/traces", headers: { ...auth(), "x-request-id": "receipt-request" }, payload: traces });
  const results = answer.json().results as Array<{ workflowId: string }>;
  const { workflowId } = results[0]!;
  t.equal(results[1]!.workflowId, workflowId, "the items of one request share a batch");

  t.test("a running batch lists its items as pending", async (t) => {
    const response = await get(workflowId);
    t.equal(response.statusCode, 200);
    t.same(response.json(), {
      workflowId,
      status: "running",
      items: traces.map((trace) => ({ id: trace.id, type: "trace", state: "pending", requestId: "receipt-request" })),
    });
  });

  t.test("a score's receipt", async (t) => {
    const score = sampleScore();
    const response = await app.inject({ method: "POST", url: "/v1/scores", headers: auth(), payload: score });
    const requestId = response.headers["x-request-id"];
    t.same((await get(response.json().workflowId)).json().items, [{ id: score.id, type: "score", state: "pending", requestId }]);
  });

  t.test("404 for another project's batch, an unknown batch and an id that is not a batch", async (t) => {
    t.equal((await get(workflowId, otherProject.apiKey)).statusCode, 404);
    t.equal((await get(`ingest-${project.id}-${randomUUID()}`)).statusCode, 404);
    const notABatch = await get(`alert-${randomUUID()}`);
    t.equal(notABatch.statusCode, 404);
    t.match(notABatch.json().message, /^Ingestion alert-.* not found$/);
  });
});
