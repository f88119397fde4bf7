/**
 * The local CloudWatch Logs endpoint (twin/logs-local.ts) serving the shipped samples/logs.jsonl,
 * spoken to by the real SDK client over HTTP, as `logs` and `search --db DIR` use it: exact lines
 * of a known stream with GetLogEvents' tokens, the region from the signature, a group named by
 * ARN, FilterLogEvents with a quoted pattern and its 100-name limit, the expired group's
 * retention, Insights queries of the shape `search` sends, StartLiveTail refused, and a missing
 * file that serves nothing.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  StartLiveTailCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { join } from "path";
import { filterTerms, insightsQuery, startLocalLogs, type LocalLogs } from "../twin/logs-local";

const SAMPLE_LOGS = join(__dirname, "..", "samples", "logs.jsonl");
/** The first attempt of align-tumor-0054 (2260c43a-...), 10 lines. */
const STREAM = "genomics-align/default/62963d810ab4fd710a313c4803861fc8";

let local: LocalLogs;
const clients: CloudWatchLogsClient[] = [];
function client(region = "us-east-1"): CloudWatchLogsClient {
  const c = new CloudWatchLogsClient({
    region,
    endpoint: local.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  local = await startLocalLogs(SAMPLE_LOGS);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await local.close();
});

test("GetLogEvents: a known stream's lines, page by page, until the forward token repeats", async () => {
  const logs = client();
  const first = await logs.send(
    new GetLogEventsCommand({
      logGroupName: "/aws/batch/job",
      logStreamName: STREAM,
      startFromHead: true,
      limit: 3,
    }),
  );
  expect(first.events?.map((e) => [e.timestamp, e.message])).toEqual([
    [
      1793492029318,
      "[align.sh] align-tumor-0054: sample NA43685 (AWS_BATCH_JOB_ID=2260c43a-ea1b-4721-ac9f-8ae0c3a8f82f, attempt 1 of 3)",
    ],
    [1793492029319, "[align.sh] downloading s3://genomics-raw/NA43685/ (2 FASTQ files, 33 GB)"],
    [
      1793492029320,
      "[align.sh] bwa-mem2 mem -t 8 GRCh38.fa NA43685_R1.fastq.gz NA43685_R2.fastq.gz",
    ],
  ]);
  expect(first.nextForwardToken).toBe("f/3");
  const tokens = [first.nextForwardToken];
  let count = 3;
  let last = "";
  for (;;) {
    const page = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/aws/batch/job",
        logStreamName: STREAM,
        nextToken: tokens.at(-1),
        limit: 3,
      }),
    );
    count += page.events?.length ?? 0;
    last = page.events?.at(-1)?.message ?? last;
    if (page.nextForwardToken === tokens.at(-1)) break;
    tokens.push(page.nextForwardToken);
  }
  expect([count, tokens]).toEqual([10, ["f/3", "f/6", "f/9", "f/10"]]);
  expect(last).toBe(
    "[M::mem_process_seqs] Processed 1333334 reads in 108.040 CPU sec, 17.110 real sec",
  );
});

test("the region is the signature's, and a group named by ARN is found by the ARN's", async () => {
  const name = {
    logStreamName: "etl/default/64c052b22667924390a7c07f9e091422",
    startFromHead: true,
  };
  const inEu = await client("eu-west-1").send(
    new GetLogEventsCommand({ logGroupName: "/batch/etl", ...name, limit: 1 }),
  );
  expect(inEu.events?.[0].message).toBe(
    "INFO loader: etl-load-eu-0052 (AWS_BATCH_JOB_ID=43133cb6-20e8-4963-a121-e28884d15b87, attempt 1 of 2) loading 7 partitions into eu-west-1",
  );
  const byArn = await client("us-east-1").send(
    new GetLogEventsCommand({
      logGroupIdentifier: "arn:aws:logs:eu-west-1:123456789012:log-group:/batch/etl",
      ...name,
      limit: 1,
    }),
  );
  expect(byArn.events).toEqual(inEu.events);
  await expect(
    client("us-east-1").send(new GetLogEventsCommand({ logGroupName: "/batch/etl", ...name })),
  ).rejects.toMatchObject({
    name: "ResourceNotFoundException",
    message: "The specified log stream does not exist.",
  });
});

test("the expired group exists, with its retention, and has no stream", async () => {
  const logs = client();
  const { logGroups } = await logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: "/ecs/fargate-report" }),
  );
  expect(logGroups).toEqual([
    expect.objectContaining({
      logGroupName: "/ecs/fargate-report",
      retentionInDays: 14,
      storedBytes: 0,
      logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/fargate-report",
    }),
  ]);
  const { logStreams } = await logs.send(
    new DescribeLogStreamsCommand({ logGroupName: "/ecs/fargate-report" }),
  );
  expect(logStreams).toEqual([]);
  await expect(
    logs.send(new DescribeLogStreamsCommand({ logGroupName: "/no/such/group" })),
  ).rejects.toMatchObject({
    name: "ResourceNotFoundException",
    message: "The specified log group does not exist.",
  });
});

