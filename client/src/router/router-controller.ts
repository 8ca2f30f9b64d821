/**
 * The History-API router as a lit ReactiveController: holds the current route (parsed from
 * `location`), re-renders its host on Back/Forward (`popstate`), and changes the address
 * with `go` (a new history entry) or `replace` (same entry: the timeline's date position).
 *
 *   private readonly router = new RouterController(this);
 *   this.router.go({ view: 'album', id, photo: null });   render() { switch (this.router.route.view) … }
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { formatRoute, parseRoute, type Route } from './route.js';

export class RouterController implements ReactiveController {
  private current: Route;
  /** How many entries this app pushed on top of the one it was opened at (Back stays in the app while > 0). */
  private depth = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    this.current = parseRoute(location.pathname, location.search);
    host.addController(this);
  }

  get route(): Route {
    return this.current;
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
  }

  /** Opens `route` as a new history entry (no-op when it is the current address). */
  go(route: Route): void {
    const url = formatRoute(route);
    if (url === this.currentUrl()) return this.set(route);
    history.pushState({ depth: ++this.depth }, '', url);
    this.set(route);
  }

  /** Changes the address without a new history entry. */
  replace(route: Route): void {
    const url = formatRoute(route);
    if (url !== this.currentUrl()) history.replaceState(history.state, '', url);
    this.set(route);
  }

  /**
   * Leaves the current entry for `fallback`: Back when the app pushed the current entry
   * (closing the viewer returns to the scrolled view), else a replace (a deep link opened cold).
   */
  back(fallback: Route): void {
    if (this.depth > 0) history.back();
    else this.replace(fallback);
  }

  private currentUrl(): string {
    return `${location.pathname}${location.search}`;
  }

  private set(route: Route): void {
    this.current = route;
    this.host.requestUpdate();
  }

  private readonly onPopState = (event: PopStateEvent): void => {
    const state = event.state as { depth?: unknown } | null;
    this.depth = typeof state?.depth === 'number' ? state.depth : 0;
    this.set(parseRoute(location.pathname, location.search));
  };
}
