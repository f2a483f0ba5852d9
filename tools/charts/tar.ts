/**
 * Unpacks a gzipped tar archive of regular files and folders (what `helm package` writes,
 * with PAX or GNU long names), refusing anything else: links, devices, and paths that are
 * absolute or climb out of the destination.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, isAbsolute, join, normalize, sep } from 'path';
import { gunzipSync } from 'zlib';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The `path` record of a PAX extended header, if any. */
function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (!Number.isInteger(length) || length <= 0) return undefined;
    const record = rest.slice(space + 1, length - 1);
    if (record.startsWith('path=')) return record.slice('path='.length);
    rest = rest.slice(length);
  }
  return undefined;
}

/** A member's path made safe to join under the destination, or an error naming it. */
function safePath(name: string): string {
  const path = normalize(name);
  if (isAbsolute(name) || path === '..' || path.startsWith(`..${sep}`)) {
    throw new Error(`archive member ${JSON.stringify(name)} would land outside the destination`);
  }
  return path;
}

/** Extracts `archive` (a .tgz) into `destination`; returns the member paths written. */
export function extractTgz(archive: Buffer, destination: string): string[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new Error(`not a gzip archive: ${(error as Error).message}`);
  }
  const written: string[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end of archive
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (data.length < size) throw new Error('truncated tar archive');
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue; // global PAX header: nothing we use
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    const path = safePath(name);
    if (type === '5') {
      mkdirSync(join(destination, path), { recursive: true });
    } else if (type === '0' || type === '7') {
      mkdirSync(dirname(join(destination, path)), { recursive: true });
      writeFileSync(join(destination, path), data);
      written.push(path);
    } else {
      throw new Error(
        `archive member ${JSON.stringify(name)} has tar type ${JSON.stringify(type)}; only files and folders are accepted`,
      );
    }
  }
  return written;
}
