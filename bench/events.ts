/**
 * The benchmark's workloads, made from the shipped sample: terminal events of as many distinct
 * jobs as needed (each sample job in turn, given a job id and an envelope id of its own), as
 * objects or written to a JSON Lines file without holding them.
 */
import * as fs from "fs";
import * as path from "path";

export type BatchEvent = Record<string, unknown> & {
  id: string;
  detail: Record<string, unknown>;
};

/** The first terminal "Batch Job State Change" of each job in the shipped sample, in order. */
export function terminalTemplates(root: string): BatchEvent[] {
  const seen = new Set<string>();
  const templates: BatchEvent[] = [];
  const text = fs.readFileSync(path.join(root, "samples", "events.jsonl"), "utf8");
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const event = JSON.parse(line) as BatchEvent;
    const status = event.detail?.status;
    if (event.source !== "aws.batch" || event["detail-type"] !== "Batch Job State Change") continue;
    if (status !== "SUCCEEDED" && status !== "FAILED") continue;
    if (seen.has(String(event.detail.jobId))) continue;
    seen.add(String(event.detail.jobId));
    templates.push(event);
  }
  return templates;
}

/**
 * Event `n` of series `series`: template `n mod templates` with a job uuid and an envelope id of
 * its own (so the job ids of a series, and of two series, never collide).
 */
export function distinctJobEvent(
  templates: readonly BatchEvent[],
  n: number,
  series: number,
): BatchEvent {
  const template = templates[n % templates.length];
  const uuid = String(template.detail.jobId).slice(0, 36);
  const tag = `${series.toString(16).padStart(4, "0")}${n.toString(16).padStart(8, "0")}`;
  const event = JSON.parse(
    JSON.stringify(template).split(uuid).join(`0b0b0b0b-0000-4000-8000-${tag}`),
  ) as BatchEvent;
  event.id = `0e0e0e0e-0000-4000-8000-${tag}`;
  return event;
}

export function distinctJobEvents(
  templates: readonly BatchEvent[],
  count: number,
  series: number,
): BatchEvent[] {
  return Array.from({ length: count }, (_, n) => distinctJobEvent(templates, n, series));
}

/** Writes `count` events of distinct jobs to `file`, one per line, a block at a time. */
export async function writeEventsFile(
  file: string,
  templates: readonly BatchEvent[],
  count: number,
  series: number,
): Promise<number> {
  const out = fs.createWriteStream(file);
  const block = 1000;
  for (let start = 0; start < count; start += block) {
    let text = "";
    for (let n = start; n < Math.min(start + block, count); n++) {
      text += JSON.stringify(distinctJobEvent(templates, n, series)) + "\n";
    }
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return fs.statSync(file).size;
}
