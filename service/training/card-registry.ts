// Training smartcards: which SoftHSM2 token (and so which P-256 key) belongs to which
// training account. `npm run training:card` provisions a token and records its public
// key here, in <training home>/cards.json; in training mode the service accepts a card
// sign-in against that key when the store holds no card key for the user.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { publicJwkSchema, type PublicJwk } from '../../domain/jwk.js';

export const trainingCardSchema = z
  .object({
    userId: z.string().min(1).max(64),
    /** The PKCS#11 token label: at most 32 bytes. */
    tokenLabel: z.string().min(1).max(32),
    publicJwk: publicJwkSchema,
    registeredAt: z.iso.datetime(),
  })
  .strict();
export type TrainingCard = z.infer<typeof trainingCardSchema>;

const cardsFileSchema = z
  .object({ cards: z.array(trainingCardSchema) })
  .strict()
  .refine((file) => new Set(file.cards.map((c) => c.userId)).size === file.cards.length, {
    message: 'has more than one card for the same user',
    path: ['cards'],
  });

/** cards.json is unreadable or invalid: nothing was read from it and nothing written to it. */
export class TrainingCardsError extends Error {
  override readonly name = 'TrainingCardsError';
}

/** Where training cards live: $CONTACTPOINT_TRAINING_HOME, or ~/.contactpoint-training. */
export function trainingHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CONTACTPOINT_TRAINING_HOME;
  return resolve(
    configured !== undefined && configured !== '' ? configured : join(homedir(), '.contactpoint-training'),
  );
}

/** The files of a training home. */
export function trainingPaths(home: string): { cards: string; softHsmConfig: string; tokens: string } {
  return { cards: join(home, 'cards.json'), softHsmConfig: join(home, 'softhsm2.conf'), tokens: join(home, 'tokens') };
}

/** Every registered training card; none when cards.json does not exist yet. */
export function readTrainingCards(home: string = trainingHome()): TrainingCard[] {
  const file = trainingPaths(home).cards;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TrainingCardsError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TrainingCardsError(`${file} is not valid JSON. Fix or remove it; it has not been changed.`);
  }
  const parsed = cardsFileSchema.safeParse(json);
  if (!parsed.success) {
    // Name where and what, never the value: the file holds keys.
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the file';
    throw new TrainingCardsError(
      `${file} is not a valid training cards file (${where}: ${issue?.message ?? 'invalid'}). Fix or remove it; it has not been changed.`,
    );
  }
  return parsed.data.cards;
}

/** Record `card`, replacing any earlier card of the same user. cards.json is replaced atomically. */
export function registerTrainingCard(home: string, card: TrainingCard): void {
  const valid = trainingCardSchema.parse(card);
  const cards = readTrainingCards(home).filter((c) => c.userId !== valid.userId);
  cards.push(valid);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = trainingPaths(home).cards;
  // Write beside the target and rename over it: a reader sees the old file or the new
  // one, never half of one, and a failed write leaves the old file as it was.
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify({ cards }, null, 2)}\n`, { mode: 0o600, flag: 'wx', flush: true });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** The training card key registered for `userId`, or null when there is none. */
export function cardKeyFor(userId: string, home: string = trainingHome()): PublicJwk | null {
  return readTrainingCards(home).find((c) => c.userId === userId)?.publicJwk ?? null;
}
