export type { BackendName } from './BackendName.js';
export { BACKEND_NAMES } from './BackendName.js';
export { selectBackend } from './selectBackend.js';
export type { SelectBackendOptions } from './SelectBackendOptions.js';
export type { SelectedBackend } from './SelectedBackend.js';
export { translateBackendError } from './translateBackendError.js';
