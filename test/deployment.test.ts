import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { GatewayEnv, WorkerEnv } from "@cognobserve/shared/env";
import t from "tap";
import { parse } from "yaml";
import { ROOT } from "./support/processes.js";

const run = promisify(execFile);
const REQUIRED_SECRETS = ["INTERNAL_API_SECRET", "API_KEY_HASH_SECRET", "SECRETS_ENCRYPTION_KEY"];
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
  entrypoint?: string[];
  command?: string[];
  volumes?: string[];
  profiles?: string[];
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
  t.same(Object.keys(services).sort(), [
    "gateway", "grafana", "migrate", "postgres", "prometheus", "redis", "temporal", "temporal-schema", "temporal-setup", "temporal-ui", "worker",
  ]);
  for (const [name, service] of Object.entries(services)) t.notOk(service.container_name, `${name}: no fixed container name`);
  t.notOk(services.worker!.ports, "workers publish no port");
  t.same(services.gateway!.ports, ["${GATEWAY_PUBLISHED_PORT:-8080}:8080"], "only the public port is published");
  const published = Object.values(services).flatMap((service) => service.ports ?? []);
  t.notOk(published.some((port) => /:8081$/.test(port)), "the internal API port is never published");
  t.same(services.temporal!.ports, ["127.0.0.1:7233:7233"], "Temporal's gRPC port (no authentication) on loopback only");
  t.same(services["temporal-ui"]!.ports, ["127.0.0.1:8088:8080"], "the Temporal UI (no authentication) on loopback only");
  for (const [name, service] of Object.entries(services)) {
    if (name === "gateway") continue;
    for (const port of service.ports ?? []) t.match(port, /^127\.0\.0\.1:/, `${name}: ${port} is bound to loopback`);
  }
  // The server itself (not the deprecated auto-setup image), the schema and namespace steps one-shots
  // of the admin-tools image of the same release, so their schemas are the server's.
  t.match(services.temporal!.image, /^temporalio\/server:1\.29\.\d+$/);
  const release = services.temporal!.image!.split(":")[1]!;
  for (const name of ["temporal-schema", "temporal-setup"]) t.match(services[name]!.image, new RegExp(`^temporalio/admin-tools:${release.replace(/\./g, "\\.")}-`));
  t.match(services.temporal!.environment, { DB: "postgres12", DBNAME: "temporal", VISIBILITY_DBNAME: "temporal_visibility", NUM_HISTORY_SHARDS: 4 });
  t.ok(services.temporal!.volumes!.includes("./temporal-config:/etc/temporal/config/dynamicconfig"));
  t.same(services.temporal!.depends_on!["temporal-schema"], { condition: "service_completed_successfully" }, "the server starts on set-up schemas");
  const schemaScript = services["temporal-schema"]!.command!.join("\n");
  for (const [database, store] of [["temporal", "temporal"], ["temporal_visibility", "visibility"]]) {
    t.match(schemaScript, `--db ${database} setup-schema -v 0.0`);
    t.match(schemaScript, `--db ${database} update-schema -d /etc/temporal/schema/postgresql/v12/${store}/versioned`);
  }
  const setup = services["temporal-setup"]!;
  t.same(setup.entrypoint, ["sh", "-ec"], "temporal-setup runs a short script, failing on the first error");
  t.same(setup.environment, { TEMPORAL_NAMESPACE: "${TEMPORAL_NAMESPACE:-cognobserve}", TEMPORAL_RETENTION_DAYS: "${TEMPORAL_RETENTION_DAYS:-7}" });
  const setupScript = setup.command!.join("\n").split("\n").map((line) => line.trim()).filter(Boolean);
  const retry = 'retry() { n=0; until "$$@"; do n=$$((n + 1)); [ $$n -lt 60 ]; sleep 1; done; }';
  t.same(setupScript.filter((line) => !line.startsWith("#")), [
    retry,
    'temporal operator namespace describe --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE" > /dev/null || temporal operator namespace create --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE" --retention "$$(($$TEMPORAL_RETENTION_DAYS * 24))h"',
    'retry temporal operator namespace update --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE" --retention "$$(($$TEMPORAL_RETENTION_DAYS * 24))h"',
    'retry temporal operator search-attribute create --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE" --name ProjectId --type Keyword',
    `retry temporal workflow list --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE" --query "ProjectId = 'setup'" --limit 1 > /dev/null`,
  ], "the namespace, its histories kept TEMPORAL_RETENTION_DAYS (default 7 days = 168h), the ProjectId search attribute, then a wait until the frontend filters on it (each retried for up to a minute while the server learns of the namespace)");
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
  for (const secret of REQUIRED_SECRETS) t.match(String(appEnv[secret]), new RegExp(`^\\$\\{${secret}:\\?`), `${secret} must come from the environment`);
  for (const secret of ["API_KEY_HASH_SECRET", "SECRETS_ENCRYPTION_KEY"]) {
    t.notOk(secret in services.worker!.environment!, `the worker does not get ${secret}`);
    t.notOk(new RegExp(`${secret}\\s*=|ENV ${secret}`).test(dockerfile), `${secret} is not baked into an image`);
  }
});

