import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { BACKEND_NAMES, type BackendName, selectBackend } from '../backend/selectBackend.js';
import { translateBackendError } from '../backend/translateBackendError.js';
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

/** The flags every subcommand accepts, as the shell reads them from commander. */
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
 * Adds the common flags (`--config`, `--opts`, `--backend`, `--json`, `--verbose`) to a subcommand.
 * @returns the same command, for chaining.
 */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML config file (detectron2 format; _BASE_ is followed)')
    .option('--opts <keyValue...>', 'overrides as KEY VALUE pairs, e.g. SOLVER.BASE_LR 0.02 (values are YAML)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides TRAIN.BACKEND)').choices(BACKEND_NAMES))
    .option('--json', 'machine-readable output on stdout; logs stay on stderr', false)
    .option('--verbose', 'more logging, and stack traces on errors', false);
}

/**
 * Picks the common flags out of commander's parsed options, with their defaults.
 * Commander has already checked their shapes (`--backend` choices, `--opts` variadic).
 */
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
  const error: unknown = translateBackendError(thrown);
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
 * The contract of one subcommand file (`src/cli/commands/*Command.ts`).
 *
 * Why this shape: the shell owns the common flags, output streams, errors and exit codes; a
 * command owns only its own flags and its work, so command files can be replaced one by one.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello',
 *   description: 'Print the configured base LR.',
 *   configure: (command) => command.option('--twice', 'print it twice'),
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
  /**
   * Adds this command's own options and arguments. The common flags are already there; do not
   * add them again. Called once per `main()` call on a fresh commander `Command`.
   */
  configure(command: Command): void;
  /**
   * Does the work and resolves to the process exit code (0 on success).
   * @param context the shell's services (config, backend, output, logger).
   * @param options every parsed flag of this command, its own and the common ones (`config`,
   *   `opts`, `backend`, `json`, `verbose`), as commander names them (camelCase).
   * @param args positional arguments, after commander's parsing.
   * @throws SolverError to fail: printed as one line on stderr, exit code 2.
   */
  run(context: CliContext, options: Readonly<Record<string, unknown>>, args: readonly unknown[]): Promise<number>;
}

/** The subcommands `tfjs-solver` offers, in the order `--help` lists them. */
export const cliCommands: readonly CliCommand[] = Object.freeze([trainCommand, scheduleCommand, groupsCommand]);

/** What a parsed command line resolved to: the exit code, set by the command that ran. */
export interface ProgramOutcome {
  exitCode: number;
  verbose: boolean;
}

/**
 * Builds a fresh commander program (no state shared between `main()` calls) whose subcommands
 * run `commands` and record their exit code in `outcome`.
 */
export function buildProgram(
  commands: readonly CliCommand[],
  streams: CliStreams,
  services: CliServices,
  outcome: ProgramOutcome,
): Command {
  const program = new Command('tfjs-solver')
    .description("detectron2's solver for TensorFlow.js: schedules, clipping and parameter groups from a YAML config")
    .version(packageVersion(), '-V, --version', 'print the version of tfjs-solver')
    .exitOverride()
    .configureOutput({ writeOut: streams.stdout, writeErr: streams.stderr })
    .showSuggestionAfterError(true);
  for (const cliCommand of commands) {
    const command = addCommonOptions(program.command(cliCommand.name).description(cliCommand.description));
    cliCommand.configure(command);
    command.action(async (...params: unknown[]): Promise<void> => {
      const self = params[params.length - 1] as Command;
      const options: Record<string, unknown> = self.opts();
      const common = readCommonOptions(options);
      outcome.verbose = common.verbose;
      const context = createCliContext(common, streams, services);
      outcome.exitCode = await cliCommand.run(context, options, self.processedArgs as unknown[]);
    });
  }
  return program;
}

/** Exit code of every failure: a usage error, an invalid config, a missing backend, a failed command. */
export const EXIT_FAILURE: number = 2;

/**
 * Runs the `tfjs-solver` command line and resolves to the process exit code; never throws.
 *
 * Why in-process and injectable: `bin/tfjs-solver.js` is a one-line launcher, and tests call
 * `main(['schedule', '--json'], streams)` directly and assert what was written.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param streams where results (stdout) and logs/errors (stderr) go; default the process streams.
 * @param services the library calls behind `--config` and `--backend`; default the real ones.
 * @param commands the subcommands; default `cliCommands` (tests pass their own).
 * @returns 0 on success (or `--help`), 2 on any failure.
 * @example
 * ```ts
 * const code = await main(['--help'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
 * ```
 */
export async function main(
  argv: readonly string[],
  streams: CliStreams = processStreams,
  services: CliServices = defaultCliServices,
  commands: readonly CliCommand[] = cliCommands,
): Promise<number> {
  const outcome: ProgramOutcome = { exitCode: 0, verbose: argv.includes('--verbose') };
  const program = buildProgram(commands, streams, services, outcome);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_FAILURE;
    streams.stderr(formatCliError(error, outcome.verbose));
    return EXIT_FAILURE;
  }
}
