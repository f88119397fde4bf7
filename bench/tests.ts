/**
 * The test suite's cost: `npm test` as people run it (jest's workers, its transform cache warm),
 * then each test file alone
 * in one process (`jest --runInBand FILE`), each under GNU time for wall time, CPU (user + system,
 * children included) and the peak resident set of the largest process.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface TestRun {
  readonly name: string;
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakKB: number;
  readonly tests: number;
  readonly passed: boolean;
}

const TIME = "/usr/bin/time";

/** Runs `args` under GNU time in `root`; jest's JSON report goes to a temporary file. */
function timed(root: string, name: string, args: string[]): Promise<TestRun> {
  const report = path.join(fs.mkdtempSync(path.join(root, ".bench-jest-")), "report.json");
  const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
  return new Promise((resolve, reject) => {
    execFile(
      TIME,
      [
        "-f",
        "BENCHTIME %e %U %S %M",
        process.execPath,
        jest,
        ...args,
        "--json",
        `--outputFile=${report}`,
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        const line = stderr.split("\n").find((l) => l.startsWith("BENCHTIME "));
        try {
          if (!line)
            throw new Error(
              `${name}: no timing (${error?.message ?? "?"})\n${stderr.slice(-2000)}`,
            );
          const [wall, user, system, peak] = line.split(" ").slice(1).map(Number);
          const result = JSON.parse(fs.readFileSync(report, "utf8")) as {
            numTotalTests: number;
            success: boolean;
          };
          resolve({
            name,
            wallS: wall,
            cpuS: user + system,
            peakKB: peak,
            tests: result.numTotalTests,
            passed: result.success,
          });
        } catch (e) {
          reject(e);
        } finally {
          fs.rmSync(path.dirname(report), { recursive: true, force: true });
        }
      },
    );
  });
}

export function timingAvailable(): boolean {
  return fs.existsSync(TIME);
}

export async function testSuite(
  root: string,
  log: (text: string) => void,
): Promise<{ whole: TestRun; files: TestRun[] }> {
  // Before every commit, jest's transform cache is warm: one run, not measured, makes it so in a
  // fresh clone (it transpiles every file once).
  log("the whole suite once, to warm jest's transform cache (not measured)");
  await timed(root, "warm-up", []);
  log("the whole suite, as `npm test` runs it");
  const whole = await timed(root, "npm test", []);
  const files: TestRun[] = [];
  const dir = path.join(root, "__tests__");
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()) {
    log(`  ${file}`);
    files.push(await timed(root, file, ["--runInBand", path.join("__tests__", file)]));
  }
  return { whole, files };
}
