export type { BackendName } from './BackendName.js';
export { BACKEND_NAMES } from './BackendName.js';
