/**
 * The .xlsx file on disk: reading it with a version stamp, refusing to write where a person would
 * lose work, and replacing it atomically.
 *
 * Replacing never leaves a half-written workbook behind: the new bytes go to a temporary file in
 * the same folder (same owner, group and mode as the file it replaces) and are flushed to disk, the
 * previous file is kept as a timestamped copy in `.productops/backups/`, and only then is the
 * temporary file renamed over the original (a rename within one folder is atomic on POSIX file
 * systems and on NTFS). A crash at any point leaves the old or the new workbook, whole, plus at most
 * a temporary file that `removeStaleTemporaryFiles` clears on a later run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  copyFile,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { WorkbookError } from '../../shared/errors.js';

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

/** Backups kept per workbook: enough to step back over a bad week of runs, few enough to not pile up. */
const BACKUPS_KEPT = 10;
/** An old-format temporary file (no pid in its name) this old belongs to no write still running. */
const OLD_FORMAT_STALE_MS = 10 * 60 * 1000;
/** Past this age a temporary file is stale even if its pid runs: pids get reused. */
const ANY_STALE_MS = 24 * 60 * 60 * 1000;

/** The folder beside the workbook where earlier versions of it are kept. */
export function backupFolderOf(path: string): string {
  return join(dirname(path), '.productops', 'backups');
}

/** This workbook's backups (not those of its neighbours in the same folder), newest first, full paths. */
export async function listBackups(path: string): Promise<string[]> {
  const folder = backupFolderOf(path);
  const pattern = backupNamePattern(path);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  const backups = entries.flatMap((entry) => {
    const match = pattern.exec(entry);
    return match ? [{ entry, stamp: match[1]!, clash: Number(match[2] ?? 1) }] : [];
  });
  // Fixed-width stamps sort as text; within one millisecond the clash counter orders them.
  backups.sort((a, b) => (a.stamp === b.stamp ? b.clash - a.clash : a.stamp < b.stamp ? 1 : -1));
  return backups.map(({ entry }) => join(folder, entry));
}

/** `NAME.<YYYYMMDD-HHMMSS-mmm>[-N].xlsx`: the stamp is group 1, the clash counter group 2. */
function backupNamePattern(path: string): RegExp {
  const { stem, extension } = splitName(path);
  return new RegExp(`^${escapeRegExp(stem)}\\.(\\d{8}-\\d{6}-\\d{3})(?:-(\\d+))?${escapeRegExp(extension)}$`);
}

function splitName(path: string): { stem: string; extension: string } {
  const name = basename(path);
  const extension = extname(name);
  return { stem: name.slice(0, name.length - extension.length), extension };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `20250304-050607-089` for 2025-03-04T05:06:07.089Z: UTC, so backups sort the same in every time zone. */
function timestampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19);
}

/**
 * Throws a `WorkbookError`, before anything is written, when saving would go against the person
 * who has the file: it is read-only, or an office program has it open (saving there later would
 * overwrite this run, or this run their unsaved edits).
 */
export async function assertWritable(path: string): Promise<void> {
  const info = await statOrNull(path);
  if (info && (await isReadOnly(path, info.mode))) {
    throw new WorkbookError(
      `${path} is read-only, so nothing was written. ` +
        'Make it writable (or save a writable copy and point the config at it), then run again.',
    );
  }
  const marker = await findOpenMarker(path);
  if (marker) {
    const program = marker.startsWith('~$') ? 'Excel' : 'LibreOffice';
    const markerPath = join(dirname(path), marker);
    throw new WorkbookError(
      `${path} is open in ${program} (found ${markerPath}), so nothing was written: save and close it, ` +
        `then run again. If it is not open anywhere, delete ${markerPath}.`,
    );
  }
}

async function isReadOnly(path: string, mode: number): Promise<boolean> {
  // Root may write any file, so `access` alone would let it through; no write bit at all is the
  // owner saying "leave this alone", which we respect for every user.
  if ((mode & 0o222) === 0) return true;
  try {
    await access(path, constants.W_OK);
    return false;
  } catch (error) {
    if (isErrorCode(error, 'EACCES', 'EPERM', 'EROFS')) return true;
    if (isErrorCode(error, 'ENOENT')) return false;
    throw error;
  }
}

export interface ReplaceOptions {
  /** Runs after the new bytes are safely on disk and right before the switch; throw to abort. */
  beforeCommit?: () => Promise<void>;
}

/**
 * Writes `bytes` to `path` atomically, keeping the previous file's owner, group and mode and a
 * backup of it (see `listBackups`). On any failure the original is untouched and the temporary file
 * is removed. Returns the new file's modification time.
 */
