import { API_OPERATIONS, type ApiOperation } from '../../src-shared/api/openapi';
import type { ApiScope } from '../../src-shared/contract/api-key-channels';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';

/** Who calls: a verified API key. */
export interface ApiCaller {
  readonly name: string;
  readonly scopes: readonly ApiScope[];
}

/** What a route's work gets: its validated input and a way to act through the console. */
export interface RouteCall<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly caller: ApiCaller;
  /**
   * The client's address: the connection's peer, or — only when that peer is a trusted proxy
   * (TenantApiOptions.trustedProxies) — the address the proxy reports in X-Forwarded-For.
   */
  readonly clientAddress: string;
  /**
   * A console channel through the core's dispatch, as the operator serving the API (its
   * PostgreSQL grants apply) on behalf of the key; a refusal throws the matching ApiError.
   */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** The tenant this call concerns, for the audit log. */
  concerns(tenantCode: string): void;
}

export interface RouteAnswer {
  readonly status?: number;
  /** Headers besides the JSON's (a 202's Location). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** One operation of the API table (openapi.ts) and the work behind it. */
export interface ApiRoute<P = unknown, Q = unknown, B = unknown> {
  readonly operation: ApiOperation;
  handle(call: RouteCall<P, Q, B>): Promise<RouteAnswer>;
}

/**
 * The route of one operation: an operationId of the API table (openapi.ts), or an operation
 * of its own (a module's extra route). P, Q and B are its validated params, query and body.
 */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(
  operationOrId: ApiOperation | string,
  handle: (call: RouteCall<P, Q, B>) => Promise<RouteAnswer>,
): ApiRoute {
  const operation = typeof operationOrId === 'string' ? API_OPERATIONS.find((candidate) => candidate.operationId === operationOrId) : operationOrId;
  if (!operation) throw new Error(`No API operation ${String(operationOrId)}`);
  return { operation, handle: handle as ApiRoute['handle'] };
}
