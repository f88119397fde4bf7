/**
 * Links into the CloudWatch console and the matching `aws logs tail` command.
 *
 * The console's `#logsV2:` fragment takes each path value (log group, log stream) percent-encoded
 * twice, with every `%` of the result written as `$`: `/` becomes `%2F`, then `%252F`, then
 * `$252F`; `$` becomes `$2524`. Source: "Is there a way to generate the AWS Console URLs for
 * CloudWatch Log Group filters?" (Stack Overflow; mirrored at
 * https://newbedev.com/is-there-a-way-to-generate-the-aws-console-urls-for-cloudwatch-log-group-filters):
 * "the encoding is nothing special. It is the standard URI percent encoding but applied twice",
 * with `$252F` for `/`, `$2524` for `$`, `$255B`/`$255D` for `[`/`]` in the log-events path; the
 * same double-encode-then-`%`-to-`$` rule is what https://openillumi.com/?p=46442 gives as
 * `encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$')`.
 * The host is per region and partition (aws, aws-us-gov, aws-cn), as Grafana's CloudWatch
 * data source builds it (grafana/grafana, public/app/plugins/datasource/cloudwatch/aws_url.ts).
 */

/** `value` encoded for a `#logsV2:` path segment. */
export function consoleEncode(value: string): string {
  return encodeURIComponent(encodeURIComponent(value)).replace(/%/g, "$");
}

/** The console host of a region: its partition's domain, with the region as subdomain. */
export function consoleHost(region: string): string {
  if (region.startsWith("cn-")) return `${region}.console.amazonaws.cn`;
  if (region.startsWith("us-gov-")) return `${region}.console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

/** The console page of one log stream: its events, in the stream's own region. */
export function logStreamConsoleUrl(
  region: string,
  logGroup: string,
  logStreamName: string,
): string {
  const r = encodeURIComponent(region);
  return (
    `https://${consoleHost(region)}/cloudwatch/home?region=${r}` +
    `#logsV2:log-groups/log-group/${consoleEncode(logGroup)}` +
    `/log-events/${consoleEncode(logStreamName)}`
  );
}

/** `aws logs tail` for one stream, each argument quoted for a POSIX shell when it needs it. */
export function tailCommand(region: string, logGroup: string, logStreamName: string): string {
  return [
    "aws logs tail",
    shellQuote(logGroup),
    "--log-stream-names",
    shellQuote(logStreamName),
    "--region",
    shellQuote(region),
  ].join(" ");
}

/** `text` as one POSIX shell word: unchanged when it is plainly safe, else single-quoted. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
