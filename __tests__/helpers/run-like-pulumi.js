// Loads index.ts the way `pulumi up` does (the CommonJS path of @pulumi/pulumi/cmd/run/run.js):
// Pulumi's tsutils, its ts-node with type checking, and Pulumi's default compiler options merged
// under the project's tsconfig.json. Under mocks, prints the registered resource types as JSON.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const pulumiDir = path.join(root, "node_modules", "@pulumi", "pulumi");
const tsutils = require(path.join(pulumiDir, "tsutils"));
const pulumi = require(pulumiDir);
const tsConfigPath = path.join(root, "tsconfig.json");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(require.resolve(tsnodeRequire, { paths: [pulumiDir] })).register({
  compiler: typescriptRequire,
  transpileOnly: compilerOptions.noCheck,
  project: tsConfigPath,
  skipProject: false,
  compilerOptions: {
    target: "ES2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: "true",
    ...compilerOptions,
  },
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
