// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const SERVICES = ['organisation', 'personnel', 'training', 'evaluation', 'gateway'];

/** What a decider may never import: a framework, a broker, a database, HTTP, or the adapters built on them. */
const IMPURE = [
  /^@nestjs\//, /^kafkajs$/, /^mongoose$/, /^mongodb$/, /^pg$/, /^@electric-sql\//, /^@eventstore\//, /^mingo$/,
  /^(node:)?https?$/, /^(node:)?http2$/, /^(node:)?net$/, /^(node:)?fs(\/promises)?$/, /^undici$/, /^fastify$/, /^@fastify\//,
  /^@register\/(service-kit|messaging|event-store|read-models)$/,
];

/** A file holds a decider when it declares one: a function named decide…, or a `decide` member. */
function declaresDecider(node) {
  const named = (id) => id && id.type === 'Identifier' && /^decide([A-Z]\w*)?$/.test(id.name);
  switch (node.type) {
    case 'FunctionDeclaration': return named(node.id);
    case 'VariableDeclarator': return named(node.id) && /Function/.test(node.init?.type ?? '');
    case 'Property': case 'MethodDefinition': return named(node.key);
    default: return false;
  }
}

/**
 * The register's own rules, which no published rule expresses:
 * - pure-decider: a file that holds a decider imports nothing impure (wherever the file lives);
 * - service-boundary: a service never imports another service's code (it learns from events, and
 *   through ports in libs/); only the embedded composition root puts them together.
 */
const register = {
  rules: {
    'pure-decider': {
      meta: { type: 'problem', messages: { impure: "'{{source}}' in a file that holds a decider: the domain is pure, no framework, broker, database or HTTP imports" } },
      create(context) {
        const imports = [];
        let decider = false;
        return {
          ImportDeclaration: (node) => void (node.importKind !== 'type' && imports.push(node)),
          'FunctionDeclaration, VariableDeclarator, Property, MethodDefinition': (node) => void (decider ||= declaresDecider(node)),
          'Program:exit': () => {
            if (!decider) return;
            for (const node of imports) {
              const source = String(node.source.value);
              if (IMPURE.some((re) => re.test(source))) context.report({ node, messageId: 'impure', data: { source } });
            }
          },
        };
      },
    },
    'service-boundary': {
      meta: { type: 'problem', messages: { crossing: "services/{{own}} imports services/{{other}} ('{{source}}'): a service learns from another's events and through ports in libs/, never from its code" } },
      create(context) {
        const file = context.filename.replace(/\\/g, '/');
        const own = /\/services\/([^/]+)\//.exec(file)?.[1];
        if (!own || own === 'embedded') return {};
        const check = (node, source) => {
          const other = SERVICES.find((s) => s !== own && new RegExp(`(^|/)(services/)?${s}/src(/|$)`).test(source) && (source.startsWith('.') || source.includes('services/')));
          if (other) context.report({ node, messageId: 'crossing', data: { own, other, source } });
        };
        return {
          ImportDeclaration: (node) => check(node, String(node.source.value)),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, String(node.source.value)),
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scripts/*.js', 'jest.config.js', 'test/support/*.js', 'deploy/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { register },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'register/pure-decider': 'error',
    },
  },
  { files: ['services/*/src/**/*.ts'], rules: { 'register/service-boundary': 'error' } },
  {
    // Domain folders and the kernel stay pure even where they hold no decider yet.
    files: ['services/*/src/**/domain/**/*.ts', 'libs/event-sourcing/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'kafkajs', 'mongoose', 'pg', '@electric-sql/*', '@eventstore/*'], message: 'the domain is pure: no framework, broker or database imports' }] },
      ],
    },
  },
);
