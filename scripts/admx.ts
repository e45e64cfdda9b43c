// npm run admx: the Group Policy templates (deploy/windows/ContactPoint.admx and its
// en-GB ADML), the sample Linux policy file and the admin guide's table of settings,
// all written from main/policy.ts: the zod schema the application validates with (its
// bounds, defaults and lengths) and the metadata beside it (registry value, kind, the
// editor's wording). test/unit/packaging/group-policy.test.ts regenerates them and fails
// if the committed files differ, so they cannot drift from the schema.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parsePolicy, policySchema, policySettings, type PolicyField, type PolicySetting } from '../main/policy.js';
import { policyRegistrySubkey, registryTypeOf } from '../main/policy-windows.js';

export const templateFiles = {
  admx: 'deploy/windows/ContactPoint.admx',
  adml: 'deploy/windows/en-GB/ContactPoint.adml',
  sample: 'deploy/linux/policy.json.sample',
  adminGuide: 'docs/admin-guide.md',
} as const;

/** The markers around the generated table in the admin guide. */
export const tableBegin =
  '<!-- policy-settings:begin (written by npm run admx from main/policy.ts: do not edit by hand) -->';
export const tableEnd = '<!-- policy-settings:end -->';

const gpNamespace = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
/** Unique in a central store: ours. */
export const admxTargetNamespace = 'ContactPoint.Policies.Desktop';
const category = 'ContactPoint';
const supportedOn = 'SUPPORTED_ContactPoint_0_1';

/**
 * The sample policy file is a live deployment trusting the council's CA. The pin is left
 * out: a pin and a CA file cannot be set together (policySchema refuses it).
 */
const sampleOmits: readonly PolicyField[] = ['pinnedCertificateSha256'];

interface FieldSchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: unknown;
}

/** Each setting with what the schema itself says of it. */
function settings(): { field: PolicyField; setting: PolicySetting; schema: FieldSchema }[] {
  const json = z.toJSONSchema(policySchema, { io: 'input' }) as { properties: Record<string, FieldSchema> };
  const fields = Object.keys(policySchema.shape) as PolicyField[];
  const extra = Object.keys(policySettings).filter((f) => !(fields as string[]).includes(f));
  if (extra.length > 0)
    throw new Error(`policySettings describes settings the schema does not have: ${extra.join(', ')}`);
  return fields.map((field) => {
    const setting: PolicySetting = policySettings[field];
    const schema = json.properties[field];
    if (!setting || !schema) throw new Error(`${field}: the schema and policySettings must both describe it`);
    const want = { text: 'string', boolean: 'boolean', decimal: 'integer' }[setting.kind];
    if (schema.type !== want)
      throw new Error(`${field}: a ${setting.kind} setting needs a ${want} in the schema, not ${schema.type}`);
    if (setting.kind === 'decimal') {
      const { minimum, maximum } = schema;
      // A REG_DWORD holds 0 to 4294967295; a number box needs both bounds.
      if (minimum === undefined || maximum === undefined || minimum < 0 || maximum > 0xffffffff) {
        throw new Error(`${field}: a decimal setting needs bounds within a REG_DWORD in the schema`);
      }
    }
    if (setting.kind !== 'boolean' && !setting.label)
      throw new Error(`${field}: a ${setting.kind} setting needs a label`);
    return { field, setting, schema };
  });
}

