// The gateway's database entry point for other packages (tools, tests): set-up and the writes
// they need to arrange data. Everything else stays behind the APIs.
export { prepareDatabase } from "./setup.js";
export { createProject, ensureProject } from "./projects.js";
export { applyEvaluation, createAlert } from "./alerts.js";
export { createChannel } from "./channels.js";
export { archiveScoreConfig, createScoreConfig } from "./score-configs.js";
export { hashApiKey } from "../lib/secrets.js";
