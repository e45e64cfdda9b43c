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

/** The oldest a live record's child can be: the highest archive age, plus the year after a death. */
export const oldestLiveAgeYears = 26;

/** The latest date of birth too old to hold for `today`: the same for every record of a load, so worked out once a day. */
let oldest: { today: string; dob: string } | null = null;
function oldestDob(today: string): string {
  if (oldest?.today !== today) oldest = { today, dob: addYears(today, -oldestLiveAgeYears) };
  return oldest.dob;
}

/**
 * Dates that cannot be right on a live record today: a birth or death in the future, or
 * a birth so long ago that the record would already be archived. Each problem names
 * its field.
 */
export function lifeDateProblems(
  record: { dob: string; dateOfDeath?: string | undefined },
  today: string,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (record.dob > today) problems.push({ path: 'dob', message: 'is in the future' });
  else if (record.dob <= oldestDob(today)) {
    problems.push({
      path: 'dob',
      message: `is more than ${oldestLiveAgeYears} years ago: ContactPoint holds children and young people up to 25`,
    });
  }
  if (record.dateOfDeath !== undefined && record.dateOfDeath > today)
    problems.push({ path: 'dateOfDeath', message: 'is in the future' });
  return problems;
}
