// What a full run leaves behind for incremental linking: the fitted model, how common
// each name was (the term-frequency adjustment), and the run's threshold and group limit.
// With these, a changed child is scored exactly as the full run scored its pairs, without
// estimating anything again. Names are kept as their keys, not as the run's term numbers,
// which mean nothing outside that run.
import { BLOCKING_TEXT } from './blocking.js';
import type { Prepared } from './compare.js';
import { Scorer, termFrequencies, type Model, type TermFrequencies } from './model.js';

/**
 * 2: the address and the town have levels of their own beside postcodes that differ, so
 * a model stored before cannot score today's comparisons (the next full run stores one).
 */
export const STORED_MODEL_VERSION = 2;

export interface StoredModel {
  version: typeof STORED_MODEL_VERSION;
  model: Model;
  threshold: number;
  /** The review band's lower edge (absent in a model stored before the band: no band). */
  reviewThreshold?: number;
  maxGroup: number;
  /** Share of records with each given and family name (by name key), and the chance two records share one. */
  given: Record<string, number>;
  family: Record<string, number>;
  givenTypical: number;
  familyTypical: number;
}

/** The stored form of a run's model and name frequencies. */
export function storeModel(
  p: Prepared,
  model: Model,
  threshold: number,
  maxGroup: number,
  reviewThreshold = threshold,
): StoredModel {
  const tf = termFrequencies(p.names.terms.length, p.given, p.family);
  const given: Record<string, number> = {};
  const family: Record<string, number> = {};
  p.names.terms.forEach((t, id) => {
    if (tf.given[id]! > 0) given[t.key] = tf.given[id]!;
    if (tf.family[id]! > 0) family[t.key] = tf.family[id]!;
  });
  return {
    version: STORED_MODEL_VERSION,
    model,
    threshold,
    reviewThreshold,
    maxGroup,
    given,
    family,
    givenTypical: tf.givenTypical,
    familyTypical: tf.familyTypical,
  };
}

/** The stored frequencies, numbered by the terms of `p` (a name the run never saw has none). */
export function frequenciesFor(p: Prepared, stored: StoredModel): TermFrequencies {
  const n = p.names.terms.length;
  const given = new Float64Array(n);
  const family = new Float64Array(n);
  p.names.terms.forEach((t, id) => {
    given[id] = stored.given[t.key] ?? 0;
    family[id] = stored.family[t.key] ?? 0;
  });
  return { given, family, givenTypical: stored.givenTypical, familyTypical: stored.familyTypical };
}

export function scorerFor(p: Prepared, stored: StoredModel): Scorer {
  return new Scorer(stored.model, frequenciesFor(p, stored));
}

/** Checks what was read back from the store before it is trusted (null when it is not a stored model). */
export function parseStoredModel(json: string): StoredModel | null {
  try {
    const s = JSON.parse(json) as Partial<StoredModel>;
    if (
      s.version !== STORED_MODEL_VERSION ||
      typeof s.threshold !== 'number' ||
      (s.reviewThreshold !== undefined && (typeof s.reviewThreshold !== 'number' || s.reviewThreshold > s.threshold)) ||
      typeof s.maxGroup !== 'number' ||
      typeof s.model?.lambda !== 'number' ||
      !Array.isArray(s.model.m) ||
      !Array.isArray(s.model.u) ||
      typeof s.given !== 'object' ||
      typeof s.family !== 'object' ||
      typeof s.givenTypical !== 'number' ||
      typeof s.familyTypical !== 'number'
    ) {
      return null;
    }
    return s as StoredModel;
  } catch {
    return null;
  }
}

/** cyrb53: a fast 53-bit string hash (a whole number a SQLite INTEGER and a JS number both hold exactly). */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Record i's blocking keys, one per candidate rule, hashed with the rule's number (-1
 * where the record lacks what the rule needs). Two records share a value exactly when
 * they share the rule's key, but for the rare hash collision, which the caller rules out
 * by comparing the text keys of what it finds.
 */
export function blockingHashes(p: Prepared, i: number): number[] {
  return BLOCKING_TEXT.map((key, r) => {
    const text = key(p, i);
    return text === null ? -1 : hash53(`${r}\u0000${text}`);
  });
}
