/**
 * The .xlsx file layer on real files in a real temporary folder: what a save keeps (owner, group,
 * mode, a timestamped backup), what it refuses before writing (read-only files, files open in an
 * office program), and the leftovers of crashed writes it clears.
 *
 * These run as root (here and in CI): root may write any file, which is why read-only is tested
 * through the mode bits and why changing a file's owner to 1234:1234 is possible.
 */
import { spawnSync } from 'node:child_process';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkbookError } from '../../src/shared/errors.js';
import { notAWorkbookError } from '../../src/sheets/xlsx/workbook-errors.js';
import {
  assertWritable,
  backupFolderOf,
  findOpenMarker,
  listBackups,
  removeStaleTemporaryFiles,
  replaceFileAtomically,
} from '../../src/sheets/xlsx/workbook-file.js';

const isRoot = process.getuid?.() === 0;
const MINUTE_MS = 60 * 1000;

let dir: string;
let workbook: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'productops-workbook-file-'));
  workbook = join(dir, 'plan.xlsx');
});

afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** Only `Date` is faked: the file system's own timers and callbacks keep running. */
function atTime(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

async function backupNames(path = workbook): Promise<string[]> {
  return (await listBackups(path)).map((backup) => basename(backup));
}

/** Sets a file's modification time `ageMs` into the past. */
async function age(path: string, ageMs: number): Promise<void> {
  const then = new Date(Date.now() - ageMs);
  await utimes(path, then, then);
}

/** A pid no process has: a child that already exited (and was reaped by spawnSync). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('replaceFileAtomically', () => {
  it('writes the bytes and returns the new modification time', async () => {
    await writeFile(workbook, 'old');
    const mtimeMs = await replaceFileAtomically(workbook, Buffer.from('new'));
    expect(await readFile(workbook, 'utf8')).toBe('new');
    expect(mtimeMs).toBe((await stat(workbook)).mtimeMs);
  });

  it('keeps the previous file’s mode', async () => {
    await writeFile(workbook, 'old');
    await chmod(workbook, 0o640);
    await replaceFileAtomically(workbook, Buffer.from('new'));
    expect((await stat(workbook)).mode & 0o777).toBe(0o640);
  });

  it.skipIf(!isRoot)(
    'keeps the previous file’s owner and group (needs root to give a file away)',
    async () => {
      await writeFile(workbook, 'old');
      await chown(workbook, 1234, 1234);
      await chmod(workbook, 0o664);
      await replaceFileAtomically(workbook, Buffer.from('new'));
      const info = await stat(workbook);
      expect({ uid: info.uid, gid: info.gid, mode: info.mode & 0o777 }).toEqual({
        uid: 1234,
        gid: 1234,
        mode: 0o664,
      });
      expect(await readFile(workbook, 'utf8')).toBe('new');
    },
  );

  it.skipIf(!isRoot)(
    'refuses, writing nothing, when the owner cannot be kept (needs root to switch to another user)',
    async () => {
      await chmod(dir, 0o777);
      await writeFile(workbook, 'old');
      await chown(workbook, 1234, 1234);
      await chmod(workbook, 0o666);
      // As `nobody`, giving the temporary file to 1234 fails with EPERM. seteuid acts on the whole
      // process, so it is switched back before anything else runs.
      process.seteuid!(65534);
      const attempt = replaceFileAtomically(workbook, Buffer.from('new')).finally(() => process.seteuid!(0));
      await expect(attempt).rejects.toThrow(WorkbookError);
      await expect(attempt).rejects.toThrow(
        /owner \(user 1234, group 1234\) could not be kept, so nothing was written/,
      );
      expect(await readFile(workbook, 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['plan.xlsx']);
    },
  );

  it('writes through a temporary file in the same folder named with the process id', async () => {
    await writeFile(workbook, 'old');
    let during: string[] = [];
    await replaceFileAtomically(workbook, Buffer.from('new'), {
      beforeCommit: async () => {
        during = await readdir(dir);
      },
    });
    const temporary = during.filter((entry) => entry !== 'plan.xlsx');
    expect(temporary).toHaveLength(1);
    expect(temporary[0]).toMatch(new RegExp(`^\\.plan\\.xlsx\\.${process.pid}\\.[0-9a-f]+\\.tmp$`));
    expect(await readdir(dir)).not.toContain(temporary[0]);
  });

  it('leaves the original whole, no temporary file and no backup when beforeCommit throws', async () => {
    await writeFile(workbook, 'old');
    const abort = async () => {
      throw new Error('changed meanwhile');
    };
    await expect(
      replaceFileAtomically(workbook, Buffer.from('new'), { beforeCommit: abort }),
    ).rejects.toThrow('changed meanwhile');
    expect(await readFile(workbook, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['plan.xlsx']);
    expect(await listBackups(workbook)).toEqual([]);
  });

  it('makes no backup when there was no previous file', async () => {
    await replaceFileAtomically(workbook, Buffer.from('first'));
    expect(await readFile(workbook, 'utf8')).toBe('first');
    expect(await listBackups(workbook)).toEqual([]);
    expect(await readdir(dir)).toEqual(['plan.xlsx']);
  });
});

describe('backups', () => {
  it('keeps the previous file as .productops/backups/NAME.<UTC timestamp>.xlsx', async () => {
    await writeFile(workbook, 'old');
    atTime('2025-03-04T05:06:07.089Z');
    await replaceFileAtomically(workbook, Buffer.from('new'));
    expect(backupFolderOf(workbook)).toBe(join(dir, '.productops', 'backups'));
    expect(await listBackups(workbook)).toEqual([
      join(dir, '.productops', 'backups', 'plan.20250304-050607-089.xlsx'),
    ]);
    expect(await readFile(join(backupFolderOf(workbook), 'plan.20250304-050607-089.xlsx'), 'utf8')).toBe(
      'old',
    );
  });

  it('never overwrites an existing backup: a clash gets -2, -3 …', async () => {
    await writeFile(workbook, 'v1');
    await mkdir(backupFolderOf(workbook), { recursive: true });
    const taken = join(backupFolderOf(workbook), 'plan.20250304-050607-089.xlsx');
    await writeFile(taken, 'someone else’s copy');
    atTime('2025-03-04T05:06:07.089Z');
    await replaceFileAtomically(workbook, Buffer.from('v2'));
    await replaceFileAtomically(workbook, Buffer.from('v3'));

    expect(await backupNames()).toEqual([
      'plan.20250304-050607-089-3.xlsx',
      'plan.20250304-050607-089-2.xlsx',
      'plan.20250304-050607-089.xlsx',
    ]);
    const folder = backupFolderOf(workbook);
    expect(await readFile(taken, 'utf8')).toBe('someone else’s copy');
    expect(await readFile(join(folder, 'plan.20250304-050607-089-2.xlsx'), 'utf8')).toBe('v1');
    expect(await readFile(join(folder, 'plan.20250304-050607-089-3.xlsx'), 'utf8')).toBe('v2');
  });

  it('keeps only the newest 10 of this workbook, leaving other workbooks’ backups and old .bak files alone', async () => {
    const folder = backupFolderOf(workbook);
    await mkdir(folder, { recursive: true });
    const others = Array.from(
      { length: 12 },
      (_, i) => `other.20240101-0000${String(i).padStart(2, '0')}-000.xlsx`,
    );
    for (const name of [...others, 'plan-2.20240101-000000-000.xlsx'])
      await writeFile(join(folder, name), name);
    await writeFile(`${workbook}.bak`, 'the old single backup');

    await writeFile(workbook, 'v0');
    for (let version = 1; version <= 12; version += 1) {
      atTime(`2025-01-01T00:00:${String(version).padStart(2, '0')}.000Z`);
      await replaceFileAtomically(workbook, Buffer.from(`v${version}`));
    }

    const kept = await backupNames();
    expect(kept).toHaveLength(10);
    // Newest first: the last save backed up v11, the oldest kept is v2 (v0 and v1 were removed).
    expect(kept[0]).toBe('plan.20250101-000012-000.xlsx');
    expect(kept[9]).toBe('plan.20250101-000003-000.xlsx');
    expect(await readFile(join(folder, kept[0]!), 'utf8')).toBe('v11');
    expect(await readFile(join(folder, kept[9]!), 'utf8')).toBe('v2');

    const inFolder = await readdir(folder);
    for (const name of [...others, 'plan-2.20240101-000000-000.xlsx']) expect(inFolder).toContain(name);
    expect(inFolder).toHaveLength(10 + others.length + 1);
    expect(await readFile(`${workbook}.bak`, 'utf8')).toBe('the old single backup');
  });

  it('lists nothing when there is no backup folder', async () => {
    expect(await listBackups(workbook)).toEqual([]);
  });
});

describe('assertWritable', () => {
  it('lets a writable file and a file not yet created through', async () => {
    await expect(assertWritable(workbook)).resolves.toBeUndefined();
    await writeFile(workbook, 'old');
    await expect(assertWritable(workbook)).resolves.toBeUndefined();
  });

  it('refuses a read-only file (no write bit, even for root) and leaves it untouched', async () => {
    await writeFile(workbook, 'old');
    await chmod(workbook, 0o444);
    const before = await stat(workbook);

    const attempt = assertWritable(workbook);
    await expect(attempt).rejects.toThrow(WorkbookError);
    await expect(attempt).rejects.toThrow(
      `${workbook} is read-only, so nothing was written. Make it writable (or save a writable copy and point the config at it), then run again.`,
    );
    const after = await stat(workbook);
    expect(await readFile(workbook, 'utf8')).toBe('old');
    expect({ mode: after.mode, mtimeMs: after.mtimeMs }).toEqual({
      mode: before.mode,
      mtimeMs: before.mtimeMs,
    });
    expect(await readdir(dir)).toEqual(['plan.xlsx']);
  });

  it.each([
    ['Excel', 'plan.xlsx', '~$plan.xlsx'],
    // For long names Excel drops the first two characters of the name.
    ['Excel', 'initiatives-2025.xlsx', '~$itiatives-2025.xlsx'],
    ['LibreOffice', 'plan.xlsx', '.~lock.plan.xlsx#'],
  ])('refuses a file open in %s (%s beside %s)', async (program, name, marker) => {
    const path = join(dir, name);
    await writeFile(path, 'old');
    await writeFile(join(dir, marker), 'owner');

    expect(await findOpenMarker(path)).toBe(marker);
    const markerPath = join(dir, marker);
    await expect(assertWritable(path)).rejects.toThrow(
      new WorkbookError(
        `${path} is open in ${program} (found ${markerPath}), so nothing was written: save and close it, ` +
          `then run again. If it is not open anywhere, delete ${markerPath}.`,
      ),
    );
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});

describe('removeStaleTemporaryFiles', () => {
  it('removes leftovers of dead writes and old-format ones past 10 minutes, keeping the rest', async () => {
    await writeFile(workbook, 'workbook');
    const dead = `.plan.xlsx.${deadPid()}.0123456789ab.tmp`;
    const live = `.plan.xlsx.${process.pid}.0123456789ab.tmp`;
    const liveButAncient = `.plan.xlsx.${process.pid}.ba9876543210.tmp`;
    const oldFormatAged = '.plan.xlsx.a1b2c3d4e5f6.tmp';
    const oldFormatFresh = '.plan.xlsx.f6e5d4c3b2a1.tmp';
    const unknownFresh = '.plan.xlsx.something.tmp';
    const untouchable = [
      'plan.xlsx',
      '.other.xlsx.a1b2c3d4e5f6.tmp', // another workbook's
      '.plan.xlsx.notes', // not a temporary file
      'plan.xlsx.bak',
    ];
    for (const name of [
      dead,
      live,
      liveButAncient,
      oldFormatAged,
      oldFormatFresh,
      unknownFresh,
      ...untouchable,
    ]) {
      await writeFile(join(dir, name), name);
    }
    await age(join(dir, oldFormatAged), 11 * MINUTE_MS);
    await age(join(dir, oldFormatFresh), 9 * MINUTE_MS);
    await age(join(dir, liveButAncient), 25 * 60 * MINUTE_MS);
    for (const name of untouchable) await age(join(dir, name), 48 * 60 * MINUTE_MS);
    // A folder under a temporary file's name is not something a write left behind.
    const folderNamedLikeTemporary = '.plan.xlsx.999999.abc.tmp';
    await mkdir(join(dir, folderNamedLikeTemporary));
    await age(join(dir, folderNamedLikeTemporary), 48 * 60 * MINUTE_MS);

    const removed = await removeStaleTemporaryFiles(workbook);

    expect(removed.sort()).toEqual([dead, liveButAncient, oldFormatAged].sort());
    expect((await readdir(dir)).sort()).toEqual(
      [live, oldFormatFresh, unknownFresh, folderNamedLikeTemporary, ...untouchable].sort(),
    );
  });

  it('returns nothing when the folder is gone', async () => {
    expect(await removeStaleTemporaryFiles(join(dir, 'missing', 'plan.xlsx'))).toEqual([]);
  });
});

describe('workbook errors', () => {
  it('points a damaged workbook at the backups folder', () => {
    expect(notAWorkbookError(workbook, Buffer.alloc(0), new Error('empty')).message).toBe(
      `${workbook} is empty (0 bytes), not an .xlsx workbook. Open it in Excel to repair it, ` +
        `or restore the newest copy in ${join(dir, '.productops', 'backups')}, if present.`,
    );
  });
});
