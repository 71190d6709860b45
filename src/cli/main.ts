import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from '../backend/selectBackend.js';
import { selectBackend } from '../node.js';
import { translateBackendError } from '../backend/translateBackendError.js';
import { suggestKey } from '../config/keys.js';
import { parseConfig } from '../config/load.js';
import { loadConfig } from '../config/yaml.js';
import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import type { Logger } from '../io/interfaces.js';
import { nodeTextFileReader } from '../io/node.js';
import { groupsCommand } from './groups.js';
import { scheduleCommand } from './schedule.js';
import { trainCommand } from './train.js';

/**
 * The two text sinks the CLI writes to.
 *
 * Why injectable: tests call `main(argv, streams)` in-process and assert what was written,
 * instead of spawning a child process. `bin/tfjs-solver.js` passes the process streams.
 */
export interface CliStreams {
  /** Command results: human text, or with `--json` exactly one JSON document. */
  readonly stdout: (text: string) => void;
  /** Logs, warnings and error lines. Never read by machines. */
  readonly stderr: (text: string) => void;
}

/** The real process streams, used by `bin/tfjs-solver.js` when no streams are injected. */
export const processStreams: CliStreams = Object.freeze({
  stdout: (text: string): void => {
    process.stdout.write(text);
  },
  stderr: (text: string): void => {
    process.stderr.write(text);
  },
});

/**
 * A {@link Logger} that writes one line per message to the given stderr writer;
 * warnings are prefixed with `warning: `.
 */
export function stderrLogger(stderr: (text: string) => void): Logger {
  return {
    info: (message: string): void => {
      stderr(`${message}\n`);
    },
    warn: (message: string): void => {
      stderr(`warning: ${message}\n`);
    },
  };
}

/**
 * The installed package's version, read from its package.json (two levels up from both
 * `src/cli/` and `dist/cli/`), for `tfjs-solver --version`.
 */
export function packageVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('../../package.json');
  const version: unknown = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * The library calls the CLI shell makes on a command's behalf. Injectable so tests can run
 * `main()` without touching the disk or initialising a backend.
 */
export interface CliServices {
  /** Loads `path` (or the defaults when undefined) and applies the KEY VALUE `overrides`. */
  loadConfig(path: string | undefined, overrides: readonly string[], logger: Logger): Promise<SolverConfig>;
  /** Activates `name` and resolves to the active backend's name. */
  selectBackend(name: BackendName, logger: Logger): Promise<string>;
}

/** The real library calls behind the CLI: config loading from disk and backend selection. */
export const defaultCliServices: CliServices = Object.freeze({
  async loadConfig(path, overrides, logger) {
    if (path === undefined) return parseConfig({}, 'defaults', overrides, { logger });
    return loadConfig(path, overrides, { logger, reader: nodeTextFileReader });
  },
  async selectBackend(name, logger) {
    return (await selectBackend(name, { logger })).name;
  },
} satisfies CliServices);

/** The flags every subcommand accepts, as the shell parsed them. */
export interface CommonOptions {
  /** `--config FILE`: the YAML config; the defaults when absent. */
  readonly config: string | undefined;
  /** `--opts KEY VALUE ...`: detectron2-style overrides, values parsed as YAML. */
  readonly opts: readonly string[];
  /** `--backend NAME`: overrides the config's `TRAIN.BACKEND` when given. */
  readonly backend: BackendName | undefined;
  /** `--json`: machine-readable output on stdout only. */
  readonly json: boolean;
  /** `--verbose`: more logs and stack traces. */
  readonly verbose: boolean;
}

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
  { flag: 'backend', value: 'name', choices: BACKEND_NAMES, description: 'TensorFlow.js backend (overrides TRAIN.BACKEND)' },
  { flag: 'json', description: 'machine-readable output on stdout; logs stay on stderr' },
  { flag: 'verbose', description: 'more logging, and stack traces on errors' },
]);

/** Picks the common flags out of the parsed options, with their defaults. */
export function readCommonOptions(options: Readonly<Record<string, unknown>>): CommonOptions {
  const { config, opts, backend, json, verbose } = options;
  return {
    config: typeof config === 'string' ? config : undefined,
    opts: Array.isArray(opts) ? opts.map(String) : [],
    backend: typeof backend === 'string' ? (backend as BackendName) : undefined,
    json: json === true,
    verbose: verbose === true,
  };
}

