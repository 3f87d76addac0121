export * from "./constants.js";
export * from "./schemas/common.js";
export * from "./schemas/trace.js";
export * from "./schemas/score.js";
export * from "./schemas/alert.js";
export * from "./validation.js";
export * from "./rules.js";
export { isDateTime } from "./formats.js";
