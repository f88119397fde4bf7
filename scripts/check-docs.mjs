// `npm run lint`'s docs check: the docs name what the code declares. Each problem is one line
// saying what to fix; exit status 1 when there is any. Reads source text on purpose (a lint step
// may; tests read the modules themselves).
import { readdirSync, readFileSync } from "fs";
import { join } from "path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const read = (file) => readFileSync(join(root, file), "utf8");
const problems = [];

// Every policy of the pack has its row in docs/policy-pack.md's table of policies.
const policyDoc = read("docs/policy-pack.md");
const shared = new Set(["index.ts", "policies.ts", "values.ts"]);
for (const file of readdirSync(join(root, "policy-pack"))) {
  if (!file.endsWith(".ts") || shared.has(file)) continue;
  for (const [, name] of read(`policy-pack/${file}`).matchAll(/^ {2}name: "([a-z0-9-]+)",$/gm)) {
    if (!policyDoc.includes(`| \`${name}\``)) {
      problems.push(
        `docs/policy-pack.md: policy ${name} (policy-pack/${file}) has no row in "The policies": ` +
          "add one with its default level and what it checks.",
      );
    }
  }
}

// The row of policy-pack/index.ts names the arguments the pack is constructed with.
const construction = /new PolicyPack\("batch-job-log", \{([\s\S]*?)\n\}\);/.exec(
  read("policy-pack/index.ts"),
);
const passed = [...(construction?.[1] ?? "").matchAll(/^ {2}(\w+)[:,]/gm)].map((m) => m[1]);
const documented = /`new PolicyPack\("batch-job-log", \{ ([^}]*) \}\)`/.exec(policyDoc)?.[1];
const documentedNames = (documented ?? "").split(", ").map((entry) => entry.split(":")[0]);
if (passed.join(",") !== documentedNames.join(",")) {
  problems.push(
    `docs/policy-pack.md: the row of policy-pack/index.ts says new PolicyPack(... { ${documentedNames.join(", ")} }), ` +
      `but index.ts passes { ${passed.join(", ")} }: make the row say what index.ts does.`,
  );
}

// Every command of the registry is shown in docs/cli.md.
const cliDoc = read("docs/cli.md");
for (const file of readdirSync(join(root, "cli", "commands"))) {
  const name = file.replace(/\.ts$/, "");
  if (!file.endsWith(".ts") || name === "index" || name === "shared") continue;
  if (!cliDoc.includes(`batch-job-log ${name}`)) {
    problems.push(
      `docs/cli.md: command ${name} (cli/commands/${file}) is never shown as \`batch-job-log ${name}\`: ` +
        "add it to the list at the top, and a section with its output on the sample.",
    );
  }
}

for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