t.test("profiles: Redis only for the legacy path, Prometheus and Grafana only for monitoring", async (t) => {
  const profiles = Object.fromEntries(Object.entries(services).map(([name, service]) => [name, service.profiles ?? []]));
  t.same(profiles.redis, ["legacy"]);
  t.same(profiles.prometheus, ["monitoring"]);
  t.same(profiles.grafana, ["monitoring"]);
  for (const [name, service] of Object.entries(services)) {
    if (profiles[name]!.length > 0) continue;
    for (const dependency of Object.keys(service.depends_on ?? {})) t.same(profiles[dependency], [], `${name} (always on) needs no profile's ${dependency}`);
  }
  t.equal(services.worker!.environment!.METRICS_HOST, "${METRICS_HOST:-0.0.0.0}", "metrics reachable on the compose network (never published)");
  for (const name of ["gateway", "worker"]) t.notOk((services[name]!.ports ?? []).some((port) => /:946[45]$/.test(port)), `${name}: no metrics port published`);

  // Prometheus finds every replica of both services; Grafana gets both data sources and the dashboard.
  const prometheus = parse(read("monitoring/prometheus.yml")) as { scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[] };
  t.same(
    prometheus.scrape_configs.map((c) => [c.job_name, c.dns_sd_configs[0]!.names, c.dns_sd_configs[0]!.port]),
    [["gateway", ["gateway"], 9464], ["worker", ["worker"], 9465]],
  );
  const datasources = parse(read("monitoring/grafana/provisioning/datasources/datasources.yml")) as { datasources: { uid: string; user?: string }[] };
  const dashboard = JSON.parse(read("monitoring/grafana/dashboards/cognobserve.json")) as { panels: { title: string; datasource: { uid: string } }[] };
  const uids = new Set(datasources.datasources.map((d) => d.uid));
  for (const panel of dashboard.panels) t.ok(uids.has(panel.datasource.uid), `${panel.title}: its data source is provisioned`);
  t.match(dashboard.panels.map((p) => p.title), [/Ingest rate/, /Rejections/, /p95/, /Batch size/, /failures/, /Cost per day/]);
  t.equal(datasources.datasources.find((d) => d.uid === "cognobserve-db")!.user, "cognobserve_reader", "costs are read through the read-only role");
});

const promtool = await run("promtool", ["--version"]).then(() => true, () => false);
t.test("promtool accepts the Prometheus configuration", { skip: promtool ? false : "promtool is not installed (Debian package prometheus; .ci/run installs it)" }, async (t) => {
  await t.resolves(run("promtool", ["check", "config", join(ROOT, "monitoring/prometheus.yml")]));
});

const dockerCompose = await run("docker-compose", ["version"]).then(() => true, () => false);
const skip = dockerCompose ? false : "docker-compose is not installed (Debian package docker-compose; .ci/run installs it)";

t.test("docker-compose config accepts the file", { skip }, async (t) => {
  const env: Record<string, string | undefined> = { ...process.env, ...Object.fromEntries(REQUIRED_SECRETS.map((s) => [s, "s".repeat(32)])) };
  await t.resolves(run("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT, env }));
  for (const profile of ["legacy", "monitoring"]) {
    await t.resolves(run("docker-compose", ["-f", "docker-compose.yml", "--profile", profile, "config", "-q"], { cwd: ROOT, env }), `--profile ${profile}`);
  }
  for (const secret of REQUIRED_SECRETS) {
    const withoutSecret = { ...env };
    delete withoutSecret[secret];
    const refused = await run("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT, env: withoutSecret }).catch((e: { stderr: string }) => e);
    t.match(refused, { stderr: new RegExp(`set ${secret}`) }, `without ${secret}, compose refuses to start`);
  }
});
