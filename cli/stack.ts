/**
 * The Pulumi stack `replay` evaluates the program as, and so the default table of `replay` and of
 * the lookups' `--db`: batch-job-log-<stack>. Loads no SDK and no Pulumi.
 */
import { DEFAULT_STACK, STACK_NAME } from "../twin/stack-config";
import { runPulumi } from "./lookup/pulumi-cli";

/**
 * The stack whose config the program is evaluated with: --stack; else the stack the Pulumi CLI
 * has selected in the project folder (`pulumi stack --show-name`); else, when the CLI is missing,
 * fails (no stack selected, not logged in) or prints no stack name, the default stack. Only a
 * --stack must have its Pulumi.<stack>.yaml (`explicit`): Pulumi itself reads a stack without
 * that file as one without config.
 */
export async function replayStack(
  flag: string | undefined,
  projectRoot: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ name: string; explicit: boolean }> {
  if (flag !== undefined) return { name: flag, explicit: true };
  const { value } = await runPulumi(["stack", "--show-name"], projectRoot, env);
  if (value !== undefined && STACK_NAME.test(value)) return { name: value, explicit: false };
  return { name: DEFAULT_STACK, explicit: false };
}
