// Path parameters: each route declares a schema for its :param segments (route.ts), and
// the HTTP layer parses them with it like the query and the body (handler.ts). A
// segment that does not fit is refused with 400 naming it: with the code and sentence
// its schema was given here, or else invalid-path-parameter. Parameters every area of
// the API takes are defined once, here.
import { z } from 'zod';
import { isValidCpNumber } from '../../domain/cp-number.js';

/** What a client is told (400) when a path parameter does not fit its schema. */
export interface ParamRefusal {
  code: string;
  message: string;
}

const refusals = z.registry<ParamRefusal>();

/** `schema` as a path parameter's, refused with `refusal` (400) when a segment does not fit it. */
export function pathParam<T extends z.ZodType>(schema: T, refusal: ParamRefusal): T {
  refusals.add(schema, refusal);
  return schema;
}

/** The refusal a path parameter's schema was declared with, if any. */
export function refusalOf(schema: z.ZodType | undefined): ParamRefusal | undefined {
  return schema ? refusals.get(schema) : undefined;
}

/** A :cpNumber, trimmed and upper-cased; 400 invalid-cp-number when it cannot be a ContactPoint number. */
export const cpNumberParam = pathParam(
  z
    .string()
    .trim()
    .toUpperCase()
    .refine(isValidCpNumber, 'must be a ContactPoint number such as CP123456782')
    .describe("The child's ContactPoint number: CP and nine digits, the last a check digit (either case)."),
  {
    code: 'invalid-cp-number',
    message:
      'The ContactPoint number in the path is not valid: it is CP followed by nine digits, the last a check digit.',
  },
);

/**
 * An id the service looks up as it is given: one that names nothing is that area's own
 * refusal (404 mostly), as for an id that is well formed but unknown.
 */
export const lookupParam = (description: string) => z.string().describe(description);
