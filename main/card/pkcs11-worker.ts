// The smartcard's own thread: every PKCS#11 call happens here, never on Electron's main
// thread, so a slow card or middleware cannot freeze the window or IPC.
//
// SoftHSM2 (and some real middleware) only sees tokens that existed when the module
// was initialised, so a scan finalises and re-initialises the module: a card inserted
// after start-up is found. A token that is taken out makes C_GetTokenInfo on its slot
// fail in the running process; the watcher polls that and reports the removal.
//
// The PIN arrives in a message, goes to C_Login, and is dropped; it is never logged or
// put in a reply.
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as pkcs11js from 'pkcs11js';
import type { FoundCard, WorkerEvent, WorkerReply, WorkerRequest } from './protocol.js';

const modulePath = process.env.CONTACTPOINT_PKCS11_MODULE_PATH ?? '';
const port = parentPort;
if (!port) throw new Error('pkcs11-worker must run as a worker thread');

let lib: pkcs11js.PKCS11 | undefined;
let initialised = false;
const watches = new Map<number, NodeJS.Timeout>();

class Failure extends Error {
  constructor(
    readonly kind: Extract<WorkerReply, { ok: false }>['kind'],
    readonly flags?: number,
  ) {
    super(kind);
  }
}

function codeOf(e: unknown): number | undefined {
  return typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : undefined;
}

function loaded(): pkcs11js.PKCS11 {
  if (lib) return lib;
  if (!modulePath || !existsSync(modulePath)) throw new Failure('module-missing');
  const p = new pkcs11js.PKCS11();
  try {
    p.load(modulePath);
  } catch {
    throw new Failure('module-missing');
  }
  lib = p;
  return p;
}

/** (Re-)initialise the module so that tokens inserted since the last scan are seen. */
function reinitialise(): pkcs11js.PKCS11 {
  const p = loaded();
  if (initialised) {
    try {
      p.C_Finalize();
    } catch {
      // Already finalised: initialise below.
    }
    initialised = false;
  }
  try {
    p.C_Initialize();
  } catch (e) {
    // SoftHSM2 with no configuration file yet (no training card made): no cards.
    if (codeOf(e) === pkcs11js.CKR_GENERAL_ERROR) throw new Failure('no-config');
    throw new Failure('pkcs11');
  }
  initialised = true;
  return p;
}

const slotKey = (slot: Buffer) => slot.toString('hex');
const slotFrom = (key: string) => Buffer.from(key, 'hex');

function scan(): FoundCard[] {
  // While a card is being watched, finalising would end its sessions: scan in place.
  const p = watches.size > 0 && initialised ? loaded() : reinitialise();
  const cards: FoundCard[] = [];
  for (const slot of p.C_GetSlotList(true)) {
    let info: pkcs11js.TokenInfo;
    try {
      info = p.C_GetTokenInfo(slot);
    } catch {
      continue; // taken out since the list was made
    }
    const tokenLabel = info.label.trim();
    if (!tokenLabel.startsWith('cp-')) continue;
    cards.push({ slot: slotKey(slot), tokenLabel, serial: info.serialNumber.trim(), flags: info.flags });
  }
  return cards;
}

function currentFlags(p: pkcs11js.PKCS11, slot: Buffer, serial: string): number {
  let info: pkcs11js.TokenInfo;
  try {
    info = p.C_GetTokenInfo(slot);
  } catch {
    throw new Failure('card-gone');
  }
  if (info.serialNumber.trim() !== serial) throw new Failure('card-gone');
  return info.flags;
}

/** The card's EC public key point (CKA_EC_POINT as the token keeps it: DER OCTET STRING or raw). */
function publicPoint(p: pkcs11js.PKCS11, session: Buffer): Uint8Array {
  p.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
  ]);
  const keys = p.C_FindObjects(session, 2);
  p.C_FindObjectsFinal(session);
  if (keys.length !== 1) throw new Failure('no-key');
  const [point] = p.C_GetAttributeValue(session, keys[0]!, [{ type: pkcs11js.CKA_EC_POINT }]);
  if (!point || !Buffer.isBuffer(point.value)) throw new Failure('no-key');
  return new Uint8Array(point.value);
}

