import { describe, expect, it } from 'vitest';
import type { AssetId } from '../../../protocol/src/index.js';
import { MAX_SEGMENT, formatRoute, parseRoute, sectionOf, withoutPhoto, type Route } from './route.js';

const photo = 'a3f9c2e1-0b7d-4c55-9e4a-1f2b3c4d5e6f' as AssetId;
const parse = (url: string): Route => {
  const u = new URL(url, 'http://x');
  return parseRoute(u.pathname, u.search);
};

describe('routes', () => {
  const cases: [string, Route][] = [
    ['/', { view: 'timeline', at: null, photo: null }],
    ['/?at=2024-07-14', { view: 'timeline', at: '2024-07-14', photo: null }],
    [`/photos/${photo}`, { view: 'timeline', at: null, photo }],
    ['/favorites', { view: 'favorites', photo: null }],
    [`/favorites/photos/${photo}`, { view: 'favorites', photo }],
    ['/trash', { view: 'trash', photo: null }],
    ['/albums', { view: 'albums', photo: null }],
    ['/albums/al-1', { view: 'album', id: 'al-1', photo: null }],
    [`/albums/al-1/photos/${photo}`, { view: 'album', id: 'al-1', photo }],
    ['/people', { view: 'people', photo: null }],
    ['/people/p%201', { view: 'person', id: 'p 1', photo: null }],
    [`/people/p7/photos/${photo}`, { view: 'person', id: 'p7', photo }],
    ['/search?q=beach', { view: 'search', q: 'beach', filters: {}, photo: null }],
    [
      '/search?q=dog+%26+cat&favorite=1&kind=video&from=2020-01-01&to=2021-12-31&camera=Canon&person=p7',
      { view: 'search', q: 'dog & cat', filters: { favorite: true, kind: 'video', from: '2020-01-01', to: '2021-12-31', camera: 'Canon', person: 'p7' }, photo: null },
    ],
    [`/search/photos/${photo}?q=beach`, { view: 'search', q: 'beach', filters: {}, photo }],
    ['/admin/jobs', { view: 'adminJobs', photo: null }],
  ];

  it.each(cases)('%s parses and formats back to itself', (url, route) => {
    expect(parse(url)).toEqual(route);
    expect(formatRoute(route)).toBe(url);
  });

  it('answers notFound for unknown paths instead of throwing', () => {
    for (const url of ['/nope', '/albums/a/b', '/trash/x', '/admin', '/admin/users/x', '/albums/%E0%A4%A', `/albums/${'x'.repeat(MAX_SEGMENT + 1)}`, '/albums/a%2Fb', '/admin/jobs/photos/x']) {
      expect(parse(url).view, url).toBe('notFound');
    }
  });

  it('ignores malformed query values rather than trusting them', () => {
    expect(parse('/?at=2024-13-01')).toEqual({ view: 'timeline', at: null, photo: null });
    expect(parse('/?at=yesterday')).toEqual({ view: 'timeline', at: null, photo: null });
    expect(parse('/search?q=x&kind=exe&from=soon&favorite=yes')).toEqual({ view: 'search', q: 'x', filters: {}, photo: null });
  });

  it('drops the date position while the viewer is open and keeps it when it closes', () => {
    const open: Route = { view: 'timeline', at: '2024-07-14', photo };
    expect(formatRoute(open)).toBe(`/photos/${photo}`);
    expect(formatRoute(withoutPhoto(open))).toBe('/?at=2024-07-14');
  });

  it('names the toolbar section of nested views', () => {
    expect(sectionOf(parse('/albums/a'))).toBe('albums');
    expect(sectionOf(parse('/people/p'))).toBe('people');
    expect(sectionOf(parse('/trash'))).toBe('trash');
  });
});
