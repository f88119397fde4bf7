/**
 * Single-container ECS jobs, on EC2, Fargate or as 2018-era events: one attempt or several
 * (retried), any log configuration (custom group or region, another driver), and every way an
 * attempt ends (exit code, host terminated, image pull failure, Docker timeout, attempt timeout,
 * out of memory, terminated by a user). Array children are single jobs too (kinds/array.ts).
 */
import {
  ACCOUNT,
  REGION,
  batchArn,
  clone,
  stateChange,
  type Emission,
  type JsonObject,
} from "../envelope";
import {
  detailHead,
  detailTail,
  ecsContainer,
  instanceId,
  ipv4,
  type Identity,
  type JobStatus,
} from "../job-detail";
import { jobDefArn, type JobDef } from "../job-definitions";
import type { JobKind, PlannedJob, Simulated } from "../jobs";
import { lineCount, type LogRun, type Output } from "../logs";
import { logDestination, streamPrefix, type LogConfiguration } from "../log-configs";
import type { Platform } from "../queues";
import type { Rng } from "../rng";

export type Outcome =
  | { kind: "exit"; exitCode: number }
  | { kind: "host-terminated" }
  | { kind: "pull-failure" }
  | { kind: "docker-timeout" }
  | { kind: "timeout" }
  | { kind: "oom" }
  | { kind: "user-terminated"; reason: string };

export interface SingleJobSpec {
  jobId: string;
  jobName: string;
  def: JobDef;
  queue: string;
  platform: Platform;
  cluster: string;
  createdAt: number;
  /** One outcome per attempt, in order. */
  attempts: Outcome[];
  retryAttempts: number;
  logConfiguration?: LogConfiguration;
  timeoutSeconds?: number;
  arrayIndex?: number;
  parameters?: Record<string, string>;
  /** Newer events carry "eksAttempts": [] even for ECS jobs. */
  eksAttemptsField?: boolean;
}

