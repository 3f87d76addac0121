// Node-only (HTTP, DNS, crypto): never imported by workflow code.
export { createNotifier, newWebhookSecret, signWebhook, type AlertMessage, type Channel, type DeliveryResult, type Notifier } from "./notifier.js";
export { isPrivateAddress, privateAwareLookup, urlProblem } from "./url-guard.js";
