// Loads index.ts the way `pulumi up` does (the CommonJS path of @pulumi/pulumi/cmd/run/run.js):
// Pulumi's tsutils, its ts-node, and Pulumi's default compiler options merged under the project's
// tsconfig.json (or the one RUN_LIKE_PULUMI_TSCONFIG names). Under mocks, prints the registered
// resource types as JSON.
//
// ts-node transpiles only, as with PULUMI_NODEJS_TRANSPILE_ONLY=true: its type check would be
// `npm run typecheck`'s (the same tsconfig; Pulumi's defaults are overridden by it), which CI
// runs. What only this set-up can get wrong is the merged options themselves (a module and
// moduleResolution pair TypeScript refuses stops `pulumi up` before any code runs), so they are
// checked here with the options diagnostics TypeScript gives any program.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const pulumiDir = path.join(root, "node_modules", "@pulumi", "pulumi");
const tsutils = require(path.join(pulumiDir, "tsutils"));
const pulumi = require(pulumiDir);
const tsConfigPath = process.env.RUN_LIKE_PULUMI_TSCONFIG || path.join(root, "tsconfig.json");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const merged = {
  target: "ES2020",
  module: "nodenext",
  moduleResolution: "nodenext",
  sourceMap: "true",
  ...compilerOptions,
};

const ts = require(require.resolve(typescriptRequire, { paths: [pulumiDir] }));
const { options } = ts.convertCompilerOptionsFromJson({ ...merged, sourceMap: true }, root);
const problems = ts.createProgram({ rootNames: [], options }).getOptionsDiagnostics();
if (problems.length > 0) {
  for (const d of problems) {
    process.stderr.write(`TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}\n`);
  }
  process.exit(1);
}

require(require.resolve(tsnodeRequire, { paths: [pulumiDir] })).register({
  compiler: typescriptRequire,
  transpileOnly: true,
  project: tsConfigPath,
  skipProject: false,
  compilerOptions: merged,
});
const types = [];
const mocks = {
  newResource: (args) => {
    types.push(args.type);
    const state = {
      ...args.inputs,
      name: args.name,
      arn: `arn:aws:mock:us-east-1:123456789012:${args.name}`,
    };
    return { id: `${args.name}-id`, state };
  },
  call: () => ({ region: "us-east-1", accountId: "123456789012" }),
};
pulumi.runtime.setMocks(mocks, "batch-job-log", "dev", false).then(async () => {
  const program = require(path.join(root, "index.ts"));
  await new Promise((resolve) => program.functionName.apply(resolve));
  await require(path.join(pulumiDir, "runtime", "settings")).waitForRPCs();
  process.stdout.write(JSON.stringify(types.sort()) + "\n");
});
