// The fixed choices the management screens offer. Kept apart from views.ts so that the
// renderer can use them without pulling the schema library into its bundle (zod probes
// `new Function`, which the page's Trusted Types policy refuses).

/** How the team may close an alert. */
export const ALERT_OUTCOMES = ['justified', 'advice-given', 'referred-for-investigation', 'account-suspended'] as const;

/** The statutory purposes for which a record past its first year in the archive may be opened. */
export const ARCHIVE_PURPOSES = ['s47-enquiry', 'serious-case-review', 'child-death-review'] as const;
