/**
 * The one way the web view writes HTML: every value goes through `html`'s escaping (text and
 * attribute values alike), so that a job name, a reason or a log line holding `<script>` or a
 * quote shows as text. Links are built here from parts (`href`), each part URI-encoded; a URL
 * that came from elsewhere is kept only when it is https (`safeUrl`). No inline script or style:
 * the Content-Security-Policy (cli/ui/server.ts) allows neither.
 */

/** Text escaped for HTML content and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Markup that is already safe (built by `html`). */
export class Safe {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * A template tag: the literal parts are markup, every interpolated value is escaped unless it is
 * `Safe` (built by `html` itself) or an array of those.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Safe(out);
}

function render(value: unknown): string {
  if (value instanceof Safe) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(value);
}

/** A path of the view with its query: `/job/<id>?a=b`, each part encoded. */
export function href(
  pathParts: readonly string[],
  query: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const path = "/" + pathParts.map((p) => encodeURIComponent(p)).join("/");
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** `url` when it is an https URL, else undefined (never `javascript:` or `data:`). */
export function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The page around `body`: the stylesheet and the script of the view, nothing from elsewhere. */
export function page(title: string, body: Safe): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · batch-job-log</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <header><a class="home" href="/">batch-job-log</a></header>
        <main>${body}</main>
      </body>
    </html> `.text;
}
