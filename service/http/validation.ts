// Schema problems as a person can act on them. An unknown field is called out by name
// (the service accepts no case information: a `notes` field is refused, not dropped).
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { refusalOf } from './params.js';
import type { ParamsSchema } from './route.js';

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

export interface Problem {
  path: string;
  message: string;
}

/** Each problem zod found, with unknown fields listed one by one. */
export function problemsOf(error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ path: pathText([...issue.path, key]), message: 'is not a field the service accepts' });
    } else {
      problems.push({ path: pathText(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Parse `value` with `schema`, or throw 422 naming the first problem (all are in details). */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error);
  const unknown = result.error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const field = pathText([...unknown.path, unknown.keys[0] ?? '']);
    const what = where === 'query' ? 'query parameter' : 'field';
    return fail(
      `unknown-${where === 'query' ? 'parameter' : 'field'}`,
      `The ${what} "${field}" is not accepted: the national index holds no case information and takes only the fields its API documents.`,
    );
  }
  const first = problems[0];
  const name = first && first.path !== '' ? `"${first.path}" ` : '';
  return fail(
    `invalid-${where}`,
    `The ${where === 'query' ? 'query' : 'request body'} is not valid: ${name}${first?.message ?? 'is malformed'}.`,
  );

  function fail(code: string, message: string): never {
    throw new ApiError(422, code, message, { problems });
  }
}

/**
 * Path parameters parsed with the route's schema, or 400 naming the first that does not
 * fit (in the schema's order): with the refusal its schema was declared with (params.ts),
 * else invalid-path-parameter. Every problem is in details, as for the body and query.
 */
export function parseParams<S extends ParamsSchema>(schema: S, value: Record<string, string>): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error);
  const names = Object.keys(schema.shape);
  const name = names.find((n) => result.error.issues.some((i) => i.path[0] === n));
  const refusal = refusalOf(name === undefined ? undefined : schema.shape[name]);
  if (refusal) throw new ApiError(400, refusal.code, refusal.message, { problems });
  const problem = problems.find((p) => p.path === name) ?? problems[0];
  throw new ApiError(
    400,
    'invalid-path-parameter',
    `The path parameter "${name ?? ''}" is not valid: ${problem?.message ?? 'is malformed'}.`,
    { problems },
  );
}

/** A query-string value with an empty value treated as not given. */
export const given = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
