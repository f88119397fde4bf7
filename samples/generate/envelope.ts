/**
 * EventBridge envelopes of the sample: the account, region and epoch every event shares, the
 * detail-types, and how an event as AWS emits it (an Emission) becomes the envelope a target
 * receives (a BatchEvent).
 */
import type { Rng } from "./rng";

export const SAMPLE_EPOCH_MS = Date.UTC(2026, 10, 1, 0, 0, 0);
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

export const STATE_CHANGE = "Batch Job State Change";
export const QUEUE_BLOCKED = "Batch Job Queue Blocked";
export const SERVICE_JOB_STATE_CHANGE = "Batch Service Job State Change";

export type JsonObject = { [key: string]: unknown };

export interface BatchEvent {
  version: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

/** One event as AWS emits it (before EventBridge delivery effects). */
export interface Emission {
  jobId: string;
  at: number;
  detailType: string;
  source: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

export function batchArn(region: string, resource: string): string {
  return `arn:aws:batch:${region}:${ACCOUNT}:${resource}`;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function isTerminal(status: unknown): boolean {
  return status === "SUCCEEDED" || status === "FAILED";
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A "Batch Job State Change" emission carrying a snapshot of `detail`. */
export function stateChange(
  jobId: string,
  region: string,
  at: number,
  detail: JsonObject,
  jobArn: string,
): Emission {
  return {
    jobId,
    at,
    detailType: STATE_CHANGE,
    source: "aws.batch",
    region,
    resources: [jobArn],
    detail: clone(detail),
  };
}

export function toEnvelope(rng: Rng, e: Emission): BatchEvent {
  return {
    version: "0",
    id: rng.uuid(),
    "detail-type": e.detailType,
    source: e.source,
    account: ACCOUNT,
    time: isoSeconds(e.at),
    region: e.region,
    resources: e.resources,
    detail: e.detail,
  };
}
