// Path parameters every area of the API takes, checked the same way everywhere.
import { isValidCpNumber } from '../../domain/cp-number.js';
import { badRequest } from './api-error.js';

/** The :cpNumber of a path, upper-cased; 400 when it cannot be a ContactPoint number. */
export function cpNumberParam(params: Record<string, string>): string {
  const cp = (params['cpNumber'] ?? '').trim().toUpperCase();
  if (!isValidCpNumber(cp)) {
    throw badRequest('invalid-cp-number', 'The ContactPoint number in the path is not valid: it is CP followed by nine digits, the last a check digit.');
  }
  return cp;
}
