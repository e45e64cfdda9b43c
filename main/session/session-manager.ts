// The signed-in session, held in main and nowhere else: the P-256 session key (made
// here at each sign-in, kept in memory only, never exported), the national session
// it is bound to, and the rules that end it:
// - the card leaves the reader → locked at once (the card reader's watcher calls lock);
// - no activity for the policy's idle minutes → locked;
// - the national session expires or is ended → signed out, "sign in again";
// - the account may no longer act (suspended, accreditation) → signed out.
// Locking destroys the key and ends the national session (best effort: the request is
// signed before the key is dropped, then sent). Unlocking is a fresh sign-in.
//
// The renderer learns of every change by long-polling `watch` (numbered states), so a
// lock reaches the screen as soon as it happens, through the one IPC transport.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  activatedTokenSchema,
  type ActivatedToken,
  type LockReason,
  type SessionEvent,
  type SessionState,
  type SignedInUser,
} from '../../domain/ipc-contract.js';
import { thumbprintInput, type PublicJwk } from '../../domain/jwk.js';
import { roleSchema } from '../../domain/roles.js';
import { ServiceFailure, type ApiClient, type ApiRequest, type SessionCredentials } from '../api/client.js';
import { signRequest } from '../api/signer.js';
import type { CardIdentity, CardReader } from '../card/card-reader.js';
import { AppFailure } from '../ipc/app-failure.js';

export interface SessionManagerOptions {
  api: ApiClient;
  /** The smartcard reader; null when this machine has none configured. */
  card: CardReader | null;
  /** Lock after this long without activity (the policy's idle minutes). */
  idleMs: number;
  /** Warn this long before the idle lock (default 60 s; never more than half of idleMs). */
  lockWarningMs?: number;
  /** Warn this long before the session's end (default 10 minutes). */
  sessionEndWarningMs?: number;
  /**
   * Runs `fn` after `ms` and returns how to cancel it: setTimeout by default, injected so
   * tests can move time (with `now`) and see the warnings and locks come in order.
   */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Milliseconds since 1970; injected so tests can move time. */
  now?: () => number;
  /** How long `watch` waits for a change before answering with the current state. */
  watchTimeoutMs?: number;
  /** Operational log: never a PIN, password, code, key or personal data. */
  log?: (line: string) => void;
}

export interface SessionManager {
  current(): SessionEvent;
  /** The next state after `after` (at once if there is a newer one). */
  watch(after: number): Promise<SessionEvent>;
  signInCard(pin: string): Promise<SessionState>;
  signInToken(credentials: { userId: string; password: string; otp: string }): Promise<SessionState>;
  /**
   * The holder activates their new account or replacement token with both halves of the
   * activation code and a password of their own; the token's secret comes back once, for
   * their authenticator. Signs nobody in: they then sign in as usual.
   */
  activate(request: {
    userId: string;
    firstHalf: string;
    secondHalf: string;
    password: string;
  }): Promise<ActivatedToken>;
  /**
   * The holder activates a smartcard enrolled for them (the card in the reader, whose
   * label names them) with both halves of the code and the card's PIN: the card signs the
   * service's challenge for its own key. Signs nobody in.
   */
  activateCard(request: { firstHalf: string; secondHalf: string; pin: string }): Promise<{
    userId: string;
    thumbprint: string;
  }>;
  /**
   * The public key of the card in this computer's reader, after its PIN (the card proves
   * it holds the key): for enrolling the card at the helpdesk. The PIN goes no further.
   */
  readCardKey(pin: string): Promise<{ userId: string; publicJwk: PublicJwk; thumbprint: string }>;
  signOut(): Promise<SessionState>;
  /** The user did something: postpones the idle lock. */
  activity(): void;
  lock(reason: LockReason): void;
  /**
   * A signed call on the live session. Refused (`signed-out`) without one, and when the
   * session was locked or ended while the call was in flight, so no answer to an old
   * session ever reaches the renderer.
   */
  call(request: ApiRequest): Promise<unknown>;
  /**
   * The signature headers for a request made elsewhere on the live session (the
   * working-set worker's sync and submissions: the key never leaves main). Refused
   * (`signed-out`) without a live session. Does not postpone the idle lock.
   */
  sign(request: { method: string; url: string; body?: Buffer }): Record<string, string>;
  /** A failure of a request made elsewhere: an expired session or a refused account signs out here too. */
  failed(code: string, serviceCode: string | undefined): Promise<void>;
  /** Whether a session key is held (for tests of locking). */
  holdsKey(): boolean;
  close(): Promise<void>;
}

