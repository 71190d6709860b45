/**
 * The SHA-256 digest of `data` as 64 lowercase hex digits, with the Web Crypto API
 * (`globalThis.crypto.subtle`), which Node >= 20 and every browser provide.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest: ArrayBuffer = await globalThis.crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (byte: number) => byte.toString(16).padStart(2, '0')).join('');
}
