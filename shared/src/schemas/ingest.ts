import { Type, type Static } from "@sinclair/typebox";
import { Id } from "./common.js";
import { ScoreWorkflowInput } from "./score.js";
import { TraceWorkflowInput } from "./trace.js";

/**
 * A batch: what the gateway gathered of one project's accepted items in a few milliseconds,
 * handed to one ingestBatchWorkflow. Items keep their order; the same trace id may appear more
 * than once (its parts merge in that order).
 */
export const IngestBatchInput = Type.Object(
  {
    projectId: Type.String({ minLength: 1 }),
    traces: Type.Array(TraceWorkflowInput),
    scores: Type.Array(ScoreWorkflowInput),
  },
  { additionalProperties: false },
);

export const ItemType = Type.Union([Type.Literal("trace"), Type.Literal("score")]);
export const ItemState = Type.Union([Type.Literal("pending"), Type.Literal("stored"), Type.Literal("failed")]);

/** What became of one accepted item. */
export const ItemReceipt = Type.Object({
  id: Id,
  type: ItemType,
  state: ItemState,
  reason: Type.Optional(Type.String()),
  /** The request that brought the item (its X-Request-Id). */
  requestId: Type.Optional(Type.String()),
});

/** A batch's answer for GET /v1/ingestions/:workflowId. */
export const IngestionReceipt = Type.Object({
  workflowId: Type.String(),
  status: Type.Union([Type.Literal("running"), Type.Literal("completed"), Type.Literal("failed")]),
  items: Type.Array(ItemReceipt),
});

export type IngestBatchInput = Static<typeof IngestBatchInput>;
export type ItemType = Static<typeof ItemType>;
export type ItemState = Static<typeof ItemState>;
export type ItemReceipt = Static<typeof ItemReceipt>;
export type IngestionReceipt = Static<typeof IngestionReceipt>;
