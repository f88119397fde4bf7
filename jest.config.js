/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  setupFiles: ["<rootDir>/__tests__/setup-env.js"],
  transform: {
    "^.+\\.ts$": ["ts-jest", {}],
  },
  // V8 coverage: istanbul counters would be serialized into the Lambda by CallbackFunction.
  coverageProvider: "v8",
  coveragePathIgnorePatterns: ["/node_modules/", "/\\.lambda-tmp"],
  transformIgnorePatterns: ["/node_modules/", "/\\.lambda-tmp"],
  testTimeout: 60000,
  // Two workers on a 2-core machine (jest's default would be one, in its own process, which
  // then holds every file's leftovers); a worker that ends a file above the limit is replaced.
  maxWorkers: 2,
  workerIdleMemoryLimit: "250MB",
};
