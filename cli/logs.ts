/**
 * `batch-job-log logs JOB_ID`: prints a job's log events from CloudWatch Logs, from the group
 * and region the record names (a job definition may log to another region), paging with
 * `nextForwardToken` until the token repeats, which is how GetLogEvents says "the end".
 * `--follow` then keeps polling from the last token until SIGINT. A stream that was never
 * created (a job that failed to start can still name one) prints one line with the job's
 * failure reason; a job without a CloudWatch stream (EKS, another log driver, never started,
 * an array parent) says which.
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { LOGS } from "./commands";
import { EXIT_FAILED, EXIT_OK, type CliIO } from "./io";
import { getLogEvents, logsClients } from "./lookup/clients";
import { guard, openTable, sleep as realSleep, type LookupDeps } from "./lookup/context";
import { isMissingStream, missingStreamMessage } from "./lookup/errors";
import { chooseStream } from "./lookup/streams";
import { helpText, parseCommand } from "./options";

export async function logs(
  argv: readonly string[],
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const parsed = parseCommand(LOGS, argv);
  if (parsed.help) {
    io.stdout.write(helpText(LOGS));
    return EXIT_OK;
  }
  const { common, values, args } = parsed;
  const jobId = args.JOB_ID;
  const { attempt, since: sinceMs } = values;
  const pollMs = values.interval * 1000;
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? realSleep;

  return guard("logs", io, async (context) => {
    const { table, aws } = await openTable(common, io, deps, context);
    const record = await table.get(jobId);
    const { stream, notes } = chooseStream(record, attempt, values.container);
    for (const note of notes) io.stderr.write(`note: ${note}\n`);
    io.stderr.write(
      `==> ${stream.logGroup} ${stream.logStreamName} (${stream.logRegion}), attempt ${stream.attempt}, container ${stream.container}\n`,
    );

    const client = logsClients(aws)(stream.logRegion);
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    if (values.follow) process.on("SIGINT", onSigint);
    const print = (event: OutputLogEvent) => {
      if (common.json) {
        const { timestamp, ingestionTime, message } = event;
        io.stdout.write(JSON.stringify({ timestamp, ingestionTime, message }) + "\n");
      } else {
        const message = event.message ?? "";
        io.stdout.write(message.endsWith("\n") ? message : message + "\n");
      }
    };
    /** Reads pages from `token` until the token repeats; resolves to the last token. */
    const readToEnd = async (token: string | undefined): Promise<string | undefined> => {
      for (;;) {
        const out = await getLogEvents(
          client,
          {
            logGroupName: stream.logGroup,
            logStreamName: stream.logStreamName,
            startFromHead: true,
            ...(token === undefined && sinceMs !== undefined ? { startTime: now() - sinceMs } : {}),
            ...(token === undefined ? {} : { nextToken: token }),
          },
          stop.signal,
        );
        for (const event of out.events ?? []) print(event);
        const next = out.nextForwardToken;
        if (next === undefined || next === token) return token;
        token = next;
      }
    };

    try {
      let token = await readToEnd(undefined);
      while (values.follow && !stop.signal.aborted) {
        await wait(pollMs, stop.signal);
        if (stop.signal.aborted) break;
        token = await readToEnd(token);
      }
      return EXIT_OK;
    } catch (error) {
      if (stop.signal.aborted) return EXIT_OK;
      if (isMissingStream(error)) {
        io.stderr.write(`batch-job-log logs: ${missingStreamMessage(record, stream)}\n`);
        return EXIT_FAILED;
      }
      throw error;
    } finally {
      process.off("SIGINT", onSigint);
    }
  });
}
