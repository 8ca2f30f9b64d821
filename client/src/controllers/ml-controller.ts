/**
 * Owns the library's on-device ML session (indexing, people, search) for a host element: opens it
 * when the library is bound, re-renders the host (at most once a frame) when progress, people or
 * names change, and runs searches so components only render results.
 *
 *   private ml = new MlController(this, () => this.library);
 *   this.ml.progress; this.ml.people(); this.ml.mergePeople(other, id); await this.ml.runSearch('dog', { favorite: true });
 */
import { openMlSession, type MlSession } from '../domain/ml/ml-session.js';
import type { IndexProgress } from '../domain/ml/ml-indexer.js';
import type { PersonCluster } from '../domain/ml/people-index.js';
import type { SearchFilters, SearchResult } from '../domain/ml/smart-search.js';
import type { LibrarySession } from '../domain/library-session.js';
import type { UserId } from '../../../protocol/src/index.js';
import { LibraryBoundController } from './library-bound-controller.js';

export class MlController extends LibraryBoundController {
  private session: MlSession | null = null;
  /** The last search's result; null before the first. */
  searchResult: SearchResult | null = null;
  searchError: string | null = null;
  private searchSeq = 0;

  get progress(): IndexProgress | null {
    return this.session?.indexer.progress ?? null;
  }

  /** The installed CLIP pack (null: none; undefined: not known yet). */
  get clipPack(): string | null | undefined {
    return this.session?.clipPack;
  }

  /** The text read in a photo (OCR), in reading order; empty when none or not indexed yet. */
  textIn(assetId: string): readonly string[] {
    return this.session?.texts.linesOf(assetId).map((line) => line.text) ?? [];
  }

  /** Persons, most photos first; hidden ones only with `{ hidden: true }`. */
  people(options?: { readonly hidden?: boolean }): PersonCluster[] {
    return this.session?.people.list(options) ?? [];
  }

  person(id: string): PersonCluster | undefined {
    return this.session?.people.get(id);
  }

  /** Names a person; returns its (possibly new) id. */
  namePerson(id: string, name: string): string {
    return this.people_().name(id, name);
  }

  /** Hides or shows a person; returns its (possibly new) id. */
  hidePerson(id: string, hidden: boolean): string {
    return this.people_().setHidden(id, hidden);
  }

  /** Merges `from` into `into` (Immich's "Merge with…" on `into`'s page); returns `into`'s id. */
  mergePeople(from: string, into: string): string {
    return this.people_().merge(from, into);
  }

  /** Takes a face away from its person. */
  removeFace(faceKey: string): void {
    this.people_().removeFace(faceKey);
  }

  /** Moves a face to another person; returns that person's (possibly new) id. */
  moveFace(faceKey: string, to: string): string {
    return this.people_().moveFace(faceKey, to);
  }

  private people_() {
    if (!this.session) throw new Error('not signed in');
    return this.session.people;
  }

  /** Starts the ML worker ahead of a search (the search box got focus). */
  warm(): void {
    this.session?.warm();
  }

  async runSearch(query: string, filters: SearchFilters): Promise<void> {
    const session = this.session;
    if (!session) return;
    const seq = ++this.searchSeq;
    try {
      const result = await session.search.run(query, filters);
      if (seq !== this.searchSeq) return;
      this.searchResult = result;
      this.searchError = null;
    } catch (error) {
      if (seq !== this.searchSeq) return;
      this.searchError = error instanceof Error ? error.message : String(error);
    }
    this.host.requestUpdate();
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    this.searchResult = null;
    if (!library) return undefined;
    const session = openMlSession({
      doc: library.catalog.doc,
      user: library.session.user.id as UserId,
      getToken: () => library.session.token,
      localThumb: async (hash) => (await library.db.thumbs.get(hash).catch(() => undefined))?.blob ?? null,
      localThumbs: async (hashes) => new Set((await library.db.thumbs.where('hash').anyOf([...hashes]).primaryKeys().catch(() => [])) as string[]),
    });
    this.session = session;
    const off = session.onChange(() => this.requestFrameUpdate());
    return () => {
      off();
      session.close();
      if (this.session === session) this.session = null;
    };
  }
}
