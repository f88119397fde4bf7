/**
 * The EventBridge envelope of a Batch event (record/build.ts): checked and split from its detail,
 * and the job's ARN checked against it (a hub's defence: a member account cannot write the record
 * of another account's job). A factory, like the rest of what the Lambda runs (record/build.ts
 * says why).
 */
import * as constants from "./constants";
import { fieldReading } from "./field-reader";
import type { JobRecord } from "./types";

/** The envelope checked and split from its detail. */
export interface ParsedEvent {
  readonly eventId: string;
  readonly eventTime?: string;
  readonly region: string;
  readonly account?: string;
  readonly detail: Record<string, unknown>;
}

export function envelopeReader() {
  const { undefined, Array, Date, Number } = globalThis;
  const { EVENT_SOURCE, EVENT_DETAIL_TYPE } = constants;
  const { invalidEventError, fieldReader, describeValue } = fieldReading();
  /** us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1, ... */
  const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
  const ACCOUNT_ID = /^\d{12}$/;
  /** arn:PARTITION:batch:REGION:ACCOUNT:job/ID (service jobs: service-job/ID). */
  const JOB_ARN = /^arn:[a-z-]+:batch:([^:]*):([^:]*):[a-z-]*job\/(.+)$/;

  /** Checks an EventBridge envelope: an object from `aws.batch` of detail-type Batch Job State Change. */
  function parseBatchEvent(event: unknown): ParsedEvent {
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      throw invalidEventError("(no id)", `the event is ${describeValue(event)}, not a JSON object`);
    }
    const envelope = event as Record<string, unknown>;
    const id = envelope.id;
    const eventId = typeof id === "string" && id !== "" ? id : "(no id)";
    const read = fieldReader(eventId);
    if (eventId === "(no id)")
      read.fail(`"id" must be a non-empty string, got ${describeValue(id)}`);
    if (envelope.source !== EVENT_SOURCE) {
      read.fail(`"source" must be "${EVENT_SOURCE}", got ${describeValue(envelope.source)}`);
    }
    if (envelope["detail-type"] !== EVENT_DETAIL_TYPE) {
      read.fail(
        `"detail-type" must be "${EVENT_DETAIL_TYPE}", got ${describeValue(envelope["detail-type"])}`,
      );
    }
    const region = read.string(envelope.region, "region");
    if (!region || !REGION_NAME.test(region)) {
      read.fail(`"region" must be an AWS region name, got ${describeValue(envelope.region)}`);
    }
    const account = read.string(envelope.account, "account");
    if (account !== undefined && !ACCOUNT_ID.test(account)) {
      read.fail(`"account" must be a 12-digit AWS account id, got ${describeValue(account)}`);
    }
    const eventTime = read.string(envelope.time, "time");
    if (eventTime !== undefined && Number.isNaN(Date.parse(eventTime))) {
      read.fail(`"time" must be an ISO-8601 timestamp, got ${describeValue(eventTime)}`);
    }
    const detail = read.object(envelope.detail, "detail");
    if (!detail) read.fail(`"detail" must be an object, got ${describeValue(envelope.detail)}`);
    return {
      eventId,
      eventTime,
      region: region as string,
      account,
      detail: detail as Record<string, unknown>,
    };
  }

  /**
   * Defence in depth for a hub, whose table is keyed by job id alone: the job's ARN must name the
   * account and region of the event that carries it, and the job id, so that a member account
   * cannot overwrite another account's record by sending an event about it.
   */
  function checkJobArn(parsed: ParsedEvent, record: JobRecord): void {
    const read = fieldReader(parsed.eventId);
    if (record.jobArn === undefined) return;
    const arn = JOB_ARN.exec(record.jobArn);
    if (!arn) {
      return read.fail(
        `"detail.jobArn" must be a Batch job ARN, got ${describeValue(record.jobArn)}`,
      );
    }
    const [, arnRegion, arnAccount, arnJobId] = arn;
    const account = parsed.account ?? arnAccount;
    if (arnRegion !== parsed.region || arnAccount !== account) {
      return read.fail(
        `"detail.jobArn" must be of the account and region the event comes from ` +
          `(account ${account} in ${parsed.region}), got account ${arnAccount} in ${arnRegion}`,
      );
    }
    if (arnJobId !== record.jobId) {
      return read.fail(
        `"detail.jobArn" must be the ARN of "detail.jobId" (${record.jobId}), got job ${arnJobId}`,
      );
    }
  }

  return { parseBatchEvent, checkJobArn };
}
