export type { Logger } from './Logger.js';
export { silentLogger } from './silentLogger.js';
