// The management channels: each a signed call to the national index on the signed-in
// manager's session, its answer checked against the contract before the screen sees it.
// The service decides who may do what (four eyes, scope, roles); main only refuses
// anyone who is not on a management team, and keeps files to the computer's dialogs.
import { createPublicKey } from 'node:crypto';
import { basename } from 'node:path';
import type { z } from 'zod';
import { accessReasonHeader, archivePurposeHeader } from '../../domain/api/records.js';
import { isManagement } from '../../domain/roles.js';
import { channels, type Channel } from '../../domain/ipc-contract.js';
import type { AuditCheckpointView } from '../../domain/management/views.js';
import {
  auditExportSchema,
  checkpointSchema,
  checkpointSignatureValid,
  partitionOf,
  partitionSpan,
  verifyRange,
  type AuditCheckpoint,
  type ChainEntry,
} from '../../service/index.js';
import { csvCell } from '../adapter/report.js';
import { ServiceFailure } from '../api/client.js';
import { readPractitionerFile } from '../practitioners/read-practitioner-file.js';
import { SourceError } from '../adapter/source/index.js';
import type { SessionManager } from '../session/session-manager.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './router.js';
import { replaceFileWith } from '../export-file.js';
import { subjectAccessPdf } from '../reports/subject-access.js';
import { subjectAccessReportSchema } from '../../domain/api/subject-access.js';

type ManageChannel = Extract<Channel, `manage.${string}`>;

const checked = <C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> => {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success)
    throw new AppFailure(
      'service-error',
      'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.',
    );
  return parsed.data as z.output<(typeof channels)[C]['response']>;
};

