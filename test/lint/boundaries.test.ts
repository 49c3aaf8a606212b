import { join } from 'node:path';
import { ESLint } from 'eslint';

/** The project's own lint rules, run as `npm run lint` runs them, on code that breaks them. */
const root = join(__dirname, '../..');
const lint = async (file: string, code: string) => {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => m.ruleId);
};

describe('lint rules that keep the shape', () => {
  it('fail on a service importing another service, and let the embedded root compose them', async () => {
    const crossing = "import { StructureService } from '../../../organisation/src/application/structure.service';\nexport const s = StructureService;\n";
    expect(await lint('services/gateway/src/security/x.ts', crossing)).toContain('register/service-boundary');
    expect(await lint('services/personnel/src/members/x.ts', "export { memberStream } from '@register/contracts';\nimport { A } from '../../../training/src/a';\nexport const a = A;\n")).toContain('register/service-boundary');
    expect(await lint('services/embedded/src/x.ts', crossing)).not.toContain('register/service-boundary');
    expect(await lint('services/gateway/src/security/x.ts', "import { A } from '../audit/a';\nexport const a = A;\n")).toEqual([]);
  });

  it('fail on a database, broker, framework or HTTP import in any file that holds a decider, wherever it lives', async () => {
    const decider = (source: string) => `import { X } from '${source}';\nexport function decideAdmission(c: unknown) { return [c, X]; }\n`;
    for (const source of ['pg', 'mongoose', 'kafkajs', '@nestjs/common', 'node:http', '@register/service-kit']) {
      expect(await lint('services/personnel/src/members/admit-member.ts', decider(source))).toContain('register/pure-decider');
    }
    const member = "import { Client } from 'pg';\nexport const decider = { decide(c: unknown) { return [c, Client]; } };\n";
    expect(await lint('services/organisation/src/units/unit-commands.ts', member)).toContain('register/pure-decider');
    expect(await lint('services/personnel/src/members/admit-member.ts', decider('@register/event-sourcing'))).toEqual([]);
    // A file that only uses a decider (a handler, a controller) may import what it needs.
    expect(await lint('services/personnel/src/members/x.ts', "import { Client } from 'pg';\nexport const y = (d: { decide(): void }) => [d.decide(), Client];\n")).toEqual([]);
  });
});
