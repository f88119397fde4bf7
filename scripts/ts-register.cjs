// Compiles the repository's TypeScript files on require with the project's own TypeScript
// (transpile only, as jest does). `node --require scripts/ts-register.cjs FILE.ts` runs a
// TypeScript module; scripts/run-ts.cjs and the program's evaluation in a child process from the
// sources (twin/program-child.ts) use it.
const fs = require("fs");
const ts = require("typescript");

require.extensions[".ts"] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
