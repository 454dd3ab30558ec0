/**
 * Type-checks the UI, including the <script setup lang="ts"> blocks of every .vue file (vue-tsc is
 * not installed): each SFC is compiled by @vue/compiler-sfc and offered to the TypeScript compiler
 * as a virtual `X.vue.ts` beside it, which is what `import X from './X.vue'` resolves to first.
 * Templates are not checked here; `vite build` compiles them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileScript, parse } from '@vue/compiler-sfc';
import ts from 'typescript';

const uiRoot = path.resolve(__dirname, '../../modeler-ui');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

function compileSfc(file: string): string {
  const { descriptor, errors } = parse(fs.readFileSync(file, 'utf8'), { filename: file });
  if (errors.length) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  if (!descriptor.script && !descriptor.scriptSetup) return 'export default {};\n';
  return compileScript(descriptor, { id: path.relative(uiRoot, file), isProd: false }).content;
}

describe('modeler-ui types', () => {
  it('should type-check every .ts file and the script of every .vue file', () => {
    // given
    const files = walk(path.join(uiRoot, 'src'));
    const virtual = new Map(files.filter((f) => f.endsWith('.vue')).map((f) => [`${f}.ts`, compileSfc(f)]));
    const configFile = ts.readConfigFile(path.join(uiRoot, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, uiRoot);
    const host = ts.createCompilerHost(parsed.options);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
    host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
    host.getSourceFile = (f, lang, onError, create) => {
      const text = virtual.get(f);
      return text !== undefined
        ? ts.createSourceFile(f, text, lang, true)
        : getSourceFile.call(host, f, lang, onError, create);
    };
    const roots = [...files.filter((f) => f.endsWith('.ts')), ...virtual.keys()];
    // when
    const program = ts.createProgram({ rootNames: roots, options: { ...parsed.options, noEmit: true }, host });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    // then
    const messages = diagnostics.map((d) => {
      const where = d.file
        ? `${path.relative(uiRoot, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
    expect(virtual.size).toBeGreaterThan(10);
  });
});
