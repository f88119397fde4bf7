/**
 * The log configurations of the sample's job definitions (awslogs with and without a custom
 * group, region or stream prefix, and other drivers), and the stream prefix Batch derives.
 */
import { ACCOUNT, REGION } from "./envelope";
import type { JobDef } from "./job-definitions";

export type LogConfiguration = {
  logDriver: string;
  options?: Record<string, string>;
  secretOptions?: { name: string; valueFrom: string }[];
};

export const LOG_CONFIGS = {
  etlCrossRegion: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": "/batch/etl",
      "awslogs-region": "eu-west-1",
      "awslogs-stream-prefix": "etl",
    },
    secretOptions: [],
  },
  etlSameRegion: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/etl", "awslogs-stream-prefix": "etl" },
    secretOptions: [],
  },
  reportsGroup: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": "/ecs/fargate-report",
      "awslogs-region": REGION,
      "awslogs-stream-prefix": "ecs",
    },
    secretOptions: [],
  },
  prefixOnly: {
    logDriver: "awslogs",
    options: { "awslogs-stream-prefix": "report" },
    secretOptions: [],
  },
  defaultGroupExplicit: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/aws/batch/job", "awslogs-stream-prefix": "batch" },
    secretOptions: [],
  },
  splunk: {
    logDriver: "splunk",
    options: {
      "splunk-url": "https://http-inputs-example.splunkcloud.com:443",
      "splunk-source": "aws-batch",
      "splunk-format": "json",
    },
    secretOptions: [
      {
        name: "splunk-token",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:splunk-hec-token-Xy12Ab`,
      },
    ],
  },
  fluentd: {
    logDriver: "fluentd",
    options: { "fluentd-address": "127.0.0.1:24224", tag: "batch.{{.Name}}" },
    secretOptions: [],
  },
  gelf: {
    logDriver: "gelf",
    options: { "gelf-address": "udp://graylog.internal.example.com:12201" },
    secretOptions: [],
  },
  mpiMain: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/mpi", "awslogs-stream-prefix": "mpi-main" },
    secretOptions: [],
  },
  mpiWorker: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/mpi", "awslogs-stream-prefix": "mpi-worker" },
    secretOptions: [],
  },
  cfd: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/cfd", "awslogs-stream-prefix": "cfd" },
    secretOptions: [],
  },
  sidecars: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/sidecars", "awslogs-stream-prefix": "sidecar" },
    secretOptions: [],
  },
} satisfies Record<string, LogConfiguration>;

/** `<prefix>` of `<prefix>/<container>/<task id>`: the awslogs-stream-prefix, else the definition's name. */
export function streamPrefix(def: JobDef, log: LogConfiguration | undefined): string {
  return log?.options?.["awslogs-stream-prefix"] ?? def.name;
}

/** Batch's default awslogs group (with the leading slash). */
export const DEFAULT_LOG_GROUP = "/aws/batch/job";

/** Where a container's CloudWatch stream is. */
export interface LogDestination {
  logGroupName: string;
  region: string;
}

/** The group and region of an awslogs configuration; undefined for another driver. */
export function logDestination(
  log: LogConfiguration | undefined,
  eventRegion: string,
): LogDestination | undefined {
  if ((log?.logDriver ?? "awslogs") !== "awslogs") return undefined;
  return {
    logGroupName: log?.options?.["awslogs-group"] ?? DEFAULT_LOG_GROUP,
    region: log?.options?.["awslogs-region"] ?? eventRegion,
  };
}

/**
 * The one group with a retention setting: shorter than the sample's age, so its streams have
 * expired (logs.jsonl declares the group and holds none of its streams).
 */
export const EXPIRED_LOG_GROUP = {
  logGroupName: LOG_CONFIGS.reportsGroup.options["awslogs-group"],
  region: REGION,
  retentionInDays: 14,
};
