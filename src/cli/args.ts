import { parseArgs } from 'node:util';
import { BACKEND_NAMES } from '../backend/selectBackend.js';
import { suggestKey } from '../config/keys.js';
import { SolverError } from '../errors.js';
import type { CliCommand } from './main.js';

// The command line's flags: how `--help` shows them and how Node's `util.parseArgs` reads them.

/**
 * One flag of a subcommand, as `--help` shows it and the parser reads it.
 *
 * @example
 * ```ts
 * const every: CliOption = { flag: 'every', value: 'n', description: 'with --json: keep every n-th iteration' }; // --every <n>
 * ```
 */
export interface CliOption {
  /** The long name without dashes (`log-scale`); the command's `run` gets it camelCased (`logScale`). */
  readonly flag: string;
  /** The value's placeholder (`file`); absent: a boolean switch. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Takes every following argument up to the next flag (`--opts KEY VALUE ...`). */
  readonly variadic?: boolean;
  /** The only values allowed. */
  readonly choices?: readonly string[];
}

/** The flags every subcommand accepts: `--config`, `--opts`, `--backend`, `--json`, `--verbose`. */
export const COMMON_OPTIONS: readonly CliOption[] = Object.freeze([
  { flag: 'config', value: 'file', description: 'YAML config file (detectron2 format; _BASE_ is followed)' },
  {
    flag: 'opts',
    value: 'keyValue...',
    variadic: true,
    description: 'overrides as KEY VALUE pairs, e.g. SOLVER.BASE_LR 0.02 (values are YAML)',
  },
  {
    flag: 'backend',
    value: 'name',
    choices: BACKEND_NAMES,
    description: 'TensorFlow.js backend (overrides TRAIN.BACKEND); wasm needs npm i @tensorflow/tfjs-backend-wasm@4.22.0',
  },
  { flag: 'json', description: 'machine-readable output on stdout; logs stay on stderr' },
  { flag: 'verbose', description: 'more logging, and stack traces on errors' },
]);

const PROGRAM_DESCRIPTION: string = "detectron2's solver for TensorFlow.js: schedules, clipping and parameter groups from a YAML config";

export function usageError(message: string): SolverError {
  return new SolverError('argument', message);
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match: string, letter: string) => letter.toUpperCase());
}

function optionLabel(option: CliOption): string {
  return option.value === undefined ? `--${option.flag}` : `--${option.flag} <${option.value}>`;
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width: number = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

/** `tfjs-solver --help`: the commands. */
export function programHelp(commands: readonly CliCommand[]): string {
  const rows: [string, string][] = [
    ...commands.map((command): [string, string] => [`${command.name} [options]`, command.description]),
    ['help [command]', 'display help for command'],
  ];
  const options: [string, string][] = [
    ['-V, --version', 'print the version of tfjs-solver'],
    ['-h, --help', 'display help for command'],
  ];
  return `Usage: tfjs-solver [options] [command]\n\n${PROGRAM_DESCRIPTION}\n\nOptions:\n${table(options)}\n\nCommands:\n${table(rows)}\n`;
}

/** `tfjs-solver <command> --help`: the command's flags, its own first, then the common ones. */
export function commandHelp(command: CliCommand): string {
  const rows: [string, string][] = [...(command.options ?? []), ...COMMON_OPTIONS].map((option): [string, string] => [
    optionLabel(option),
    option.choices === undefined ? option.description : `${option.description} (choices: ${option.choices.join(', ')})`,
  ]);
  rows.push(['-h, --help', 'display help for command']);
  return `Usage: tfjs-solver ${command.name} [options]\n\n${command.description}\n\nOptions:\n${table(rows)}\n`;
}

/**
 * Parses a subcommand's arguments with Node's `util.parseArgs` against its flags and the common
 * ones. Variadic flags (`--opts KEY VALUE ...`) take every argument up to the next known flag
 * (values such as `-1` included) and are set aside before `parseArgs` runs.
 *
 * @returns the options, camelCased, and the positional arguments.
 * @throws SolverError kind `argument` for an unknown flag, a missing value, a value outside the
 *   flag's choices, a value given to a switch, or a positional argument.
 */
export function parseCommandArgs(command: CliCommand, argv: readonly string[]): Record<string, unknown> {
  const declared: readonly CliOption[] = [...(command.options ?? []), ...COMMON_OPTIONS];
  const byFlag: Map<string, CliOption> = new Map(declared.map((option) => [option.flag, option]));
  const isFlag = (token: string): boolean => token === '--' || token === '-h' || byFlag.has(token.replace(/^--/, '').split('=')[0] ?? '');
  const values: Record<string, unknown> = { json: false, verbose: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token: string = argv[i] ?? '';
    const option: CliOption | undefined = token.startsWith('--') ? byFlag.get(token.slice(2)) : undefined;
    if (option?.variadic !== true) {
      rest.push(token);
      continue;
    }
    const taken: string[] = [];
    while (i + 1 < argv.length && !isFlag(argv[i + 1] ?? '')) taken.push(argv[++i] ?? '');
    if (taken.length === 0) throw usageError(`${command.name}: ${optionLabel(option)}: expected at least one value`);
    const key: string = camelCase(option.flag);
    values[key] = [...((values[key] as string[] | undefined) ?? []), ...taken];
  }
  const spec: Record<string, { type: 'string' | 'boolean' }> = Object.fromEntries(
    declared
      .filter((option) => option.variadic !== true)
      .map((option) => [option.flag, { type: option.value === undefined ? 'boolean' : 'string' }]),
  );
  const { tokens } = parseArgs({ args: rest, options: spec, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') throw usageError(`${command.name}: unexpected argument '${token.value}' (it takes none)`);
    if (token.kind !== 'option') continue;
    const option: CliOption | undefined = byFlag.get(token.name);
    if (option === undefined || token.rawName !== `--${token.name}`) {
      const suggestion: string | undefined = suggestKey(token.name, [...byFlag.keys()]);
      throw usageError(
        `${command.name}: unknown option '${token.rawName}'${suggestion === undefined ? '' : ` (did you mean --${suggestion}?)`}`,
      );
    }
    if (option.value === undefined) {
      if (token.value !== undefined) throw usageError(`${command.name}: ${optionLabel(option)} takes no value, got '${token.value}'`);
      values[camelCase(option.flag)] = true;
      continue;
    }
    if (token.value === undefined) throw usageError(`${command.name}: ${optionLabel(option)}: missing its value`);
    if (option.choices !== undefined && !option.choices.includes(token.value)) {
      throw usageError(`${optionLabel(option)}: got ${JSON.stringify(token.value)}, expected one of ${option.choices.join(', ')}`);
    }
    values[camelCase(option.flag)] = token.value;
  }
  return values;
}
