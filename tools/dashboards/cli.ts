/** `npm run dashboards -- --out DIR`: see tools/dashboards/command.ts. */
import { consoleIo, runExport } from '../export/write-files';
import { DASHBOARDS_COMMAND } from './command';

process.exitCode = runExport(DASHBOARDS_COMMAND, process.argv.slice(2), consoleIo);
