/**
 * The update paths the optimizer specs run against (the optimizer's `fused` option): the
 * plain-ops reference everywhere, and the fused kernels wherever the test backend has them (cpu/wasm).
 */
export const IMPLEMENTATIONS: readonly [string, boolean][] = [
  ['plain-ops updates', false],
  ['updates selected for the backend', true],
];
