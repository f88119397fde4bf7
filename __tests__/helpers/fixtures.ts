/**
 * The event fixtures (one file per job kind, see fixtures/events/README.md) and what the handler
 * must record for each: the terminal event's record, field by field.
 */
import * as fs from "fs";
import * as path from "path";
import type { JobRecord, LogStreamRef } from "../../record";

export type BatchEvent = Record<string, unknown> & { id: string; detail: Record<string, unknown> };

const DIR = path.join(__dirname, "..", "fixtures", "events");

/** Every event of one fixture, in emission order. */
export function fixture(name: string): BatchEvent[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), "utf8"));
}

/** The terminal (last) event of a fixture. */
export function terminalEvent(name: string): BatchEvent {
  const events = fixture(name);
  return events[events.length - 1];
}

export const FIXTURE_NAMES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && f !== "queue-blocked.json")
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

const stream = (
  attempt: number,
  logStreamName: string,
  logGroup = "/aws/batch/job",
  container = "default",
  logRegion = "us-east-1",
): LogStreamRef => ({ attempt, container, logGroup, logRegion, logStreamName });

type Expected = Partial<JobRecord> & { attemptCount: number };

/** What the terminal event of each fixture must yield (fields not listed are checked elsewhere). */
export const EXPECTED: Record<string, Expected> = {
  "ec2-single": {
    jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    logStreams: [stream(1, "nightly-etl/default/15af9da521a8da87cf894a817c898cd6")],
    attemptCount: 1,
  },
  fargate: {
    exitCode: 0,
    status: "SUCCEEDED",
    platform: "FARGATE",
    logStreams: [stream(1, "fargate-report/default/667952e1d60d5530605db9772274e558")],
    attemptCount: 1,
  },
  retried: {
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    logStreams: [
      stream(1, "genomics-align/default/ef8d6ff25f62ff26255e8cf28ade0fa4"),
      stream(2, "genomics-align/default/0e311a38e626b8cf919d814a3c7dab9f"),
      stream(3, "genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b"),
    ],
    attemptCount: 3,
  },
  "custom-log-group-cross-region": {
    exitCode: 0,
    platform: "EC2",
    status: "SUCCEEDED",
    region: "us-east-1",
    logStreams: [
      stream(
        1,
        "etl/default/7a808a5c4e05b138635681b9eab5d10a",
        "/batch/etl",
        "default",
        "eu-west-1",
      ),
    ],
    attemptCount: 1,
  },
  "non-awslogs-driver": {
    exitCode: 0,
    platform: "EC2",
    status: "SUCCEEDED",
    logDriver: "splunk",
    logStreams: [],
    attemptCount: 1,
  },
  "array-parent": {
    exitCode: undefined,
    platform: "EC2",
    jobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
    status: "SUCCEEDED",
    arraySize: 3,
    logStreams: [],
    attemptCount: 0,
  },
  "array-child": {
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    jobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:1",
    arrayIndex: 1,
    parentJobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
    logStreams: [stream(1, "tile-render/default/879ec840cb86d6b98a4e5289818c60ed")],
    attemptCount: 1,
  },
  "multinode-parent": {
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    jobId: "6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57",
    numNodes: 3,
    mainNode: 0,
    logStreams: [stream(1, "mpi-main/default/926e5ac30ce95992f4f9f0555c6a05b5", "/batch/mpi")],
    attemptCount: 1,
  },
  "multinode-parent-taskproperties": {
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    numNodes: 3,
    mainNode: 0,
    logStreams: [stream(1, "cfd/main/51f89671a9d353248d2ca555a013dfbb", "/batch/cfd", "main")],
    attemptCount: 1,
  },
  "multinode-node": {
    status: "SUCCEEDED",
    exitCode: 0,
    platform: "EC2",
    jobId: "6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57#1",
    nodeIndex: 1,
    isMainNode: false,
    parentJobId: "6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57",
    logStreams: [stream(1, "mpi-worker/default/d004e2194f51d2e046767577333da705", "/batch/mpi")],
    attemptCount: 1,
  },
  "multi-container": {
    // The essential container's exit code, not the sidecar's 143.
    exitCode: 0,
    platform: "EC2",
    status: "SUCCEEDED",
    logStreams: [
      stream(1, "multi-sim/app/ec46300d77b3c5ff9c0e8060db5156e5", "/aws/batch/job", "app"),
      stream(
        1,
        "sidecar/metrics-agent/ec46300d77b3c5ff9c0e8060db5156e5",
        "/batch/sidecars",
        "metrics-agent",
      ),
      stream(1, "multi-sim/envoy/ec46300d77b3c5ff9c0e8060db5156e5", "/aws/batch/job", "envoy"),
    ],
    attemptCount: 1,
  },
  eks: {
    exitCode: 0,
    status: "SUCCEEDED",
    platform: "EKS",
    eksClusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/batch-eks-prod",
    logStreams: [],
    attemptCount: 2,
  },
  "cancelled-in-queue": {
    exitCode: undefined,
    platform: "EC2",
    status: "FAILED",
    isCancelled: true,
    statusReason:
      "Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    logStreams: [],
    attemptCount: 0,
  },
  "image-pull-failure": {
    exitCode: undefined,
    platform: "EC2",
    status: "FAILED",
    statusReason: "Task failed to start",
    reason:
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:2026.11.0-rc1: not found",
    logStreams: [],
    attemptCount: 1,
  },
  "docker-timeout": {
    exitCode: undefined,
    platform: "EC2",
    status: "FAILED",
    statusReason: "Task failed to start",
    reason: "DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s",
    logStreams: [stream(1, "render-frames/default/444fbea193638b4fb67c47081e7d7dad")],
    attemptCount: 1,
  },
  terminated: {
    platform: "EC2",
    status: "FAILED",
    isTerminated: true,
    exitCode: 137,
    statusReason: "Terminated by operator: backfill superseded",
    logStreams: [stream(1, "nightly-etl/default/0e6f6e4e0a95800c680a69f13d6e2a6c")],
    attemptCount: 1,
  },
  "timed-out": {
    platform: "EC2",
    status: "FAILED",
    exitCode: 137,
    statusReason: "Job attempt duration exceeded timeout",
    logStreams: [stream(1, "render-frames/default/69d8795a484fcbd9cddd6b9a1c484ac7")],
    attemptCount: 1,
  },
  oom: {
    platform: "EC2",
    status: "FAILED",
    exitCode: 137,
    reason: "OutOfMemoryError: Container killed due to memory usage",
    logStreams: [stream(1, "genomics-align/default/c41d399bb6010c11f151c94ed658c1e1")],
    attemptCount: 1,
  },
  "old-no-jobarn": {
    status: "SUCCEEDED",
    exitCode: 0,
    jobId: "3d5f7a9c-1e2a-4c4d-96f8-0b2c4e6a8df7",
    platform: "EC2",
    logStreams: [stream(1, "legacy-transcode/default/801c1ec6-bd8c-459e-9203-87f16cccaa99")],
    attemptCount: 1,
  },
};

/** Checks a record against a fixture's expectation, including the "last attempt" log fields. */
export function expectRecordFor(name: string, job: JobRecord): void {
  const record = job as unknown as Record<string, unknown>;
  const { attemptCount, ...fields } = EXPECTED[name];
  const absent = Object.keys(fields).filter(
    (key) => fields[key as keyof typeof fields] === undefined,
  );
  expect(absent.map((key) => [key, record[key]])).toEqual(absent.map((key) => [key, undefined]));
  expect(record).toMatchObject(
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  );
  expect(record.attempts).toHaveLength(attemptCount);
  const streams = fields.logStreams ?? [];
  const lastAttempt = streams.length > 0 ? streams[streams.length - 1].attempt : undefined;
  const main = streams.find((s) => s.attempt === lastAttempt);
  expect({
    logGroup: record.logGroup,
    logRegion: record.logRegion,
    logStreamName: record.logStreamName,
  }).toEqual({
    logGroup: main?.logGroup,
    logRegion: main?.logRegion,
    logStreamName: main?.logStreamName,
  });
}
