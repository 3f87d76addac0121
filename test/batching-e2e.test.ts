import { sql } from "kysely";
import t from "tap";
import { sampleTrace } from "./support/samples.js";
import { startStack } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

type Receipt = { workflowId: string; status: string; items: Array<{ id: string; state: string; reason?: string }> };

t.test("a receipt goes from pending to stored, and names the item the database refused", async (t) => {
  const stack = await startStack(t, {}, { withWorker: false });
  const receipt = async (workflowId: string) => (await (await stack.api(`/v1/ingestions/${workflowId}`)).json()) as Receipt;

  const trace = sampleTrace();
  const posted = await stack.api("/v1/traces", { method: "POST", body: trace });
  const { workflowId } = (await posted.json()) as { workflowId: string };
  const requestId = posted.headers.get("x-request-id");
  t.same(await receipt(workflowId), { workflowId, status: "running", items: [{ id: trace.id, type: "trace", state: "pending", requestId }] }, "no worker yet: pending");

  await stack.startWorker();
  const done = await waitFor(async () => {
    const current = await receipt(workflowId);
    return current.status === "completed" ? current : undefined;
  }, 20_000, "the batch to complete");
  t.same(done.items, [{ id: trace.id, type: "trace", state: "stored", requestId }]);

  // A real refusal: a constraint this test adds to its own database.
  await sql`alter table traces add constraint refuse_test check (name <> 'refuse-me')`.execute(stack.database.db);
  const [good, bad] = [sampleTrace(), sampleTrace({ name: "refuse-me" })];
  const answer = (await (await stack.api("/v1/traces", { method: "POST", body: [good, bad] })).json()) as { results: Array<{ status: number; workflowId: string }> };
  t.same(answer.results.map((r) => r.status), [202, 202], "both looked valid, both were accepted");
  const failed = await waitFor(async () => {
    const current = await receipt(answer.results[0]!.workflowId);
    return current.status === "failed" ? current : undefined;
  }, 20_000, "the batch to end");
  t.match(failed.items, [
    { id: good.id, state: "stored" },
    { id: bad.id, state: "failed", reason: /refuse_test/ },
  ]);
  t.equal((await stack.api(`/v1/traces/${good.id}`)).status, 200, "the rest of the batch is stored");
});

t.test("one trace sent in parts by simultaneous requests is stored whole, with exact daily totals", async (t) => {
  const stack = await startStack(t);
  const base = sampleTrace();
  const at = base.timestamp;
  const llm = (id: string, promptTokens: number) => ({ id, name: "llm", startTime: at, endTime: at, model: "gpt-4o", promptTokens, completionTokens: 100 });
  // Twenty requests at once, each carrying one more span of the same trace.
  const parts = Array.from({ length: 20 }, (_, i) => ({ ...base, spans: [llm(`part-${i}`, 1000 + i)] }));
  const answers = await Promise.all(parts.map((part) => stack.api("/v1/traces", { method: "POST", body: part })));
  t.same([...new Set(answers.map((a) => a.status))], [202], "every part is accepted");

  const stored = await waitFor(async () => {
    const response = await stack.api(`/v1/traces/${base.id}`);
    const trace = response.status === 200 ? ((await response.json()) as { spans: Array<{ id: string; totalCost: number | null }> }) : undefined;
    return trace && trace.spans.length === 20 && trace.spans.every((s) => s.totalCost !== null) ? trace : undefined;
  }, 30_000, "all twenty parts, priced");
  t.equal(stored.spans.length, 20);
  const daily = await waitFor(async () => {
    const body = (await (await stack.api("/v1/costs/daily?from=2025-03-01&to=2025-03-01")).json()) as { data: Array<{ spanCount: number; promptTokens: number }> };
    return body.data[0]?.spanCount === 20 ? body.data : undefined;
  }, 30_000, "the daily summary");
  const promptTokens = parts.reduce((sum, part) => sum + part.spans[0]!.promptTokens, 0);
  t.match(daily, [{ model: "gpt-4o", spanCount: 20, promptTokens, completionTokens: 2000 }], "each part counted once");
});

t.test("SIGTERM to the gateway under load: every item that got a 2xx is stored", async (t) => {
  const stack = await startStack(t);
  const accepted: string[] = [];
  let sending = true;
  let refused = 0;
  // Ten clients sending without pause: the gateway is stopped while batches are being gathered.
  const clients = Array.from({ length: 10 }, async () => {
    while (sending) {
      const trace = sampleTrace({ spans: [] });
      try {
        const response = await stack.api("/v1/traces", { method: "POST", body: trace });
        if (response.status === 202) accepted.push(trace.id);
        else refused++;
      } catch {
        refused++; // the gateway has stopped listening: not accepted
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
  await waitFor(async () => (accepted.length >= 200 ? true : undefined), 30_000, "traffic");
  t.equal(await stack.gateway.stop(), 0, "the gateway exits cleanly");
  sending = false;
  await Promise.all(clients);
  t.comment(`${accepted.length} accepted before the stop, ${refused} refused or unanswered`);
  // The gateway also hosts the internal API the worker stores through: bring it back.
  await stack.startGateway();

  const stored = async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from traces where id = any(${accepted})`.execute(stack.database.db);
    return Number(rows[0]!.n);
  };
  await waitFor(async () => ((await stored()) === accepted.length ? true : undefined), 60_000, "every accepted trace");
  t.equal(await stored(), accepted.length, "every 2xx item is stored");
});
