import { createClient } from "@hey-api/openapi-ts";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import t from "tap";
import { sampleTrace } from "../../test/support/samples.js";
import { gatewayFixture } from "./fixture.js";

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TSC = resolve("node_modules/typescript/bin/tsc");

type Spec = {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; tags?: string[]; requestBody?: { content: Record<string, { schema: { anyOf?: unknown[] } }> }; responses: Record<string, unknown> }>>;
};

/**
 * Recommended-ruleset findings that are accepted, with the reason:
 * - info-license: the API is not published under a licence, so there is none to name;
 * - operation-4xx-response on the probes and this document: they take no input and no key, so
 *   no client error exists to describe.
 */
const ACCEPTED = [
  { ruleId: "info-license" },
  { ruleId: "operation-4xx-response", path: /^#\/paths\/~1(health~1live|health~1ready|openapi\.json)\// },
];

/** Method and path of every route, from Fastify's route tree (HEAD twins and the docs page's own routes left out). */
function registeredRoutes(tree: string): Array<[method: string, path: string]> {
  const routes: Array<[string, string]> = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const node = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    stack.length = depth;
    stack.push(node[2]!);
    const path = stack.join("");
    for (const method of node[3]?.split(", ") ?? []) {
      if (method !== "HEAD" && !path.startsWith("/docs")) routes.push([method, path]);
    }
  }
  return routes;
}

t.test("the OpenAPI document", async (t) => {
  const { app, auth } = await gatewayFixture(t);
  const response = await app.inject({ method: "GET", url: "/openapi.json" });
  t.equal(response.statusCode, 200, "served without an API key");
  const spec = response.json() as Spec;
  t.equal(spec.openapi, "3.1.0");

  t.test("lints clean with Redocly's recommended rules", async (t) => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: response.body, absoluteRef: "openapi.json", config });
    const left = problems.filter(
      (p) => !ACCEPTED.some((a) => a.ruleId === p.ruleId && (!a.path || p.location.some((l) => a.path.test(l.pointer ?? "")))),
    );
    t.same(left.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`), []);
  });

  t.test("every public route is described, with a summary and a tag", async (t) => {
    const routes = registeredRoutes(app.printRoutes({ commonPrefix: false }));
    t.ok(routes.length > 30, `${routes.length} routes`);
    for (const [method, path] of routes) {
      const operation = spec.paths[path.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
      t.ok(operation?.summary && operation.tags?.length, `${method} ${path}`);
    }
  });

  t.test("the ingest routes' bodies and answers, though Fastify does not validate them", async (t) => {
    const traces = spec.paths["/v1/traces"]!.post!;
    t.same(Object.keys(traces.requestBody!.content), ["application/json", "application/x-protobuf"]);
    t.equal(traces.requestBody!.content["application/json"]!.schema.anyOf?.length, 3, "a trace, an array of them, an OTLP export");
    t.same(Object.keys(traces.responses), ["200", "202", "207", "400", "401", "403", "413", "415", "429", "503"]);
    const scores = spec.paths["/v1/scores"]!.post!;
    t.equal(scores.requestBody!.content["application/json"]!.schema.anyOf?.length, 2, "a score, or an array of them");
    t.ok(scores.responses["422"]);
    t.ok(spec.paths["/api/public/otel/v1/traces"]?.post?.requestBody?.content["application/x-protobuf"]);
    // The route still checks each item itself: one bad item of an array does not sink the rest.
    const mixed = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: [sampleTrace(), { name: "no timestamp" }] });
    t.equal(mixed.statusCode, 207);
    t.match(mixed.json().results, [{ status: 202 }, { status: 400 }]);
  });

  t.test("a typed client generated from it type-checks, and catches a wrong field", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "cognobserve-client-"));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await createClient({ input: spec, output: join(dir, "client"), plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"], logs: { level: "silent" } });
    await writeFile(
      join(dir, "main.ts"),
      `import { client } from "./client/client.gen";
import { getTrace, ingestTraces } from "./client/index";

client.setConfig({ baseUrl: "http://127.0.0.1:3000", auth: "an-api-key" });
const at = new Date().toISOString();

export async function send(): Promise<string | undefined> {
  const sent = await ingestTraces({
    body: { id: "t-1", name: "chat", timestamp: at, spans: [{ id: "s-1", name: "llm", startTime: at, model: "gpt-4o", promptTokens: 10 }] },
    headers: { "x-request-id": "req-1" },
  });
  const batch = sent.data && "workflowId" in sent.data ? sent.data.workflowId : undefined;
  const read = await getTrace({ path: { id: "t-1" } });
  if (read.error) return read.error.message;
  // @ts-expect-error promptTokens is a number
  await ingestTraces({ body: { name: "chat", timestamp: at, spans: [{ id: "s-1", name: "llm", startTime: at, promptTokens: "ten" }] } });
  return batch;
}
`,
    );
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", lib: ["ES2022", "DOM"], types: [], skipLibCheck: true },
        files: ["main.ts"],
      }),
    );
    const checked = await run(process.execPath, [TSC, "-p", dir]).then(
      () => "",
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    t.equal(checked, "", "tsc finds nothing (and the @ts-expect-error is used)");
  });
});

t.test("the /docs page renders every operation in a browser", async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  const { app } = await gatewayFixture(t);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const profile = await mkdtemp(join(tmpdir(), "cognobserve-chromium-"));
  t.teardown(() => rm(profile, { recursive: true, force: true }));
  const { stdout: dom } = await run(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, "--virtual-time-budget=15000", "--dump-dom", `${address}/docs`],
    { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  t.match(dom, /class="swagger-ui"/);
  t.match(dom, /CognObserve ingest API/);
  for (const id of ["ingest-ingestTraces", "ingest-ingestScores", "ingest-getIngestion", "traces-getTrace", "health-ready"]) {
    t.match(dom, `id="operations-${id}"`, id);
  }
  t.match(dom, 'data-path="/v1/traces"');
  t.match(dom, 'data-path="/v1/traces/{id}"');
});
