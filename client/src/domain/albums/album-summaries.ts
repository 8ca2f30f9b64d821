/**
 * What the Albums page and an album page show, read from the catalog through the protocol's
 * album functions: name, member count, cover (the chosen one, else the first member), the date
 * range of the members, and the album's photos as a TimelineView in album order (SPEC A4).
 *
 *   const cards = albumSummaries(doc, (id) => catalog.get(id));
 *   html`<sbx-timeline-view .view=${orderedView(album.assets.flatMap((id) => catalog.get(id) ?? []))}>`
 */
import type * as Y from 'yjs';
import { dayOf, listAlbums, type Album, type AssetId, type CatalogAsset } from '../../../../protocol/src/index.js';
import { TimelineFilter, type DayRun, type TimelineView } from '../catalog/timeline-index.js';

export interface AlbumSummary {
  readonly id: string;
  readonly name: string;
  readonly count: number;
  readonly cover: CatalogAsset | undefined;
  /** `YYYY-MM-DD` of the oldest and newest member (null when the album is empty). */
  readonly from: string | null;
  readonly to: string | null;
  readonly createdAt: number;
}

/** Members the catalog has and that are not in the trash, in album order. */
export const albumMembers = (album: Album, get: (id: AssetId) => CatalogAsset | undefined): CatalogAsset[] =>
  album.assets.flatMap((id) => {
    const asset = get(id);
    return asset && asset.trashedAt === null ? [asset] : [];
  });

export const summarizeAlbum = (album: Album, get: (id: AssetId) => CatalogAsset | undefined): AlbumSummary => {
  const members = albumMembers(album, get);
  let from: string | null = null;
  let to: string | null = null;
  for (const asset of members) {
    const day = dayOf(asset);
    if (from === null || day < from) from = day;
    if (to === null || day > to) to = day;
  }
  const chosen = album.cover === null ? undefined : members.find((a) => a.id === album.cover);
  return { id: album.id, name: album.name, count: members.length, cover: chosen ?? members[0], from, to, createdAt: album.createdAt };
};

/** Every visible album, newest first. */
export const albumSummaries = (doc: Y.Doc, get: (id: AssetId) => CatalogAsset | undefined): AlbumSummary[] =>
  listAlbums(doc)
    .map((album) => summarizeAlbum(album, get))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));

/** A TimelineView over assets in the given order (one run per stretch of the same day). */
export const orderedView = (assets: readonly CatalogAsset[]): TimelineView => {
  const runs: DayRun[] = [];
  assets.forEach((asset, i) => {
    const day = dayOf(asset);
    const last = runs.at(-1);
    if (last?.day === day) runs[runs.length - 1] = { ...last, count: last.count + 1 };
    else runs.push({ day, start: i, count: 1 });
  });
  const position = new Map<AssetId, number>(assets.map((a, i) => [a.id, i]));
  return { filter: TimelineFilter.all, count: assets.length, runs, at: (i) => assets[i], order: assets, position };
};

/** A fresh album id: 16 url-safe random characters (SPEC A5: ids are random). */
export const newAlbumId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
};
