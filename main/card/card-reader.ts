// The smartcard, as the main process sees it: PKCS#11 runs in a worker thread
// (pkcs11-worker.ts), so nothing here blocks. This side turns what the card says into
// what a person is told.
//
// Whose card: a ContactPoint card's token label is `cp-<userId>`; other tokens are not
// ContactPoint cards and are ignored. Two ContactPoint cards at once are refused.
//
// Wrong PINs: a real card counts them itself and PKCS#11 shows it in the token flags
// (CKF_USER_PIN_FINAL_TRY: one try left; CKF_USER_PIN_LOCKED or CKR_PIN_LOCKED: locked);
// those always win. Some tokens never lock (SoftHSM2 only sets CKF_USER_PIN_COUNT_LOW),
// so the reader also counts consecutive wrong PINs per card serial and, after
// `maxPinTries` (default 3), presents no PIN to that card again until ContactPoint
// restarts: the card is reported locked. A right PIN clears the count.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { PublicJwk } from '../../domain/jwk.js';
import { Worker } from 'node:worker_threads';
import type { CardStatus } from '../../domain/ipc-contract.js';
import { AppFailure } from '../ipc/app-failure.js';
import type { FoundCard, WorkerEvent, WorkerReply, WorkerRequest } from './protocol.js';

export interface CardIdentity {
  slot: string;
  userId: string;
  tokenLabel: string;
  serial: string;
}

export interface CardReaderOptions {
  /** The PKCS#11 module, from the machine policy. */
  modulePath: string;
  /** The worker script: dist/main/pkcs11-worker.cjs in the application. */
  workerFile: string;
  execArgv?: string[];
  /** The worker's environment. Its SOFTHSM2_CONF (training cards) is set process-wide. */
  env?: NodeJS.ProcessEnv;
  /** How often the card's slot is checked for removal; default 200 ms. */
  pollMs?: number;
  /** Wrong PINs in a row before ContactPoint stops trying a card; default 3. */
  maxPinTries?: number;
}

export interface CardReader {
  status(): Promise<CardStatus>;
  /** PIN → C_Login; SHA-256(message) signed by the card's P-256 key with CKM_ECDSA (raw r‖s). */
  sign(pin: string, message: Buffer): Promise<{ card: CardIdentity; signature: Buffer }>;
  /**
   * The card's public key, read after its PIN: the card signs a fresh nonce, and the
   * signature is checked against the key read, so the key is the card's own and the PIN
   * is right. For enrolling a card at the desk and for its holder's activation.
   */
  readKey(pin: string): Promise<{ card: CardIdentity; publicJwk: PublicJwk }>;
  /** Calls onRemoved once when the card leaves its slot. Returns stop(). */
  watchRemoval(card: CardIdentity, onRemoved: () => void): () => void;
  close(): Promise<void>;
}

// PKCS#11 token flags (the standard's values).
const CKF_USER_PIN_FINAL_TRY = 0x00020000;
const CKF_USER_PIN_LOCKED = 0x00040000;

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const unlockAdvice = 'Your ContactPoint team or registration authority can unlock it.';