export async function replaceFileAtomically(
  path: string,
  bytes: Buffer,
  options: ReplaceOptions = {},
): Promise<number> {
  const folder = dirname(path);
  // The pid lets a later run tell a crashed write's leftover from one still in progress.
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const previous = await statOrNull(path);
  try {
    // `wx`: never follow or reuse an existing file under that name. Owner-only until the previous
    // file's permissions are applied, so the new bytes are never more exposed than the old ones.
    const handle = await open(temporary, 'wx', previous ? 0o600 : 0o666);
    try {
      if (previous) {
        await keepOwner(handle, path, previous);
        // After the owner: a chown may clear mode bits. The umask would otherwise narrow them too.
        await handle.chmod(previous.mode & 0o777);
      }
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeCommit?.();
    if (previous) await keepBackup(path);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
  if (previous) await pruneBackups(path);
  return (await stat(path)).mtimeMs;
}

/**
 * Gives the temporary file the previous file's owner and group: a workbook someone shares through
 * its group must not become a file only we can read after a run (as root, say, from cron).
 */
async function keepOwner(
  handle: FileHandle,
  path: string,
  previous: { uid: number; gid: number },
): Promise<void> {
  const created = await handle.stat();
  // Nothing to change (always so on Windows, where both are 0); skipping also spares file systems
  // that refuse every chown.
  if (created.uid === previous.uid && created.gid === previous.gid) return;
  try {
    await handle.chown(previous.uid, previous.gid);
  } catch (error) {
    if (!isErrorCode(error, 'EPERM')) throw error;
    throw new WorkbookError(
      `Cannot save ${path}: its owner (user ${previous.uid}, group ${previous.gid}) could not be kept, ` +
        'so nothing was written. Run productops as that user, or take ownership of the file, then run again.',
      { cause: error },
    );
  }
}

/** Keeps the file about to be replaced under a name no earlier backup has. */
async function keepBackup(path: string): Promise<void> {
  const folder = backupFolderOf(path);
  await mkdir(folder, { recursive: true });
  const { stem, extension } = splitName(path);
  const stamp = timestampOf(new Date());
  for (let clash = 1; ; clash += 1) {
    const backup = join(folder, `${stem}.${stamp}${clash === 1 ? '' : `-${clash}`}${extension}`);
    try {
      // A hard link costs nothing and keeps the exact previous bytes once the rename replaces `path`.
      await link(path, backup);
      return;
    } catch (error) {
      if (isErrorCode(error, 'EEXIST')) continue;
    }
    try {
      // File systems without hard links (FAT, some network shares) get a copy; EXCL never overwrites.
      await copyFile(path, backup, constants.COPYFILE_EXCL);
      return;
    } catch (error) {
      if (!isErrorCode(error, 'EEXIST')) throw error;
    }
  }
}

/** Best effort: the save has happened, so an old backup that cannot be removed is no failure. */
async function pruneBackups(path: string): Promise<void> {
  try {
    const old = (await listBackups(path)).slice(BACKUPS_KEPT);
    await Promise.all(old.map((backup) => rm(backup, { force: true }).catch(() => undefined)));
  } catch {
    // Listing failed: the next save tries again.
  }
}

/**
 * Removes the temporary files that crashed earlier writes left beside the workbook
 * (`.NAME.xlsx.<pid>.<hex>.tmp`, or `.NAME.xlsx.<hex>.tmp` from before the pid was in the name):
 * one whose process is gone, an old-format one older than 10 minutes, any older than 24 hours.
 * Best effort: a file that cannot be removed is left and not reported. Returns the names removed.
 */
export async function removeStaleTemporaryFiles(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `.${basename(path)}.`;
  const suffix = '.tmp';
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const named = entry.startsWith(prefix) && entry.endsWith(suffix);
    if (!named || entry.length <= prefix.length + suffix.length) continue;
    const middle = entry.slice(prefix.length, entry.length - suffix.length);
    const file = join(folder, entry);
    try {
      const info = await lstat(file);
      // We only ever create regular files; anything else under such a name is not ours.
      if (!info.isFile() || !isStale(middle, Date.now() - info.mtimeMs)) continue;
      await rm(file);
      removed.push(entry);
    } catch {
      // Gone already (its write finished) or not ours to remove: leave it.
    }
  }
  return removed;
}

function isStale(middle: string, ageMs: number): boolean {
  if (ageMs > ANY_STALE_MS) return true;
  const withPid = /^([1-9]\d*)\.[0-9a-f]+$/.exec(middle);
  if (withPid) return !isRunning(Number(withPid[1]));
  return /^[0-9a-f]{12}$/.test(middle) && ageMs > OLD_FORMAT_STALE_MS;
}

/** Signal 0 only checks: ESRCH means no such process; EPERM means it runs under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrorCode(error, 'ESRCH');
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
