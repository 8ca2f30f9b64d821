// `npm start` rebuilds the PWA only when a build input changed: the hash it compares.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientBuildHash } from './ensure.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tree = (files: Record<string, string>): string => {
  const base = mkdtempSync(join(tmpdir(), 'shoebox-build-hash-'));
  dirs.push(base);
  for (const [path, text] of Object.entries(files)) write(base, path, text);
  return base;
};
const write = (base: string, path: string, text: string): void => {
  mkdirSync(dirname(join(base, path)), { recursive: true });
  writeFileSync(join(base, path), text);
};

describe('clientBuildHash', () => {
  it('changes with a source’s content, not with its mtime, and ignores tests and other folders', () => {
    const base = tree({ 'client/src/main.ts': 'a', 'protocol/src/x.ts': 'b', 'models/src/m.ts': 'c', 'vite.config.ts': 'v', 'package-lock.json': '{}' });
    const before = clientBuildHash(base);
    utimesSync(join(base, 'client/src/main.ts'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    write(base, 'client/src/main.test.ts', 'test');
    write(base, 'sync-server/src/relay.ts', 'server');
    expect(clientBuildHash(base)).toBe(before);
    for (const [path, text] of [['client/src/main.ts', 'a2'], ['protocol/src/x.ts', 'b2'], ['models/src/m.ts', 'c2'], ['vite.config.ts', 'v2'], ['package-lock.json', '{ }'], ['client/src/new.ts', 'n']]) {
      const was = clientBuildHash(base);
      write(base, path!, text!);
      expect(clientBuildHash(base), path).not.toBe(was);
    }
  });

  it('sees a model pack change by size and mtime', () => {
    const base = tree({ 'models/packs/face/model.onnx': 'weights' });
    const before = clientBuildHash(base);
    utimesSync(join(base, 'models/packs/face/model.onnx'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(clientBuildHash(base)).not.toBe(before);
  });
});