export function createCardReader(options: CardReaderOptions): CardReader {
  const pollMs = options.pollMs ?? 200;
  const maxPinTries = options.maxPinTries ?? 3;
  const wrongPins = new Map<string, number>();
  let worker: Worker | undefined;
  let nextId = 1;
  let nextWatch = 1;
  const pending = new Map<number, { resolve: (r: WorkerReply) => void }>();
  const watchers = new Map<number, () => void>();

  function start(): Worker {
    if (worker) return worker;
    // A native module reads the real process environment (getenv), not a worker's copy
    // of it: SoftHSM2 finds its token store through SOFTHSM2_CONF, so that one setting
    // is made process-wide (here, on the main thread, where it reaches the C library).
    const conf = options.env?.SOFTHSM2_CONF;
    if (conf !== undefined && process.env.SOFTHSM2_CONF !== conf) process.env.SOFTHSM2_CONF = conf;
    const w = new Worker(options.workerFile, {
      execArgv: options.execArgv ?? [],
      env: { ...(options.env ?? process.env), CONTACTPOINT_PKCS11_MODULE_PATH: options.modulePath },
    });
    w.unref();
    w.on('message', (m: WorkerReply | WorkerEvent) => {
      if ('event' in m) {
        const onRemoved = watchers.get(m.watchId);
        watchers.delete(m.watchId);
        onRemoved?.();
        return;
      }
      pending.get(m.id)?.resolve(m);
      pending.delete(m.id);
    });
    const died = () => {
      if (worker !== w) return;
      worker = undefined;
      for (const [id, p] of pending) p.resolve({ id, ok: false, kind: 'pkcs11' });
      pending.clear();
      // A watched card can no longer be vouched for: treat it as taken out.
      for (const onRemoved of watchers.values()) onRemoved();
      watchers.clear();
    };
    w.on('error', died);
    w.on('exit', died);
    worker = w;
    return w;
  }

  function send(request: Request): Promise<WorkerReply> {
    const w = start();
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      w.postMessage({ ...request, id });
    });
  }

  function failure(reply: Extract<WorkerReply, { ok: false }>): AppFailure {
    switch (reply.kind) {
      case 'module-missing':
        return new AppFailure(
          'card-module-missing',
          'The smartcard software (the PKCS#11 module named in the machine policy) is missing on this computer. Sign in with a security token, or tell your IT service desk.',
        );
      case 'card-gone':
        return new AppFailure('card-absent', 'The smartcard was taken out. Insert your smartcard, then enter its PIN.');
      case 'no-key':
        return new AppFailure(
          'card-unreadable',
          'This smartcard has no ContactPoint key on it. Ask your ContactPoint team or registration authority.',
        );
      default:
        return new AppFailure(
          'card-unreadable',
          'The smartcard could not be read. Take it out, put it back and try again.',
        );
    }
  }

  async function scan(): Promise<FoundCard[]> {
    const reply = await send({ op: 'scan' });
    if (!reply.ok) throw failure(reply);
    return reply.cards ?? [];
  }

  const identity = (c: FoundCard): CardIdentity => ({
    slot: c.slot,
    serial: c.serial,
    tokenLabel: c.tokenLabel,
    userId: c.tokenLabel.slice(3),
  });

  /** The one ContactPoint card in the reader. */
  async function theCard(): Promise<{ card: CardIdentity; flags: number }> {
    const cards = await scan();
    if (cards.length === 0) throw new AppFailure('card-absent', 'Insert your smartcard, then enter its PIN.');
    if (cards.length > 1)
      throw new AppFailure('card-unreadable', 'More than one smartcard is inserted: remove all but yours.');
    return { card: identity(cards[0]!), flags: cards[0]!.flags };
  }

  // Per card, not per slot: the serial number is the card's own.
  const cardKey = (card: CardIdentity) =>
    createHash('sha256').update(`${card.tokenLabel}\u0000${card.serial}`).digest('hex');

  const locked = () =>
    new AppFailure('card-pin-locked', `This smartcard is locked after too many wrong PINs. ${unlockAdvice}`);

  /** PIN → the card signs SHA-256(message); its wrong PINs counted as above. */
  async function signWith(
    pin: string,
    message: Buffer,
    withPublicKey: boolean,
  ): Promise<{ card: CardIdentity; reply: Extract<WorkerReply, { ok: true }> }> {
    const { card, flags } = await theCard();
    const key = cardKey(card);
    if (flags & CKF_USER_PIN_LOCKED || (wrongPins.get(key) ?? 0) >= maxPinTries) throw locked();
    const digest = createHash('sha256').update(message).digest();
    const reply = await send({
      op: 'sign',
      slot: card.slot,
      serial: card.serial,
      pin,
      digest: new Uint8Array(digest),
      ...(withPublicKey ? { withPublicKey } : {}),
    });
    if (reply.ok) {
      wrongPins.delete(key);
      return { card, reply };
    }
    if (reply.kind === 'pin-locked') throw locked();
    if (reply.kind === 'pin-incorrect') {
      const wrong = (wrongPins.get(key) ?? 0) + 1;
      wrongPins.set(key, wrong);
      let left = maxPinTries - wrong;
      const cardFlags = reply.flags ?? 0;
      if (cardFlags & CKF_USER_PIN_LOCKED) left = 0;
      else if (cardFlags & CKF_USER_PIN_FINAL_TRY) left = Math.min(left, 1);
      if (left <= 0) throw locked();
      throw new AppFailure(
        'card-pin-incorrect',
        `The PIN is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left before the card locks.`,
        { triesLeft: left },
      );
    }
    throw failure(reply);
  }

  return {
    async status() {
      try {
        const cards = await scan();
        if (cards.length === 1) return { reader: 'ready', present: true, userId: identity(cards[0]!).userId };
        return { reader: 'ready', present: cards.length > 1 };
      } catch (e) {
        if (e instanceof AppFailure && e.code === 'card-module-missing')
          return { reader: 'module-missing', present: false };
        return { reader: 'error', present: false };
      }
    },

    async sign(pin, message) {
      const { card, reply } = await signWith(pin, message, false);
      return { card, signature: Buffer.from(reply.signature!) };
    },

    async readKey(pin) {
      const nonce = randomBytes(32);
      const { card, reply } = await signWith(pin, nonce, true);
      const publicJwk = jwkOfPoint(reply.ecPoint);
      const proves = verify(
        'sha256',
        nonce,
        { key: createPublicKey({ key: publicJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
        Buffer.from(reply.signature!),
      );
      if (!proves)
        throw new AppFailure(
          'card-unreadable',
          'The key on this smartcard does not match its signature. Ask your ContactPoint team or registration authority.',
        );
      return { card, publicJwk };
    },

    watchRemoval(card, onRemoved) {
      const watchId = nextWatch++;
      let fired = false;
      const once = () => {
        if (fired) return;
        fired = true;
        onRemoved();
      };
      watchers.set(watchId, once);
      void send({ op: 'watch', watchId, slot: card.slot, serial: card.serial, pollMs }).then((r) => {
        if (!r.ok) {
          watchers.delete(watchId);
          once();
        }
      });
      return () => {
        if (!watchers.delete(watchId)) return;
        void send({ op: 'unwatch', watchId });
      };
    },

    async close() {
      const w = worker;
      if (!w) return;
      await Promise.race([send({ op: 'close' }), new Promise((r) => setTimeout(r, 2000).unref())]);
      worker = undefined;
      await w.terminate();
    },
  };
}

/** A P-256 public key as the card keeps it (CKA_EC_POINT: DER OCTET STRING of 04‖X‖Y, or the raw point) as a JWK. */
export function jwkOfPoint(ecPoint: Uint8Array | undefined): PublicJwk {
  let point = Buffer.from(ecPoint ?? []);
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04)
    throw new AppFailure(
      'card-unreadable',
      'The key on this smartcard is not a P-256 key ContactPoint can use. Ask your ContactPoint team or registration authority.',
    );
  return {
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
}
