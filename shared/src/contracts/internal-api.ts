import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { AlertOperator, AlertStateTransition, AlertType, ChannelType } from "../schemas/alert.js";
import { Id } from "../schemas/common.js";
import { IngestBatchInput, ItemReceipt } from "../schemas/ingest.js";
import { ScoreValue, ScoreWorkflowInput } from "../schemas/score.js";
import { TraceWorkflowInput } from "../schemas/trace.js";

/**
 * The gateway's internal API, one entry per route: `POST /internal/<name>` takes `body` and
 * answers `reply`. The gateway registers its routes from this table and the worker's client is
 * typed (and its replies checked) by it, so the two sides cannot disagree.
 */

const ProjectId = Type.String({ minLength: 1 });
const TraceRef = Type.Object({ projectId: ProjectId, traceId: Id }, { additionalProperties: false });
/** The traces of one batch (at most a batch's worth). */
const TraceRefs = Type.Object({ projectId: ProjectId, traceIds: Type.Array(Id, { maxItems: 1000 }) }, { additionalProperties: false });
const AlertId = Type.String({ format: "uuid" });
const NotificationState = Type.Union([Type.Literal("FIRING"), Type.Literal("RESOLVED")]);
/** Stable across retries of one notification (the Standard Webhooks webhook-id). */
const NotificationId = Type.String({ minLength: 1, maxLength: 300 });

export const DeliveryStatus = Type.Union([Type.Literal("SENT"), Type.Literal("FAILED"), Type.Literal("RETRYING")]);

/** One evaluation of an alert, applied to its state machine once (evaluationId is the key). */
export const AlertEvaluation = Type.Object(
  {
    alertId: AlertId,
    /** Unique per evaluation, the same for its retries. */
    evaluationId: Type.String({ minLength: 1, maxLength: 200 }),
    conditionMet: Type.Boolean(),
    value: Type.Number(),
    sampleCount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** One attempt to deliver a notification to one channel, as the worker saw it. */
export const DeliveryRecord = Type.Object(
  {
    alertId: AlertId,
    channelId: Type.String({ format: "uuid" }),
    notificationId: NotificationId,
    state: NotificationState,
    status: DeliveryStatus,
    responseStatus: Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.Null()]),
    error: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * What the worker needs to send one notification: the alert as the message shows it (null once
 * the alert is gone) and its channels that have not had this notification yet, with their
 * signing secrets decrypted (the worker's database role cannot read them).
 */
export const NotificationTargets = Type.Object({
  alert: Type.Union([
    Type.Object({
      id: AlertId,
      name: Type.String(),
      type: AlertType,
      operator: AlertOperator,
      severity: Type.String(),
      windowMins: Type.Integer(),
    }),
    Type.Null(),
  ]),
  channels: Type.Array(
    Type.Object({
      id: Type.String({ format: "uuid" }),
      type: ChannelType,
      url: Type.String(),
      secret: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** Channels already served (sent, or failed for good) for this notification. */
  alreadyServed: Type.Integer({ minimum: 0 }),
});

function route<B extends TSchema, R extends TSchema>(body: B, reply: R) {
  return { body, reply };
}

export const INTERNAL_ROUTES = {
  /** A batch: stored in one transaction; an item the database refuses is reported, the rest kept. */
  ingestBatch: route(IngestBatchInput, Type.Object({ items: Type.Array(ItemReceipt) })),
  calculateBatchCosts: route(TraceRefs, Type.Object({ pricedCount: Type.Integer({ minimum: 0 }) })),
  updateBatchCostSummaries: route(TraceRefs, Type.Object({ days: Type.Array(Type.String()) })),
  // One item per call: the legacy queue path, and trace/score workflows started before batching.
  ingestTrace: route(TraceWorkflowInput, Type.Object({ traceId: Id, spanCount: Type.Integer({ minimum: 0 }) })),
  ingestScore: route(ScoreWorkflowInput, Type.Object({ scoreId: Id })),
  calculateTraceCosts: route(TraceRef, Type.Object({ pricedCount: Type.Integer({ minimum: 0 }) })),
  updateCostSummaries: route(TraceRef, Type.Object({ days: Type.Array(Type.String()) })),
  validateScoreConfig: route(
    Type.Object({ projectId: ProjectId, configId: Id, value: ScoreValue }, { additionalProperties: false }),
    Type.Object({ valid: Type.Boolean(), error: Type.Optional(Type.String()) }),
  ),
  transitionAlertState: route(AlertEvaluation, AlertStateTransition),
  notificationTargets: route(
    Type.Object({ alertId: AlertId, notificationId: NotificationId }, { additionalProperties: false }),
    NotificationTargets,
  ),
  recordDelivery: route(DeliveryRecord, Type.Object({ attempts: Type.Integer({ minimum: 1 }) })),
} as const;

export type InternalRoutes = typeof INTERNAL_ROUTES;
export type InternalRouteName = keyof InternalRoutes;
export type InternalBody<N extends InternalRouteName> = Static<InternalRoutes[N]["body"]>;
export type InternalReply<N extends InternalRouteName> = Static<InternalRoutes[N]["reply"]>;
export type AlertEvaluation = Static<typeof AlertEvaluation>;
export type DeliveryRecord = Static<typeof DeliveryRecord>;
export type DeliveryStatus = Static<typeof DeliveryStatus>;
export type NotificationTargets = Static<typeof NotificationTargets>;

export const internalPath = (name: InternalRouteName) => `/internal/${name}`;
