import { adamGroupUpdateOps } from '../../../src/optim/updates/adamGroupUpdateOps.js';
import { selectGroupUpdates, type GroupUpdates } from '../../../src/optim/updates/selectGroupUpdates.js';
import { sgdGroupUpdateOps } from '../../../src/optim/updates/sgdGroupUpdateOps.js';

/**
 * The update implementations the optimizer specs run against: the plain-ops reference, and
 * whatever selectGroupUpdates picks for the test backend (fused kernels on cpu/wasm).
 */
export const IMPLEMENTATIONS: readonly [string, (backendName: string) => GroupUpdates][] = [
  ['plain-ops updates', () => ({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps })],
  ['updates selected for the backend', selectGroupUpdates],
];
