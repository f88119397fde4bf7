// The tests `npm run mutation` runs against each mutant of record/ and handler/: those that
// exercise them in this process. Not the serialized-Lambda test (CallbackFunction would serialize
// Stryker's mutant switches) nor the command-line and program tests (other code, and slow).
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: [
    "**/handler-record.test.ts",
    "**/record-layout.test.ts",
    "**/record-archive.test.ts",
    "**/handler-properties.test.ts",
    "**/handler-dynamo.test.ts",
    "**/handler-faults.test.ts",
  ],
  // Once a test fails the mutant is killed: the rest of the run is skipped.
  testEnvironment: require.resolve("./stryker.bail-environment.js"),
  maxWorkers: 1,
  workerIdleMemoryLimit: undefined,
};
