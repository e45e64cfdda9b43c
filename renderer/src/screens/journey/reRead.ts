// Reading a child's record again after a change, with the reason already given: an
// ordinary read, recorded in the child's audit trail like the first.
import type { RecordView } from '../../../../domain/api/records.js';
import type { Result } from '../../../../domain/ipc-contract.js';
import { getApi } from '../../api.js';

export function reRead(cpNumber: string, reason: string): Promise<Result<RecordView>> {
  return getApi().children.read({ cpNumber, reason });
}
