// The few DOM types the page uses, declared here: the project compiles against ES2022 and Node's
// types only (no DOM library), and the page needs no more than this.

/** The parts of a 2D canvas context the charts draw with. */
export interface Canvas2D {
  strokeStyle: string;
  fillStyle: string;
  lineWidth: number;
  font: string;
  textAlign: string;
  clearRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
}

/** A `<canvas>`. */
export interface CanvasElement {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): Canvas2D | null;
}

/** A `<button>`. */
export interface ButtonElement {
  disabled: boolean;
  addEventListener(type: 'click', listener: () => void): void;
}

/** A `<select>`. */
export interface SelectElement {
  value: string;
  addEventListener(type: 'change', listener: () => void): void;
}

/** Any element showing text. */
export interface TextElement {
  textContent: string | null;
}

/** The page's globals the example uses. */
export interface PageGlobals {
  readonly document: { getElementById(id: string): unknown };
  readonly location: { search: string; reload(): void };
  readonly indexedDB: { deleteDatabase(name: string): { onsuccess: (() => void) | null } };
}

/** `globalThis` of the page, typed with {@link PageGlobals}. */
export const browser: PageGlobals = globalThis as unknown as PageGlobals;
