/**
 * What `search` looks for, in the three forms it needs: a local test of each line (what decides),
 * a CloudWatch Logs filter pattern for FilterLogEvents, and a Logs Insights `filter` command.
 *
 * - TEXT (case-sensitive): quoted terms (its `"` and `\` cut it into terms that must all appear);
 *   Insights `like "TEXT"`.
 * - TEXT with -i: filter patterns are case-sensitive and take no flag, so the longest run of the
 *   characters a filter-pattern regex may hold becomes `%[oO][uU][tT]%`; Insights
 *   `like /(?i)TEXT/`, TEXT escaped.
 * - --regex R: `%R%` (with -i, each letter as `[aA]`); Insights `like /R/` (`/(?i)R/`). A filter
 *   pattern's regex takes only letters, digits, `: _ # = @ / ; , -` and the operators
 *   `^ $ ? [ ] { } | \ * + .`: no parentheses, no spaces, no multi-byte characters
 *   (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, "Supported
 *   regular expressions"). R outside that has no filter pattern (filterProblem says why).
 * Every line returned is checked again here (JavaScript's RegExp, `i` with -i), so a server-side
 * pattern only needs to let through every line that matches.
 */
import { OptionError } from "../options";

export interface SearchPattern {
  /** TEXT as given. */
  readonly text: string;
  readonly regex: boolean;
  readonly ignoreCase: boolean;
  /** True when `message` is a match: what decides. */
  test(message: string): boolean;
  /**
   * FilterLogEvents' filterPattern: undefined when none can say it (filterProblem then says why,
   * for --regex), "" when every event must be read and checked here.
   */
  readonly filterPattern?: string;
  readonly filterProblem?: string;
  /** The Logs Insights command that keeps the matching lines: `filter @message like ...`. */
  readonly insightsFilter: string;
}

/** The longest filter pattern CloudWatch Logs takes. */
const FILTER_PATTERN_MAX = 1024;
/** The characters (besides letters and digits) a filter pattern's regex may hold. */
const REGEX_SYMBOLS = ":_#=@/;,-";
const REGEX_OPERATORS = "^$?[]{}|\\*+.";

/** TEXT as quoted filter-pattern terms: its `"` and `\` cut it into terms that must all appear. */
export function literalPattern(text: string): string {
  return text
    .split(/["\\]/)
    .filter((part) => part.trim() !== "")
    .map((part) => `"${part}"`)
    .join(" ");
}

/** `text` escaped for a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Why `regex` cannot be a filter pattern's regex, or undefined when it can. */
export function filterRegexProblem(regex: string): string | undefined {
  if (/[()]/.test(regex)) return "a filter pattern's regex takes no parentheses";
  for (const c of regex) {
    if (/[A-Za-z0-9]/.test(c) || REGEX_SYMBOLS.includes(c) || REGEX_OPERATORS.includes(c)) continue;
    if (c.codePointAt(0)! > 127) return "a filter pattern's regex takes no multi-byte characters";
    return `a filter pattern's regex takes no "${c}"`;
  }
  return undefined;
}

/** A letter as a class of both its cases (`[aA]`); anything else as it is. */
const bothCases = (c: string) =>
  c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;

/**
 * `regex` matching in any case without a flag: each letter outside a class as `[aA]`, each
 * letter and letter range inside a class with its other case added; escapes (`\d`, `\.`) kept.
 */
export function caseless(regex: string): string {
  let out = "";
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === "\\") {
      out += regex.slice(i, i + 2);
      i++;
    } else if (c === "[") {
      let j = i + 1;
      if (regex[j] === "^") j++;
      if (regex[j] === "]") j++;
      while (j < regex.length && regex[j] !== "]") j += regex[j] === "\\" ? 2 : 1;
      const body = regex.slice(i + 1, j);
      let extra = "";
      for (let k = 0; k < body.length; k++) {
        if (body[k] === "\\") {
          k++;
          continue;
        }
        const range = /^([A-Za-z])-([A-Za-z])/.exec(body.slice(k));
        if (range) {
          const [from, to] = [range[1], range[2]];
          const other = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
          extra += `${other(from)}-${other(to)}`;
          k += 2;
        } else if (/[A-Za-z]/.test(body[k])) {
          const x = body[k];
          extra += x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase();
        }
      }
      out += `[${body}${extra}]`;
      i = j;
    } else if (c === "{") {
      const end = regex.indexOf("}", i);
      out += end < 0 ? c : regex.slice(i, end + 1);
      i = end < 0 ? i : end;
    } else {
      out += bothCases(c);
    }
  }
  return out;
}

/** The regex as it sits between the slashes of an Insights `like /.../`. */
function insightsRegex(regex: string, ignoreCase: boolean): string {
  // An unescaped slash would end the literal.
  const body = regex.replace(/(^|[^\\])((?:\\\\)*)\//g, "$1$2\\/");
  return `/${ignoreCase ? "(?i)" : ""}${body}/`;
}

/** What `search TEXT [-i] [--regex]` looks for; a usage error for a regex that is none. */
export function searchPattern(
  text: string,
  options: { readonly regex?: boolean; readonly ignoreCase?: boolean } = {},
): SearchPattern {
  const regex = options.regex === true;
  const ignoreCase = options.ignoreCase === true;
  const base = { text, regex, ignoreCase };
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(text, ignoreCase ? "i" : "");
    } catch (error) {
      throw new OptionError(
        `TEXT for search must be a regular expression with --regex: ${(error as Error).message}`,
      );
    }
    const problem = filterRegexProblem(text);
    const pattern = problem === undefined ? `%${ignoreCase ? caseless(text) : text}%` : undefined;
    const tooLong = pattern !== undefined && pattern.length > FILTER_PATTERN_MAX;
    return {
      ...base,
      test: (message) => compiled.test(message),
      ...(tooLong
        ? { filterProblem: `a filter pattern holds at most ${FILTER_PATTERN_MAX} characters` }
        : problem === undefined
          ? { filterPattern: pattern }
          : { filterProblem: problem }),
      insightsFilter: `filter @message like ${insightsRegex(text, ignoreCase)}`,
    };
  }
  if (/^["\\\s]*$/.test(text)) {
    throw new OptionError(
      `TEXT for search must hold more than quotes, backslashes and spaces, got ${JSON.stringify(text)}: ` +
        "it would leave no filter and read every event of the groups",
    );
  }
  if (!ignoreCase) {
    return {
      ...base,
      test: (message) => message.includes(text),
      filterPattern: literalPattern(text),
      insightsFilter: `filter @message like ${JSON.stringify(text)}`,
    };
  }
  const lower = text.toLowerCase();
  // The longest run a filter-pattern regex can hold, narrowed here to what fits.
  const runs = text.match(new RegExp(`[A-Za-z0-9${escapeRegex(REGEX_SYMBOLS)}]+`, "g")) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  const piece = longest.slice(0, Math.floor((FILTER_PATTERN_MAX - 2) / 4));
  return {
    ...base,
    test: (message) => message.toLowerCase().includes(lower),
    filterPattern: piece === "" ? "" : `%${caseless(piece)}%`,
    insightsFilter: `filter @message like ${insightsRegex(escapeRegex(text), true)}`,
  };
}