const PULL_ERRORS = [
  (image: string) =>
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: not found`,
  (image: string) =>
    `CannotPullContainerError: Error response from daemon: pull access denied for ${image.split(":")[0]}, repository does not exist or may require 'docker login'`,
];

/** An attempt that ran, as the program in its container saw it. */
export interface AttemptRun {
  spec: SingleJobSpec;
  outcome: Outcome;
  /** 1-based. */
  attempt: number;
  /** How long it ran, in ms. */
  ms: number;
}

/** What the container of an attempt that ran printed. */
export type AttemptPrinter = (rng: Rng, run: AttemptRun) => Output;

export function simulateSingleJob(
  rng: Rng,
  s: SingleJobSpec,
  printer: AttemptPrinter = printSingleAttempt,
): Simulated {
  const out: Emission[] = [];
  const runs: LogRun[] = [];
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: s.platform !== "OLD",
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: s.retryAttempts,
    jobDefinition: jobDefArn(s.def),
    parameters: s.parameters,
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const d = detailHead(id, "RUNNABLE");
  const c = ecsContainer(s.def, s.platform, s.logConfiguration);
  d.container = c;
  if (s.timeoutSeconds !== undefined) d.timeout = { attemptDurationSeconds: s.timeoutSeconds };
  if (s.arrayIndex !== undefined) d.arrayProperties = { index: s.arrayIndex };
  detailTail(
    d,
    id,
    s.platform === "FARGATE" ? ["FARGATE"] : s.platform === "OLD" ? [] : ["EC2"],
    s.eksAttemptsField ?? false,
  );
  const emit = (status: JobStatus, at: number) => {
    d.status = status;
    out.push(stateChange(s.jobId, REGION, at, d, jobArn));
  };

  const prefix = streamPrefix(s.def, s.logConfiguration);
  // With splunk, fluentd, gelf... there is no CloudWatch stream, and no logStreamName (inferred).
  const destination = logDestination(s.logConfiguration, REGION);
  const attempts: JsonObject[] = [];
  let t = s.createdAt + rng.int(800, 4000);
  emit("RUNNABLE", t);

  s.attempts.forEach((o, i) => {
    const last = i === s.attempts.length - 1;
    t += rng.int(20_000, 240_000);
    const taskId = s.platform === "OLD" ? rng.uuid() : rng.hex(32);
    const taskArn =
      s.platform === "OLD"
        ? `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${taskId}`
        : `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${s.cluster}/${taskId}`;
    const instanceArn =
      s.platform === "FARGATE"
        ? undefined
        : s.platform === "OLD"
          ? `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${rng.uuid()}`
          : `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${s.cluster}/${rng.hex(32)}`;
    const nis =
      s.platform === "FARGATE" ? [{ attachmentId: rng.uuid(), privateIpv4Address: ipv4(rng) }] : [];

    delete c.exitCode;
    delete c.reason;
    delete c.logStreamName;
    delete c.containerInstanceArn;
    delete d.statusReason;
    delete d.startedAt;
    delete d.stoppedAt;
    if (instanceArn) c.containerInstanceArn = instanceArn;
    c.taskArn = taskArn;
    c.networkInterfaces = nis;
    emit("STARTING", t);

    const stream = destination ? `${prefix}/default/${taskId}` : undefined;
    const ac: JsonObject = {};
    if (instanceArn) ac.containerInstanceArn = instanceArn;
    ac.taskArn = taskArn;
    let attempt: JsonObject;
    let stop: number;

    if (o.kind === "pull-failure" || o.kind === "docker-timeout") {
      const reason =
        o.kind === "pull-failure"
          ? rng.pick(PULL_ERRORS)(s.def.image)
          : "DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s";
      stop =
        t + (o.kind === "pull-failure" ? rng.int(15_000, 90_000) : 240_000 + rng.int(500, 4000));
      ac.reason = reason;
      // The attempt names a stream that is never created (docs/batch-events.md).
      if (o.kind === "docker-timeout") ac.logStreamName = stream;
      ac.networkInterfaces = nis;
      attempt = { container: ac, stoppedAt: stop, statusReason: "Task failed to start" };
      c.reason = reason;
      if (o.kind === "docker-timeout") c.logStreamName = stream;
    } else {
      t += rng.int(5_000, 60_000);
      const started = t;
      if (stream) c.logStreamName = stream;
      d.startedAt = started;
      emit("RUNNING", t);
      const duration =
        o.kind === "timeout"
          ? (s.timeoutSeconds ?? 600) * 1000 + rng.int(50, 2500)
          : rng.int(45_000, 1_800_000);
      stop = started + duration;
      let exitCode: number | undefined;
      let reason: string | undefined;
      let statusReason = "Essential container in task exited";
      switch (o.kind) {
        case "exit":
          exitCode = o.exitCode;
          break;
        case "oom":
          exitCode = 137;
          reason = "OutOfMemoryError: Container killed due to memory usage";
          break;
        case "timeout":
          exitCode = 137;
          statusReason = "Job attempt duration exceeded timeout";
          break;
        case "user-terminated":
          exitCode = 137;
          statusReason = o.reason;
          break;
        case "host-terminated":
          statusReason = `Host EC2 (instance ${instanceId(rng)}) terminated.`;
          break;
      }
      if (exitCode !== undefined) ac.exitCode = exitCode;
      if (reason !== undefined) ac.reason = reason;
      if (stream) ac.logStreamName = stream;
      ac.networkInterfaces = nis;
      attempt = { container: ac, startedAt: started, stoppedAt: stop, statusReason };
      if (exitCode !== undefined) c.exitCode = exitCode;
      if (reason !== undefined) c.reason = reason;
      if (destination && stream) {
        const run: AttemptRun = { spec: s, outcome: o, attempt: i + 1, ms: stop - started };
        runs.push({
          ...destination,
          logStreamName: stream,
          startedAt: started,
          stoppedAt: stop,
          print: (r) => printer(r, run),
        });
      }
    }
    attempts.push(attempt);
    d.attempts = clone(attempts);
    t = stop;
    if (!last) {
      t += rng.int(1000, 6000);
      delete d.startedAt;
      emit("RUNNABLE", t);
    } else {
      const success = o.kind === "exit" && o.exitCode === 0;
      d.statusReason = attempt.statusReason;
      d.stoppedAt = stop;
      if (o.kind === "user-terminated") d.isTerminated = true;
      emit(success ? "SUCCEEDED" : "FAILED", stop + rng.int(0, 1500));
    }
  });
  return { emissions: out, runs };
}

export function planSingleJob(rng: Rng, kind: JobKind, spec: SingleJobSpec): PlannedJob[] {
  return [{ kind, jobId: spec.jobId, ...simulateSingleJob(rng, spec) }];
}

/* What single-container jobs print ------------------------------------------------------------ */

/** The texts of one run of a program, drawn once so that its lines agree with each other. */
export interface Script {
  /** Printed at once when the container starts. */
  start: string[];
  /** Progress line `i` of `n` (1-based). */
  step: (i: number, n: number) => string;
  /** After the last step, on exit 0. */
  done: Output;
  /** Before exiting with this code (2 and 127 fail before the first step). */
  fail: (exitCode: number) => Output;
  /** Memory growth and the error; without it, the OOM killer strikes silently. */
  oom?: Output;
  /** On TerminateJob's SIGTERM, before the SIGKILL. */
  sigterm?: string;
}

export type Program = (rng: Rng, run: AttemptRun) => Script;

/**
 * A run of `program`: its start, then its steps, then how the attempt ended. A run killed by a
 * timeout, a terminated host or TerminateJob stops mid-way, without a last line of its own.
 */
export function printAttempt(rng: Rng, run: AttemptRun, program: Program): Output {
  const script = program(rng, run);
  const n = lineCount(run.ms, 120_000, 2, 10);
  const o = run.outcome;
  const early = o.kind === "exit" && (o.exitCode === 2 || o.exitCode === 127);
  const steps = o.kind === "exit" && o.exitCode === 0 ? n : early ? 0 : rng.int(1, n - 1);
  const out: Output = [script.start];
  for (let i = 1; i <= steps; i++) out.push(script.step(i, n));
  if (o.kind === "exit") out.push(...(o.exitCode === 0 ? script.done : script.fail(o.exitCode)));
  if (o.kind === "oom") out.push(...(script.oom ?? []));
  if (o.kind === "user-terminated" && script.sigterm) out.push(script.sigterm);
  return out;
}

function traceback(frames: [string, number, string, string][], error: string): string[] {
  return [
    "Traceback (most recent call last):",
    ...frames.flatMap(([file, line, fn, code]) => [
      `  File "${file}", line ${line}, in ${fn}`,
      `    ${code}`,
    ]),
    error,
  ];
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** `nightly-etl`: python -m etl.run, one table per job name (etl-orders-0012: orders). */
const etl: Program = (rng, { spec, attempt, ms }) => {
  const table = spec.jobName.replace(/^etl-|-\d+$/g, "");
  const total = rng.int(40, 900) * 1000;
  const rows = (i: number, n: number) => Math.round((total * i) / n);
  return {
    start: [
      `INFO etl.run: starting ${spec.jobName} (AWS_BATCH_JOB_ID=${spec.jobId}, attempt ${attempt} of ${spec.retryAttempts})`,
      `INFO etl.extract: reading s3://lake-raw/${table}/dt=2026-10-31/ (${rng.int(4, 64)} objects)`,
    ],
    step: (i, n) =>
      `INFO etl.transform: ${rows(i, n)} of ${total} rows transformed (${Math.round((100 * i) / n)}%)`,
    done: [
      `INFO etl.load: upserted ${total} rows into analytics.${table}_daily`,
      `INFO etl.run: ${spec.jobName} finished in ${seconds(ms)} s`,
    ],
    fail: (exitCode) => {
      if (exitCode === 2) {
        return [
          [
            "usage: python -m etl.run [-h] --date DATE [--dry-run]",
            "python -m etl.run: error: argument --date: invalid isoformat string: 'Ref::date'",
          ],
        ];
      }
      if (exitCode === 127) return ["/entrypoint.sh: line 14: psql: command not found"];
      if (exitCode === 139) {
        return [
          [
            "Fatal Python error: Segmentation fault",
            "Current thread 0x00007f9a3c1ff740 (most recent call first):",
            '  File "/usr/local/lib/python3.12/site-packages/pyarrow/parquet/core.py", line 1843 in read_table',
            '  File "/app/etl/extract.py", line 31 in extract',
            '  File "/app/etl/run.py", line 71 in main',
          ],
        ];
      }
      const [frames, error] = rng.pick<[[string, number, string, string][], string]>([
        [
          [["/app/etl/load.py", 41, "load", "cursor.executemany(UPSERT_SQL, batch)"]],
          `psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "${table}_daily_pkey"`,
        ],
        [
          [
            [
              "/app/etl/extract.py",
              23,
              "extract",
              'body = s3.get_object(Bucket=bucket, Key=key)["Body"]',
            ],
          ],
          "botocore.exceptions.ClientError: An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.",
        ],
        [
          [["/app/etl/transform.py", 57, "transform", 'customer = customers[row["customer_id"]]']],
          `KeyError: 'C-${rng.int(1000000, 9999999)}'`,
        ],
      ]);
      return [
        [
          `ERROR etl.run: ${spec.jobName} failed`,
          ...traceback([["/app/etl/run.py", 88, "main", "run(args.date)"], ...frames], error),
        ],
      ];
    },
    sigterm: "WARNING etl.run: received SIGTERM, stopping after the current batch",
  };
};