/**
 * Everything a subcommand gets from the CLI shell, so a command file only parses its own flags
 * and does its work (see docs/cli.md).
 *
 * The shell has already handled the common flags (`--config`, `--opts`, `--backend`, `--json`,
 * `--verbose`), error reporting and exit codes. A command throws a `SolverError` to fail: the shell
 * prints its message as one line on stderr and exits with code 2.
 */
export interface CliContext {
  /** True with `--json`: write results with {@link CliContext.output} only, as one JSON document. */
  readonly json: boolean;
  /** True with `--verbose`: log more, and print stack traces of errors. */
  readonly verbose: boolean;
  /** Logs to stderr (never stdout, so `--json` output stays parseable). */
  readonly logger: Logger;
  /**
   * Writes a command's result to stdout: `JSON.stringify(data)` plus a newline with `--json`,
   * otherwise `human` (a newline is added when missing).
   */
  output(human: string, data: unknown): void;
  /** Writes `text` to stdout as it is: for output too large to build at once (a streamed `--json`). */
  write(text: string): void;
  /**
   * The config from `--config FILE` (or the defaults without it), with `--opts KEY VALUE ...`
   * applied and then `--backend` as `TRAIN.BACKEND`. Loaded once; later calls return the same object.
   * @throws SolverError kind `config` for any invalid file or override.
   */
  loadConfig(): Promise<SolverConfig>;
  /**
   * Activates the backend named by the loaded config's `TRAIN.BACKEND` (so `--backend` wins)
   * and returns the name of the backend that is now active (`tensorflow`, `wasm` or `cpu`).
   * @throws SolverError kind `backend` when the named backend is not installed.
   */
  selectBackend(): Promise<string>;
}

/** Builds the {@link CliContext} a command runs with, from the parsed common flags. */
export function createCliContext(options: CommonOptions, streams: CliStreams, services: CliServices): CliContext {
  const logger = stderrLogger(streams.stderr);
  const overrides: readonly string[] = options.backend === undefined ? options.opts : [...options.opts, 'TRAIN.BACKEND', options.backend];
  let config: Promise<SolverConfig> | undefined;
  const loadConfig = (): Promise<SolverConfig> => {
    config ??= services.loadConfig(options.config, overrides, logger);
    return config;
  };
  return {
    json: options.json,
    verbose: options.verbose,
    logger,
    output(human: string, data: unknown): void {
      const text: string = options.json ? JSON.stringify(data) : human;
      streams.stdout(text.endsWith('\n') ? text : `${text}\n`);
    },
    write(text: string): void {
      streams.stdout(text);
    },
    loadConfig,
    async selectBackend(): Promise<string> {
      const loaded: SolverConfig = await loadConfig();
      return services.selectBackend(loaded.TRAIN.BACKEND, logger);
    },
  };
}

/**
 * The text the CLI prints for a failed command: one line `tfjs-solver: <message>`, or with
 * `verbose` the stack trace (and the causes') after it.
 *
 * Why one line: users read the first line; stack traces are for bug reports (`--verbose`).
 * tfjs's raw "Kernel 'X' not registered for backend 'Y'" (e.g. Conv2D's gradient on wasm) is
 * first turned into a `backend` error that names the backend and the fix ({@link translateBackendError}).
 */
export function formatCliError(thrown: unknown, verbose: boolean): string {
  // A library layer may have translated it already, with advice for library users: redo it for the CLI.
  const raw: unknown = SolverError.is(thrown, 'backend') && thrown.cause !== undefined ? thrown.cause : thrown;
  const translated: unknown = translateBackendError(raw, 'cli');
  const error: unknown = translated === raw ? thrown : translated;
  const message: string = error instanceof Error ? error.message : String(error);
  const prefix: string = SolverError.is(error) ? 'tfjs-solver' : 'tfjs-solver: internal error';
  const firstLine: string = `${prefix}: ${message.split('\n').join(' ')}\n`;
  if (!verbose) return firstLine;
  return firstLine + stackOf(error);
}

function stackOf(error: unknown): string {
  let text: string = '';
  let current: unknown = error;
  while (current instanceof Error) {
    text += `${current.stack ?? current.message}\n`;
    current = current.cause;
    if (current !== undefined) text += 'caused by: ';
  }
  return text;
}

