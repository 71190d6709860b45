import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate } from './BackendCandidate.js';

/** What happened when one candidate was tried. */
export type ActivationResult = { readonly ok: true } | { readonly ok: false; readonly notInstalled: boolean; readonly reason: string };

/** How a candidate's package is loaded, and where wasm binaries are. */
export interface ActivationEnvironment {
  readonly importModule: (specifier: string) => Promise<unknown>;
  /** Resolves the `setWasmPaths` prefix, or undefined to keep tfjs's default. */
  readonly wasmPaths: () => Promise<string | undefined>;
  readonly isModuleNotFound: (error: unknown, specifier: string) => boolean;
}

/**
 * Loads a candidate's package (registering its backend) and makes it tfjs's active backend.
 * Never throws: failures come back as a reason, so `auto` can move on to the next candidate.
 */
export async function activateCandidate(candidate: BackendCandidate, environment: ActivationEnvironment): Promise<ActivationResult> {
  try {
    if (candidate.name === 'wasm') {
      const wasm = (await environment.importModule(candidate.packageName)) as { setWasmPaths?: (prefix: string) => void };
      const prefix: string | undefined = await environment.wasmPaths();
      if (prefix !== undefined) wasm.setWasmPaths?.(prefix);
    } else if (candidate.name === 'tensorflow') {
      await environment.importModule(candidate.packageName);
    }
    if (!(await tf.setBackend(candidate.name))) {
      return { ok: false, notInstalled: false, reason: `tf.setBackend('${candidate.name}') failed to initialise it` };
    }
    await tf.ready();
    return { ok: true };
  } catch (error: unknown) {
    if (environment.isModuleNotFound(error, candidate.packageName)) {
      return { ok: false, notInstalled: true, reason: `${candidate.packageName} is not installed` };
    }
    const message: string = error instanceof Error ? error.message : String(error);
    return { ok: false, notInstalled: false, reason: `failed to load: ${message.split('\n')[0] ?? message}` };
  }
}
