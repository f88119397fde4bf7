/**
 * The fixed facts of the job record: the events it is built from, the statuses a job passes
 * through, Batch's default log group and the bounds that keep an item small. Plain values only:
 * the Lambda's factories copy them into local constants once per cold start.
 */

export const EVENT_SOURCE = "aws.batch";
export const EVENT_DETAIL_TYPE = "Batch Job State Change";
/** Batch's default awslogs group (with the leading slash). */
export const DEFAULT_LOG_GROUP = "/aws/batch/job";
/** The container name of a single-container job's stream. */
export const DEFAULT_CONTAINER = "default";
/** Longest text kept from a reason; longer ones are cut with a visible marker. */
export const MAX_TEXT_LENGTH = 1024;
/** Longest identifier accepted (names, ARNs, log group and stream names: AWS allows 512 at most). */
export const MAX_FIELD_LENGTH = 512;
/** Bounds that keep any item far below DynamoDB's 400 KB limit (Batch allows 10 attempts). */
export const MAX_ATTEMPTS = 20;
export const MAX_LOG_STREAMS = 100;

/** Ranks the statuses a job passes through; terminal statuses outrank everything. */
export const STATUS_RANK: Readonly<Record<string, number>> = {
  SUBMITTED: 1,
  PENDING: 2,
  RUNNABLE: 3,
  STARTING: 4,
  RUNNING: 5,
  SUCCEEDED: 6,
  FAILED: 6,
};

/** The statuses of a Batch job, in the order a job passes through them. */
export const BATCH_STATUSES: readonly string[] = Object.keys(STATUS_RANK);

/** The statuses a job ends in; its event in one of them carries the complete attempt list. */
export const TERMINAL_STATUSES: readonly string[] = ["SUCCEEDED", "FAILED"];
