/**
 * Whatever a user has in hand for a job, turned into what to look up: a job id (`uuid`, an array
 * child `uuid:3`, a node `uuid#2`), a job ARN of any partition (`arn:aws-cn:batch:cn-north-1:
 * 123456789012:job/uuid`), a Batch console URL of a job (`https://us-east-1.console.aws.amazon.com/
 * batch/home?region=us-east-1#jobs/ec2/detail/uuid`), or a job name (its latest run). Pure: the
 * lookup itself is cli/lookup/jobs.ts.
 */
import { LookupError } from "./errors";

export type JobRef =
  /** A job id, as typed or taken out of an ARN or a console URL (with its region then). */
  | {
      readonly kind: "id";
      readonly jobId: string;
      readonly from: JobIdSource;
      readonly region?: string;
    }
  /** Not shaped like a Batch job id: a job id of some other shape, else a job name. */
  | { readonly kind: "id-or-name"; readonly text: string };

export type JobIdSource = "id" | "ARN" | "console URL";

/** Batch job ids are UUIDs; a child adds `:INDEX`, a node `#NODE`. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:[:#]\d{1,9})?$/i;
/** `arn:PARTITION:batch:REGION:ACCOUNT:job/ID` (`service-job/` for service jobs). */
const JOB_ARN = /^arn:(aws[a-z-]*):batch:([a-z0-9-]+):(\d{12}):(?:job|service-job)\/(.+)$/;
/** The consoles of the partitions: console.aws.amazon.com, console.amazonaws.cn, ... */
const CONSOLE_HOST = /(^|\.)console\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)$/;
/** Where a console URL names its job: `#jobs/detail/ID`, `#jobs/ec2/detail/ID`, ... */
const CONSOLE_JOB = /(?:^|\/)detail\/([^/?&]+)/;
/** A region name (`us-east-1`, `cn-north-1`, `us-gov-west-1`, `eu-isoe-west-1`). */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** What `text` names; a console URL without a job in it is an error saying so. */
export function parseJobRef(text: string): JobRef {
  const given = text.trim();
  if (JOB_ID.test(given)) return { kind: "id", jobId: given, from: "id" };
  const arn = JOB_ARN.exec(given);
  if (arn) return { kind: "id", jobId: arn[4], from: "ARN", region: arn[2] };
  if (/^https?:\/\//i.test(given)) return fromConsoleUrl(given);
  return { kind: "id-or-name", text: given };
}

function fromConsoleUrl(text: string): JobRef {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LookupError(`${text} is not a URL that can be read.`);
  }
  const where = `${url.pathname}${url.hash.replace(/^#/, "/")}`;
  const detail = CONSOLE_JOB.exec(where);
  const jobId = detail ? safeDecode(detail[1]) : undefined;
  if (!CONSOLE_HOST.test(url.hostname) || !url.pathname.startsWith("/batch") || !jobId) {
    throw new LookupError(
      `${text} is not the Batch console page of a job (…console.aws.amazon.com/batch/home#jobs/detail/JOB_ID); ` +
        `give the job id, its ARN or its name.`,
    );
  }
  const region = url.searchParams.get("region") ?? url.hostname.split(".")[0];
  return {
    kind: "id",
    jobId,
    from: "console URL",
    ...(REGION.test(region) ? { region } : {}),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The account id of a job ARN (`arn:aws:batch:REGION:ACCOUNT:job/ID`), if it has one. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(":")[4];
  return account ? account : undefined;
}
