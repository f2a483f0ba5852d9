import { existsSync } from 'fs';
import { MODULE_TESTS, parseMutateArgs, reportName, testMatch, testsFor } from '../../../tools/mutate/plan';

describe('npm run mutate arguments', () => {
  it('takes one module path inside the repository, normalized', () => {
    expect(parseMutateArgs(['./tools/hub-stress/window.ts'])).toEqual({
      module: 'tools/hub-stress/window.ts',
      tests: undefined,
    });
    expect(
      parseMutateArgs(['lib/cidr.ts', '--tests', 'test/lib/cidr.test.ts', '--tests', 'test/config/']),
    ).toEqual({ module: 'lib/cidr.ts', tests: ['test/lib/cidr.test.ts', 'test/config'] });
    expect(parseMutateArgs(['lib/cidr.ts', '--concurrency', '1'])).toEqual({
      module: 'lib/cidr.ts',
      tests: undefined,
      concurrency: 1,
    });
    expect(parseMutateArgs(['lib/cidr.ts', '--concurrency', '16']).concurrency).toBe(16);
    expect(parseMutateArgs(['lib/cidr.ts', '--incremental'])).toEqual({
      module: 'lib/cidr.ts',
      tests: undefined,
      incremental: true,
    });
  });

  it.each([
    [[], /^module: expected one module to mutate, got 0/],
    [['lib/cidr.ts', 'config/checks.ts'], /^module: expected one module to mutate, got 2/],
    [
      ['test/lib/cidr.test.ts'],
      /^module: "test\/lib\/cidr\.test\.ts" is not a source file; expected a \.ts file under config\/, lib\//,
    ],
    [['README.md'], /^module: "README\.md" is not a source file/],
    [['lib/nope.ts'], /^module: "lib\/nope\.ts" does not exist$/],
    [['../main/lib/cidr.ts'], /^module: "\.\.\/main\/lib\/cidr\.ts" must be a path inside the repository$/],
    [['/work/lib/cidr.ts'], /must be a path inside the repository/],
    [['lib/cidr.ts', '--tests', 'lib/cidr.ts'], /^--tests: "lib\/cidr\.ts" is not under test\/$/],
    [['lib/cidr.ts', '--tests', 'test/nope.test.ts'], /^--tests: "test\/nope\.test\.ts" does not exist$/],
    [['lib/cidr.ts', '--bogus'], /Unknown option '--bogus'/],
    [['lib/cidr.ts', '--incremental=yes'], /--incremental/],
    [['lib/cidr.ts', '--concurrency', '0'], /^--concurrency: "0" is not a whole number from 1 to 16$/],
    [['lib/cidr.ts', '--concurrency', '17'], /^--concurrency: "17" is not a whole number from 1 to 16$/],
    [['lib/cidr.ts', '--concurrency', '1.5'], /^--concurrency: "1\.5" is not a whole number/],
    [['lib/cidr.ts', '--concurrency', 'two'], /^--concurrency: "two" is not a whole number/],
    [['lib/cidr.ts', '--concurrency', ''], /^--concurrency: "" is not a whole number/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseMutateArgs(argv)).toThrow(message);
  });
});

describe('the tests a mutation run uses', () => {
  const related = (module: string) => [`test/related/${module}.test.ts`];

  it('prefers --tests, then the module map, then the tests that import the module', () => {
    expect(testsFor({ module: 'lib/cidr.ts', tests: ['test/lib'] }, related)).toEqual(['test/lib']);
    expect(testsFor({ module: 'tools/policy/rules/iam.ts' }, related)).toEqual([
      'test/tools/policy/iam-unit.test.ts',
      'test/tools/policy/docs.test.ts',
    ]);
    expect(testsFor({ module: 'tools/hub-stress/window.ts' }, related)).toEqual([
      'test/related/tools/hub-stress/window.ts.test.ts',
    ]);
  });

  it('refuses a module no test imports', () => {
    expect(() => testsFor({ module: 'lib/lonely.ts' }, () => [])).toThrow(
      'no test imports lib/lonely.ts; name them with --tests',
    );
  });

  it('maps only modules and tests that exist', () => {
    for (const [module, tests] of Object.entries(MODULE_TESTS)) {
      expect([module, existsSync(module)]).toEqual([module, true]);
      for (const t of tests) expect([t, existsSync(t)]).toEqual([t, true]);
    }
  });

  it('turns files and folders into testMatch globs under the sandbox root', () => {
    expect(testMatch(['test/lib/cidr.test.ts', 'test/config'])).toEqual([
      '<rootDir>/test/lib/cidr.test.ts',
      '<rootDir>/test/config/**/*.test.ts',
    ]);
  });

  it('names the report after the module', () => {
    expect(reportName('tools/hub-stress/window.ts')).toBe('tools-hub-stress-window');
  });
});