/**
 * The contract of one subcommand file (`src/cli/*.ts`).
 *
 * Why this shape: the shell owns the common flags, output streams, errors and exit codes; a
 * command owns only its own flags and its work, so command files can be replaced one by one.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello',
 *   description: 'Print the configured base LR.',
 *   options: [{ flag: 'twice', description: 'print it twice' }],
 *   run: async (context) => {
 *     const config = await context.loadConfig();
 *     context.output(`BASE_LR ${config.SOLVER.BASE_LR}`, { baseLr: config.SOLVER.BASE_LR });
 *     return 0;
 *   },
 * };
 * ```
 */
export interface CliCommand {
  /** The subcommand word, e.g. `train`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** This command's own flags; the common ones ({@link COMMON_OPTIONS}) are added by the shell. */
  readonly options?: readonly CliOption[];
  /**
   * Does the work and resolves to the process exit code (0 on success).
   * @param context the shell's services (config, backend, output, logger).
   * @param options every parsed flag of this command, its own and the common ones (`config`,
   *   `opts`, `backend`, `json`, `verbose`), camelCased (`--log-scale` is `logScale`): a string,
   *   `true` for a switch, a string array for a variadic flag; absent when not given.
   * @param args positional arguments (none of the built-in commands takes any).
   * @throws SolverError to fail: printed as one line on stderr, exit code 2.
   */
  run(context: CliContext, options: Readonly<Record<string, unknown>>, args: readonly unknown[]): Promise<number>;
}

/** The subcommands `tfjs-solver` offers, in the order `--help` lists them. */
export const cliCommands: readonly CliCommand[] = Object.freeze([trainCommand, scheduleCommand, groupsCommand]);

/** Exit code of every failure: a usage error, an invalid config, a missing backend, a failed command. */
export const EXIT_FAILURE: number = 2;

const PROGRAM_DESCRIPTION: string = "detectron2's solver for TensorFlow.js: schedules, clipping and parameter groups from a YAML config";

function usageError(message: string): SolverError {
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

/**
 * Runs the `tfjs-solver` command line and resolves to the process exit code; never throws.
 *
 * Why in-process and injectable: `bin/tfjs-solver.js` is a one-line launcher, and tests call
 * `main(['schedule', '--json'], streams)` directly and assert what was written. Arguments are
 * parsed with Node's `util.parseArgs` (no CLI package); every usage error is one line
 * `tfjs-solver: ...` on stderr and exit code 2.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param streams where results (stdout) and logs/errors (stderr) go; default the process streams.
 * @param services the library calls behind `--config` and `--backend`; default the real ones.
 * @param commands the subcommands; default `cliCommands` (tests pass their own).
 * @returns 0 on success (or `--help`), 2 on any failure.
 * @example
 * ```ts
 * const out: string[] = [];
 * const err: string[] = [];
 * const code = await main(['--help'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
 * ```
 */
export async function main(
  argv: readonly string[],
  streams: CliStreams = processStreams,
  services: CliServices = defaultCliServices,
  commands: readonly CliCommand[] = cliCommands,
): Promise<number> {
  const verbose: boolean = argv.includes('--verbose');
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      streams.stderr(programHelp(commands));
      return EXIT_FAILURE;
    }
    if (first === '-h' || first === '--help') {
      streams.stdout(programHelp(commands));
      return 0;
    }
    if (first === '-V' || first === '--version') {
      streams.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (first === 'help') {
      const named: CliCommand | undefined = commands.find((command) => command.name === rest[0]);
      streams.stdout(named === undefined ? programHelp(commands) : commandHelp(named));
      return 0;
    }
    const command: CliCommand | undefined = commands.find((candidate) => candidate.name === first);
    if (command === undefined) {
      if (first.startsWith('-')) throw usageError(`unknown option '${first}' (see tfjs-solver --help)`);
      const suggestion: string | undefined = suggestKey(
        first,
        commands.map((candidate) => candidate.name),
      );
      throw usageError(`unknown command '${first}'${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`);
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      streams.stdout(commandHelp(command));
      return 0;
    }
    const options: Record<string, unknown> = parseCommandArgs(command, rest);
    const context: CliContext = createCliContext(readCommonOptions(options), streams, services);
    return await command.run(context, options, []);
  } catch (error: unknown) {
    streams.stderr(formatCliError(error, verbose));
    return EXIT_FAILURE;
  }
}
