// How an API operation is declared: method, path, who may call it, the schemas of its
// query and body (strict: an unknown field is refused with 422 naming it), and a
// handler. The HTTP layer (service/http/server.ts) does everything before the handler:
// body limits, JSON parsing, signature and session checks, accreditation, roles and
// validation. Handlers throw ApiError for anything the client did wrong.
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
 * a stringify of every record on the way through.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

interface RequestParts<B, Q> {
  /** Path parameters, e.g. { cpNumber } for /v1/children/:cpNumber. */
  params: Record<string, string>;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  /** The client's address, for rate limits only (never logged with personal data). */
  remoteAddress: string;
}

export interface SignedRequest<B = unknown, Q = unknown> extends RequestParts<B, Q> {
  /** The signed-in, accredited user behind this request, checked just now. */
  actor: Actor;
}

export type OpenRequest<B = unknown, Q = unknown> = RequestParts<B, Q>;

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

interface RouteBase<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: HttpMethod;
  /** Path with :param segments, e.g. /v1/children/:cpNumber. */
  path: string;
  body?: B;
  /** The body may be left out (a POST that only names its target): it is then read as {}. */
  bodyOptional?: boolean;
  query?: Q;
  /** Largest body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  doc: RouteDoc;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface SignedRouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> extends RouteBase<B, Q> {
  /** Roles any one of which may call; omitted: any signed-in user. */
  roles?: readonly Role[];
  handle(req: SignedRequest<Out<B>, Out<Q>>, ctx: ServiceContext): Promise<RouteResponse>;
}

export interface OpenRouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> extends RouteBase<B, Q> {
  handle(req: OpenRequest<Out<B>, Out<Q>>, ctx: ServiceContext): Promise<RouteResponse>;
}

export type Route =
  | (RouteBase<z.ZodType | undefined, z.ZodType | undefined> & {
      auth: 'signed';
      roles?: readonly Role[];
      handle(req: SignedRequest, ctx: ServiceContext): Promise<RouteResponse>;
    })
  | (RouteBase<z.ZodType | undefined, z.ZodType | undefined> & {
      auth: 'none';
      handle(req: OpenRequest, ctx: ServiceContext): Promise<RouteResponse>;
    });

/** A route that needs an RFC 9421 signature from a live session of an accredited user. */
export function signedRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  def: SignedRouteDef<B, Q>,
): Route {
  return { ...def, auth: 'signed' } as unknown as Route;
}

/** A route anyone may call unsigned (status, sign-in, the OpenAPI document). */
export function openRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  def: OpenRouteDef<B, Q>,
): Route {
  return { ...def, auth: 'none' } as unknown as Route;
}
