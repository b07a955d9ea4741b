/**
 * The one place where file-system and package-format failures become `WorkbookError`s: a message a PM can
 * act on, naming the file, with the original error kept as `cause`.
 */
import { WorkbookError } from '../../shared/errors.js';
import { WorkbookChangedError } from '../sheet-store.js';
import { backupFolderOf } from './workbook-file.js';

export type FileAction = 'read' | 'write' | 'create';

const VERBS: Record<FileAction, string> = { read: 'read', write: 'save', create: 'create' };

/** Translates a failure while reading or saving `path`; our own errors pass through unchanged. */
export function toWorkbookError(error: unknown, path: string, action: FileAction): Error {
  if (error instanceof WorkbookError || error instanceof WorkbookChangedError) return error;
  const verb = VERBS[action];
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (() => {
    switch (code) {
      case 'ENOENT':
        return action === 'read'
          ? `No workbook at ${path}. Check the path in the config, or run \`productops init\` to create it.`
          : `Cannot ${verb} ${path}: its folder does not exist or was removed.`;
      case 'EACCES':
      case 'EPERM':
        return `Cannot ${verb} ${path}: permission denied. Check that you may edit the file and its folder; if it is open in Excel, close it and run again.`;
      case 'EBUSY':
      case 'ETXTBSY':
        return `Cannot ${verb} ${path}: another program has it locked (is it open in Excel?). Close it there and run again.`;
      case 'ENOSPC':
      case 'EDQUOT':
        return `Cannot ${verb} ${path}: the disk is full. Free some space and run again; the workbook was not changed.`;
      case 'EROFS':
        return `Cannot ${verb} ${path}: it is on a read-only drive.`;
      case 'EISDIR':
        return `${path} is a folder, not an .xlsx file. Point the config at the workbook file itself.`;
      case 'ENOTDIR':
        return `Cannot ${verb} ${path}: a part of the path is a file, not a folder.`;
      default:
        return `Cannot ${verb} ${path}: ${error instanceof Error ? error.message : String(error)}`;
    }
  })();
  return new WorkbookError(message, { cause: error });
}

/** The bytes are not a readable workbook package: say what the file probably is instead. */
export function notAWorkbookError(path: string, bytes: Buffer, cause: unknown): WorkbookError {
  const restore = `Open it in Excel to repair it, or restore the newest copy in ${backupFolderOf(path)}, if present.`;
  let message: string;
  if (bytes.length === 0) {
    message = `${path} is empty (0 bytes), not an .xlsx workbook. ${restore}`;
  } else if (bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    // The OLE compound-file signature: a legacy .xls, or any password-protected Office file.
    message =
      `${path} is a legacy .xls file or a password-protected workbook; only unprotected .xlsx files can be used. ` +
      'In Excel, use File → Save As → Excel Workbook (.xlsx), without a password.';
  } else if (!bytes.subarray(0, 2).equals(Buffer.from('PK'))) {
    message = `${path} is not an .xlsx workbook (an .xlsx file is a zip archive; this one is not). ${restore}`;
  } else {
    const detail = cause instanceof Error ? cause.message : String(cause);
    message = `${path} is damaged and could not be opened as an .xlsx workbook (${detail}). ${restore}`;
  }
  return new WorkbookError(message, { cause });
}
