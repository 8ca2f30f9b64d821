/* global URL, Buffer, console */
// Regenerates client/public/icons/*.png from one SVG with sharp: `node client/tools/make-icons.mjs`.
// The PNGs are committed; this script documents how they were made.
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';

const out = (name) => fileURLToPath(new URL(`../public/icons/${name}`, import.meta.url));
const glyph = `<g fill="#8ab4f8"><rect x="150" y="180" width="260" height="200" rx="24" fill="none" stroke="#8ab4f8" stroke-width="22"/>
  <path d="M120 220v180a30 30 0 0 0 30 30h230v-22H150a8 8 0 0 1-8-8V220z"/><circle cx="215" cy="235" r="22"/>
  <path d="M170 360l60-70 40 45 40-55 75 80z"/></g>`;
const svg = (radius, scale) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" rx="${radius}" fill="#111318"/>
  <g transform="translate(256 256) scale(${scale}) translate(-270 -300)">${glyph}</g></svg>`);

await sharp(svg(112, 1.25)).resize(192, 192).png().toFile(out('icon-192.png'));
await sharp(svg(112, 1.25)).resize(512, 512).png().toFile(out('icon-512.png'));
await sharp(svg(0, 0.95)).resize(512, 512).png().toFile(out('icon-maskable-512.png'));
console.log('icons written');
