import type { Container } from 'inversify';
import type { Token } from './TOKENS.js';

/** `container.get(token)` typed by the token. */
export function resolveFrom<T>(container: Container, token: Token<T>): T {
  return container.get<T>(token);
}

/** `container.getAll(token)` typed by the token, in binding order (empty when none is bound). */
export function resolveAll<T>(container: Container, token: Token<T>): T[] {
  return container.getAll<T>(token, { optional: true });
}
