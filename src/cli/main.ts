import { createRequire } from 'node:module';
import { type CliOption, commandHelp, parseCommandArgs, programHelp, usageError } from './args.js';
import type { BackendName } from '../backend/selectBackend.js';
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
