// ESLint: neostandard (the Fastify ecosystem's style) plus the layering of issue 10.
// Arrows point down: routes/pages/cli → services → repositories/domain; nothing imports app.ts.
// No type-aware rules: `npm test` runs this on every change, so it has to stay fast.
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import globals from 'globals'

const root = import.meta.dirname

const layering = {
  basePath: root,
  zones: [
    {
      target: ['src/routes', 'src/pages', 'src/cli'],
      from: 'src/repositories',
      message: 'Routes, pages and CLI commands call services, never repositories (issue 10).',
    },
    {
      // Every file under src/ except server.ts, which is the one place that builds and listens.
      target: ['src/!(server).ts', 'src/*/**/*.ts'],
      from: 'src/app.ts',
      message: 'Only src/server.ts and the tests import app.ts.',
    },
    {
      target: 'src/routes',
      from: 'src/routes',
      message: 'A route plugin does not import another route; move what they share into a service, schema or presenter.',
    },
    {
      target: 'src/domain',
      from: ['src/repositories', 'src/services', 'src/db', 'src/routes', 'src/plugins', 'src/pages'],
      message: 'src/domain is pure: no database, services, HTTP or pages.',
    },
    {
      target: ['src/services', 'src/repositories'],
      from: ['src/routes', 'src/pages', 'src/plugins', 'src/cli'],
      message: 'Services and repositories do not know about HTTP, pages or the CLI.',
    },
    {
      target: 'src/repositories',
      from: 'src/services',
      message: 'Repositories only run SQL; services call them, not the other way round.',
    },
  ],
}

export default [
  ...neostandard({
    ts: true,
    ignores: [...resolveIgnoresFromGitignore(), 'migrations/**'],
  }),
  {
    files: ['**/*.ts'],
    rules: {
      // Our schemas are `const Rule = Type.Object(…)` plus `type Rule = Static<typeof Rule>` (STYLE.md);
      // typescript-eslint advises against this rule in TypeScript, whose compiler catches real redeclarations.
      '@typescript-eslint/no-redeclare': 'off',
    },
  },
  {
    // The browser script of the pages.
    files: ['templates/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these the dependency graph stops at the first .ts file and no-cycle sees nothing.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', layering],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['fastify', 'fastify/*', '@fastify/*', 'fastify-plugin', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'],
          message: 'src/domain is pure: no Fastify or database.',
        }],
      }],
    },
  },
]
