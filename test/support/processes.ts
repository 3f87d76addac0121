import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const STOP_TIMEOUT_MS = 60_000;

// Children must not outlive a test file that tap ends early (a timeout is SIGALRM): an orphaned
// worker would go on taking CPU, and tasks from shared queues, from the tests after it.
const children = new Set<ChildProcess>();
const killChildren = () => children.forEach((child) => child.kill("SIGKILL"));
process.once("exit", killChildren);
for (const signal of ["SIGALRM", "SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(1);
  });
}

export interface RunningProcess {
  script: string;
  child: ChildProcess;
  output: string[];
  /** SIGTERM, then the exit code (or signal name). */
  stop(): Promise<number | string>;
}

/** Runs a built entry point (e.g. gateway/dist/server.js) and waits for its ready line. */
export function startProcess(script: string, env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<RunningProcess> {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  children.add(child);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? "unknown");
    }),
  );
  const running: RunningProcess = {
    script,
    child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // A process that ignores SIGTERM is a bug worth seeing: show its last words, then kill it.
      const timer = setTimeout(() => {
        process.stderr.write(`${script} still running ${STOP_TIMEOUT_MS} ms after SIGTERM; last output:\n${output.slice(-20).join("\n")}\n`);
        child.kill("SIGKILL");
      }, STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} not ready within ${timeoutMs} ms:\n${output.join("\n")}`));
    }, timeoutMs);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve(running);
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output.join("\n")}`));
    });
  });
}
