// The Electron main process: a thin shell around main/composition-root.ts.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, protocol } from 'electron';
import { createZoomStore, zoomCommand } from '../zoom.js';
import { ipcTransportChannel } from '../../domain/ipc-transport.js';
import { appOrigin, createCore } from '../composition-root.js';
import { RendererBuildError } from '../csp.js';
import { createTransport } from '../api/transport.js';
import { createLogFile, type LogFile } from '../log-file.js';
import {
  defaultPkcs11Module,
  defaultPolicyPath,
  helpdeskOf,
  loadMachinePolicy,
  PolicyError,
  readTrustedCa,
  type Policy,
} from '../policy.js';
import { createRendererFiles } from '../renderer-files.js';
import { startEmbeddedService, trainingHome, trainingPaths, type EmbeddedService } from '../../service/index.js';
import { denyAllPermissions, hardenApp } from './hardening.js';
import { debugSwitchRefusal, isTestBuild, refusedDebugSwitches } from '../debug-switches.js';

// Before anything else: a packaged build never runs with a debugger's switches
// (--inspect, --remote-debugging-port...: debug-switches.ts says why).
// The packaged test build (electron-builder.test.yml) says so in its package.json, inside
// the integrity-checked asar, so Playwright can attach to it; a release cannot claim it.
const debugSwitches = refusedDebugSwitches(process.argv, app.isPackaged && !isTestBuild(app.getAppPath()));
if (debugSwitches.length > 0) {
  const message = debugSwitchRefusal(debugSwitches);
  process.stderr.write(`${message}\n`);
  // Safe before 'ready' (on Linux without a display it goes to stderr only).
  dialog.showErrorBox('ContactPoint cannot start', message);
  // At once: no window, service or session may start.
  process.exit(1);
}

// Development aids exist only in an unpackaged build started with the flag.
const devMode = !app.isPackaged && process.argv.includes('--dev');
// A policy path override is for unpackaged test runs only: users cannot redirect policy.
const policyPath = (!app.isPackaged && process.env.CONTACTPOINT_POLICY_FILE) || defaultPolicyPath;

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
]);
app.enableSandbox();
hardenApp();

/** The team's working set: %LOCALAPPDATA%\ContactPoint\working-set on Windows, the profile folder elsewhere. */
function workingSetDir(): string {
  const local = process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined;
  return local ? join(local, app.getName(), 'working-set') : join(app.getPath('userData'), 'working-set');
}

let embedded: EmbeddedService | undefined;
let core: ReturnType<typeof createCore> | undefined;
let logFile: LogFile | undefined;

/** main's log lines: to <profile>/logs/main.log, and to stderr for whoever started it. */
function log(line: string): void {
  logFile?.write(line);
  process.stderr.write(`${line}\n`);
}

