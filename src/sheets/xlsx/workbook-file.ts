/**
 * The .xlsx file on disk: reading it with a version stamp, and replacing it atomically.
 *
 * Replacing never leaves a half-written workbook behind: the new bytes go to a temporary file in
 * the same folder and are flushed to disk, the previous file is kept as `NAME.xlsx.bak`, and only
 * then is the temporary file renamed over the original (a rename within one folder is atomic on
 * POSIX file systems and on NTFS). A crash at any point leaves the old or the new workbook, whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, link, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What identifies one saved state of the file. */
export interface FileVersion {
  mtimeMs: number;
  size: number;
  /** SHA-1 of the bytes: a save that keeps the size and the timestamp (coarse clocks) still shows. */
  hash: string;
}

export interface WorkbookFile {
  bytes: Buffer;
  version: FileVersion;
}

/** Reads the bytes and stamps them with the version of exactly those bytes (one open file). */
export async function readWorkbookFile(path: string): Promise<WorkbookFile> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    const bytes = await handle.readFile();
    return { bytes, version: { mtimeMs: info.mtimeMs, size: bytes.length, hash: hashOf(bytes) } };
  } finally {
    await handle.close();
  }
}

/** The current version, or null when the file is gone. */
export async function currentVersion(path: string): Promise<FileVersion | null> {
  try {
    return (await readWorkbookFile(path)).version;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
}

/**
 * Whether the content changed. A new timestamp over the same bytes is not a change (a person
 * opened and saved without editing, or a sync tool touched it): nothing of theirs can be lost.
 */
export function sameContent(a: FileVersion, b: FileVersion): boolean {
  return a.size === b.size && a.hash === b.hash;
}

export function versionOfBytes(bytes: Buffer, mtimeMs: number): FileVersion {
  return { mtimeMs, size: bytes.length, hash: hashOf(bytes) };
}

function hashOf(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function backupPathOf(path: string): string {
  return `${path}.bak`;
}

export interface ReplaceOptions {
  /** Runs after the new bytes are safely on disk and right before the switch; throw to abort. */
  beforeCommit?: () => Promise<void>;
  /** Keep the previous file as `NAME.xlsx.bak` (skipped when there is no previous file). */
  keepBackup: boolean;
}

/**
 * Writes `bytes` to `path` atomically. On any failure the original is untouched and the temporary
 * file is removed. Returns the new file's modification time.
 */
export async function replaceFileAtomically(
  path: string,
  bytes: Buffer,
  options: ReplaceOptions,
): Promise<number> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const previous = await statOrNull(path);
  try {
    // `wx`: never follow or reuse an existing file under that name.
    const handle = await open(temporary, 'wx');
    try {
      // The new file keeps the old one's permissions (the umask would otherwise narrow them).
      if (previous) await handle.chmod(previous.mode & 0o777);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeCommit?.();
    if (previous && options.keepBackup) await keepBackup(path);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
  return (await stat(path)).mtimeMs;
}

async function keepBackup(path: string): Promise<void> {
  const backup = backupPathOf(path);
  await rm(backup, { force: true });
  try {
    // A hard link costs nothing and keeps the exact previous bytes once the rename replaces `path`.
    await link(path, backup);
  } catch {
    // File systems without hard links (FAT, some network shares) get a copy.
    await copyFile(path, backup);
  }
}

/** Makes the rename itself durable; folders cannot be opened for sync on Windows, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data is already on disk; only the directory entry's durability is at stake.
  }
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
}

/**
 * The owner file an office program keeps beside a workbook it has open: Excel's `~$NAME.xlsx`,
 * LibreOffice's `.~lock.NAME.xlsx#`. Returns the one found, or null.
 */
export async function findOpenMarker(path: string): Promise<string | null> {
  const name = basename(path);
  const markers = new Set([`~$${name}`, `~$${name.slice(2)}`, `.~lock.${name}#`]);
  try {
    const found = (await readdir(dirname(path))).find((entry) => markers.has(entry));
    return found ?? null;
  } catch {
    return null;
  }
}

export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