/** `etl-loader`: python -m loader, copying partitions to the TARGET_REGION warehouse. */
const loader: Program = (rng, { spec, attempt, ms }) => {
  const parts = rng.int(6, 48);
  return {
    start: [
      `INFO loader: ${spec.jobName} (AWS_BATCH_JOB_ID=${spec.jobId}, attempt ${attempt} of ${spec.retryAttempts}) loading ${parts} partitions into eu-west-1`,
    ],
    step: (i, n) =>
      `INFO loader: ${Math.round((parts * i) / n)} of ${parts} partitions copied to s3://warehouse-eu-west-1/orders/`,
    done: [`INFO loader: ${spec.jobName} done in ${seconds(ms)} s, manifest written`],
    fail: () => [
      [
        `ERROR loader: ${spec.jobName} failed`,
        ...traceback(
          [
            ["/app/loader/__main__.py", 64, "main", "copy_partition(part)"],
            [
              "/app/loader/copy.py",
              29,
              "copy_partition",
              "s3.put_object(Bucket=target, Key=key, Body=data)",
            ],
          ],
          "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        ),
      ],
    ],
  };
};

/** `fargate-report`: node dist/report.js, logging JSON lines (pino). */
const report: Program = (rng, { spec, attempt, ms }) => {
  const name = spec.jobName.replace(/-\d+$/, "");
  const sections = ["summary", "revenue", "orders", "refunds", "latency", "errors"];
  const info = (fields: string) => `{"level":30,${fields}}`;
  return {
    start: [
      info(
        `"msg":"report starting","job":"${spec.jobName}","jobId":"${spec.jobId}","attempt":${attempt}`,
      ),
    ],
    step: (i) =>
      info(
        `"msg":"section rendered","section":"${sections[(i - 1) % sections.length]}","rows":${rng.int(20, 40000)}`,
      ),
    done: [
      info(`"msg":"report uploaded","key":"s3://reports/${name}/2026-10-31/${spec.jobName}.pdf"`),
      info(`"msg":"report finished","job":"${spec.jobName}","durationMs":${ms}`),
    ],
    fail: () => [
      rng.pick([
        `{"level":50,"msg":"report failed","job":"${spec.jobName}","err":{"type":"Error","message":"connect ECONNREFUSED 10.0.${rng.int(0, 63)}.${rng.int(4, 250)}:5432","code":"ECONNREFUSED"}}`,
        `{"level":50,"msg":"report failed","job":"${spec.jobName}","err":{"type":"TypeError","message":"Cannot read properties of undefined (reading 'total')"}}`,
      ]),
    ],
    oom: [
      ...[0.55, 0.7, 0.82, 0.93].map(
        (f) =>
          `{"level":40,"msg":"heap usage high","heapUsedMB":${Math.round(f * spec.def.memory)},"limitMB":${spec.def.memory}}`,
      ),
      [
        "<--- Last few GCs --->",
        `[7:0x5f1c2a0]  ${ms - rng.int(2000, 9000)} ms: Mark-Compact ${(0.95 * spec.def.memory).toFixed(1)} (${(0.98 * spec.def.memory).toFixed(1)}) -> ${(0.949 * spec.def.memory).toFixed(1)} MB, 1822.45 / 0.00 ms  (average mu = 0.101, current mu = 0.012) allocation failure; scavenge might not succeed`,
        "<--- JS stacktrace --->",
        "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory",
      ],
    ],
  };
};

/** `render-frames`: a native renderer, one line per batch of frames. */
const render: Program = (rng, { spec, attempt, ms }) => {
  const scene = spec.parameters?.scene ?? "s01";
  const frames = rng.int(12, 120) * 10;
  const frame = (i: number, n: number) => Math.round((frames * i) / n);
  return {
    start: [
      `render-frames 4.2.1: job ${spec.jobName} (${spec.jobId}) attempt ${attempt} of ${spec.retryAttempts}`,
      `scene ${scene}: ${frames} frames at 3840x2160, ${spec.def.vcpus} threads, output s3://render-out/${spec.jobName}/`,
    ],
    step: (i, n) =>
      `frame ${frame(i, n)}/${frames} done (${(rng.int(80, 400) / 10).toFixed(1)} s/frame)`,
    done: [
      `wrote ${frames} frames to s3://render-out/${spec.jobName}/`,
      `render finished in ${seconds(ms)} s`,
    ],
    fail: (exitCode) => {
      if (exitCode === 2) {
        return [
          [
            "render: unknown option --scene=Ref::scene",
            "usage: render --scene NAME [--frames FIRST-LAST]",
          ],
        ];
      }
      if (exitCode === 127)
        return ["/usr/local/bin/entrypoint.sh: line 7: oiiotool: command not found"];
      if (exitCode === 139) {
        return [
          [
            "Caught signal 11 (Segmentation fault)",
            "  #0 0x00005583a1c2f3e4 in BVHNode::intersect(Ray const&) const",
            "  #1 0x00005583a1c31a10 in Tracer::trace(Ray const&, int)",
            "  #2 0x00005583a1c0b2c8 in RenderWorker::run()",
          ],
        ];
      }
      return [
        rng.pick([
          `ERROR: texture not found: textures/${rng.pick(["ground_albedo", "sky_hdr", "rock_normal"])}.exr`,
          "ERROR: scene graph validation failed: node 'cam_main' has no transform",
        ]),
        `render: aborted, exit status 1`,
      ];
    },
  };
};

/** `genomics-align`: align.sh, bwa-mem2 then samtools and Picard (a JVM). */
const align: Program = (rng, { spec, attempt, ms }) => {
  const sample = spec.parameters?.sample ?? `NA${rng.int(10000, 99999)}`;
  const heap = Math.floor((spec.def.memory * 0.9) / 1024);
  return {
    start: [
      `[align.sh] ${spec.jobName}: sample ${sample} (AWS_BATCH_JOB_ID=${spec.jobId}, attempt ${attempt} of ${spec.retryAttempts})`,
      `[align.sh] downloading s3://genomics-raw/${sample}/ (2 FASTQ files, ${rng.int(8, 60)} GB)`,
      `[align.sh] bwa-mem2 mem -t ${spec.def.vcpus} GRCh38.fa ${sample}_R1.fastq.gz ${sample}_R2.fastq.gz`,
    ],
    step: () =>
      `[M::mem_process_seqs] Processed 1333334 reads in ${(rng.int(9000, 16000) / 100).toFixed(3)} CPU sec, ${(rng.int(1200, 2100) / 100).toFixed(3)} real sec`,
    done: [
      `[align.sh] picard MarkDuplicates: ${(rng.int(30, 180) / 10).toFixed(1)}% duplicates`,
      `[align.sh] uploaded s3://genomics-aligned/${sample}/${sample}.bam`,
      `[align.sh] ${spec.jobName} done in ${seconds(ms)} s`,
    ],
    fail: (exitCode) => {
      if (exitCode === 2)
        return [`[align.sh] error: no FASTQ files under s3://genomics-raw/${sample}/`];
      if (exitCode === 127) return ["/opt/align.sh: line 23: bwa-mem2.avx512bw: command not found"];
      if (exitCode === 139) {
        return [
          `/opt/align.sh: line 31:    57 Segmentation fault      (core dumped) bwa-mem2 mem -t ${spec.def.vcpus} GRCh38.fa ${sample}_R1.fastq.gz ${sample}_R2.fastq.gz`,
        ];
      }
      return [
        rng.pick([
          "[E::bwa_idx_load_from_disk] fail to locate the index files",
          "[W::bseq_read] the 2nd file has fewer sequences.",
          "samtools sort: truncated file. Aborting",
        ]),
        "[align.sh] step failed with status 1",
      ];
    },
    oom: [
      `[align.sh] picard MarkDuplicates -Xmx${heap}g I=${sample}.sorted.bam`,
      ...[0.35, 0.55, 0.72, 0.88, 0.97].map(
        (f, k) =>
          `INFO\tMarkDuplicates\tTracking ${(k + 1) * rng.int(900_000, 1_100_000)} as yet unmatched pairs. ${(k + 1) * rng.int(2_800_000, 3_200_000)} records in RAM. Heap ${(f * heap).toFixed(1)}g of ${heap}g`,
      ),
      [
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)",
        "\tat htsjdk.samtools.util.SortingCollection.add(SortingCollection.java:168)",
        "\tat picard.sam.markduplicates.MarkDuplicates.buildSortedReadEndLists(MarkDuplicates.java:545)",
        "\tat picard.sam.markduplicates.MarkDuplicates.doWork(MarkDuplicates.java:270)",
      ],
    ],
  };
};