const signInResponseSchema = z.object({
  sessionId: z.string().min(1),
  expiresAt: z.string(),
  user: z.object({
    id: z.string(),
    name: z.string(),
    roles: z.array(roleSchema),
    organisation: z.object({ id: z.string(), name: z.string() }),
    localAuthority: z.string().nullable(),
  }),
});

const cardActivatedSchema = z.object({ userId: z.string(), thumbprint: z.string() });
const challengeResponseSchema = z.object({ challenge: z.string().regex(/^[A-Za-z0-9_-]+$/), expiresAt: z.string() });

/** 403 codes that mean the account may not act at all: the session is over. */
const accountRefusals = new Set([
  'account-suspended',
  'organisation-not-accredited',
  'enhanced-check-expired',
  'training-incomplete',
  'agreement-unsigned',
]);

interface LiveSession {
  generation: number;
  credentials: SessionCredentials;
  method: 'card' | 'otp';
  user: SignedInUser;
  expiresAt: string;
  stopWatchingCard: (() => void) | undefined;
}

/** The RFC 7638 thumbprint of a P-256 public key. */
function thumbprintOf(jwk: PublicJwk): string {
  return createHash('sha256')
    .update(thumbprintInput({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }), 'utf8')
    .digest('base64url');
}

function newSessionKey(): { privateKey: KeyObject; publicJwk: PublicJwk; thumbprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  const thumbprint = createHash('sha256')
    .update(thumbprintInput({ crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x, y: publicJwk.y }), 'utf8')
    .digest('base64url');
  return { privateKey, publicJwk, thumbprint };
}

const serviceAnswer = (what: string) =>
  new AppFailure('service-error', `The national index service sent an unexpected answer to ${what}.`);

