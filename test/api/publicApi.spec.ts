import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { checkedInReport, exportsOf, reportOf, reportPath } from './surface.js';

// The API report: the sorted export list of each entry must equal the checked-in api/*.api.txt,
// so every change to the public surface is deliberate. After a deliberate change, regenerate
// with `UPDATE_API=1 npm run jest -- test/api/publicApi.spec.ts` and commit the report.

const INTERNAL_REFERENCE: RegExp = /SPEC §|NOTES §|\bissue #?\d+|\bsrc\/[\w/]+\.ts\b/;

describe('the public API', () => {
  for (const entry of ['index', 'node'] as const) {
    describe(`of ${entry === 'index' ? 'tfjs-solver' : 'tfjs-solver/node'}`, () => {
      it(`should match api/${entry}.api.txt`, () => {
        const report = reportOf(exportsOf(entry));
        if (process.env.UPDATE_API === '1') writeFileSync(reportPath(entry), report);
        expect(report).toBe(checkedInReport(entry));
      });

      it('should document every name with what it is, an @example, and no internal references', () => {
        const undocumented = exportsOf(entry)
          .filter((e) => !/\/\*\*\s*\n?\s*\*?\s*\S/.test(e.doc) || !e.doc.includes('@example') || INTERNAL_REFERENCE.test(e.doc))
          .map((e) => `${e.name} (${e.file})`);
        expect(undocumented).toEqual([]);
      });
    });
  }

  describe('having both entries', () => {
    it('should have at most 60 names together, the Node entry a superset of the core', () => {
      const core = exportsOf('index').map((e) => e.name);
      const node = exportsOf('node').map((e) => e.name);
      expect(new Set([...core, ...node]).size).toBeLessThanOrEqual(60);
      expect(core.filter((name) => !node.includes(name))).toEqual([]);
    });

    it('should keep internals unexported', () => {
      const all = exportsOf('node').map((e) => e.name);
      const internals = [
        'MAX_ALIAS_COUNT',
        'seededPermutation',
        'twoSpirals',
        'buildDemoModel',
        'encodeCheckpoint',
        'registerFusedKernels',
      ];
      expect(all.filter((name) => internals.includes(name))).toEqual([]);
    });
  });
});
