// Runs a TypeScript file of this repository as the main module, compiled on require with the
// project's own TypeScript (transpile only, as jest does): for the tools that are not part of the
// build output, such as the sample generator (`npm run samples`).
// Usage: node scripts/run-ts.cjs FILE.ts [ARGS...]
const path = require("path");
const Module = require("module");
require("./ts-register.cjs");

const [file] = process.argv.splice(2, 1);
if (!file) {
  process.stderr.write("usage: node scripts/run-ts.cjs FILE.ts [ARGS...]\n");
  process.exit(2);
}
// The file becomes process.argv[1] and require.main, as `node FILE.js ARGS...` would make it.
process.argv[1] = path.resolve(file);
Module.runMain();
