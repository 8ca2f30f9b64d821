/**
 * Node side of model packs: writing a CLIP pack's manifest.json from Immich's layout (hashes,
 * sizes and the ONNX files' own signatures, checked to be CLIP's), and installing a pack folder
 * into the server's packs root (hard links where possible, else copies), with an `index.json`
 * listing what is installed. Used by `npm run models -- install <dir>` and the generators.
 *
 *   const manifest = await writeClipManifest('/tmp/ViT-B-32__openai', { id: 'ViT-B-32__openai', licence: 'MIT', source: 'https://huggingface.co/immich-app/ViT-B-32__openai' });
 *   await installPack('/tmp/ViT-B-32__openai', 'models/packs');
 */
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { CLIP_FILES, CLIP_PACK_FORMAT, parseClipPackManifest, type ClipPackManifest } from '../clip/clip-pack.js';
import { parseFacePackManifest } from '../faces/pack-manifest.js';
import { ModelPackError, ModelPackErrorReason, type PackFile } from './pack-files.js';
import { readOnnxSignature, type OnnxTensorSpec } from './onnx-signature.js';
import type { TensorSpec } from '../faces/pack-manifest.js';

export type InstalledPack = { readonly id: string; readonly kind: 'clip' | 'faces'; readonly manifest: string };

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p !== 'manifest.json')
    .sort();
};

export const hashFiles = async (dir: string): Promise<PackFile[]> =>
  Promise.all(
    (await listFiles(dir)).map(async (path) => {
      const bytes = await readFile(join(dir, path));
      return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
    }),
  );

const asSpecs = (specs: readonly OnnxTensorSpec[], label: string): TensorSpec[] =>
  specs.map((s) => {
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new ModelPackError(ModelPackErrorReason.wrongShape, `${label}: tensor ${s.name} is ${s.dtype}; a CLIP pack takes float32 images and int32 tokens`);
    return { name: s.name, shape: s.shape, dtype: s.dtype };
  });

const expectIo = (label: string, io: { inputs: OnnxTensorSpec[]; outputs: OnnxTensorSpec[] }, input: string, rank: number): void => {
  const names = (list: OnnxTensorSpec[]): string => list.map((t) => `${t.name}[${t.shape.join(',')}]`).join(' ');
  if (io.inputs.length !== 1 || io.inputs[0]?.name !== input || io.inputs[0].shape.length !== rank) throw new ModelPackError(ModelPackErrorReason.wrongShape, `${label}: expected one input ${input} of rank ${rank}, found ${names(io.inputs)}`);
  if (io.outputs.length !== 1 || io.outputs[0]?.name !== 'embedding' || io.outputs[0].shape.length !== 2) throw new ModelPackError(ModelPackErrorReason.wrongShape, `${label}: expected one output embedding [N, D], found ${names(io.outputs)}`);
};

/** Writes manifest.json for a CLIP pack folder in Immich's layout; returns it. */
export const writeClipManifest = async (dir: string, meta: { id: string; licence: string; source: string }): Promise<ClipPackManifest> => {
  for (const path of Object.values(CLIP_FILES)) {
    if (!(await exists(join(dir, path)))) throw new ModelPackError(ModelPackErrorReason.missingFile, `${dir}: a CLIP pack needs ${path}`);
  }
  const visual = readOnnxSignature(await readFile(join(dir, CLIP_FILES.visual)), CLIP_FILES.visual);
  const textual = readOnnxSignature(await readFile(join(dir, CLIP_FILES.textual)), CLIP_FILES.textual);
  expectIo(CLIP_FILES.visual, visual, 'image', 4);
  expectIo(CLIP_FILES.textual, textual, 'text', 2);
  const manifest = {
    format: CLIP_PACK_FORMAT,
    kind: 'clip',
    id: meta.id,
    licence: meta.licence,
    source: meta.source,
    models: {
      visual: { file: CLIP_FILES.visual, inputs: asSpecs(visual.inputs, CLIP_FILES.visual), outputs: asSpecs(visual.outputs, CLIP_FILES.visual) },
      textual: { file: CLIP_FILES.textual, inputs: asSpecs(textual.inputs, CLIP_FILES.textual), outputs: asSpecs(textual.outputs, CLIP_FILES.textual) },
    },
    files: await hashFiles(dir),
  } as const;
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return parseClipPackManifest(manifest);
};

const PACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Copies (hard-links) a pack folder into `root/<id>`, writing a CLIP manifest when the folder is
 * in Immich's CLIP layout and has none, verifying every listed hash, and updating root/index.json.
 */
export const installPack = async (from: string, root: string, options: { id?: string; licence?: string; source?: string } = {}): Promise<InstalledPack> => {
  const hasManifest = await exists(join(from, 'manifest.json'));
  const isClip = await exists(join(from, CLIP_FILES.config));
  const isFaces = (await exists(join(from, 'detection', 'model.onnx'))) && (await exists(join(from, 'recognition', 'model.onnx')));
  if (!isClip && !isFaces) throw new ModelPackError(ModelPackErrorReason.missingFile, `${from}: neither a CLIP pack (config.json, visual/, textual/) nor a face pack (detection/, recognition/)`);
  let id = options.id ?? basename(from);
  if (hasManifest) {
    const manifest: unknown = JSON.parse(await readFile(join(from, 'manifest.json'), 'utf8'));
    id = options.id ?? (isClip ? parseClipPackManifest(manifest).id : parseFacePackManifest(manifest).id);
  }
  if (!PACK_ID.test(id)) throw new ModelPackError(ModelPackErrorReason.badManifest, `pack id ${JSON.stringify(id)} must be letters, digits, '.', '_' or '-'`);
  const target = join(root, id);
  const inPlace = resolve(target) === resolve(from);
  if (!inPlace) await rm(target, { recursive: true, force: true });
  for (const path of inPlace ? [] : await listFiles(from)) {
    const destination = join(target, path);
    await mkdir(join(destination, '..'), { recursive: true });
    await link(join(from, path), destination).catch(() => copyFile(join(from, path), destination));
  }
  if (hasManifest && !inPlace) await copyFile(join(from, 'manifest.json'), join(target, 'manifest.json'));
  else if (hasManifest) {
    // Already in place: nothing to copy.
  }
  else if (isClip) await writeClipManifest(target, { id, licence: options.licence ?? 'see source', source: options.source ?? from });
  else throw new ModelPackError(ModelPackErrorReason.badManifest, `${from}: a face pack needs a manifest.json (build one with npm run face-pack)`);
  // Verify what is now installed against its manifest.
  const manifest: unknown = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8'));
  const files = isClip ? parseClipPackManifest(manifest).files : parseFacePackManifest(manifest).files;
  const actual = new Map((await hashFiles(target)).map((f) => [f.path, f]));
  for (const file of files) {
    const found = actual.get(file.path);
    if (found === undefined) throw new ModelPackError(ModelPackErrorReason.missingFile, `${target}: ${file.path} is missing`);
    if (found.sha256 !== file.sha256 || found.bytes !== file.bytes) throw new ModelPackError(ModelPackErrorReason.hashMismatch, `${target}: ${file.path} does not match its manifest`);
  }
  const entry: InstalledPack = { id, kind: isClip ? 'clip' : 'faces', manifest: `${id}/manifest.json` };
  const indexPath = join(root, 'index.json');
  const index: InstalledPack[] = (await exists(indexPath)) ? (JSON.parse(await readFile(indexPath, 'utf8')) as { packs: InstalledPack[] }).packs : [];
  const packs = [...index.filter((p) => p.id !== id), entry].sort((a, b) => a.id.localeCompare(b.id));
  await writeFile(indexPath, `${JSON.stringify({ packs }, null, 2)}\n`);
  return entry;
};
