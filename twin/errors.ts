/**
 * Input the twin cannot use: a path that holds no events, invalid JSON or YAML, a bad `--config`
 * value. The command-line tool reports it on one line with exit status 2 (its UsageError is one).
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
