import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';

/** Where a benchmark ran: what anyone comparing numbers needs to know. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly tfjs: string;
  readonly loadAverage: readonly number[];
  readonly date: string;
}

/** Reads the machine's description (os.cpus, process.version, the 1/5/15-min load average). */
export function machineInfo(): MachineInfo {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    tfjs: tf.version.tfjs,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}
