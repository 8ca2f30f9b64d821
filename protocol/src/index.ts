/**
 * Shoebox protocol: ids, wire messages, catalog schema and HTTP shapes. Imports nothing of ours.
 *
 *   import { encodeMessage, decodeMessage, MessageType } from '../../protocol/src/index.js'
 */
export * from './ids.js';
export * from './errors.js';
export * from './messages.js';
export * from './catalog.js';
export * from './catalog-albums.js';
export * from './catalog-deletion.js';
export * from './catalog-tags.js';
export * from './catalog-dates.js';
export * from './catalog-stacks.js';
export * from './http.js';
export * from './yws.js';
export * from './random.js';
export * from './shared-album.js';
export * from './room-schema.js';
