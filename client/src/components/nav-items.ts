/**
 * The library's sections as links, shared by the top toolbar (laptop) and the bottom
 * navigation bar (phone): real `<a href>` elements, so a long-press or middle-click opens the
 * address, while a plain click navigates in place (`sbx-navigate` with the route).
 *
 *   html`<nav>${navLinks(section, 'nav')}</nav>`   // test ids nav-photos, nav-albums, …
 */
import { html } from 'lit';
import { RouteView, formatRoute, type Route } from '../router/route.js';
import { icons } from './icons.js';

interface NavItem {
  readonly route: Route;
  readonly label: string;
  readonly icon: unknown;
  readonly id: string;
  /** Shown in the laptop toolbar and the account menu, not in the phone's bottom bar (five tabs at most). */
  readonly secondary?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { route: { view: RouteView.timeline, at: null, photo: null }, label: 'Photos', icon: icons.image, id: 'photos' },
  { route: { view: RouteView.favorites, photo: null }, label: 'Favourites', icon: icons.heartOutline, id: 'favorites' },
  { route: { view: RouteView.albums, photo: null }, label: 'Albums', icon: icons.album, id: 'albums' },
  { route: { view: RouteView.people, photo: null }, label: 'People', icon: icons.people, id: 'people' },
  { route: { view: RouteView.recent, photo: null }, label: 'Recently added', icon: icons.upload, id: 'recent', secondary: true },
  { route: { view: RouteView.archive, photo: null }, label: 'Archive', icon: icons.photos, id: 'archive', secondary: true },
  { route: { view: RouteView.trash, photo: null }, label: 'Trash', icon: icons.trash, id: 'trash' },
];

/** Asks the library to open `route` (the library view owns the router). */
export const navigate = (from: EventTarget, route: Route): void => {
  from.dispatchEvent(new CustomEvent('sbx-navigate', { detail: route, bubbles: true, composed: true }));
};

/** One link per section; `current` is marked with aria-current. */
export const navLinks = (current: RouteView, testIdPrefix: string, { secondary = true }: { secondary?: boolean } = {}) =>
  NAV_ITEMS.filter((item) => secondary || item.secondary !== true).map(
    (item) => html`<a class=${item.secondary === true ? 'nav-link secondary' : 'nav-link'} title=${item.label} href=${formatRoute(item.route)} aria-label=${item.label} aria-current=${current === item.route.view ? 'page' : 'false'} data-testid="${testIdPrefix}-${item.id}"
      @click=${(e: MouseEvent) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(e.currentTarget as EventTarget, item.route);
      }}>${item.icon}<span class="label">${item.label}</span></a>`,
  );
