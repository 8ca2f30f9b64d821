/**
 * The signed-in library's services, provided once by the library view through `@lit/context`
 * instead of being passed down as properties through every component in between. A leaf that
 * needs one asks for it with a consumer controller (it re-renders when the value changes, e.g.
 * on sign-out or when another user signs in).
 *
 *   // provider (library-view): new ContextProvider(this, { context: thumbStoreContext, initialValue: null })
 *   private readonly thumbs = consumeThumbStore(this);   …   this.thumbs.value?.urlFor(hash)
 */
import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import type { ThumbStore } from '../domain/storage/thumb-store.js';

/** This device's thumbnail cache and fetcher (null while signed out). */
export const thumbStoreContext = createContext<ThumbStore | null>(Symbol('shoebox.thumb-store'));

/** Subscribes `host` to the thumb store; `.value` is undefined until a provider answers. */
export const consumeThumbStore = (host: ReactiveControllerHost & HTMLElement) => new ContextConsumer(host, { context: thumbStoreContext, subscribe: true });
