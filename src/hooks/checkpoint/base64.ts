const CHUNK: number = 0x8000;

/** Encodes bytes as base64 with `btoa` (no Node `Buffer`, so it runs in a page too). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary: string = '';
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  }
  return btoa(binary);
}

/** Decodes base64 into a fresh, aligned byte array. @throws DOMException on invalid input. */
export function base64ToBytes(text: string): Uint8Array {
  const binary: string = atob(text);
  const bytes: Uint8Array = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
