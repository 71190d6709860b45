import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';

// The native package decides what `tensorflow` does: where it is installed, the example's second
// call succeeds and there is no refusal to check.
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
const native: boolean = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

describe('examples/selectBackend.ts', () => {
  describe('when run', () => {
    it('should activate the backend it names, in one log line, and keep it after refusing tensorflow', async () => {
      const { result } = await import('../../examples/selectBackend.js');
      // The repository installs the wasm backend (a devDependency): auto takes it over cpu unless a native one is there.
      expect(result.chosen.name).toBe(native ? 'tensorflow' : 'wasm');
      expect(result.lines[0]).toMatch(new RegExp(`^backend: ${result.chosen.name} `));
      expect(result.active).toBe(result.chosen.name);
      if (!native) {
        expect(result.refusal).toContain("backend 'tensorflow' is not available");
        expect(result.refusal).toContain('@tensorflow/tfjs-node is not installed');
        expect(result.refusal).toContain('or use --backend wasm or cpu');
      }
    });
  });
});
