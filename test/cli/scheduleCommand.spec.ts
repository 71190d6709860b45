import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { type CapturedStreams, captureStreams } from './captureStreams.js';

// `tfjs-solver schedule`, in-process through main() (docs/cli.md): summary, --json, --every,
// --plot (SVG and PNG), warnings on stderr, errors as one line and exit 2.

const dir: string = mkdtempSync(join(tmpdir(), 'schedule-cli-'));

async function run(...argv: string[]): Promise<{ code: number; streams: CapturedStreams }> {
  const streams: CapturedStreams = captureStreams();
  const code: number = await main(['schedule', ...argv], streams);
  return { code, streams };
}

// detectron2's defaults by hand (SPEC §1): BASE_LR 0.001, linear warmup over 1000 iterations from
// factor 0.001, × GAMMA 0.1 from STEPS [30000], MAX_ITER 40000.
function defaultLrByHand(i: number): number {
  const m: number = i < 1000 ? 0.001 + 0.999 * (i / 1000) : i < 30000 ? 1 : 0.1;
  return 0.001 * m;
}

describe('tfjs-solver schedule', () => {
  describe('having no config (the defaults)', () => {
    it('should print the LR at start, end of warmup, the milestone and the end, and a sparkline', async () => {
      const { code, streams } = await run();
      expect(code).toBe(0);
      const lines: string[] = streams.out().trimEnd().split('\n');
      expect(lines.slice(0, 5)).toEqual([
        'WarmupMultiStepLR: 40000 iterations, BASE_LR 0.001, warmup 1000 (linear)',
        '  iter     0  lr 0.000001  start',
        '  iter  1000  lr 0.001  end of warmup (1000)',
        '  iter 30000  lr 0.0001  milestone 30000',
        '  iter 39999  lr 0.0001  end',
      ]);
      expect(lines[5]).toMatch(/^ {2}[▁▂▃▄▅▆▇█]{60} {2}\(min/);
    });

    it('should print, with --json, exactly 40000 LRs on stdout that match the formulas', async () => {
      const { code, streams } = await run('--json');
      expect(code).toBe(0);
      const { lr } = JSON.parse(streams.out()) as { lr: number[] };
      expect(lr).toHaveLength(40000);
      const worst: number = Math.max(...lr.map((value: number, i: number) => Math.abs(value - defaultLrByHand(i)) / defaultLrByHand(i)));
      expect(worst).toBeLessThanOrEqual(1e-12);
    });

    it('should mark the end of warmup and the milestone on the SVG chart', async () => {
      const out: string = join(dir, 'default.svg');
      const { code } = await run('--plot', out);
      expect(code).toBe(0);
      const svg: string = readFileSync(out, 'utf8');
      for (const text of ['end of warmup (1000)', 'milestone 30000', 'WarmupMultiStepLR: BASE_LR 0.001, 40000 iterations']) {
        expect(svg).toContain(text);
      }
    });

    it('should keep every N-th iteration and its number with --every N', async () => {
      const { streams } = await run('--json', '--every', '10000');
      expect(JSON.parse(streams.out())).toEqual({
        every: 10000,
        iteration: [0, 10000, 20000, 30000],
        lr: [0.000001, 0.001, 0.001, 0.0001],
      });
    });
  });

  describe('having a config file for a warmup-cosine and --opts', () => {
    const file: string = join(dir, 'cosine.yaml');
    writeFileSync(file, 'SOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n  MAX_ITER: 100\n  WARMUP_ITERS: 10\n  BASE_LR: 0.5\n');
    it('should apply the overrides and follow BASE_LR × (0.5 (1 + cos(π i / MAX_ITER))) after warmup', async () => {
      const { code, streams } = await run('--config', file, '--json', '--opts', 'SOLVER.BASE_LR', '2.0');
      expect(code).toBe(0);
      const { lr } = JSON.parse(streams.out()) as { lr: number[] };
      expect(lr).toHaveLength(100);
      expect(lr[0]).toBe(2.0 * 0.001);
      for (let i = 10; i < 100; i += 1) expect(lr[i]).toBeCloseTo(2.0 * 0.5 * (1 + Math.cos((Math.PI * i) / 100)), 14);
    });

    it('should draw an SVG chart with axes, titles and the warmup mark', async () => {
      const out: string = join(dir, 'cosine.svg');
      const { code } = await run('--config', file, '--plot', out);
      expect(code).toBe(0);
      const svg: string = readFileSync(out, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      for (const text of ['iteration', 'learning rate', 'end of warmup (10)', 'WarmupCosineLR: BASE_LR 0.5, 100 iterations']) {
        expect(svg).toContain(text);
      }
    });

    it('should draw a PNG with --log-scale', async () => {
      const out: string = join(dir, 'cosine.png');
      const { code, streams } = await run('--config', file, '--plot', out, '--log-scale');
      expect(code).toBe(0);
      expect(streams.err()).toContain(`wrote ${out}`);
      const png: Buffer = readFileSync(out);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // width in pixels (2× zoom)
    });
  });

  describe('having a run of 2,000,000 iterations', () => {
    it('should print the summary (no call-stack overflow from a huge series)', async () => {
      const { code, streams } = await run('--opts', 'SOLVER.MAX_ITER', '2000000', 'SOLVER.STEPS', '(1000000,)');
      expect(streams.err()).toBe('');
      expect(code).toBe(0);
      // BASE_LR 0.001 × WARMUP_FACTOR 0.001 at the start; × GAMMA 0.1 after the milestone.
      expect(streams.out()).toContain('  iter 1000000  lr 0.0001  milestone 1000000');
      expect(streams.out()).toContain('(min 0.00000100, max 0.00100)');
    });
  });

  describe('having STEPS beyond MAX_ITER', () => {
    it('should warn once on stderr and keep stdout pure JSON', async () => {
      const { code, streams } = await run('--json', '--every', '40000', '--opts', 'SOLVER.STEPS', '(30000, 50000, 60000)');
      expect(code).toBe(0);
      expect(JSON.parse(streams.out())).toEqual({ every: 40000, iteration: [0], lr: [0.000001] });
      expect(streams.err().match(/STEPS contains values larger/g)).toHaveLength(1);
      expect(streams.err()).toContain('50000, 60000');
    });
  });

  describe.each([
    [['--json', '--every', '0'], 'tfjs-solver: --every: got "0", expected an integer > 0'],
    [['--every', '10'], 'tfjs-solver: --every: got "10" without --json, expected it only with --json (it samples the JSON list)'],
    [['--log-scale'], 'tfjs-solver: --log-scale: given without --plot, expected it only with --plot FILE.svg|FILE.png'],
    [['--plot', 'chart.jpg'], 'tfjs-solver: --plot: got "chart.jpg", expected a file name ending in .svg or .png'],
    [
      ['--plot', '/nonexistent-dir/chart.svg'],
      'tfjs-solver: --plot: cannot write "/nonexistent-dir/chart.svg": ENOENT: no such file or directory, open \'/nonexistent-dir/chart.svg\'',
    ],
    [
      ['--backend', 'cpu'],
      'tfjs-solver: --backend: got "cpu", expected no --backend with schedule (the schedule is computed on the host, no backend runs)',
    ],
    [
      ['--opts', 'SOLVER.STEPS', '(40000,)'],
      'tfjs-solver: SOLVER.STEPS[0]: got 40000, expected < SOLVER.MAX_ITER (40000); a step at MAX_ITER never takes effect (in --opts)',
    ],
  ])('having %j', (argv: string[], message: string) => {
    it('should fail with one line on stderr and exit 2', async () => {
      const { code, streams } = await run(...argv);
      expect(code).toBe(2);
      expect(streams.err().trim()).toBe(message);
      expect(streams.out()).toBe('');
    });
  });

  describe('having MAX_ITER 1e9 and 5e9', () => {
    // Before: one value per iteration (1e8 took 42 s, 1e9 hung, 5e9 "Invalid array length").
    it.each([
      [1e9, 5e8],
      [5e9, 2.5e9],
    ])('should print the summary of %d iterations quickly and in little memory', async (maxIter: number, step: number) => {
      const heapBefore: number = process.memoryUsage().heapUsed;
      const started: number = performance.now();
      // WARMUP_ITERS well above fvcore's where-slack (1e-6 × MAX_ITER iterations, 5000 here).
      const { code, streams } = await run(
        '--opts',
        'SOLVER.MAX_ITER',
        String(maxIter),
        'SOLVER.STEPS',
        `(${step},)`,
        'SOLVER.WARMUP_ITERS',
        '100000',
      );
      const seconds: number = (performance.now() - started) / 1000;
      expect(streams.err()).toBe('');
      expect(code).toBe(0);
      expect(seconds).toBeLessThan(5);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
      const lines: string[] = streams.out().trimEnd().split('\n');
      // By hand: 0.001 × 0.001 at the start, 0.001 from the end of warmup, × 0.1 from the step on.
      const pad = (i: number): string => String(i).padStart(String(maxIter).length);
      expect(lines.slice(1, 5)).toEqual([
        `  iter ${pad(0)}  lr 0.000001  start`,
        `  iter ${pad(100000)}  lr 0.001  end of warmup (100000)`,
        `  iter ${pad(step)}  lr 0.0001  milestone ${step}`,
        `  iter ${pad(maxIter - 1)}  lr 0.0001  end`,
      ]);
      // The sparkline: half the run at 0.001 (top bar), half at 0.0001 (bottom bar).
      expect(lines[5]).toBe(`  ${'█'.repeat(30)}${'▁'.repeat(30)}  (min 0.00000100, max 0.00100)`);
    });

    it('should stream --json --every N with the iteration numbers', async () => {
      const { code, streams } = await run(
        '--json',
        '--every',
        '1000000000',
        '--opts',
        'SOLVER.MAX_ITER',
        '5000000000',
        'SOLVER.STEPS',
        '(2500000000,)',
        'SOLVER.WARMUP_ITERS',
        '100000',
      );
      expect(code).toBe(0);
      expect(JSON.parse(streams.out())).toEqual({
        every: 1e9,
        iteration: [0, 1e9, 2e9, 3e9, 4e9],
        lr: [0.000001, 0.001, 0.001, 0.0001, 0.0001],
      });
    });

    it('should draw the chart of 1e9 iterations', async () => {
      const out: string = join(dir, 'huge.svg');
      const { code } = await run('--plot', out, '--opts', 'SOLVER.MAX_ITER', '1000000000', 'SOLVER.STEPS', '(500000000,)');
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('milestone 500000000');
    });
  });

  describe('having WarmupStepWithFixedGammaLR', () => {
    // The milestones are found by bisection; a scan of every iteration is the independent answer.
    it.each([
      [1000, 3, 100, false],
      [997, 4, 0, false],
      [1200, 2, 300, true],
    ])('should mark every change of a %d-iteration run (%d decays, warmup %d, rescale %p)', async (maxIter, decays, warmup, rescale) => {
      const opts: string[] = ['SOLVER.LR_SCHEDULER_NAME', 'WarmupStepWithFixedGammaLR', 'SOLVER.MAX_ITER', String(maxIter)];
      opts.push('SOLVER.NUM_DECAYS', String(decays), 'SOLVER.WARMUP_ITERS', String(warmup), 'SOLVER.RESCALE_INTERVAL', String(rescale));
      const json = await run('--json', '--opts', ...opts);
      const { lr } = JSON.parse(json.streams.out()) as { lr: number[] };
      const scanned: number[] = [];
      for (let i = Math.max(warmup, 1); i < maxIter; i += 1) if (lr[i] !== lr[i - 1] && i !== warmup) scanned.push(i);
      expect(scanned).toHaveLength(decays);
      const summary = await run('--opts', ...opts);
      const marked: number[] = [...summary.streams.out().matchAll(/milestone (\d+)/g)].map((m) => Number(m[1]));
      expect(marked).toEqual(scanned);
    });
  });
});
