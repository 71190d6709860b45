import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/yaml.js';
import { type Logger, memoryTextFileReader } from '../../src/io/interfaces.js';

const fixtures: string = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (message: string) => warnings.push(message) };
}

describe(loadConfig, () => {
  describe("having detectron2's faster_rcnn_R_50_FPN_1x.yaml with _BASE_ Base-RCNN-FPN.yaml", () => {
    it("should yield the base file's SOLVER values", async () => {
      const config = await loadConfig(fixture('COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml'));
      // Base-RCNN-FPN.yaml's SOLVER block.
      expect(config.SOLVER.IMS_PER_BATCH).toBe(16);
      expect(config.SOLVER.BASE_LR).toBe(0.02);
      expect(config.SOLVER.STEPS).toEqual([60000, 80000]);
      expect(config.SOLVER.MAX_ITER).toBe(90000);
    });

    it("should fill every other key with detectron2's default (SPEC §1)", async () => {
      const config = await loadConfig(fixture('COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml'));
      expect(config.SOLVER).toMatchObject({
        LR_SCHEDULER_NAME: 'WarmupMultiStepLR',
        MOMENTUM: 0.9,
        NESTEROV: false,
        WEIGHT_DECAY: 0.0001,
        WEIGHT_DECAY_NORM: 0.0,
        GAMMA: 0.1,
        WARMUP_FACTOR: 0.001,
        WARMUP_ITERS: 1000,
        WARMUP_METHOD: 'linear',
        CHECKPOINT_PERIOD: 5000,
        BIAS_LR_FACTOR: 1.0,
        WEIGHT_DECAY_BIAS: null,
        REFERENCE_WORLD_SIZE: 0,
      });
      expect(config.SOLVER.CLIP_GRADIENTS).toMatchObject({ ENABLED: false, CLIP_TYPE: 'value', CLIP_VALUE: 1.0, NORM_TYPE: 2.0 });
    });

    it('should warn once, listing the sections of other tools from both files', async () => {
      const logger = recordingLogger();
      await loadConfig(fixture('COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml'), [], { logger });
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toMatch(/^ignored keys that belong to other tools: MODEL, DATASETS, INPUT, VERSION \(in /);
      expect(logger.warnings[0]).toContain('Base-RCNN-FPN.yaml');
      expect(logger.warnings[0]).toContain('faster_rcnn_R_50_FPN_1x.yaml');
    });

    it('should return a deeply frozen config', async () => {
      const config = await loadConfig(fixture('COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml'));
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.SOLVER.CLIP_GRADIENTS)).toBe(true);
      expect(Object.isFrozen(config.SOLVER.STEPS)).toBe(true);
    });
  });

  describe('having three levels of _BASE_', () => {
    it('should merge them in order, the nearest file winning', async () => {
      const config = await loadConfig(fixture('three-levels.yaml'));
      expect(config.SOLVER.BASE_LR).toBe(0.01);
      expect(config.SOLVER.MAX_ITER).toBe(90000);
      expect(config.SOLVER.CLIP_GRADIENTS).toMatchObject({ ENABLED: true, CLIP_TYPE: 'full_model', NORM_TYPE: Infinity });
      expect(config.OUTPUT_DIR).toBe('./output/three-levels');
      expect(config.SEED).toBe(7);
    });
  });

  describe('having overrides', () => {
    it('should apply them last, values parsed as YAML and tuples read as lists', async () => {
      const overrides = ['SOLVER.BASE_LR', '0.005', 'SOLVER.STEPS', '(100, 200)', 'SOLVER.CLIP_GRADIENTS.ENABLED', 'True', 'SEED', '-1'];
      const config = await loadConfig(fixture('three-levels.yaml'), overrides);
      expect(config.SOLVER.BASE_LR).toBe(0.005);
      expect(config.SOLVER.STEPS).toEqual([100, 200]);
      expect(config.SOLVER.CLIP_GRADIENTS.ENABLED).toBe(true);
      expect(config.SEED).toBe(-1);
    });

    it('should name --opts as the source of a bad override', async () => {
      await expect(loadConfig(fixture('three-levels.yaml'), ['SOLVER.MAX_ITER', '0'])).rejects.toThrow(
        'SOLVER.MAX_ITER: got 0, expected an integer > 0 (in --opts)',
      );
    });
  });

  describe('having a _BASE_ cycle', () => {
    it('should list the chain', async () => {
      const a = fixture('cycle-a.yaml');
      const b = fixture('cycle-b.yaml');
      await expect(loadConfig(a)).rejects.toThrow(`_BASE_ cycle: ${a} -> ${b} -> ${a}`);
    });
  });

  describe('having a typo in a SOLVER key', () => {
    it('should name the key path and file and suggest the right key', async () => {
      const path = fixture('typo.yaml');
      await expect(loadConfig(path)).rejects.toThrow(`SOLVER.WARMUP_ITER: unknown key in ${path} (did you mean SOLVER.WARMUP_ITERS?)`);
    });
  });

  describe('having a value out of range in a base file', () => {
    it('should name the file that set it', async () => {
      const reader = memoryTextFileReader({
        'configs/base.yaml': 'SOLVER:\n  MAX_ITER: -5\n',
        'configs/run/child.yaml': '_BASE_: ../base.yaml\nSOLVER:\n  BASE_LR: 0.1\n',
      });
      await expect(loadConfig('configs/run/child.yaml', [], { reader })).rejects.toMatchObject({
        kind: 'config',
        message: 'SOLVER.MAX_ITER: got -5, expected an integer > 0 (in configs/base.yaml)',
      });
    });
  });

  describe('having a _BASE_ that is not a path', () => {
    it('should say so', async () => {
      const reader = memoryTextFileReader({ 'a.yaml': '_BASE_: [x.yaml]\n' });
      await expect(loadConfig('a.yaml', [], { reader })).rejects.toThrow(
        '_BASE_: got ["x.yaml"], expected the path of a config file (in a.yaml)',
      );
    });
  });

  describe('having a document that is not a mapping', () => {
    it('should say so', async () => {
      const reader = memoryTextFileReader({ 'a.yaml': '- 1\n- 2\n' });
      await expect(loadConfig('a.yaml', [], { reader })).rejects.toThrow(
        'a.yaml: got [1,2], expected a mapping of config keys at the top level',
      );
    });
  });

  describe('having an empty file', () => {
    it('should give the defaults', async () => {
      const reader = memoryTextFileReader({ 'empty.yaml': '# nothing\n' });
      const config = await loadConfig('empty.yaml', [], { reader });
      expect(config.SOLVER.MAX_ITER).toBe(40000);
    });
  });

  describe('having a missing file', () => {
    it('should fail with kind io naming the path', async () => {
      const path = fixture('does-not-exist.yaml');
      await expect(loadConfig(path)).rejects.toMatchObject({ kind: 'io', message: `${path}: no such file` });
    });
  });

  describe('having a missing base file', () => {
    it('should name the resolved base path', async () => {
      const reader = memoryTextFileReader({ 'dir/a.yaml': '_BASE_: ../base.yaml\n' });
      await expect(loadConfig('dir/a.yaml', [], { reader })).rejects.toThrow('base.yaml: no such file');
    });
  });
});
