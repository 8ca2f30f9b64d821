/**
 * Installing packs: an Immich-layout CLIP folder without a manifest gets one (hashes, sizes,
 * signatures) and lands in the packs root with index.json; a tampered file is refused; the
 * CLI reports errors by reason and exits non-zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_CLIP, writeGeneratedClipPack } from '../clip/generate/clip-pack-writer.js';
import { installPack } from './install-pack.js';
import { ModelPackError } from './pack-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'install-pack-'));
  await writeGeneratedClipPack({ outDir: join(dir, 'ViT-tiny'), id: 'ignored', spec: TINY_CLIP });
  await rm(join(dir, 'ViT-tiny', 'manifest.json'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('installPack', () => {
  it('writes a manifest for an Immich-layout CLIP folder and lists it in index.json', async () => {
    const root = join(dir, 'root');
    const pack = await installPack(join(dir, 'ViT-tiny'), root, { licence: 'MIT', source: 'https://huggingface.co/immich-app/ViT-B-32__openai' });
    expect(pack).toEqual({ id: 'ViT-tiny', kind: 'clip', manifest: 'ViT-tiny/manifest.json' });
    const manifest = JSON.parse(await readFile(join(root, 'ViT-tiny', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'clip', id: 'ViT-tiny', licence: 'MIT' });
    expect(manifest.files).toHaveLength(6);
    expect(JSON.parse(await readFile(join(root, 'index.json'), 'utf8'))).toEqual({ packs: [pack] });
  });

  it('refuses a pack whose files do not match its manifest', async () => {
    const root = join(dir, 'root2');
    await installPack(join(dir, 'ViT-tiny'), root);
    const installed = join(root, 'ViT-tiny');
    await writeFile(join(installed, 'textual', 'tokenizer_config.json'), '{"pad_token":"x"}');
    const error = await installPack(installed, join(dir, 'root3')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelPackError);
    expect((error as ModelPackError).reason).toBe('hash-mismatch');
  });

  it('the CLI installs, lists, and explains a bad folder with a non-zero exit', async () => {
    const root = join(dir, 'cli');
    const cli = (...args: string[]): string => execFileSync('npx', ['tsx', 'models/scripts/models-cli.ts', ...args, '--root', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(cli('install', join(dir, 'ViT-tiny'), '--id', 'tiny-clip')).toMatch(/installed clip pack tiny-clip/);
    expect(cli('list')).toMatch(/^tiny-clip\tclip$/m);
    let failure: { status?: number; stderr?: string } = {};
    try {
      cli('install', join(dir, 'nothing-here'));
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr).toMatch(/missing-file: .*neither a CLIP pack/);
  });
});