async function start(): Promise<void> {
  logFile = createLogFile({ dir: join(app.getPath('userData'), 'logs') });
  log(`start: ContactPoint ${app.getVersion()}${app.isPackaged ? '' : ' (unpackaged)'}`);
  const policy: Policy = await loadMachinePolicy({ policyFile: policyPath });
  log(
    `start: machine policy read (training mode ${policy.trainingMode ? 'on' : 'off'}, kiosk ${policy.kiosk ? 'on' : 'off'})`,
  );

  denyAllPermissions();
  const renderer = createRendererFiles(join(__dirname, '..', 'renderer'));
  protocol.handle('app', async (request) => {
    const r = await renderer.read(request.url);
    return new Response(new Uint8Array(r.body), { status: r.status, headers: r.headers });
  });

  let serviceUrl = policy.serviceUrl;
  if (serviceUrl === undefined) {
    // The training store persists in the profile, so the dataset is loaded once.
    embedded = await startEmbeddedService({
      workerFile: join(__dirname, 'service-worker.cjs'),
      dataDir: join(app.getPath('userData'), 'training-store'),
      serverTiming: policy.debugTiming,
    });
    serviceUrl = embedded.url;
  }
  const trustedCaPem = policy.trustedCaFile !== undefined ? await readTrustedCa(policy.trustedCaFile) : undefined;
  // Training cards live in SoftHSM2's store under the training home, unless the
  // machine already says where (SOFTHSM2_CONF).
  const cardEnv =
    policy.trainingMode && !process.env.SOFTHSM2_CONF
      ? { ...process.env, SOFTHSM2_CONF: trainingPaths(trainingHome()).softHsmConfig }
      : process.env;
  const started = createCore({
    serviceUrl,
    trainingMode: policy.trainingMode,
    version: app.getVersion(),
    idleMinutes: policy.idleMinutes,
    lockWarningMs: policy.lockWarningSeconds * 1000,
    sessionEndWarningMs: policy.sessionEndWarningMinutes * 60_000,
    helpdesk: helpdeskOf(policy),
    debugTiming: policy.debugTiming,
    maxDaysWithoutSync: policy.maxDaysWithoutSync,
    log,
    // The team's encrypted working set lives in the user's profile; its key in the OS credential store.
    // On Windows in the local, never the roaming, part of the profile: a million children's
    // records (encrypted) must not be copied to a profile server at every sign-out.
    workingSet: { dir: workingSetDir(), workerFile: join(__dirname, 'working-set-worker.cjs') },
    transportTrust: {
      ...(trustedCaPem !== undefined ? { trustedCaPem } : {}),
      ...(policy.pinnedCertificateSha256 !== undefined
        ? { pinnedCertificateSha256: policy.pinnedCertificateSha256 }
        : {}),
    },
    transport: createTransport({
      ...(trustedCaPem !== undefined ? { trustedCaPem } : {}),
      ...(policy.pinnedCertificateSha256 !== undefined
        ? { pinnedCertificateSha256: policy.pinnedCertificateSha256 }
        : {}),
    }),
    // The adapter's files come through the computer's own dialogs; the page never names a path.
    chooseFile: async (mode, suggestedName) => {
      const parent = BrowserWindow.getAllWindows()[0];
      const options = {
        filters: [
          { name: 'Exports (CSV, JSON Lines, XML)', extensions: ['csv', 'txt', 'tsv', 'jsonl', 'ndjson', 'xml'] },
        ],
      };
      if (mode === 'open') {
        const r = parent
          ? await dialog.showOpenDialog(parent, { ...options, properties: ['openFile'] })
          : await dialog.showOpenDialog({ ...options, properties: ['openFile'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      }
      const pdf = suggestedName.endsWith('.pdf');
      const save = {
        defaultPath: suggestedName,
        filters: [pdf ? { name: 'PDF', extensions: ['pdf'] } : { name: 'CSV', extensions: ['csv'] }],
      };
      const r = parent ? await dialog.showSaveDialog(parent, save) : await dialog.showSaveDialog(save);
      return r.canceled ? null : (r.filePath ?? null);
    },
    card: {
      modulePath: policy.pkcs11Module ?? defaultPkcs11Module(process.platform, policy.trainingMode),
      // PKCS#11 runs in its own thread: a slow card never freezes the window.
      workerFile: join(__dirname, 'pkcs11-worker.cjs'),
      env: cardEnv,
    },
  });
  core = started;

  ipcMain.handle(ipcTransportChannel, (event, channel: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    // Only the top-level frame of our own page may call; anything else is refused by the router.
    const url = frame && frame.parent === null ? frame.url : undefined;
    return started.router(channel, payload, { url });
  });
  // The computer going to sleep or its screen locking locks ContactPoint too.
  powerMonitor.on('suspend', () => started.session.lock('computer-locked'));
  powerMonitor.on('lock-screen', () => started.session.lock('computer-locked'));

  if (!devMode) Menu.setApplicationMenu(null);
  const win = new BrowserWindow({
    width: 1280,
    height: 900,
    show: false,
    kiosk: policy.kiosk && !devMode,
    autoHideMenuBar: !devMode,
    title: 'ContactPoint',
    webPreferences: {
      // Reviewed: the preload exposes only the frozen object from createApi, through contextBridge.
      preload: join(__dirname, '..', 'preload', 'preload.cjs'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: devMode,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // Zoom by keyboard (and Ctrl with the wheel), which the kiosk's missing menu would
  // otherwise take away: from the policy's default, each user's own choice kept in their profile.
  const zoom = createZoomStore({
    file: join(app.getPath('userData'), 'zoom.json'),
    policyDefault: policy.zoomPercent,
    log,
  });
  const applyZoom = () => win.webContents.setZoomFactor(zoom.current() / 100);
  win.webContents.on('did-finish-load', applyZoom);
  win.webContents.on('before-input-event', (event, input) => {
    const command = zoomCommand(input);
    if (command === null) return;
    event.preventDefault();
    zoom.apply(command);
    applyZoom();
  });
  win.webContents.on('zoom-changed', (_event, direction) => {
    zoom.apply(direction === 'in' ? 'in' : 'out');
    applyZoom();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${appOrigin}/index.html`);
}

function failToStart(error: unknown): void {
  // The message may name a file or a field, never personal data; the stack stays out.
  const detail = error instanceof PolicyError || error instanceof RendererBuildError ? error.message : '';
  log(`start: failed (${error instanceof Error ? error.name : typeof error})`);
  dialog.showErrorBox(
    'ContactPoint cannot start',
    `${detail || 'Something went wrong while starting.'} Tell your IT service desk.`,
  );
  app.exit(1);
}

// One kiosk window per machine session: a second launch focuses the first.
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void core?.close();
    void embedded?.close();
  });
  app.whenReady().then(start).catch(failToStart);
}