test("FilterLogEvents: quoted terms, the named streams only, at most 100 names", async () => {
  const logs = client();
  const out = await logs.send(
    new FilterLogEventsCommand({
      logGroupName: "/aws/batch/job",
      logStreamNames: [STREAM, "no/such/stream"],
      filterPattern: '"bwa-mem2 mem" "GRCh38"',
    }),
  );
  expect(out.events?.map((e) => [e.logStreamName, e.message])).toEqual([
    [STREAM, "[align.sh] bwa-mem2 mem -t 8 GRCh38.fa NA43685_R1.fastq.gz NA43685_R2.fastq.gz"],
  ]);
  await expect(
    logs.send(
      new FilterLogEventsCommand({
        logGroupName: "/aws/batch/job",
        logStreamNames: Array.from({ length: 101 }, (_, i) => `s${i}`),
      }),
    ),
  ).rejects.toMatchObject({ name: "InvalidParameterException" });
  expect(filterTerms('OOM "Java heap" "say \\"hi\\""')).toEqual(["OOM", "Java heap", 'say "hi"']);
});

test("FilterLogEvents: a %regex% pattern, and one CloudWatch Logs would refuse", async () => {
  const logs = client();
  const matched = async (filterPattern: string) =>
    (
      await logs.send(
        new FilterLogEventsCommand({
          logGroupName: "/aws/batch/job",
          logStreamNames: [STREAM],
          filterPattern,
        }),
      )
    ).events?.map((e) => e.message);
  expect(await matched("%[bB][wW][aA]-mem2\\smem%")).toEqual([
    "[align.sh] bwa-mem2 mem -t 8 GRCh38.fa NA43685_R1.fastq.gz NA43685_R2.fastq.gz",
  ]);
  expect(
    await matched("%^\\[M::mem_process_seqs\\]\\sProcessed\\s[0-9]+\\sreads\\sin\\s1[0-9]{2}\\.%"),
  ).toHaveLength(5);
  // Parentheses, and a space, are not a filter pattern's regex.
  await expect(matched("%(bwa)%")).rejects.toMatchObject({ name: "InvalidParameterException" });
  await expect(matched("%bwa mem%")).rejects.toMatchObject({ name: "InvalidParameterException" });
});

test("Logs Insights: like /regex/, (?i) for any case, a | inside it not a command", () => {
  const parsed = insightsQuery(
    ["fields @message", "filter @message like /(?i)BWA-MEM2|samtools\\/x/", "limit 5"].join("\n| "),
  );
  expect(parsed.regexes.map(String)).toEqual(["/BWA-MEM2|samtools\\/x/i"]);
  expect(parsed.limit).toBe(5);
});

test("Logs Insights: the query shape search sends, run at once", async () => {
  const logs = client();
  const queryString = [
    "fields @timestamp, @message, @logStream, @log",
    `filter @logStream in [${JSON.stringify(STREAM)}]`,
    'filter @message like "downloading"',
    "sort @timestamp asc",
    "limit 10000",
  ].join("\n| ");
  expect(insightsQuery(queryString)).toEqual({
    streams: new Set([STREAM]),
    like: ["downloading"],
    regexes: [],
    descending: false,
    limit: 10000,
  });
  const { queryId } = await logs.send(
    new StartQueryCommand({
      logGroupNames: ["/aws/batch/job"],
      startTime: 1793491200,
      endTime: 1793577600,
      queryString,
    }),
  );
  const results = await logs.send(new GetQueryResultsCommand({ queryId }));
  expect(results.status).toBe("Complete");
  expect(results.results).toEqual([
    [
      { field: "@timestamp", value: "2026-11-01 00:13:49.319" },
      {
        field: "@message",
        value: "[align.sh] downloading s3://genomics-raw/NA43685/ (2 FASTQ files, 33 GB)",
      },
      { field: "@logStream", value: STREAM },
      { field: "@log", value: "123456789012:/aws/batch/job" },
    ],
  ]);
  await expect(
    logs.send(
      new StartQueryCommand({
        logGroupNames: ["/aws/batch/job"],
        startTime: 0,
        endTime: 1,
        queryString: "stats count(*) by bin(5m)",
      }),
    ),
  ).rejects.toMatchObject({ name: "MalformedQueryException" });
});

test("StartLiveTail is refused as an endpoint that does not serve it", async () => {
  await expect(
    client().send(
      new StartLiveTailCommand({
        logGroupIdentifiers: ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/batch/job"],
      }),
    ),
  ).rejects.toMatchObject({ name: "UnknownOperationException" });
  expect(local.operations.at(-1)).toBe("StartLiveTail");
});

test("without the file, no group exists", async () => {
  const empty = await startLocalLogs(join(__dirname, "no-such-folder", "logs.jsonl"));
  try {
    expect(empty.exists).toBe(false);
    const logs = new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: empty.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    clients.push(logs);
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: "/aws/batch/job", logStreamName: STREAM })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  } finally {
    await empty.close();
  }
});
