// How an API operation is declared: method, path, who may call it, the schemas of its
// path parameters, query and body (strict: an unknown field is refused with 422 naming
// it), and a handler. The HTTP layer (service/http/handler.ts) does everything before
// the handler: body limits, JSON parsing, signature and session checks, accreditation,
// roles and validation. Handlers throw ApiError for anything the client did wrong.
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Actor, Role } from '../../domain/roles.js';
import type { ServiceContext } from '../context.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  status: number;
  /** Sent as JSON; a JsonText is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A body already serialised as JSON, sent without another JSON.stringify: the sync feed
 * splices records into its pages as PostgreSQL's own JSON text, which saves a parse and
 * a stringify of every record on the way through. Text, or the UTF-8 bytes of it (the
 * feed's JSON Lines pages are built as bytes).
 */
export class JsonText {
  constructor(readonly text: string | Buffer) {}
}

interface RequestParts<B, Q, P> {
  /** Path parameters as the route's params schema gave them, e.g. { cpNumber } for /v1/children/:cpNumber. */
  params: P;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  /** The client's address, for rate limits only (never logged with personal data). */
  remoteAddress: string;
}

export interface SignedRequest<B = unknown, Q = unknown, P = Record<string, unknown>> extends RequestParts<B, Q, P> {
  /** The signed-in, accredited user behind this request, checked just now. */
  actor: Actor;
}

export type OpenRequest<B = unknown, Q = unknown, P = Record<string, unknown>> = RequestParts<B, Q, P>;

/** A piece of the OpenAPI document for a route; the layer fills in errors and security. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** OpenAPI schema object of a successful response body. */
  response?: Record<string, unknown>;
  /** Status of a successful response (200 unless said). */
  status?: number;
  /** Headers the route reads, e.g. CP-Access-Reason. */
  headers?: { name: string; required: boolean; description: string }[];
  /** Headers a successful response may carry. */
  responseHeaders?: { name: string; description: string }[];
  /** Refusals of this route beyond those the layer documents for every route, by status. */
  errors?: Record<string, string>;
  tag: string;
}

/** A route's path parameters: one schema per :param of its path, each read from the decoded segment. */
export type ParamsSchema = z.ZodObject;

interface RouteBase<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends ParamsSchema | undefined,
> {
  method: HttpMethod;
  /** Path with :param segments, e.g. /v1/children/:cpNumber. */
  path: string;
  /**
   * The schema of the :param segments, naming exactly those of `path` (checked when the
   * handler is built); required when the path has any. A segment that does not fit is
   * refused with 400 naming it (params.ts).
   */
  params?: P;
  body?: B;
  /** The body may be left out (a POST that only names its target): it is then read as {}. */
  bodyOptional?: boolean;
  query?: Q;
  /** Largest body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  doc: RouteDoc;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** A route without path parameters gets none. */
type ParamsOut<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface SignedRouteDef<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends ParamsSchema | undefined,
> extends RouteBase<B, Q, P> {
  /** Roles any one of which may call; omitted: any signed-in user. */
  roles?: readonly Role[];
  handle(req: SignedRequest<Out<B>, Out<Q>, ParamsOut<P>>, ctx: ServiceContext): Promise<RouteResponse>;
}

export interface OpenRouteDef<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends ParamsSchema | undefined,
> extends RouteBase<B, Q, P> {
  handle(req: OpenRequest<Out<B>, Out<Q>, ParamsOut<P>>, ctx: ServiceContext): Promise<RouteResponse>;
}

type AnyRouteBase = RouteBase<z.ZodType | undefined, z.ZodType | undefined, ParamsSchema | undefined>;

export type Route =
  | (AnyRouteBase & {
      auth: 'signed';
      roles?: readonly Role[];
      handle(req: SignedRequest, ctx: ServiceContext): Promise<RouteResponse>;
    })
  | (AnyRouteBase & {
      auth: 'none';
      handle(req: OpenRequest, ctx: ServiceContext): Promise<RouteResponse>;
    });

/** A route that needs an RFC 9421 signature from a live session of an accredited user. */
export function signedRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends ParamsSchema | undefined = undefined,
>(def: SignedRouteDef<B, Q, P>): Route {
  return { ...def, auth: 'signed' } as unknown as Route;
}

/** A route anyone may call unsigned (status, sign-in, the OpenAPI document). */
export function openRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends ParamsSchema | undefined = undefined,
>(def: OpenRouteDef<B, Q, P>): Route {
  return { ...def, auth: 'none' } as unknown as Route;
}
