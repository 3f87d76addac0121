// Builds the worker's workflow bundle ahead of time (part of `npm run build`), so a worker starts
// from worker/dist/workflow-bundle.js in about a second instead of running webpack at start.
import { bundleWorkflowCode } from "@temporalio/worker";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const workflowsPath = fileURLToPath(new URL("../worker/dist/workflows/index.js", import.meta.url));
const out = fileURLToPath(new URL("../worker/dist/workflow-bundle.js", import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, info() {}, warn: console.warn, error: console.error, debug() {}, trace() {} } });
await writeFile(out, code);
