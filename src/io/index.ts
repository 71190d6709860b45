export type { Logger } from './Logger.js';
export { silentLogger } from './silentLogger.js';
export type { TextFileReader } from './TextFileReader.js';
export { memoryTextFileReader } from './memoryTextFileReader.js';
export type { FileStore } from './FileStore.js';
