/**
 * Request body reading with hard size limits, JSON parsing and multipart (deployment) parsing.
 * Multipart uses the platform's own parser (undici's Request#formData), so no parser of ours
 * sits in front of hostile uploads.
 */
import type { IncomingMessage } from 'node:http';
import type { DeployResource } from '../runtime/api';
import { badRequest, malformedBody, payloadTooLarge, unsupportedMediaType } from './problem';

export const LIMITS = {
  /** a JSON command or query; Zeebe's default max message size is 4 MB */
  jsonBytes: 4 * 1024 * 1024,
  deploymentBytes: 10 * 1024 * 1024,
  resourceBytes: 4 * 1024 * 1024,
  resourcesPerDeployment: 100,
};

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(payloadTooLarge(`Request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(payloadTooLarge(`Request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

export function parseJson(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/([\w.+-]*\+)?json\b/.test(type)) {
    throw unsupportedMediaType(`Content-Type '${type || '(none)'}' is not supported, expected application/json`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw malformedBody(`Failed to read request: ${(err as Error).message}`);
  }
}

export interface DeploymentUpload {
  resources: DeployResource[];
  tenantId?: string;
}

export async function parseDeployment(req: IncomingMessage, raw: Buffer): Promise<DeploymentUpload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw unsupportedMediaType(`Content-Type '${type || '(none)'}' is not supported, expected multipart/form-data`);
  }
  let form: FormData;
  try {
    form = await new Request('http://engine.local/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Blob([new Uint8Array(raw)]),
    }).formData();
  } catch (err) {
    throw malformedBody(`Failed to read multipart request: ${(err as Error).message}`);
  }
  const upload: DeploymentUpload = { resources: [] };
  const parts: [string, FormDataEntryValue][] = [];
  form.forEach((value, name) => parts.push([name, value]));
  for (const [name, value] of parts) {
    if (name === 'tenantId' && typeof value === 'string') {
      upload.tenantId = value;
    } else if (name === 'resources' && typeof value !== 'string') {
      if (value.size > LIMITS.resourceBytes) {
        throw payloadTooLarge(`Resource '${value.name}' has ${value.size} bytes, the limit is ${LIMITS.resourceBytes}`);
      }
      if (!value.name) throw badRequest('Every resource needs a file name (its extension decides its kind)');
      upload.resources.push({ name: value.name, content: Buffer.from(await value.arrayBuffer()) });
    } else {
      throw badRequest(`Unexpected multipart part '${name.slice(0, 60)}'; expected 'resources' files and 'tenantId'`);
    }
  }
  if (upload.resources.length === 0) throw badRequest('No resources given: send at least one file part "resources"');
  if (upload.resources.length > LIMITS.resourcesPerDeployment) {
    throw badRequest(`At most ${LIMITS.resourcesPerDeployment} resources per deployment`);
  }
  return upload;
}
