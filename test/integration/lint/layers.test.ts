import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: resolve('.') });

async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(file) });
  return result!.messages.filter((m) => m.ruleId === 'contactpoint/layers').map((m) => m.message);
}

describe('the layer rule (lint)', () => {
  it.each([
    [
      'renderer/src/screens/Leak.tsx',
      "import { createCore } from '../../../main/core.js';\nvoid createCore;",
      /renderer\/ may not import from main\//,
    ],
    [
      'renderer/src/Leak.tsx',
      "import { startService } from '../../service/index.js';\nvoid startService;",
      /renderer\/ may not import from service\//,
    ],
    [
      'renderer/src/Leak.tsx',
      "import { createApi } from '../../preload/api.js';\nvoid createApi;",
      /may import only types from preload\//,
    ],
    [
      'renderer/src/Leak.tsx',
      "import { readFileSync } from 'node:fs';\nvoid readFileSync;",
      /renderer\/ may not use node:fs/,
    ],
    [
      'renderer/src/Leak.tsx',
      "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;",
      /renderer\/ may not use electron/,
    ],
    ['domain/leak.ts', "import { readFileSync } from 'fs';\nvoid readFileSync;", /domain\/ may not use fs/],
    [
      'domain/leak.ts',
      "import { appOrigin } from '../main/core.js';\nvoid appOrigin;",
      /domain\/ may not import from main\//,
    ],
    [
      'service/leak.ts',
      "import { createCore } from '../main/core.js';\nvoid createCore;",
      /service\/ may not import from main\//,
    ],
    [
      'main/leak.ts',
      "import { startService } from '../service/server.js';\nvoid startService;",
      /only through service\/index.ts/,
    ],
    [
      'preload/leak.ts',
      "import { createCore } from '../main/core.js';\nvoid createCore;",
      /preload\/ may not import from main\//,
    ],
    ['main/leak.ts', "export { x } from '../renderer/src/App.js';", /main\/ may not import from renderer\//],
    [
      'renderer/src/Leak.tsx',
      "export const load = () => import('../../main/core.js');",
      /renderer\/ may not import from main\//,
    ],
  ])('refuses %s importing across the rule', async (file, code, message) => {
    const messages = await layerMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it.each([
    [
      'renderer/src/Ok.tsx',
      "import type { ContactPointApi } from '../../preload/api.js';\nexport type A = ContactPointApi;",
    ],
    ['renderer/src/Ok.tsx', "import { isValidPostcode } from '../../domain/postcode.js';\nvoid isValidPostcode;"],
    ['main/ok.ts', "import { startEmbeddedService } from '../service/index.js';\nvoid startEmbeddedService;"],
    ['main/ok.ts', "import { readFile } from 'node:fs/promises';\nvoid readFile;"],
    ['service/ok.ts', "import { isValidNhsNumber } from '../domain/nhs-number.js';\nvoid isValidNhsNumber;"],
    ['test/ok.test.ts', "import { createCore } from '../main/core.js';\nvoid createCore;"],
  ])('allows %s importing along the rule', async (file, code) => {
    expect(await layerMessages(file, code)).toEqual([]);
  });
});
