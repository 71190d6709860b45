import { adamGroupUpdateOps } from '../../../src/optim/adam.js';
import { type GroupUpdates, selectGroupUpdates } from '../../../src/optim/rule.js';
import { sgdGroupUpdateOps } from '../../../src/optim/sgd.js';

/**
 * The update implementations the optimizer specs run against: the plain-ops reference, and
 * whatever selectGroupUpdates picks for the test backend (fused kernels on cpu/wasm).
 */
export const IMPLEMENTATIONS: readonly [string, (backendName: string) => GroupUpdates][] = [
  ['plain-ops updates', () => ({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps })],
  ['updates selected for the backend', selectGroupUpdates],
];
