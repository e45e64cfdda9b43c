// Labelled pairs in the working set: every pair a person decided. A national match
// review resolved ("same child" / "different children"), and a local duplicate task
// merged or marked "not a duplicate" (cleanse.ts closes those with their resolution).
// The EM estimate stays unsupervised: the labels only report the precision of the
// automatic band and suggest a threshold (domain/match-review.ts has the arithmetic).
// The table is created idempotently, as the store creates its own.
import type Database from 'better-sqlite3-multiple-ciphers';
import { DEFAULT_THRESHOLD } from '../../domain/dedupe/index.js';
import { labelFigures, type LabelFigures, type PairLabel, type ScoredLabel } from '../../domain/match-review.js';
import { ensureCleanseSchema } from './cleanse.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS match_labels (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  label TEXT NOT NULL CHECK (label IN ('same', 'different')),
  -- 'national-review' or 'local-task'
  source TEXT NOT NULL,
  -- The score when it was decided (the national matcher's for a national review).
  score REAL,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
`;

export type LabelSource = 'national-review' | 'local-task';

export function ensureLabelSchema(db: Database.Database): void {
  ensureCleanseSchema(db);
  db.exec(SCHEMA);
}

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/** Keep a person's decision on a pair; a later decision on the same pair replaces it. */
export function recordLabel(
  db: Database.Database,
  pair: { a: string; b: string; label: PairLabel; source: LabelSource; score: number | null; at: string },
): void {
  ensureLabelSchema(db);
  const [a, b] = ordered(pair.a, pair.b);
  db.prepare(
    `INSERT INTO match_labels (a, b, label, source, score, decided_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (a, b) DO UPDATE SET label = excluded.label, source = excluded.source,
       score = excluded.score, decided_at = excluded.decided_at`,
  ).run(a, b, pair.label, pair.source, pair.score, pair.at);
}

/**
 * Local duplicate tasks a person decided become labels (once: a national decision on the
 * same pair, or an earlier label, stays). Merged: the same child; "not a duplicate": different.
 */
export function importTaskLabels(db: Database.Database): number {
  ensureLabelSchema(db);
  return db
    .prepare(
      `INSERT INTO match_labels (a, b, label, source, score, decided_at)
       SELECT MIN(cp, cp2), MAX(cp, cp2),
              CASE WHEN state = 'resolved' THEN 'same' ELSE 'different' END,
              'local-task', json_extract(detail, '$.score'), COALESCE(resolved_at, created_at)
         FROM cleanse_tasks
        WHERE cp2 IS NOT NULL
          AND ((state = 'resolved' AND resolution LIKE 'merged into %')
            OR (state = 'dismissed' AND resolution = 'not a duplicate'))
       ON CONFLICT (a, b) DO NOTHING`,
    )
    .run().changes;
}

/**
 * The labels with their current scores: the latest run's score of the pair where the
 * local matcher scored it, the score it was decided with otherwise.
 */
export function scoredLabels(db: Database.Database): ScoredLabel[] {
  ensureLabelSchema(db);
  return db
    .prepare<[], { label: PairLabel; score: number | null }>(
      `SELECT l.label,
              COALESCE((SELECT json_extract(t.detail, '$.score') FROM cleanse_tasks t
                         WHERE t.cp2 IS NOT NULL AND MIN(t.cp, t.cp2) = l.a AND MAX(t.cp, t.cp2) = l.b
                         ORDER BY t.id DESC LIMIT 1), l.score) AS score
         FROM match_labels l`,
    )
    .all()
    .filter((r): r is { label: PairLabel; score: number } => typeof r.score === 'number')
    .map((r) => ({ label: r.label, score: r.score }));
}

/** The figures the cleansing screen shows: decided tasks taken in first. */
export function labelSummary(db: Database.Database, threshold = DEFAULT_THRESHOLD): LabelFigures {
  importTaskLabels(db);
  return labelFigures(scoredLabels(db), threshold);
}

/** The working-set worker's operations on labels (protocol.ts lists them beside the others). */
export interface LabelOperations {
  /** The label figures for the cleansing screen. */
  matchLabels: { request: Record<never, never>; reply: LabelFigures };
  /** Keeps a national review's decision as a labelled pair. */
  matchLabel: {
    request: { a: string; b: string; label: PairLabel; score: number | null; at: string };
    reply: null;
  };
}

type LabelHandlers = {
  [K in keyof LabelOperations]: (request: { op: K } & LabelOperations[K]['request']) => LabelOperations[K]['reply'];
};

export function createLabelOps(store: () => { db: Database.Database }): LabelHandlers {
  return {
    matchLabels: () => labelSummary(store().db),
    matchLabel: ({ a, b, label, score, at }) => {
      recordLabel(store().db, { a, b, label, source: 'national-review', score, at });
      return null;
    },
  };
}
