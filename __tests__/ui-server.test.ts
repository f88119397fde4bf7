/**
 * The web view's guards and escaping, asked with plain HTTP (no browser, no table): the Host
 * check, the token and its cookie, GET only, the headers of every answer, a malformed address;
 * and the escaping helpers of cli/ui/html.ts on hostile values. The pages themselves, on a
 * replayed table, are tested in chromium by ui-browser.test.ts.
 */
import { request } from "http";
import { escapeHtml, href, html, safeUrl } from "../cli/ui/html";
import { APP_JS } from "../cli/ui/assets";
import {
  CONTENT_SECURITY_POLICY,
  startUiServer,
  type UiServer,
  type UiSources,
} from "../cli/ui/server";

const TOKEN = "ab".repeat(24);

/** Sources whose every read fails the test: none of these requests may reach the table. */
const untouchable = new Proxy({} as Record<string, unknown>, {
  get: (_, name) => {
    if (name === "then") return undefined;
    throw new Error(`the table was read (${String(name)})`);
  },
});
const sources = {
  finder: untouchable,
  list: untouchable,
  logs: untouchable,
  calls: untouchable,
  now: () => 0,
  commandFlags: [],
} as unknown as UiSources;

let server: UiServer;
let origin: string;

beforeAll(async () => {
  server = await startUiServer(sources, { host: "127.0.0.1", port: 0, token: TOKEN });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function ask(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      { method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const withCookie = { Cookie: `other=1; batch_job_log_token=${TOKEN}` };

describe("what the server refuses", () => {
  test("a foreign Host (DNS rebinding), even with the token: 403", async () => {
    const answer = await ask(`/?token=${TOKEN}`, {
      headers: { Host: `rebind.example:${server.port}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toBe("Refused: this server answers only to its own address.\n");
  });

  test("its own address on another port: 403", async () => {
    const answer = await ask("/static/app.js", {
      headers: { ...withCookie, Host: `127.0.0.1:${server.port + 1}` },
    });
    expect(answer.status).toBe(403);
  });

  test("no token, a wrong token of the same length, a short token: 403", async () => {
    const refused = "Refused: open the URL `batch-job-log ui` printed (it carries the token).\n";
    for (const path of ["/", `/?token=${"0".repeat(48)}`, "/?token=ab", "/static/app.js"]) {
      const answer = await ask(path);
      expect([path, answer.status, answer.body]).toEqual([path, 403, refused]);
    }
    const wrongCookie = await ask("/", {
      headers: { Cookie: `batch_job_log_token=${"0".repeat(48)}` },
    });
    expect(wrongCookie.status).toBe(403);
  });

  test("anything but GET or HEAD, even with the token: 405", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const answer = await ask("/", { method, headers: withCookie });
      expect([method, answer.status, answer.body]).toEqual([method, 405, "Read-only: GET only.\n"]);
    }
  });
});

describe("what the server answers", () => {
  test("the token moves to an HttpOnly, SameSite=Strict cookie; the address keeps the rest", async () => {
    const answer = await ask(`/job/abc?token=${TOKEN}&attempt=2`);
    expect(answer.status).toBe(303);
    expect(answer.headers["location"]).toBe("/job/abc?attempt=2");
    expect(answer.headers["set-cookie"]).toEqual([
      `batch_job_log_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
  });

  test("the script, as a file of this origin, with the policy and nosniff", async () => {
    const answer = await ask("/static/app.js", { headers: withCookie });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(APP_JS);
    expect(answer.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(answer.headers["content-security-policy"]).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(APP_JS).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/,
    );
  });

  test("localhost with its port is its own address too", async () => {
    const answer = await ask("/static/style.css", {
      headers: { ...withCookie, Host: `localhost:${server.port}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  test("every refusal carries the policy too", async () => {
    const answer = await ask("/");
    expect(answer.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  });

  test("an unknown address: 404, the address escaped", async () => {
    const answer = await ask("/x/%3Cscript%3Ealert(1)%3C%2Fscript%3E", { headers: withCookie });
    expect(answer.status).toBe(404);
    expect(answer.body).toContain("Nothing at /x/%3Cscript%3Ealert(1)%3C%2Fscript%3E.");
    expect(answer.body).not.toContain("<script>");
  });

  test("a malformed escape in the address: 400, not a server error", async () => {
    const answer = await ask("/job/%E0%A4%A", { headers: withCookie });
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(answer.body).toBe("Bad address: /job/%E0%A4%A is not valid percent-encoding.\n");
  });
});

describe("escaping (cli/ui/html.ts)", () => {
  test("escapeHtml: the five characters of markup and quoting", () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;",
    );
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(42)).toBe("42");
  });

  test("html: every value escaped, in text and attributes; its own markup kept", () => {
    const name = `"><img src=x onerror=alert(1)>`;
    const inner = html`<b>${name}</b>`;
    expect(html`<a title="${name}">${inner}</a>`.text).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">' +
        "<b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</b></a>",
    );
    expect(html`${[inner, "<i>"]}${undefined}${null}${false}`.text).toBe(
      "<b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</b>&lt;i&gt;",
    );
  });

  test("safeUrl keeps https only: javascript:, data:, http: and nonsense are dropped", () => {
    const console = "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:";
    expect(safeUrl(console)).toBe(console);
    for (const url of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://example.com/",
      "not a url",
      undefined,
    ]) {
      expect([url, safeUrl(url)]).toEqual([url, undefined]);
    }
  });

  test("href encodes each part of the path and the query", () => {
    expect(href(["job", "a/b:7?x"], { q: "<x>&y", empty: "", none: undefined, n: 3 })).toBe(
      "/job/a%2Fb%3A7%3Fx?q=%3Cx%3E%26y&n=3",
    );
  });
});
