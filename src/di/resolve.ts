import type { Container, ResolutionContext } from 'inversify';
import type { Token } from './TOKENS.js';

/** `get(token)` typed by the token (inversify cannot infer a type from a symbol); a container or a resolution context. */
export function resolve<T>(source: Pick<ResolutionContext, 'get'>, token: Token<T>): T {
  return source.get<T>(token);
}

/** `get(token, { optional: true })` typed by the token: undefined when nothing is bound. */
export function resolveOptional<T>(source: Pick<ResolutionContext, 'get'>, token: Token<T>): T | undefined {
  return source.get<T>(token, { optional: true });
}

/** `container.getAll(token)` typed by the token, in binding order (empty when none is bound). */
export function resolveAll<T>(container: Container, token: Token<T>): T[] {
  return container.getAll<T>(token, { optional: true });
}
