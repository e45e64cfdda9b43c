// Schema problems as a person can act on them. An unknown field is called out by name
// (the service accepts no case information: a `notes` field is refused, not dropped).
import { z } from 'zod';
import { ApiError } from './api-error.js';

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
      for (const key of issue.keys) problems.push({ path: pathText([...issue.path, key]), message: 'is not a field the service accepts' });
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
    return fail(`unknown-${where === 'query' ? 'parameter' : 'field'}`, `The ${what} "${field}" is not accepted: the national index holds no case information and takes only the fields its API documents.`);
  }
  const first = problems[0];
  const name = first && first.path !== '' ? `"${first.path}" ` : '';
  return fail(`invalid-${where}`, `The ${where === 'query' ? 'query' : 'request body'} is not valid: ${name}${first?.message ?? 'is malformed'}.`);

  function fail(code: string, message: string): never {
    throw new ApiError(422, code, message, { problems });
  }
}

/** A query-string value with an empty value treated as not given. */
export const given = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
