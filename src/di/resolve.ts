import type { ResolutionContext } from 'inversify';
import type { Token } from './TOKENS.js';

/** `ctx.get(token)` typed by the token (inversify cannot infer a type from a symbol). */
export function resolve<T>(ctx: Pick<ResolutionContext, 'get'>, token: Token<T>): T {
  return ctx.get<T>(token);
}

/** `ctx.get(token, { optional: true })` typed by the token: undefined when nothing is bound. */
export function resolveOptional<T>(ctx: Pick<ResolutionContext, 'get'>, token: Token<T>): T | undefined {
  return ctx.get<T>(token, { optional: true });
}
