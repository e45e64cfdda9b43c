// Electron's security checklist, applied to every web contents the app ever creates.
import { app, session, type WebContents } from 'electron';
import { appOrigin } from '../composition-root.js';
import { originOf } from '../ipc/router.js';

/** Navigation, new windows, webviews and permission requests: all denied. */
export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      // The renderer is a single page: it never navigates, not even within app://.
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function denyAllPermissions(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  s.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  // Nothing but the app's own protocol may be requested by the renderer.
  s.webRequest.onBeforeRequest((details, callback) => {
    const allowed = originOf(details.url) === appOrigin || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
}
