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
};
