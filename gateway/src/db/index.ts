// The gateway's database entry point for other packages (tools, tests): set-up and the writes
// they need to arrange data. Everything else stays behind the APIs.
export { prepareDatabase } from "./setup.js";
export { createProject, ensureProject } from "./projects.js";
export { applyEvaluation, createAlert } from "./alerts.js";
export { createChannel, sealClearChannelSecrets } from "./channels.js";
export { archiveScoreConfig, createScoreConfig } from "./score-configs.js";
export { hashApiKey, legacyHashApiKey } from "../lib/secrets.js";
export { createSecretBox, isSealed, type SecretBox } from "../lib/secret-box.js";