/** The help text, ending with what "not configured" means when the schema has a default. */
function explainOf(setting: PolicySetting, schema: FieldSchema): string {
  if (schema.default === undefined) return setting.explain;
  const value =
    setting.kind === 'boolean'
      ? schema.default
        ? 'enabled'
        : 'disabled'
      : `${String(schema.default)}${setting.unit ? ` ${setting.unit}` : ''}`;
  return `${setting.explain}\n\nNot configured: ${value}.`;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function renderAdmx(): string {
  const key = escapeXml(policyRegistrySubkey);
  const policies = settings().map(({ setting, schema }) => {
    const name = setting.registryValue;
    const head = `    <policy name="${name}" class="Machine" displayName="$(string.${name})" explainText="$(string.${name}_Explain)"`;
    const common = [`      <parentCategory ref="${category}" />`, `      <supportedOn ref="${supportedOn}" />`];
    if (setting.kind === 'boolean') {
      return [
        `${head} key="${key}" valueName="${name}">`,
        ...common,
        '      <enabledValue>',
        '        <decimal value="1" />',
        '      </enabledValue>',
        '      <disabledValue>',
        '        <decimal value="0" />',
        '      </disabledValue>',
        '    </policy>',
      ].join('\n');
    }
    // A decimal element is stored as a REG_DWORD and a text element as a REG_SZ (never
    // expandable: ContactPoint refuses REG_EXPAND_SZ).
    const element =
      setting.kind === 'decimal'
        ? `<decimal id="${name}" valueName="${name}" required="true" minValue="${schema.minimum}" maxValue="${schema.maximum}" />`
        : `<text id="${name}" valueName="${name}" required="true"${schema.maxLength !== undefined ? ` maxLength="${schema.maxLength}"` : ''} />`;
    return [
      `${head} presentation="$(presentation.${name})" key="${key}">`,
      ...common,
      '      <elements>',
      `        ${element}`,
      '      </elements>',
      '    </policy>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Written by npm run admx from main/policy.ts: do not edit by hand. -->',
    `<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${gpNamespace}">`,
    '  <policyNamespaces>',
    `    <target prefix="contactpoint" namespace="${admxTargetNamespace}" />`,
    '  </policyNamespaces>',
    '  <supersededAdm fileName="" />',
    '  <resources minRequiredRevision="1.0" />',
    '  <supportedOn>',
    '    <definitions>',
    `      <definition name="${supportedOn}" displayName="$(string.${supportedOn})" />`,
    '    </definitions>',
    '  </supportedOn>',
    '  <categories>',
    `    <category name="${category}" displayName="$(string.${category})" />`,
    '  </categories>',
    '  <policies>',
    ...policies,
    '  </policies>',
    '</policyDefinitions>',
    '',
  ].join('\n');
}

function renderAdml(): string {
  const strings = [
    [category, 'ContactPoint'],
    [supportedOn, 'ContactPoint Desktop 0.1 or later'],
  ];
  const presentations: string[] = [];
  for (const { setting, schema } of settings()) {
    const name = setting.registryValue;
    strings.push([name, setting.displayName], [`${name}_Explain`, explainOf(setting, schema)]);
    if (setting.kind === 'boolean') continue;
    const label = escapeXml(setting.label ?? '');
    const control =
      setting.kind === 'decimal'
        ? `<decimalTextBox refId="${name}" defaultValue="${Number(schema.default ?? schema.minimum)}" spinStep="1">${label}</decimalTextBox>`
        : `<textBox refId="${name}">\n          <label>${label}</label>\n        </textBox>`;
    presentations.push(`      <presentation id="${name}">\n        ${control}\n      </presentation>`);
  }
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Written by npm run admx from main/policy.ts: do not edit by hand. -->',
    `<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${gpNamespace}">`,
    '  <displayName>ContactPoint Desktop</displayName>',
    '  <description>Machine policy for ContactPoint Desktop (HKLM\\Software\\Policies\\ContactPoint).</description>',
    '  <resources>',
    '    <stringTable>',
    ...strings.map(([id, text]) => `      <string id="${id}">${escapeXml(text ?? '')}</string>`),
    '    </stringTable>',
    '    <presentationTable>',
    ...presentations,
    '    </presentationTable>',
    '  </resources>',
    '</policyDefinitionResources>',
    '',
  ].join('\n');
}

function renderSample(): string {
  const sample = Object.fromEntries(
    settings()
      .filter(({ field }) => !sampleOmits.includes(field))
      .map(({ field, setting }) => [field, setting.example]),
  );
  // Never ship a sample the application would refuse.
  parsePolicy(sample, templateFiles.sample);
  return `${JSON.stringify(sample, null, 2)}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** The admin guide's table of settings, between its markers. */
export function renderSettingsTable(): string {
  const rows = settings().map(({ field, setting, schema }) => {
    const bounds =
      setting.kind === 'decimal'
        ? `, ${schema.minimum}–${schema.maximum}`
        : setting.kind === 'boolean'
          ? ', 1 on / 0 off'
          : '';
    const type = `\`${registryTypeOf(setting.kind)}\`${bounds}`;
    const dflt = schema.default === undefined ? 'not set' : `\`${JSON.stringify(schema.default)}\``;
    return `| \`${field}\` | \`${setting.registryValue}\` (${type}) | ${dflt} | **${cell(setting.displayName)}**: ${cell(explainOf(setting, schema))} |`;
  });
  return [
    tableBegin,
    '| Linux JSON field | Windows registry value (type) | Default | Group Policy setting: what it does |',
    '| --- | --- | --- | --- |',
    ...rows,
    tableEnd,
  ].join('\n');
}

/** The admin guide with its table of settings replaced by the generated one. */
export function withSettingsTable(guide: string): string {
  const begin = guide.indexOf(tableBegin);
  const end = guide.indexOf(tableEnd);
  if (begin === -1 || end < begin)
    throw new Error(`${templateFiles.adminGuide} must hold the markers ${tableBegin} and ${tableEnd}`);
  return `${guide.slice(0, begin)}${renderSettingsTable()}${guide.slice(end + tableEnd.length)}`;
}

export function renderPolicyTemplates(): { admx: string; adml: string; sample: string } {
  return { admx: renderAdmx(), adml: renderAdml(), sample: renderSample() };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = renderPolicyTemplates();
  for (const which of ['admx', 'adml', 'sample'] as const) {
    mkdirSync(dirname(templateFiles[which]), { recursive: true });
    writeFileSync(templateFiles[which], out[which]);
  }
  writeFileSync(templateFiles.adminGuide, withSettingsTable(readFileSync(templateFiles.adminGuide, 'utf8')));
  process.stdout.write(`wrote ${Object.values(templateFiles).join(', ')}\n`);
}
