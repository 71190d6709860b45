// The public API of tfjs-solver: re-exports only. Each folder's index.ts lists what it makes public.
export * from './errors/index.js';
export * from './config/index.js';
export * from './backend/index.js';
export * from './io/index.js';
export * from './sched/index.js';
export * from './optim/index.js';
export * from './hooks/index.js';
export * from './train/index.js';
export * from './di/index.js';
