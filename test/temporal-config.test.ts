import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import t from "tap";
import { parse } from "yaml";
import { cachedServerBinaries, SERVER_CONFIG_DIR, SERVER_CONFIG_ENV, TEMPORAL_SERVER_VERSION } from "../scripts/temporal-real.mjs";
import { ROOT } from "./support/processes.js";

const run = promisify(execFile);
const { server } = cachedServerBinaries();
// scripts/test.mjs builds it before any test runs (once per machine, several minutes).
if (!existsSync(server)) {
  t.fail(`temporal-server ${TEMPORAL_SERVER_VERSION} is not built at ${server}: run the tests with \`node scripts/test.mjs\`, or build it with \`node scripts/temporal-real.mjs build\``);
  process.exit(1);
}

// The dynamic config files: every YAML file directly in temporal-config/ (the server's static
// config lives in temporal-config/server/).
const dynamicConfigs = readdirSync(join(ROOT, "temporal-config"))
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => join("temporal-config", name));

t.test("the server accepts every dynamic config key and value, with no warning", async (t) => {
  t.ok(dynamicConfigs.length > 0, "there is a dynamic config to check");
  const { stdout } = await run(server, ["validate-dynamic-config", ...dynamicConfigs], { cwd: ROOT });
  // Unregistered keys and bad values are only warnings to the server: both fail here.
  t.notMatch(stdout, /^\s+(warning|error):/m, `validate-dynamic-config says:\n${stdout}`);
});

t.test("no test-only setting in the deployed dynamic config", async (t) => {
  for (const file of dynamicConfigs) {
    const keys = Object.keys((parse(readFileSync(join(ROOT, file), "utf8")) as Record<string, unknown> | null) ?? {});
    t.notOk(keys.includes("system.forceSearchAttributesCacheRefreshOnRead"), `${file}: the dev tooling sets it on its command line`);
  }
});

t.test("the server config renders: PostgreSQL for persistence and visibility, 4 shards", async (t) => {
  const { stdout } = await run(server, ["--root", ROOT, "--config", SERVER_CONFIG_DIR, "--env", SERVER_CONFIG_ENV, "render-config"], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_FRONTEND_PORT: "7243" },
  });
  t.match(stdout, /numhistoryshards: 4/i);
  t.equal(stdout.match(/pluginname: postgres12/gi)?.length, 2, "both stores on postgres12");
  t.match(stdout, /grpcport: 7243/i);
});