const enc = encodeURIComponent;
const given = (q: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;

export interface ManagementDeps {
  session: SessionManager;
  chooseFile: (mode: 'open' | 'save', suggestedName: string) => Promise<string | null>;
  /** The reason for access, made fit for its HTTP header (handlers.ts). */
  accessReasonForHeader: (reason: string) => string;
}

export function createManagementHandlers(deps: ManagementDeps): Pick<Handlers, ManageChannel> {
  const { session } = deps;
  /** A signed-in member of a management team (an authority's ContactPoint team, or a data manager). */
  const manager = () => {
    const { state } = session.current();
    if (state.status !== 'signed-in') throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
    const roles = state.user.roles;
    if (!isManagement({ roles })) {
      throw new AppFailure('forbidden', 'Only a ContactPoint management team may do this.');
    }
    return state.user;
  };
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ) => {
    manager();
    return session.call({ method, path, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}) });
  };

  /** The latest checkpoint and the key it is signed with, its signature checked here; null when the service publishes none. */
  const latestCheckpoint = async () => {
    let answer: unknown;
    try {
      answer = await call('GET', '/v1/audit/checkpoints/latest');
    } catch (e) {
      if (e instanceof AppFailure && e.code === 'not-found') return null;
      throw e;
    }
    const a = answer as { checkpoint?: unknown; publicKey?: unknown };
    const checkpoint = checkpointSchema.safeParse(a?.checkpoint);
    if (!checkpoint.success || typeof a.publicKey !== 'string') {
      throw new AppFailure(
        'service-error',
        'The national index service sent an audit checkpoint ContactPoint could not understand. Tell your IT service desk.',
      );
    }
    let signatureValid = false;
    try {
      signatureValid = checkpointSignatureValid(checkpoint.data, createPublicKey(a.publicKey));
    } catch {
      // Not a public key: the checkpoint cannot be trusted, which is what signatureValid says.
    }
    return { checkpoint: checkpoint.data, publicKeyPem: a.publicKey, signatureValid };
  };

  return {
    'manage.shield': async ({ cpNumber, reason }) =>
      checked('manage.shield', await call('POST', `/v1/children/${enc(cpNumber)}/shield`, { reason })),
    'manage.requestUnshield': async ({ cpNumber, reason }) =>
      checked('manage.requestUnshield', {
        request: unwrap(await call('POST', `/v1/children/${enc(cpNumber)}/unshield-requests`, { reason }), 'request'),
      }),
    'manage.unshieldRequests': async ({ status }) =>
      checked('manage.unshieldRequests', await call('GET', '/v1/unshield-requests', undefined, { status })),
    'manage.decideUnshield': async ({ id, decision, reason }) =>
      checked('manage.decideUnshield', {
        request: unwrap(
          await call(
            'POST',
            `/v1/unshield-requests/${enc(id)}/${decision}`,
            decision === 'reject' && reason ? { reason } : {},
          ),
          'request',
        ),
      }),
    'manage.users': async () => {
      const user = manager();
      const users: unknown[] = [];
      for (let after: string | null = null, pages = 0; pages < 50; pages++) {
        const page = (await call(
          'GET',
          '/v1/users',
          undefined,
          given({ localAuthority: user.localAuthority ?? undefined, limit: '1000', after: after ?? undefined }),
        )) as {
          users: unknown[];
          next: string | null;
        };
        users.push(...page.users);
        if (page.next === null) break;
        after = page.next;
      }
      return checked('manage.users', { users });
    },
    'manage.organisations': async () => checked('manage.organisations', await call('GET', '/v1/organisations')),
    'manage.organisation': async ({ id }) =>
      checked('manage.organisation', await call('GET', `/v1/organisations/${enc(id)}`)),
    'manage.proposeOrganisation': async (request) => {
      // An empty field is one the person left out.
      const body = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return checked('manage.proposeOrganisation', await call('POST', '/v1/organisations', body));
    },
    'manage.organisationStep': async ({ id, ...step }) => {
      const body = Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return checked('manage.organisationStep', await call('POST', `/v1/organisations/${enc(id)}/stages`, body));
    },
    'manage.createUser': async (request) => {
      const { enhancedCheckDate, ...rest } = request;
      return checked(
        'manage.createUser',
        await call('POST', '/v1/users', { ...rest, ...(enhancedCheckDate ? { enhancedCheckDate } : {}) }),
      );
    },
    'manage.accountRequests': async () => checked('manage.accountRequests', await call('GET', '/v1/account-requests')),
    'manage.practitioners': async (query) =>
      checked('manage.practitioners', await call('GET', '/v1/practitioners', undefined, given(query))),
    'manage.addPractitioner': async (request) =>
      checked('manage.addPractitioner', await call('POST', '/v1/practitioners', request)),
    'manage.updatePractitioner': async ({ id, ...change }) =>
      checked('manage.updatePractitioner', await call('PATCH', `/v1/practitioners/${enc(id)}`, change)),
    'manage.requestPractitionerAccount': async ({ id, userId }) =>
      checked(
        'manage.requestPractitionerAccount',
        await call('POST', `/v1/practitioners/${enc(id)}/account-request`, userId ? { userId } : {}),
      ),
    'manage.practitionerTasks': async () =>
      checked('manage.practitionerTasks', await call('GET', '/v1/practitioners/tasks')),
    'manage.importPractitioners': async () => {
      manager();
      const path = await deps.chooseFile('open', 'practitioners.csv');
      if (path === null) return { outcome: 'cancelled' as const };
      const file = basename(path);
      // The directory and the list as they stand, so every row is checked here before anything is sent.
      const { organisations } = checked('manage.organisations', await call('GET', '/v1/organisations'));
      const { practitioners } = checked('manage.practitioners', await call('GET', '/v1/practitioners'));
      let read;
      try {
        read = await readPractitionerFile(path, {
          today: localToday(),
          organisations,
          listed: new Set(practitioners.map((p) => p.workEmail)),
        });
      } catch (e) {
        if (e instanceof SourceError) return { outcome: 'refused' as const, file, message: e.message, rows: [] };
        throw e;
      }
      if (!read.ok) return { outcome: 'refused' as const, file, message: read.message, rows: read.rows };
      try {
        const answer = (await call('POST', '/v1/practitioners/import', { entries: read.entries })) as {
          imported?: unknown;
        };
        return checked('manage.importPractitioners', { outcome: 'imported', file, imported: answer?.imported });
      } catch (e) {
        // The list changed between the check here and the service's (a colleague's import): still nothing stored.
        if (e instanceof ServiceFailure && e.serviceCode === 'import-refused')
          return { outcome: 'refused' as const, file, message: e.message, rows: [] };
        throw e;
      }
    },
    'manage.confirmAccountRequest': async ({ id, reason }) =>
      checked(
        'manage.confirmAccountRequest',
        await call('POST', `/v1/account-requests/${enc(id)}/confirm`, reason ? { reason } : undefined),
      ),
    'manage.cancelAccountRequest': async ({ id, reason }) =>
      checked(
        'manage.cancelAccountRequest',
        await call('POST', `/v1/account-requests/${enc(id)}/cancel`, reason ? { reason } : undefined),
      ),
    // The helpdesk (domain/management/helpdesk.ts).
    'manage.user': async ({ id }) => checked('manage.user', await call('GET', `/v1/users/${enc(id)}`)),
    'manage.userHistory': async ({ id }) =>
      checked('manage.userHistory', await call('GET', `/v1/users/${enc(id)}/history`)),
    'manage.unlockUser': async ({ id, reason }) =>
      checked('manage.unlockUser', await call('POST', `/v1/users/${enc(id)}/unlock`, { reason })),
    'manage.resetToken': async ({ id, reason }) =>
      checked('manage.resetToken', await call('POST', `/v1/users/${enc(id)}/reset-token`, { reason })),
    'manage.enrolCard': async ({ id, pin, reason }) => {
      const me = manager();
      // Refused before the card is touched: nobody enrols a card for themselves.
      if (id === me.id)
        throw new AppFailure('forbidden', 'You may not enrol a card for your own account: another team member must.');
      const card = await session.readCardKey(pin);
      if (card.userId !== id)
        throw new AppFailure(
          'card-unreadable',
          `The card in the reader is made out for another account, not ${id}. Insert the holder's own card.`,
        );
      const asked = (await call('POST', `/v1/users/${enc(id)}/card-enrolments`, {
        reason,
        publicJwk: card.publicJwk,
      })) as Record<string, unknown>;
      return checked('manage.enrolCard', { ...asked, thumbprint: card.thumbprint });
    },
    'manage.revokeCard': async ({ id, thumbprint, reason }) =>
      checked(
        'manage.revokeCard',
        await call('DELETE', `/v1/users/${enc(id)}/card-keys/${enc(thumbprint)}`, { reason }),
      ),
    'manage.updateUser': async ({ id, changes }) =>
      checked('manage.updateUser', await call('PATCH', `/v1/users/${enc(id)}`, changes)),
    'manage.lapsing': async ({ days }) =>
      checked('manage.lapsing', await call('GET', '/v1/users/lapsing', undefined, { days: String(days) })),
    'manage.alerts': async ({ status }) =>
      checked('manage.alerts', await call('GET', '/v1/alerts', undefined, { status })),
    'manage.acknowledgeAlert': async ({ id }) =>
      checked('manage.acknowledgeAlert', await call('POST', `/v1/alerts/${enc(id)}/acknowledge`, {})),
    'manage.closeAlert': async ({ id, outcome, note }) =>
      checked(
        'manage.closeAlert',
        await call('POST', `/v1/alerts/${enc(id)}/close`, { outcome, ...(note ? { note } : {}) }),
      ),
    'manage.audit': async (q) =>
      checked('manage.audit', await call('GET', '/v1/audit', undefined, given({ ...q, limit: '100' }))),
    'manage.auditVerify': async () => checked('manage.auditVerify', await call('GET', '/v1/audit/verify')),
    'manage.auditCheckpoint': async () => {
      const latest = await latestCheckpoint();
      return checked('manage.auditCheckpoint', {
        checkpoint: latest ? checkpointView(latest.checkpoint, latest.signatureValid) : null,
      });
    },
    'manage.auditVerifyRange': async ({ from }) => {
      const latest = await latestCheckpoint();
      if (!latest)
        throw new AppFailure(
          'not-found',
          'The national index service publishes no audit checkpoints, so there is nothing to check a range against.',
        );
      const { checkpoint, publicKeyPem } = latest;
      const view = checkpointView(checkpoint, latest.signatureValid);
      // Every chain the checkpoint signs a head of: partition 0 (the chain of before) and,
      // with the trail in partitions, each other one. An entry asked for picks its chain.
      const heads = [
        { part: 0, size: checkpoint.size },
        ...(checkpoint.partitions ?? []).map((p) => ({ part: p.part, size: p.size })),
      ];
      const chosen = from === undefined ? heads : heads.filter((h) => h.part === partitionOf(from));
      if (chosen.length === 0)
        throw new AppFailure(
          'not-found',
          `Entry ${from} would be in audit chain ${partitionOf(from!)}, and the signed checkpoint has no head for that chain: check from an entry it covers, or leave the first entry empty to check every chain.`,
        );
      const publicKey = createPublicKey(publicKeyPem);
      let firstFrom: number | null = null;
      let lastTo = 0;
      let entriesChecked = 0;
      for (const { part, size } of chosen) {
        const base = part * partitionSpan;
        const start = Math.min(from ?? base + 1, Math.max(size, base + 1));
        // The chain up to its signed head, a page at a time; entries after it are not checked here.
        const entries: ChainEntry[] = [];
        for (let next: number | null = start; next !== null && next <= size;) {
          const page = auditExportSchema.safeParse(
            await call('GET', '/v1/audit/export', undefined, {
              from: String(next),
              to: String(size),
              limit: '5000',
            }),
          );
          if (!page.success)
            throw new AppFailure(
              'service-error',
              'The national index service sent an audit export ContactPoint could not understand. Tell your IT service desk.',
            );
          entries.push(...page.data.entries);
          next = page.data.next ?? null;
        }
        // No seal key here (it never leaves the service): hashes, links and the signed head are checked.
        const verdict = verifyRange(entries, checkpoint, { publicKey });
        if (!verdict.ok)
          return checked('manage.auditVerifyRange', {
            ok: false,
            from: start,
            to: size,
            chains: chosen.length,
            entries: entriesChecked,
            checkpoint: view,
            problem: verdict.firstBroken.problem,
            seq: verdict.firstBroken.seq,
            message: verdict.firstBroken.message,
          });
        if (verdict.to > 0) {
          firstFrom ??= verdict.from;
          lastTo = verdict.to;
          entriesChecked += entries.length;
        }
      }
      return checked('manage.auditVerifyRange', {
        ok: true,
        from: firstFrom ?? 0,
        to: lastTo,
        chains: chosen.length,
        entries: entriesChecked,
        checkpoint: view,
        problem: null,
        seq: null,
        message: null,
      });
    },
    'manage.auditSignals': async (q) =>
      checked('manage.auditSignals', await call('GET', '/v1/audit/signals', undefined, given(q))),
    'manage.archive': async ({ after }) =>
      checked('manage.archive', await call('GET', '/v1/archive', undefined, given({ after, limit: '100' }))),
    'manage.archiveRead': async ({ cpNumber, reason, purpose }) => {
      manager();
      return checked(
        'manage.archiveRead',
        await session.call({
          method: 'GET',
          path: `/v1/children/${enc(cpNumber)}`,
          headers: {
            [accessReasonHeader]: deps.accessReasonForHeader(reason),
            ...(purpose ? { [archivePurposeHeader]: purpose } : {}),
          },
        }),
      );
    },
    'manage.transfers': async ({ status }) =>
      checked('manage.transfers', await call('GET', '/v1/transfers', undefined, { status })),
    'manage.requestTransfer': async (body) =>
      checked('manage.requestTransfer', { transfer: unwrap(await call('POST', '/v1/transfers', body), 'transfer') }),
    'manage.decideTransfer': async ({ id, decision }) =>
      checked('manage.decideTransfer', {
        transfer: unwrap(await call('POST', `/v1/transfers/${enc(id)}/${decision}`, {}), 'transfer'),
      }),
    'manage.information': async ({ localAuthority }) => {
      const user = manager();
      const la = localAuthority ?? user.localAuthority ?? undefined;
      return checked(
        'manage.information',
        await call('GET', '/v1/management-information', undefined, given({ localAuthority: la })),
      );
    },
    'manage.informationHistory': async ({ localAuthority, weeks }) => {
      manager();
      return checked(
        'manage.informationHistory',
        await call(
          'GET',
          '/v1/management-information/history',
          undefined,
          given({ localAuthority, weeks: weeks === undefined ? undefined : String(weeks) }),
        ),
      );
    },
    'manage.rollout': async ({ localAuthority, months }) => {
      manager();
      return checked(
        'manage.rollout',
        await call(
          'GET',
          '/v1/rollout',
          undefined,
          given({ localAuthority, months: months === undefined ? undefined : String(months) }),
        ),
      );
    },
    'manage.subjectAccess': async ({ cpNumber, reason, purpose, pdf }) => {
      manager();
      const answer = await session.call({
        method: 'GET',
        path: `/v1/children/${enc(cpNumber)}/subject-access`,
        headers: {
          [accessReasonHeader]: deps.accessReasonForHeader(reason),
          ...(purpose ? { [archivePurposeHeader]: purpose } : {}),
        },
      });
      const parsed = subjectAccessReportSchema.safeParse(answer);
      if (!parsed.success)
        throw new AppFailure('service-error', 'The national index sent a report this computer cannot read.');
      let saved: string | null = null;
      if (pdf) {
        const path = await deps.chooseFile('save', `subject-access-${cpNumber}.pdf`);
        if (path !== null) {
          // Mode 0600, and the old file kept if the write fails (export-file.ts).
          await replaceFileWith(path, subjectAccessPdf(parsed.data));
          saved = basename(path);
        }
      }
      return { report: parsed.data, saved };
    },
    'manage.saveCsv': async ({ suggestedName, header, rows }) => {
      manager();
      const path = await deps.chooseFile('save', suggestedName);
      if (path === null) return { saved: false, name: null };
      const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
      // Mode 0600 even over an existing file, and the old one kept if the write fails (export-file.ts).
      await replaceFileWith(path, `${lines.join('\n')}\n`);
      return { saved: true, name: basename(path) };
    },
  };
}

/** The service answers some calls with the object itself and some wrapped ({request}, {transfer}): take either. */
/** Today on this computer's calendar: the service checks the dates again by its own. */
function localToday(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function unwrap(answer: unknown, key: string): unknown {
  return answer !== null && typeof answer === 'object' && key in answer
    ? (answer as Record<string, unknown>)[key]
    : answer;
}

function checkpointView(c: AuditCheckpoint, signatureValid: boolean): AuditCheckpointView {
  const others = c.partitions ?? [];
  return {
    size: c.size,
    head: c.head,
    chains: 1 + others.length,
    entries: c.size + others.reduce((n, p) => n + (p.size - p.part * partitionSpan), 0),
    at: c.at,
    reason: c.reason,
    signingKeyId: c.signingKeyId,
    signatureValid,
  };
}
