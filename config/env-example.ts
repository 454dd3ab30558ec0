/** Prints `.env.example` from the variable table, so the two cannot drift: `tsx config/env-example.ts > .env.example`. */
import { describeVariables } from './index';

const lines = ['# Every variable the product reads, with its default (config/index.ts is the source).', ''];
for (const v of describeVariables()) {
  lines.push(`# ${v.description}`);
  lines.push(v.default === '' ? `# ${v.name}=` : `${v.name}=${v.default}`);
  lines.push('');
}
process.stdout.write(lines.join('\n'));
