// The layer rule of docs/architecture.md: you can tell a file's powers
// from its path. Imports are resolved to the folder they land in and checked against
// what that layer may use. Lives in lint so the rule cannot rot.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Which of our folders each layer may import from. */
const allowedLayers = {
  domain: ['domain'],
  service: ['domain', 'service'],
  main: ['domain', 'main', 'service'],
  preload: ['domain', 'preload'],
  renderer: ['domain', 'renderer', 'preload'],
};

/** Third-party packages a layer must not use (beyond Node's built-ins where barred). */
const barredPackages = {
  domain: {
    node: true,
    packages: ['electron', 'react', 'react-dom', 'pg', '@electric-sql/pglite', 'better-sqlite3-multiple-ciphers'],
  },
  service: { node: false, packages: ['electron', 'react', 'react-dom'] },
  main: { node: false, packages: ['react', 'react-dom'] },
  preload: { node: true, packages: ['react', 'react-dom'] },
  renderer: {
    node: true,
    packages: ['electron', 'pg', '@electric-sql/pglite', 'better-sqlite3-multiple-ciphers', '@napi-rs/keyring'],
  },
};

function layerOf(root, file) {
  const rel = relative(root, file);
  if (rel.startsWith('..')) return null;
  const top = rel.split(sep)[0];
  return Object.hasOwn(allowedLayers, top) ? top : null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the one-way dependency rule between domain, service, main, preload and renderer' },
    schema: [],
    messages: {
      layer: '{{from}}/ may not import from {{to}}/ ({{spec}}): {{why}}',
      typeOnly: '{{from}}/ may import only types from {{to}}/ ({{spec}}): use "import type"',
      serviceEntry:
        'main/ may use the service only through service/index.ts ({{spec}}): main and service talk over HTTP',
      package: '{{from}}/ may not use {{spec}}: {{why}}',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.physicalFilename ?? context.filename;
    const from = layerOf(root, file);
    if (from === null) return {};

    function check(node, spec, typeOnly) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(root, target);
        if (to === null) {
          const rel = relative(root, target);
          if (rel.startsWith('..') || rel.split(sep)[0] !== from) {
            context.report({
              node,
              messageId: 'layer',
              data: { from, to: rel.split(sep)[0] || '.', spec, why: 'outside the application layers' },
            });
          }
          return;
        }
        if (!allowedLayers[from].includes(to)) {
          context.report({
            node,
            messageId: 'layer',
            data: { from, to, spec, why: `allowed: ${allowedLayers[from].join(', ')}` },
          });
          return;
        }
        if (from === 'renderer' && to === 'preload' && !typeOnly) {
          context.report({ node, messageId: 'typeOnly', data: { from, to, spec } });
        }
        if (
          from === 'main' &&
          to === 'service' &&
          relative(root, target).replace(/\.(js|ts)$/, '') !== `service${sep}index`
        ) {
          context.report({ node, messageId: 'serviceEntry', data: { spec } });
        }
        return;
      }
      const barred = barredPackages[from];
      if (barred.node && nodeBuiltins.has(spec)) {
        context.report({ node, messageId: 'package', data: { from, spec, why: 'this layer runs without Node' } });
      } else if (barred.packages.includes(packageName(spec))) {
        context.report({ node, messageId: 'package', data: { from, spec, why: 'it belongs to another layer' } });
      }
    }

    const isTypeOnly = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

    return {
      ImportDeclaration: (node) => check(node, node.source.value, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};