/** `legacy-transcode`: transcode.sh around ffmpeg 3.4. */
const transcode: Program = (rng, { spec }) => {
  const minutes = rng.int(3, 40);
  const clock = (i: number, n: number) => {
    const s = Math.floor((minutes * 60 * i) / n);
    return `00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}.00`;
  };
  return {
    start: [
      `transcode.sh: ${spec.jobName} (job ${spec.jobId}): fetching s3://media-in/clip.mov`,
      "ffmpeg version 3.4.11 Copyright (c) 2000-2022 the FFmpeg developers",
      `  Duration: 00:${String(minutes).padStart(2, "0")}:00.04, start: 0.000000, bitrate: 24183 kb/s`,
    ],
    step: (i, n) =>
      `frame=${Math.round(minutes * 1440 * (i / n))} fps= ${rng.int(40, 75)} q=28.0 size=${Math.round(minutes * 8200 * (i / n))}kB time=${clock(i, n)} bitrate=1115.5kbits/s speed=${(rng.int(150, 300) / 100).toFixed(2)}x`,
    done: [
      `video:${minutes * 7900}kB audio:${minutes * 940}kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: 0.412%`,
      "transcode.sh: uploaded s3://media-out/clip.mp4",
    ],
    fail: () => [
      [
        `[h264 @ 0x1e4f2c0] error while decoding MB ${rng.int(10, 119)} ${rng.int(10, 67)}, bytestream -7`,
        "Error while decoding stream #0:0: Invalid data found when processing input",
      ],
      "transcode.sh: ffmpeg failed with status 1",
    ],
  };
};

/** The program in each single-job definition that logs to CloudWatch. */
const PROGRAMS: Record<string, Program> = {
  "nightly-etl": etl,
  "etl-loader": loader,
  "fargate-report": report,
  "render-frames": render,
  "genomics-align": align,
  "legacy-transcode": transcode,
};

export function printSingleAttempt(rng: Rng, run: AttemptRun): Output {
  const program = PROGRAMS[run.spec.def.name];
  if (!program) throw new Error(`no program prints for job definition ${run.spec.def.name}`);
  return printAttempt(rng, run, program);
}
