/**
 * The times `logs --since` and `--until` take, as `aws logs tail`, `kubectl logs` and `stern`
 * users type them: a duration ago (`30s`, `10m`, `2h`, `3d`, `1w`, sums such as `1h30m`) or a
 * time in ISO 8601 (`2026-11-01`, `2026-11-01T08:00`, `2026-11-01T08:00:00.250Z`,
 * `2026-11-01T10:00:00+02:00`). A time without an offset is UTC, as every time the tool prints.
 */
import { OptionError, durationMs } from "../options";

const ISO_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch ms of an ISO 8601 date or time (UTC unless it names an offset); undefined if not one. */
export function isoTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, date, clock, zone] = m;
  const offset =
    zone === undefined ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  // Date.parse takes milliseconds only: the rest of a longer fraction is dropped.
  const time = clock === undefined ? "00:00:00" : clock.replace(/(\.\d{3})\d+$/, "$1");
  const ms = Date.parse(
    `${date}T${time.length === 5 ? `${time}:00` : time}${offset.toUpperCase()}`,
  );
  // Date.parse rolls 2026-02-30 over to March: a date that does not exist is no date.
  if (Number.isNaN(ms) || new Date(ms + offsetMs(offset)).toISOString().slice(0, 10) !== date) {
    return undefined;
  }
  return ms;
}

function offsetMs(offset: string): number {
  if (offset.toUpperCase() === "Z") return 0;
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
}

/**
 * `text` as epoch ms: `now` minus a duration, or an ISO 8601 time; an OptionError naming `flag`
 * and the command otherwise.
 */
export function timeOption(flag: string, command: string, text: string, now: number): number {
  const ago = durationMs(text);
  if (ago !== undefined) return now - ago;
  const at = isoTime(text);
  if (at !== undefined) return at;
  throw new OptionError(
    `${flag} for ${command} must be a duration such as 10m, 2h or 3d, or an ISO 8601 time ` +
      `such as 2026-11-01T08:00:00Z, got "${text}"`,
  );
}

/** --since and --until as epoch ms; --until must come after --since. */
export function timeWindow(
  command: string,
  since: string | undefined,
  until: string | undefined,
  now: number,
): { startTime?: number; endTime?: number } {
  const startTime = since === undefined ? undefined : timeOption("--since", command, since, now);
  const endTime = until === undefined ? undefined : timeOption("--until", command, until, now);
  if (startTime !== undefined && endTime !== undefined && endTime <= startTime) {
    throw new OptionError(
      `--until for ${command} must be after --since: ${new Date(endTime).toISOString()} is not ` +
        `after ${new Date(startTime).toISOString()}`,
    );
  }
  return { startTime, endTime };
}
