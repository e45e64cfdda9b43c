// When a record leaves the live index (SI 2007/2182 as amended): at the archive age
// (18, or up to 25 with consent), or one year after the child's death, whichever comes
// first. Archived records are destroyed six years after archiving.
import { addYears } from './dates.js';

export const destroyAfterArchiveYears = 6;
export const keepAfterDeathYears = 1;
/** In the archive's first year only data managers may open a record. */
export const archiveFirstYearDays = 365;

/** The date the record is due to be archived. */
export function archiveDueDate(record: { dob: string; archiveAge: number; dateOfDeath?: string | undefined }): string {
  const byAge = addYears(record.dob, record.archiveAge);
  if (record.dateOfDeath === undefined) return byAge;
  const byDeath = addYears(record.dateOfDeath, keepAfterDeathYears);
  return byDeath < byAge ? byDeath : byAge;
}

/** The date an archived record is due to be destroyed. */
export function destructionDueDate(archivedOn: string): string {
  return addYears(archivedOn, destroyAfterArchiveYears);
}