function sign(request: Extract<WorkerRequest, { op: 'sign' }>): {
  signature: Uint8Array;
  ecPoint?: Uint8Array;
  flags: number;
} {
  const p = loaded();
  if (!initialised) reinitialise();
  const slot = slotFrom(request.slot);
  const flags = currentFlags(p, slot, request.serial);
  if (flags & pkcs11js.CKF_USER_PIN_LOCKED) throw new Failure('pin-locked', flags);
  let session: Buffer;
  try {
    session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  } catch {
    throw new Failure('card-gone');
  }
  try {
    try {
      p.C_Login(session, pkcs11js.CKU_USER, request.pin);
    } catch (e) {
      const code = codeOf(e);
      const after = (() => {
        try {
          return currentFlags(p, slot, request.serial);
        } catch {
          return 0;
        }
      })();
      if (code === pkcs11js.CKR_PIN_INCORRECT) throw new Failure('pin-incorrect', after);
      if (code === pkcs11js.CKR_PIN_LOCKED) throw new Failure('pin-locked', after);
      if (code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
        // Another session of ours is logged in: carry on with it.
      } else throw new Failure('pkcs11', after);
    }
    try {
      p.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
      ]);
      const keys = p.C_FindObjects(session, 2);
      p.C_FindObjectsFinal(session);
      if (keys.length !== 1) throw new Failure('no-key');
      // SoftHSM2 has no CKM_ECDSA_SHA256: the digest is made in main, the card signs it.
      p.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, keys[0]!);
      const signature = p.C_Sign(session, Buffer.from(request.digest), Buffer.alloc(132));
      if (signature.length !== 64) throw new Failure('no-key');
      return {
        signature: new Uint8Array(signature),
        ...(request.withPublicKey ? { ecPoint: publicPoint(p, session) } : {}),
        flags: currentFlags(p, slot, request.serial),
      };
    } finally {
      try {
        p.C_Logout(session);
      } catch {
        // Not logged in, or the card went: nothing to undo.
      }
    }
  } catch (e) {
    if (e instanceof Failure) throw e;
    throw new Failure('pkcs11');
  } finally {
    try {
      p.C_CloseSession(session);
    } catch {
      // The card went: its sessions went with it.
    }
  }
}

function watch(request: Extract<WorkerRequest, { op: 'watch' }>): void {
  const p = loaded();
  const slot = slotFrom(request.slot);
  const timer = setInterval(() => {
    let gone: boolean;
    try {
      gone = p.C_GetTokenInfo(slot).serialNumber.trim() !== request.serial;
    } catch {
      gone = true;
    }
    if (gone) {
      clearInterval(timer);
      watches.delete(request.watchId);
      const event: WorkerEvent = { event: 'removed', watchId: request.watchId };
      port!.postMessage(event);
    }
  }, request.pollMs);
  watches.set(request.watchId, timer);
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    switch (request.op) {
      case 'scan':
        try {
          reply = { id: request.id, ok: true, cards: scan() };
        } catch (e) {
          if (e instanceof Failure && e.kind === 'no-config') reply = { id: request.id, ok: true, cards: [] };
          else throw e;
        }
        break;
      case 'sign': {
        const { signature, ecPoint, flags } = sign(request);
        reply = { id: request.id, ok: true, signature, ...(ecPoint ? { ecPoint } : {}), flags };
        break;
      }
      case 'watch':
        watch(request);
        reply = { id: request.id, ok: true };
        break;
      case 'unwatch':
        clearInterval(watches.get(request.watchId));
        watches.delete(request.watchId);
        reply = { id: request.id, ok: true };
        break;
      case 'close':
        for (const timer of watches.values()) clearInterval(timer);
        watches.clear();
        if (lib && initialised) {
          try {
            lib.C_Finalize();
          } catch {
            // Closing anyway.
          }
        }
        initialised = false;
        reply = { id: request.id, ok: true };
        port.postMessage(reply);
        port.close();
        return;
    }
  } catch (e) {
    reply =
      e instanceof Failure
        ? { id: request.id, ok: false, kind: e.kind, ...(e.flags !== undefined ? { flags: e.flags } : {}) }
        : { id: request.id, ok: false, kind: 'pkcs11' };
  }
  port.postMessage(reply);
});
