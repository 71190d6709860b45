import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Solver } from '../../src/di/Solver.js';
import { createSolver } from '../../src/node.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import { SolverError } from '../../src/errors.js';
import { lockedRunConfig, smallData, smallModel } from '../di/smallModel.js';

/** Starts the fixture run in a child process and resolves once it reports iteration 9 done. */
function startRun(dir: string, seed: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/io/fixtures/lockedRun.ts', dir, String(seed)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => {
      reject(new Error(`the run exited early with ${String(code)}`));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => {
      resolve();
    });
    child.kill('SIGKILL');
  });
}

function lines(dir: string): { iteration: number }[] {
  return readFileSync(join(dir, 'metrics.json'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { iteration: number });
}

// A run is started in a child process and SIGKILLed after iteration 9 (checkpoint model_0000010
// and metrics lines 4 and 9 on disk, the lock file left behind), as the probe did.
describe('the output folder across processes', () => {
  let dir: string;
  let child: ChildProcess | null = null;
  let model: tf.Sequential;
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let before: number;
  const opened: Solver[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    dir = mkdtempSync(join(tmpdir(), 'lock-'));
    child = await startRun(dir, 3);
    model = smallModel();
    data = smallData();
  });

  afterEach(async () => {
    for (const solver of opened.splice(0)) {
      await solver.close();
      solver.optimizer.dispose();
    }
  });

  afterAll(async () => {
    if (child !== null && child.exitCode === null && child.signalCode === null) await killed(child);
    model.dispose();
    tf.dispose([data.xs, data.ys]);
    rmSync(dir, { recursive: true, force: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  async function solverFor(seed: number, options: Parameters<typeof createSolver>[1]): Promise<Solver> {
    const container: Container = new Container();
    container.load(solverModule(lockedRunConfig(dir, seed)));
    container.bind(TOKENS.Model).toConstantValue(model);
    const solver: Solver = await createSolver(container, options);
    opened.push(solver);
    return solver;
  }

  async function refusal(seed: number, options: Parameters<typeof createSolver>[1]): Promise<SolverError> {
    const error: unknown = await solverFor(seed, options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(SolverError.is(error, 'state')).toBe(true);
    return error as SolverError;
  }

  describe('while the first run is alive', () => {
    it('should stop a second run with an error naming the holder', async () => {
      const error: SolverError = await refusal(3, { resume: true });
      expect(error.message).toContain(`OUTPUT_DIR ${dir} is in use by another run (pid ${String(child?.pid)} on `);
      expect(error.message).toContain(`if that run is gone, delete ${dir}/.lock`);
    });
  });

  describe('after it was killed', () => {
    beforeAll(async () => {
      if (child !== null) await killed(child);
      // What a kill inside a write leaves, and a line torn by a full disk.
      writeFileSync(join(dir, 'model_0000015.ckpt.tmp-0123456789ab'), 'partial');
      appendFileSync(join(dir, 'metrics.json'), '{"iteration":12,"lr":0.');
    });

    it('should refuse a fresh run into the used folder (no resume, no overwrite)', async () => {
      const error: SolverError = await refusal(3, {});
      expect(error.message).toBe(
        `OUTPUT_DIR ${dir} already holds a run (last_checkpoint, metrics.json, model_0000005.ckpt, model_0000010.ckpt); ` +
          'continue it with resume (--resume), start over with overwrite (--overwrite, deletes those files), or choose another OUTPUT_DIR',
      );
    });

    it("should refuse to resume another run's checkpoint (SEED 7 vs 3) unless asked", async () => {
      const error: SolverError = await refusal(7, { resume: true });
      expect(error.message).toMatch(
        new RegExp(
          `^checkpoint ${dir}/model_0000010\\.ckpt was written by another run \\(config hash [0-9a-f]{16}, SEED 3; this run: config hash [0-9a-f]{16}, SEED 7\\)`,
        ),
      );
    });

    it('should take over the stale lock, remove temp files, repair metrics.json, and finish the run', async () => {
      const solver: Solver = await solverFor(3, { resume: true });
      expect(solver.startIter).toBe(10);
      expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
      expect(lines(dir).map((line) => line.iteration)).toEqual([4, 9]);
      model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      await solver.fit(model, data.xs, data.ys, { epochs: 100, batchSize: 4 });
      expect(solver.startIter).toBe(20);
      expect(lines(dir).map((line) => line.iteration)).toEqual([4, 9, 14, 19]);
      // The run released the lock when it ended.
      expect(readdirSync(dir)).not.toContain('.lock');
      expect(readdirSync(dir)).toContain('model_final.ckpt');
    });

    it('should resume a foreign checkpoint when asked (resumeForeign)', async () => {
      const solver: Solver = await solverFor(7, { resume: true, resumeForeign: true });
      expect(solver.startIter).toBe(20);
    });

    it('should start over with overwrite, deleting the previous run', async () => {
      await solverFor(3, { overwrite: true });
      expect(readdirSync(dir).sort()).toEqual(['.lock']);
    });
  });
});
