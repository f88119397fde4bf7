/**
 * The record this program keeps, one DynamoDB item per Batch job. These names are the contract
 * read by the command-line tool and by anyone querying the table: add fields, never rename.
 */

/** Where one stream of one attempt of one container is. */
export interface LogStreamRef {
  /** Attempt number, counting from 1. */
  readonly attempt: number;
  /** Container name; `default` for single-container jobs. */
  readonly container: string;
  readonly logGroup: string;
  readonly logRegion: string;
  readonly logStreamName: string;
}

/** One attempt of a job, as Batch reports it. */
export interface AttemptRecord {
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly exitCode?: number;
  readonly statusReason?: string;
  /** The container's own reason, e.g. `CannotPullContainerError: ...`. */
  readonly reason?: string;
  readonly taskArn?: string;
  /** EKS jobs: where the attempt ran instead of a log stream. */
  readonly podName?: string;
  readonly nodeName?: string;
  readonly podNamespace?: string;
}

export type Platform = "EC2" | "FARGATE" | "EKS";

export interface JobRecord {
  readonly jobId: string;
  readonly jobArn?: string;
  readonly jobName?: string;
  readonly jobQueue?: string;
  readonly jobDefinition?: string;
  readonly status: string;
  readonly statusReason?: string;
  /** The container's reason on the record level (why a job that never ran failed). */
  readonly reason?: string;
  readonly exitCode?: number;
  readonly createdAt?: number;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  /** Region the job ran in (the event's region). */
  readonly region: string;
  readonly account?: string;
  readonly platform?: Platform;
  readonly isCancelled?: boolean;
  readonly isTerminated?: boolean;

  /** The last attempt's main container: absent when the job produced no CloudWatch stream. */
  readonly logGroup?: string;
  readonly logRegion?: string;
  readonly logStreamName?: string;
  /** Set when the job logs with a driver other than awslogs: there is no CloudWatch stream. */
  readonly logDriver?: string;
  readonly logStreams: readonly LogStreamRef[];
  readonly attempts: readonly AttemptRecord[];
  readonly eksClusterArn?: string;

  /** Array jobs: the parent has the size and summary, children their index and parent. */
  readonly arraySize?: number;
  readonly arrayStatusSummary?: Readonly<Record<string, number>>;
  readonly arrayIndex?: number;
  /** Multi-node jobs: the parent has the shape, nodes their index and parent. */
  readonly numNodes?: number;
  readonly mainNode?: number;
  readonly nodeIndex?: number;
  readonly isMainNode?: boolean;
  /** Array child or multi-node node: the parent's job id (key of the children index). */
  readonly parentJobId?: string;

  /** The envelope id of the event that wrote this item; empty for a backfilled record. */
  readonly eventId: string;
  /** The event's `time` (epoch ms; one-second resolution); absent for a backfilled record. */
  readonly eventTime?: number;
  /** When this item was written (epoch ms). */
  readonly recordedAt: number;
  /** TTL attribute (epoch seconds), only when a retention is configured. */
  readonly expiresAt?: number;
  /**
   * Orders every write of one job: an item is only replaced by a record with a greater revision
   * (or, from an event, over a backfilled item of the same revision). See `revisionOf`.
   */
  readonly revision: number;
}

/** The envelope facts a record needs besides the job detail. */
export interface RecordContext {
  readonly eventId: string;
  readonly eventTime?: string;
  readonly region: string;
  readonly account?: string;
  /** Retention in days; sets `expiresAt` counted from the job's end. */
  readonly retentionDays?: number;
  /** Clock for `recordedAt`. */
  readonly now: Date;
}

/** An item as the table holds it (record/layout.ts turns records into items and back). */
export type StoredItem = Record<string, unknown>;
