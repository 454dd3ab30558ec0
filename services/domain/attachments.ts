/**
 * Attachments: the type is decided by the content's magic bytes (never by the client's name or
 * Content-Type), the file is stored under a generated name (so no client string ever reaches a
 * path), and its SM3 digest is kept for integrity checks.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { sm3 } from '../audit/audit-log';
import { HttpError, notFound } from '../http/problem';
import { AttachmentEntity, type Attachment, type AttachmentKind } from './entities';

export interface DetectedType {
  ext: 'pdf' | 'docx' | 'xlsx' | 'png' | 'jpg' | 'ofd';
  mediaType: string;
}

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** Names of the entries in a ZIP's central directory (enough to tell OOXML and OFD apart). */
function zipEntryNames(buf: Buffer): string[] {
  const names: string[] = [];
  // End of central directory record: signature PK\x05\x06, searched from the end (comment ≤ 64 KiB)
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return names;
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && off + 46 <= buf.length; n++) {
    if (buf.readUInt32LE(off) !== 0x02014b50) break;
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    names.push(buf.toString('utf8', off + 46, Math.min(buf.length, off + 46 + nameLen)));
    off += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** PDF, DOCX, XLSX, OFD (GB/T 33190, a ZIP with OFD.xml), PNG, JPEG — or null. */
export function detectType(buf: Buffer): DetectedType | null {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { ext: 'pdf', mediaType: 'application/pdf' };
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ext: 'png', mediaType: 'image/png' };
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { ext: 'jpg', mediaType: 'image/jpeg' };
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(buf);
    if (names.includes('[Content_Types].xml') && names.some((n) => n.startsWith('word/'))) {
      return { ext: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
    }
    if (names.includes('[Content_Types].xml') && names.some((n) => n.startsWith('xl/'))) {
      return { ext: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    }
    if (names.includes('OFD.xml')) return { ext: 'ofd', mediaType: 'application/ofd' };
  }
  return null;
}

/**
 * Keeps the last path segment of a client-supplied name, without control or reserved characters;
 * it is only ever shown and sent back in Content-Disposition, never used as a path.
 */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const chars = [...cleaned];
  return (chars.length > 120 ? chars.slice(chars.length - 120) : chars).join('') || 'file';
}

export interface AttachmentView {
  id: number;
  projectId: number;
  kind: AttachmentKind;
  originalName: string;
  mediaType: string;
  size: number;
  sm3: string;
  uploadedBy: number;
  uploadedAt: string;
}

export function attachmentView(a: Attachment): AttachmentView {
  return {
    id: a.id,
    projectId: a.projectId,
    kind: a.kind,
    originalName: a.originalName,
    mediaType: a.mediaType,
    size: a.size,
    sm3: a.sm3,
    uploadedBy: a.uploadedBy,
    uploadedAt: a.uploadedAt,
  };
}

export class AttachmentService {
  constructor(
    private readonly ds: DataSource,
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async store(
    projectId: number,
    kind: AttachmentKind,
    file: { originalname: string; buffer: Buffer },
    userId: number,
  ): Promise<AttachmentView> {
    if (file.buffer.length === 0) throw new HttpError(400, '文件为空');
    if (file.buffer.length > this.maxBytes) throw new HttpError(413, `文件超过大小上限 ${this.maxBytes} 字节`);
    const type = detectType(file.buffer);
    if (!type) throw new HttpError(415, '不支持的文件类型：仅接受 PDF、OFD、DOCX、XLSX、PNG、JPEG（按文件内容识别）');
    const storedName = `${crypto.randomUUID()}.${type.ext}`;
    await fs.mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, storedName);
    await fs.writeFile(target, file.buffer, { flag: 'wx', mode: 0o640 });
    try {
      const res = await this.ds.getRepository(AttachmentEntity).insert({
        projectId,
        kind,
        originalName: sanitiseFileName(file.originalname),
        storedName,
        mediaType: type.mediaType,
        size: file.buffer.length,
        sm3: sm3(file.buffer),
        uploadedBy: userId,
        uploadedAt: this.now().toISOString(),
      });
      return attachmentView(await this.get(Number(res.identifiers[0]!.id)));
    } catch (err) {
      await fs.rm(target, { force: true });
      throw err;
    }
  }

  async get(id: number): Promise<Attachment> {
    const a = await this.ds.getRepository(AttachmentEntity).findOneBy({ id });
    if (!a) throw notFound('附件不存在');
    return a;
  }

  async list(projectId: number): Promise<AttachmentView[]> {
    const rows = await this.ds.getRepository(AttachmentEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    return rows.map(attachmentView);
  }

  /** The content, verified against its SM3 digest so tampering on disk is noticed. */
  async content(a: Attachment): Promise<Buffer> {
    const buf = await fs.readFile(path.join(this.dir, path.basename(a.storedName)));
    if (sm3(buf) !== a.sm3) throw new HttpError(500, '附件完整性校验失败（SM3 不一致）');
    return buf;
  }
}
