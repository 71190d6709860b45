import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { type Hook, memoryFileStore, parseConfig, type SolverConfig, type SolverOptimizer, solverModule, TOKENS } from 'tfjs-solver';

// The tokens carry their types: `npm run typecheck` compiles this file, so each `@ts-expect-error`
// below fails the build if the wrong binding ever compiles again; the runtime checks show the
// typed `get` returns what was bound.

describe('TOKENS', () => {
  describe('having a container with a model bound', () => {
    it('should type container.get by the token and return the bound values', () => {
      const before = tf.memory().numTensors;
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
      const container = new Container();
      container.bind(TOKENS.FileStore).toConstantValue(memoryFileStore());
      container.load(solverModule(parseConfig({ SOLVER: { BASE_LR: 0.5 } })));
      container.bind(TOKENS.Model).toConstantValue(model);
      const bound: tf.LayersModel = container.get(TOKENS.Model);
      const config: SolverConfig = container.get(TOKENS.Config);
      const optimizer: SolverOptimizer = container.get(TOKENS.Optimizer);
      const hooks: Hook[] = container.getAll(TOKENS.Hook);
      expect(bound).toBe(model);
      expect(config.SOLVER.BASE_LR).toBe(0.5);
      expect(optimizer.baseLearningRates).toEqual([0.5]);
      expect(hooks.length).toBeGreaterThan(0);
      optimizer.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('having values of the wrong type', () => {
    it('should not compile binding or reading them (checked by typecheck)', () => {
      const container = new Container();
      const wrong = (): number => {
        // @ts-expect-error a string is not a tf.LayersModel
        container.bind(TOKENS.Model).toConstantValue('not a model');
        // @ts-expect-error a SolverConfig is not a number
        const lr: number = container.get(TOKENS.Config);
        // @ts-expect-error a hook list holds Hooks, not strings
        const names: string[] = container.getAll(TOKENS.Hook);
        // @ts-expect-error the clipper token resolves to a Clipper, not a Hook factory
        container.bind(TOKENS.Clipper).toDynamicValue(() => ({ afterStep: () => undefined }));
        return lr + names.length;
      };
      expect(typeof wrong).toBe('function');
    });
  });
});
