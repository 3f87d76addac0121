import { Type, type Static } from "@sinclair/typebox";

export const AlertState = Type.Union([
  Type.Literal("INACTIVE"),
  Type.Literal("PENDING"),
  Type.Literal("FIRING"),
  Type.Literal("RESOLVED"),
]);

export const AlertType = Type.Union([
  Type.Literal("ERROR_RATE"),
  Type.Literal("LATENCY_P50"),
  Type.Literal("LATENCY_P95"),
  Type.Literal("LATENCY_P99"),
  Type.Literal("COST"),
  Type.Literal("TOKEN_USAGE"),
]);

export const AlertOperator = Type.Union([Type.Literal("GREATER_THAN"), Type.Literal("LESS_THAN")]);

export const AlertSeverity = Type.Union([
  Type.Literal("LOW"),
  Type.Literal("MEDIUM"),
  Type.Literal("HIGH"),
  Type.Literal("CRITICAL"),
]);

export const ChannelType = Type.Union([Type.Literal("WEBHOOK"), Type.Literal("SLACK"), Type.Literal("DISCORD")]);

export const ChannelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: ChannelType,
    config: Type.Object({ url: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

const alertFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: AlertType,
  operator: AlertOperator,
  threshold: Type.Number(),
  windowMins: Type.Integer({ minimum: 1, maximum: 10_080 }),
  evaluationIntervalSecs: Type.Integer({ minimum: 1, maximum: 86_400 }),
  pendingSecs: Type.Integer({ minimum: 0, maximum: 86_400 }),
  /** 0: notify once per firing. */
  repeatIntervalMins: Type.Integer({ minimum: 0, maximum: 10_080 }),
  minSamples: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  severity: AlertSeverity,
  enabled: Type.Boolean(),
  channelIds: Type.Array(Type.String({ format: "uuid" }), { maxItems: 20, uniqueItems: true }),
};

export const ALERT_DEFAULTS = {
  evaluationIntervalSecs: 10,
  pendingSecs: 0,
  repeatIntervalMins: 60,
  minSamples: 1,
  severity: "MEDIUM",
  enabled: true,
  channelIds: [] as string[],
} as const;

export const AlertBody = Type.Object(
  {
    name: alertFields.name,
    type: alertFields.type,
    operator: alertFields.operator,
    threshold: alertFields.threshold,
    windowMins: alertFields.windowMins,
    evaluationIntervalSecs: Type.Optional(alertFields.evaluationIntervalSecs),
    pendingSecs: Type.Optional(alertFields.pendingSecs),
    repeatIntervalMins: Type.Optional(alertFields.repeatIntervalMins),
    minSamples: Type.Optional(alertFields.minSamples),
    severity: Type.Optional(alertFields.severity),
    enabled: Type.Optional(alertFields.enabled),
    channelIds: Type.Optional(alertFields.channelIds),
  },
  { additionalProperties: false },
);

export const AlertUpdateBody = Type.Partial(Type.Object(alertFields), { additionalProperties: false, minProperties: 1 });

export const AlertWorkflowInput = Type.Object({
  alertId: Type.String({ minLength: 1 }),
  projectId: Type.String({ minLength: 1 }),
  alertName: Type.String(),
  severity: Type.String(),
  evaluationIntervalMs: Type.Integer({ minimum: 1000 }),
  /** Carried across continue-as-new: evaluations so far, and a trigger that was still pending. */
  evaluations: Type.Optional(Type.Integer({ minimum: 0 })),
  pendingTrigger: Type.Optional(Type.Boolean()),
  /** Evaluations per run before continuing as new (tests set it low). */
  maxEvaluationsPerRun: Type.Optional(Type.Integer({ minimum: 1 })),
});

export const AlertEvaluationResult = Type.Object({
  alertId: Type.String(),
  /** False once the alert is deleted or disabled: its workflow then ends. */
  active: Type.Boolean(),
  conditionMet: Type.Boolean(),
  currentValue: Type.Number(),
  threshold: Type.Number(),
  sampleCount: Type.Integer({ minimum: 0 }),
  evaluationIntervalMs: Type.Integer({ minimum: 1000 }),
});

export const AlertStateTransition = Type.Object({
  alertId: Type.String(),
  previousState: AlertState,
  newState: AlertState,
  shouldNotify: Type.Boolean(),
  /** Stable across retries: the webhook-id of the notification this transition sends. */
  notificationId: Type.Optional(Type.String()),
  /** When PENDING: ms until the pending period is over, so the workflow can wake up then. */
  wakeInMs: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type AlertState = Static<typeof AlertState>;
export type AlertType = Static<typeof AlertType>;
export type AlertOperator = Static<typeof AlertOperator>;
export type ChannelType = Static<typeof ChannelType>;
export type ChannelBody = Static<typeof ChannelBody>;
export type AlertBody = Static<typeof AlertBody>;
export type AlertUpdateBody = Static<typeof AlertUpdateBody>;
export type AlertWorkflowInput = Static<typeof AlertWorkflowInput>;
export type AlertEvaluationResult = Static<typeof AlertEvaluationResult>;
export type AlertStateTransition = Static<typeof AlertStateTransition>;
