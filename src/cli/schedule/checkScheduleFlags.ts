import { SolverError } from '../../errors/SolverError.js';

/**
 * Refuses `schedule` flags that would have no effect: `--every` without `--json` (the summary
 * samples nothing) and `--log-scale` without `--plot` (there is no chart).
 *
 * Why: a flag that is silently ignored looks like it worked; saying so at once is cheaper.
 *
 * @param options the parsed flags of `tfjs-solver schedule` (commander's camelCase names).
 * @throws SolverError kind `argument`: `--every: got "10" without --json, expected it only with --json`.
 */
export function checkScheduleFlags(options: Readonly<Record<string, unknown>>): void {
  if (options.every !== undefined && options.json !== true) {
    throw new SolverError('argument', `--every: got ${JSON.stringify(options.every)} without --json, expected it only with --json (it samples the JSON list)`);
  }
  if (options.logScale === true && typeof options.plot !== 'string') {
    throw new SolverError('argument', '--log-scale: given without --plot, expected it only with --plot FILE.svg|FILE.png');
  }
}
