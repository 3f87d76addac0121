import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { GatewayEnv, WorkerEnv } from "@cognobserve/shared/env";
import t from "tap";
import { parse } from "yaml";
import { ROOT } from "./support/processes.js";

const run = promisify(execFile);
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

interface Service {
  image?: string;
  build?: { context: string; target: string };
  container_name?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  command?: string[];
  volumes?: string[];
}
const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = read("Dockerfile");

/** A compose healthcheck, or the HEALTHCHECK of the Dockerfile target the service is built from. */
function hasHealthcheck(service: Service): boolean {
  if (service.healthcheck) return true;
  const target = service.build?.target;
  const stage = target && dockerfile.split(/^FROM /m).find((s) => s.split("\n", 1)[0]!.endsWith(` AS ${target}`));
  return Boolean(stage && /^HEALTHCHECK /m.test(stage));
}

// .env.example: every variable, set or commented out; the local-tooling section is npm start's only.
const envExample = read(".env.example");
const [appSection] = envExample.split("# --- Local tooling");
const documented = (text: string) => new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
const appVariables = documented(appSection!);
const schemaVariables = new Set([...Object.keys(GatewayEnv.properties), ...Object.keys(WorkerEnv.properties)]);

t.test("compose has every service, and workers scale", async (t) => {
  t.same(Object.keys(services).sort(), ["gateway", "migrate", "postgres", "redis", "temporal", "temporal-setup", "temporal-ui", "worker"]);
  for (const [name, service] of Object.entries(services)) t.notOk(service.container_name, `${name}: no fixed container name`);
  t.notOk(services.worker!.ports, "workers publish no port");
  t.same(services.gateway!.ports, ["${GATEWAY_PUBLISHED_PORT:-8080}:8080"], "only the public port is published");
  const published = Object.values(services).flatMap((service) => service.ports ?? []);
  t.notOk(published.some((port) => /:8081$/.test(port)), "the internal API port is never published");
  t.equal(services["temporal-ui"]!.ports![0], "8088:8080");
  t.match(services.temporal!.image, /^temporalio\/auto-setup:/);
  t.equal(services.temporal!.environment!.DEFAULT_NAMESPACE, "${TEMPORAL_NAMESPACE:-cognobserve}");
  t.ok(services.temporal!.volumes!.includes("./temporal-config:/etc/temporal/config/dynamicconfig"));
  t.match(parse(read("temporal-config/development.yaml")), {
    "frontend.enableClientVersionCheck": [{ value: false }],
    "system.forceSearchAttributesCacheRefreshOnRead": [{ value: false }],
  });
  t.match(services["temporal-setup"]!.command, ["operator", "search-attribute", "create", "--address", "temporal:7233", "--namespace", "${TEMPORAL_NAMESPACE:-cognobserve}", "--name", "ProjectId", "--type", "Keyword"]);
  t.same(services.gateway!.depends_on!["temporal-setup"], { condition: "service_completed_successfully" }, "batches start once ProjectId is registered");
});

t.test("dependencies wait for what they need", async (t) => {
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      t.ok(services[dependency], `${name} → ${dependency} exists`);
      if (condition === "service_healthy") t.ok(hasHealthcheck(services[dependency]!), `${name} → ${dependency} has a healthcheck`);
      if (condition === "service_completed_successfully") t.equal(services[dependency]!.restart, "no", `${dependency} runs once`);
    }
  }
  t.same(services.gateway!.depends_on!.migrate, { condition: "service_completed_successfully" });
  t.same(services.worker!.depends_on!.gateway, { condition: "service_healthy" });
  t.same(services.migrate!.environment, services.gateway!.environment, "migrate sees the gateway's configuration");
});

t.test("images: both targets exist, non-root, with health checks", async (t) => {
  for (const target of ["gateway", "worker"]) t.match(dockerfile, new RegExp(`^FROM \\S+ AS ${target}$`, "m"));
  t.match(dockerfile, /^FROM node:22-slim AS build$/m);
  t.match(dockerfile, /^USER node$/m);
  t.equal(dockerfile.match(/^HEALTHCHECK /gm)?.length, 2);
  t.match(dockerfile, /npm run build && npm prune --omit=dev/, "TypeScript and the workflow bundle are built into the image");
  for (const name of ["migrate", "gateway", "worker"]) t.ok(services[name]!.build, `${name} is built from this repository`);
  t.notOk(/INTERNAL_API_SECRET\s*=|ENV INTERNAL_API_SECRET/.test(dockerfile), "no secret baked into an image");
});

t.test("configuration: compose, .env.example and the env schemas agree", async (t) => {
  const appEnv = { ...services.gateway!.environment, ...services.worker!.environment };
  for (const name of Object.keys(appEnv)) t.ok(schemaVariables.has(name), `${name} (compose) is a variable the apps read`);
  for (const name of appVariables) t.ok(name in appEnv, `${name} (.env.example) is set in compose`);
  for (const name of schemaVariables) t.ok(documented(envExample).has(name), `${name} is documented in .env.example`);
  t.match(String(appEnv.INTERNAL_API_SECRET), /^\$\{INTERNAL_API_SECRET:\?/, "the secret must come from the environment");
});

const dockerCompose = await run("docker-compose", ["version"]).then(() => true, () => false);
const skip = dockerCompose ? false : "docker-compose is not installed (Debian package docker-compose; .ci/run installs it)";

t.test("docker-compose config accepts the file", { skip }, async (t) => {
  const env = { ...process.env, INTERNAL_API_SECRET: "s".repeat(32) };
  await t.resolves(run("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT, env }));
  const { INTERNAL_API_SECRET: _unset, ...withoutSecret } = env;
  const refused = await run("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT, env: withoutSecret }).catch((e: { stderr: string }) => e);
  t.match(refused, { stderr: /set INTERNAL_API_SECRET/ }, "without a secret, compose refuses to start");
});
