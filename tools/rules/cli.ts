/** `npm run rules -- --out DIR`: see tools/rules/command.ts. */
import { consoleIo, runExport } from '../export/write-files';
import { RULES_COMMAND } from './command';

process.exitCode = runExport(RULES_COMMAND, process.argv.slice(2), consoleIo);
