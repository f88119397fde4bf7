/**
 * Finding the job a user means, wherever it is: the table first, then AWS Batch for a job the
 * table does not hold yet (running, runnable, or ended seconds ago: cli/lookup/live.ts). Takes
 * whatever the user has (cli/lookup/job-ref.ts): a job id, an ARN, a console URL, or a job name,
 * whose latest run it finds (and says which, and how many others there are). Every command that
 * takes a job goes through `JobFinder`, and so does `logs --follow` when it reads the job again.
 */
import { isTerminalStatus, type JobRecord } from "../../record";
import { describeError, JobNotFoundError, LookupError } from "./errors";
import { formatTime } from "./format";
import { parseJobRef } from "./job-ref";
import type { LiveBatch } from "./live";
import type { ChildSummary, JobTable } from "./table";
import { compareChildren } from "./table";

/** How many runs of a name are counted before saying "more than". */
export const NAME_RUNS_COUNTED = 1_000;

export interface FoundJob {
  readonly record: JobRecord;
  /** True when the table does not hold it: Batch described it. */
  readonly live: boolean;
}

export class JobFinder {
  /** The region a job's ARN or console URL named, by job id: Batch is asked there about it. */
  private readonly regions = new Map<string, string>();
  private readonly batches = new Map<string, Promise<LiveBatch>>();

  constructor(
    readonly table: JobTable,
    /** Batch, in the command's region or another one. */
    private readonly batchIn: (region?: string) => Promise<LiveBatch>,
    /** A note for the user (stderr). */
    private readonly note: (text: string) => void,
  ) {}

  /** The job `text` names: an id, ARN, console URL or job name. */
  async find(text: string): Promise<FoundJob> {
    const ref = parseJobRef(text);
    if (ref.kind === "id") {
      if (ref.region !== undefined) this.regions.set(ref.jobId, ref.region);
      return this.byId(ref.jobId);
    }
    try {
      return { record: await this.table.get(ref.text), live: false };
    } catch (error) {
      if (!(error instanceof JobNotFoundError)) throw error;
    }
    return this.byName(ref.text);
  }

  /** A job by id: the table's record, else Batch's description (JobNotFoundError if neither). */
  async byId(jobId: string): Promise<FoundJob> {
    try {
      return { record: await this.table.get(jobId), live: false };
    } catch (error) {
      if (!(error instanceof JobNotFoundError)) throw error;
      const batch = await this.batch(this.regionOf(jobId));
      let described: JobRecord | undefined;
      try {
        described = (await batch.describe([jobId])).get(jobId);
      } catch (asked) {
        throw new JobNotFoundError(jobId, this.table.tableName, {
          where: batch.where,
          failure: describeError(asked),
        });
      }
      if (!described)
        throw new JobNotFoundError(jobId, this.table.tableName, { where: batch.where });
      return { record: described, live: true };
    }
  }

  /** The job's record as it is now (what `logs --follow` polls). */
  async get(jobId: string): Promise<JobRecord> {
    return (await this.byId(jobId)).record;
  }

  /**
   * The records of `jobIds` from the table, and those it lacks from Batch (absent when neither
   * knows them).
   */
  async getMany(
    jobIds: readonly string[],
    options: Parameters<JobTable["getMany"]>[1],
  ): Promise<Map<string, JobRecord>> {
    const records = await this.table.getMany(jobIds, options);
    const missing = jobIds.filter((id) => !records.has(id));
    if (missing.length === 0) return records;
    const batch = await this.batch(this.regionOf(missing[0]));
    for (const [id, record] of await batch.describe(missing)) records.set(id, record);
    return records;
  }

  /**
   * A parent's children: the table's, and, while the parent has not ended (or is not recorded),
   * the ones Batch lists that the table does not hold as ended.
   */
  async children(parent: FoundJob): Promise<ChildSummary[]> {
    const recorded = await this.table.children(parent.record.jobId);
    if (!parent.live && isTerminalStatus(parent.record.status)) return recorded;
    const byId = new Map(recorded.map((c) => [c.jobId, c]));
    const batch = await this.batch(this.regionOf(parent.record.jobId));
    for (const child of await batch.children(parent.record)) {
      const known = byId.get(child.jobId);
      if (!known || !isTerminalStatus(known.status)) byId.set(child.jobId, child);
    }
    return [...byId.values()].sort(compareChildren);
  }

  /** Where Batch is asked about a job: its own ARN's region, else its parent's, else none. */
  private regionOf(jobId: string): string | undefined {
    return this.regions.get(jobId) ?? this.regions.get(jobId.split(/[:#]/)[0]);
  }

  private batch(region: string | undefined): Promise<LiveBatch> {
    const key = region ?? "";
    let found = this.batches.get(key);
    if (!found) this.batches.set(key, (found = this.batchIn(region)));
    return found;
  }

  /** The latest run of a job name, with a note saying which and how many others there are. */
  private async byName(name: string): Promise<FoundJob> {
    const runs = await this.table.runsByName({ jobName: name, limit: NAME_RUNS_COUNTED + 1 });
    if (runs.length === 0) {
      throw new LookupError(
        `no job has the id or name ${name} in table ${this.table.tableName}; ` +
          `\`batch-job-log find '${name.replaceAll("'", "")}*'\` lists the names that start with it.`,
      );
    }
    const [latest] = runs;
    const others = runs.length - 1;
    const count =
      others === 0
        ? "its only run"
        : `the latest of ${others >= NAME_RUNS_COUNTED ? `more than ${NAME_RUNS_COUNTED}` : runs.length} runs ` +
          `(\`batch-job-log find ${name}\` lists them)`;
    const created =
      latest.createdAt === undefined ? "" : `, created ${formatTime(latest.createdAt)}`;
    this.note(`job name ${name}: job ${latest.jobId}${created}, ${count}.`);
    return { record: await this.table.get(latest.jobId), live: false };
  }
}

/** The line that says a record came from Batch, not the table. */
export const LIVE_NOTE = "live from Batch, not recorded yet";
