// Part of `npm run build`: makes `cognobserve` (gateway/package.json "bin") runnable. tsc writes
// gateway/dist/cli.js without the executable bit, and npm links a bin only if its file exists
// when it installs, which on a fresh checkout is before the first build.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";

chmodSync("gateway/dist/cli.js", 0o755);
if (!existsSync("node_modules/.bin/cognobserve")) {
  const npm = process.env.npm_execpath;
  const args = ["rebuild", "@cognobserve/gateway", "--ignore-scripts"];
  execFileSync(npm ? process.execPath : "npm", npm ? [npm, ...args] : args, { stdio: "ignore" });
}
