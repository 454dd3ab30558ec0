/**
 * One suite for SQLite (default) and MySQL/MariaDB (TEST_DATABASE_URL=mysql://…).
 * ESM-only dependencies (bpmn-io, lezer, feelin, …) are transformed to CommonJS by SWC.
 */
const esmPackages = [
  'feelin',
  'lezer-feel',
  '@lezer',
  'bpmn-moddle',
  'zeebe-bpmn-moddle',
  'moddle',
  'moddle-xml',
  'min-dash',
  'saxen',
  'bpmn-auto-layout',
  'min-dom',
  'diagram-js',
  'bpmn-js',
  '@bpmn-io',
  'ids',
  'luxon',
  'chinese-days',
  'bpmnlint',
  'bpmnlint-plugin-camunda-compat',
  '@camunda/linting',
  'tiny-svg',
  'didi',
  'path-intersection',
  'object-refs',
  'inherits-browser',
  'sm-crypto-v2',
  '@noble',
  'temporal-polyfill',
  'temporal-spec',
  'temporal-utils',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj|cj)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60000,
  slowTestThreshold: 15,
};