function realSchedule(fn: () => void, ms: number): () => void {
  // setTimeout holds at most ~24.8 days; a session lasts 8 hours.
  const timer = setTimeout(fn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
  timer.unref?.();
  return () => clearTimeout(timer);
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const watchTimeoutMs = options.watchTimeoutMs ?? 20_000;
  const schedule = options.schedule ?? realSchedule;
  // Long enough to read and answer (WCAG 2.2.1 asks for at least 20 s), never more than half the idle time.
  const lockWarningMs = Math.min(options.lockWarningMs ?? 60_000, Math.floor(options.idleMs / 2));
  const sessionEndWarningMs = options.sessionEndWarningMs ?? 10 * 60_000;

  let seq = 0;
  let state: SessionState = { status: 'signed-out' };
  let live: LiveSession | undefined;
  let generation = 0;
  /** Cancels the idle lock, its warning, the session's end and its warning. */
  let timers: (() => void)[] = [];
  let idleTimers: (() => void)[] = [];
  let signingIn: Promise<unknown> | undefined;
  const waiters = new Set<() => void>();

  function publish(next: SessionState): void {
    state = next;
    seq += 1;
    for (const wake of [...waiters]) wake();
  }

  function clearTimers(): void {
    for (const cancel of [...timers, ...idleTimers]) cancel();
    timers = [];
    idleTimers = [];
  }

  /** The signed-in state with this warning on it, or with none. */
  function warn(session: LiveSession, warning: { kind: 'idle' | 'session-end'; secondsLeft: number } | undefined) {
    if (live !== session || state.status !== 'signed-in') return;
    // The end of the session outranks the idle lock: nothing postpones it.
    if (warning?.kind === 'idle' && state.warning?.kind === 'session-end') return;
    const { warning: _old, ...rest } = state;
    publish(warning ? { ...rest, warning } : rest);
    if (warning) log(`session: warned (${warning.kind})`);
  }

  function armIdle(): void {
    const session = live;
    if (!session) return;
    for (const cancel of idleTimers) cancel();
    idleTimers = [
      schedule(() => lock('idle'), options.idleMs),
      schedule(
        () => warn(session, { kind: 'idle', secondsLeft: Math.round(lockWarningMs / 1000) }),
        options.idleMs - lockWarningMs,
      ),
    ];
    // Activity answers an idle warning: it goes.
    if (state.status === 'signed-in' && state.warning?.kind === 'idle') warn(session, undefined);
  }

  /**
   * Drop the live session: the key goes with it. The national session is ended with a
   * request signed before the key is let go; it is sent in the background.
   */
  function endLive(): Promise<void> {
    const ending = live;
    if (!ending) return Promise.resolve();
    live = undefined;
    generation += 1;
    clearTimers();
    ending.stopWatchingCard?.();
    const credentials = ending.credentials;
    // The object is the only reference to the private key: clear it once the
    // sign-out request has been signed and sent.
    const sent = options.api
      .signed(credentials, { method: 'DELETE', path: '/v1/sessions/current' })
      .then(
        () => undefined,
        (e: unknown) =>
          log(`session: ending the national session failed (${e instanceof AppFailure ? e.code : 'error'})`),
      )
      .finally(() => {
        (credentials as { privateKey?: KeyObject }).privateKey = undefined;
      });
    return sent;
  }

  function lock(reason: LockReason): void {
    if (!live) return;
    const { method, user } = live;
    void endLive();
    publish({ status: 'locked', reason, method, user: { id: user.id, name: user.name } });
    log(`session: locked (${reason})`);
  }

  async function endOnFailure(code: string, serviceCode: string | undefined): Promise<void> {
    if (code === 'session-expired') await signOutWith('session-expired');
    else if (code === 'forbidden' && accountRefusals.has(serviceCode ?? '')) await signOutWith('account-refused');
  }

  function signOutWith(reason: 'signed-out' | 'session-expired' | 'account-refused'): Promise<void> {
    const ended = endLive();
    publish({ status: 'signed-out', reason });
    return ended;
  }

  function begin(
    response: z.infer<typeof signInResponseSchema>,
    privateKey: KeyObject,
    method: 'card' | 'otp',
    card: CardIdentity | undefined,
  ): SessionState {
    if (live) void endLive();
    generation += 1;
    const session: LiveSession = {
      generation,
      credentials: { sessionId: response.sessionId, privateKey },
      method,
      user: response.user,
      expiresAt: response.expiresAt,
      stopWatchingCard: undefined,
    };
    live = session;
    if (card && options.card) session.stopWatchingCard = options.card.watchRemoval(card, () => lock('card-removed'));
    const next: SessionState = {
      status: 'signed-in',
      method,
      user: response.user,
      expiresAt: response.expiresAt,
      idleMinutes: Math.max(1, Math.round(options.idleMs / 60_000)),
    };
    publish(next);
    armIdle();
    const remaining = Date.parse(response.expiresAt) - now();
    if (Number.isFinite(remaining)) {
      timers.push(
        schedule(() => {
          if (live === session) void signOutWith('session-expired');
        }, remaining),
        schedule(
          () =>
            warn(session, {
              kind: 'session-end',
              secondsLeft: Math.max(0, Math.round(Math.min(sessionEndWarningMs, remaining) / 1000)),
            }),
          remaining - sessionEndWarningMs,
        ),
      );
    }
    log(`session: signed in (${method})`);
    return next;
  }

  /** One sign-in at a time: a second press of the button waits for the first. */
  /** The one ContactPoint card in this computer's reader, and whose it is (its label). */
  async function insertedCard(): Promise<{ reader: CardReader; userId: string }> {
    const reader = options.card;
    if (!reader) {
      throw new AppFailure(
        'card-module-missing',
        'This computer is not set up for smartcards. Sign in with a security token, or tell your IT service desk.',
      );
    }
    const inserted = await reader.status();
    if (inserted.reader === 'module-missing') {
      throw new AppFailure(
        'card-module-missing',
        'The smartcard software on this computer is missing (the PKCS#11 module in the machine policy). Tell your IT service desk.',
      );
    }
    if (!inserted.present || inserted.userId === undefined) {
      throw new AppFailure('card-absent', 'Insert your smartcard, then enter its PIN.');
    }
    return { reader, userId: inserted.userId };
  }

  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (signingIn) await signingIn.catch(() => undefined);
    const running = work();
    signingIn = running;
    try {
      return await running;
    } finally {
      signingIn = undefined;
    }
  }

  function parseSignIn(raw: unknown) {
    const parsed = signInResponseSchema.safeParse(raw);
    if (!parsed.success) throw serviceAnswer('the sign-in');
    return parsed.data;
  }

  return {
    current: () => ({ seq, state }),

    watch(after) {
      if (seq > after) return Promise.resolve({ seq, state });
      return new Promise((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve({ seq, state });
        };
        const timer = setTimeout(wake, watchTimeoutMs);
        timer.unref?.();
        waiters.add(wake);
      });
    },

    signInCard(pin) {
      return exclusive(async () => {
        const { reader, userId } = await insertedCard();
        const challenge = challengeResponseSchema.safeParse(
          await options.api.unsigned('POST', '/v1/sessions/challenge', { userId }),
        );
        if (!challenge.success) throw serviceAnswer('the sign-in challenge');
        const key = newSessionKey();
        // The card binds the challenge to this session key: `challenge.thumbprint`.
        const { card, signature } = await reader.sign(
          pin,
          Buffer.from(`${challenge.data.challenge}.${key.thumbprint}`, 'utf8'),
        );
        if (card.userId !== userId) {
          throw new AppFailure(
            'card-unreadable',
            'The smartcard changed while signing in. Insert your own card and try again.',
          );
        }
        const response = parseSignIn(
          await options.api.unsigned('POST', '/v1/sessions', {
            method: 'card',
            userId,
            challenge: challenge.data.challenge,
            sessionKey: key.publicJwk,
            cardSignature: signature.toString('base64url'),
          }),
        );
        return begin(response, key.privateKey, 'card', card);
      });
    },

    signInToken(credentials) {
      return exclusive(async () => {
        const key = newSessionKey();
        const response = parseSignIn(
          await options.api.unsigned('POST', '/v1/sessions', {
            method: 'otp',
            userId: credentials.userId.trim(),
            password: credentials.password,
            otp: credentials.otp,
            sessionKey: key.publicJwk,
          }),
        );
        return begin(response, key.privateKey, 'otp', undefined);
      });
    },

    async activateCard(request) {
      const { reader, userId } = await insertedCard();
      const { card, publicJwk } = await reader.readKey(request.pin);
      if (card.userId !== userId)
        throw new AppFailure(
          'card-unreadable',
          'The smartcard changed while it was read. Insert your own card and try again.',
        );
      const thumbprint = thumbprintOf(publicJwk);
      const challenge = challengeResponseSchema.safeParse(
        await options.api.unsigned('POST', '/v1/sessions/challenge', { userId }),
      );
      if (!challenge.success) throw serviceAnswer('the activation challenge');
      // The card signs the challenge bound to its own key: `challenge.thumbprint(card key)`.
      const { card: signer, signature } = await reader.sign(
        request.pin,
        Buffer.from(`${challenge.data.challenge}.${thumbprint}`, 'utf8'),
      );
      if (signer.userId !== userId)
        throw new AppFailure(
          'card-unreadable',
          'The smartcard changed while it was read. Insert your own card and try again.',
        );
      const answer = cardActivatedSchema.safeParse(
        await options.api.unsigned('POST', '/v1/activations', {
          method: 'card',
          userId,
          firstHalf: request.firstHalf,
          secondHalf: request.secondHalf,
          challenge: challenge.data.challenge,
          publicJwk,
          cardSignature: signature.toString('base64url'),
        }),
      );
      if (!answer.success) throw serviceAnswer('the activation');
      log('session: card activated');
      return answer.data;
    },

    async readCardKey(pin) {
      const { reader, userId } = await insertedCard();
      const { card, publicJwk } = await reader.readKey(pin);
      if (card.userId !== userId)
        throw new AppFailure(
          'card-unreadable',
          'The smartcard changed while it was read. Insert the card and try again.',
        );
      return { userId, publicJwk, thumbprint: thumbprintOf(publicJwk) };
    },

    async activate(request) {
      const answer = activatedTokenSchema.safeParse(
        await options.api.unsigned('POST', '/v1/activations', {
          method: 'otp',
          userId: request.userId.trim(),
          firstHalf: request.firstHalf,
          secondHalf: request.secondHalf,
          password: request.password,
        }),
      );
      if (!answer.success) throw serviceAnswer('the activation');
      return answer.data;
    },

    async signOut() {
      await signOutWith('signed-out');
      return state;
    },

    activity() {
      armIdle();
    },

    lock,

    async call(request) {
      const session = live;
      if (!session) throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
      armIdle();
      try {
        const result = await options.api.signed(session.credentials, request);
        if (live !== session) throw new AppFailure('signed-out', 'ContactPoint was locked. Sign in again to continue.');
        return result;
      } catch (e) {
        if (e instanceof AppFailure && live === session)
          await endOnFailure(e.code, e instanceof ServiceFailure ? e.serviceCode : undefined);
        if (
          live !== session &&
          !(e instanceof AppFailure && (e.code === 'session-expired' || e.code === 'forbidden'))
        ) {
          throw new AppFailure('signed-out', 'ContactPoint was locked. Sign in again to continue.');
        }
        throw e;
      }
    },

    sign(request) {
      const session = live;
      if (!session) throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
      return signRequest({
        method: request.method,
        url: request.url,
        ...(request.body !== undefined ? { body: request.body } : {}),
        keyid: session.credentials.sessionId,
        privateKey: session.credentials.privateKey,
        nowSec: Math.floor(now() / 1000),
      });
    },

    async failed(code, serviceCode) {
      if (live) await endOnFailure(code, serviceCode);
    },

    holdsKey: () => live !== undefined,

    async close() {
      for (const wake of [...waiters]) wake();
      await endLive();
    },
  };
}
