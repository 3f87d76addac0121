import { Type, type Static } from "@sinclair/typebox";

export const AlertState = Type.Union([
  Type.Literal("INACTIVE"),
  Type.Literal("PENDING"),
  Type.Literal("FIRING"),
  Type.Literal("RESOLVED"),
]);

export const AlertWorkflowInput = Type.Object({
  alertId: Type.String({ minLength: 1 }),
  projectId: Type.String({ minLength: 1 }),
  alertName: Type.String(),
  severity: Type.String(),
  evaluationIntervalMs: Type.Integer({ minimum: 1000 }),
});

export const AlertEvaluationResult = Type.Object({
  alertId: Type.String(),
  conditionMet: Type.Boolean(),
  currentValue: Type.Number(),
  threshold: Type.Number(),
  sampleCount: Type.Integer({ minimum: 0 }),
});

export const AlertStateTransition = Type.Object({
  alertId: Type.String(),
  previousState: AlertState,
  newState: AlertState,
  shouldNotify: Type.Boolean(),
});

export type AlertState = Static<typeof AlertState>;
export type AlertWorkflowInput = Static<typeof AlertWorkflowInput>;
export type AlertEvaluationResult = Static<typeof AlertEvaluationResult>;
export type AlertStateTransition = Static<typeof AlertStateTransition>;
