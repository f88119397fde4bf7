// The test environment of `npm run mutation` (stryker.jest.config.js): jest's node environment,
// except that once a test has failed, the rest of the run is skipped. One failing test is enough
// to kill a mutant, and Stryker's jest runner cannot bail (it sets `bail: false`), so without
// this every mutant ran every test that reaches it, the slow property tests on dynalite
// included, even when the first one had already failed. A run whose tests all pass (a surviving
// mutant) is not changed.
//
// The environment's module is loaded once per process, so `failed` is shared by the run's test
// files (Stryker runs them in band); each run of jest (one per mutant) has a global config of
// its own, which resets it.
const { TestEnvironment } = require("jest-environment-node");

let run;
let failed = false;

class BailEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    if (config.globalConfig !== run) {
      run = config.globalConfig;
      failed = false;
    }
  }

  // Stryker's wrapper calls this unbound: it must not use `this`.
  async handleTestEvent(event) {
    switch (event.name) {
      case "test_fn_failure":
      case "hook_failure":
        failed = true;
        break;
      case "run_describe_start":
        // Skipped before its beforeAll hooks run (a dynalite not started for nothing).
        if (failed) event.describeBlock.mode = "skip";
        break;
      case "test_start":
        if (failed) event.test.mode = "skip";
        break;
    }
  }
}

module.exports = BailEnvironment;
