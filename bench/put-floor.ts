/**
 * The floor of a replay, run by bench/replay.ts in a process of its own:
 *
 *   node dist/bench/put-floor.js EVENTS.jsonl DB_DIR CONCURRENCY
 *
 * Starts dynalite on disk in DB_DIR with the program's table, reads the events as a stream and
 * sends, for each, the conditional PutItem of its compact item (no rule, no Lambda, no report),
 * through the replay's own pool (twin/keyed-pool.ts) with its concurrency. Prints one line:
 * `BENCH {"recorded": N}`. Loads no Pulumi.
 */
import * as fs from "fs";
import * as readline from "readline";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { putItemInput, recordFromEvent, tableKeysAndIndexes } from "../record";
import { startLocalDynamo, startLocalTable } from "../twin/dynamo-local";
import { runKeyed } from "../twin/keyed-pool";

async function main(file: string, dbDir: string, concurrency: number): Promise<void> {
  const dynamo = await startLocalDynamo({ path: dbDir });
  const table = await startLocalTable({
    tableInputs: tableKeysAndIndexes(),
    tableName: "floor",
    endpoint: dynamo.endpoint,
  });
  let recorded = 0;
  try {
    const lines = readline.createInterface({
      input: fs.createReadStream(file),
      crlfDelay: Infinity,
    });
    const events = (async function* () {
      for await (const line of lines) if (line.trim() !== "") yield JSON.parse(line) as unknown;
    })();
    await runKeyed(events, {
      concurrency,
      keyOf: (event) => String((event as { detail?: { jobId?: unknown } }).detail?.jobId),
      run: async (event) => {
        const record = recordFromEvent(event, { now: new Date() });
        await table.documents.send(new PutCommand(putItemInput(table.tableName, record)));
        recorded++;
      },
    });
  } finally {
    await table.close();
    await dynamo.close();
  }
  process.stdout.write(`BENCH ${JSON.stringify({ recorded })}\n`);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
main(process.argv[2], process.argv[3], Number(process.argv[4])).catch((error) => {
  process.stderr.write(`put-floor: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
