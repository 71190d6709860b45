import type { FileStore } from '../../src/io/interfaces.js';

/** An in-memory FileStore for tests: `files` maps full paths to bytes; `failWrites` makes writeAtomic throw. */
export class MemoryFileStore implements FileStore {
  public readonly files: Map<string, Uint8Array> = new Map<string, Uint8Array>();
  public failWrites: boolean = false;
  public appends: number = 0;

  public readBytes(path: string): Promise<Uint8Array> {
    const bytes: Uint8Array | undefined = this.files.get(path);
    return bytes === undefined ? Promise.reject(new Error(`no file ${path}`)) : Promise.resolve(bytes);
  }

  public writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error(`disk full writing ${path}`));
    this.files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data));
    return Promise.resolve();
  }

  public append(path: string, text: string): Promise<void> {
    this.appends += 1;
    const old: string = new TextDecoder().decode(this.files.get(path) ?? new Uint8Array());
    this.files.set(path, new TextEncoder().encode(old + text));
    return Promise.resolve();
  }

  public list(dir: string): Promise<string[]> {
    const prefix: string = `${dir}/`;
    return Promise.resolve([...this.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
  }

  public remove(path: string): Promise<void> {
    this.files.delete(path);
    return Promise.resolve();
  }

  public makeDir(): Promise<void> {
    return Promise.resolve();
  }

  public text(path: string): string {
    return new TextDecoder().decode(this.files.get(path) ?? new Uint8Array());
  }
}
