/** Text in photos is found by parts of words, ignoring case, accents and OCR's spacing, and says which line matched. */
import { describe, expect, it } from 'vitest';
import { createTextIndex, foldText } from './text-index.js';

const line = (text: string) => ({ text, score: 0.9, box: new Float32Array(8) });

describe('text index', () => {
  const index = createTextIndex();
  index.add('beer', ['MAIN STAY', 'BIGBRIGHT', 'achbrewing', 'Mother-in-Lager'].map(line));
  index.add('book', ['Yanında rahatça sesli düşünebildiğin', 'A. Ali Ural'].map(line));
  index.add('none', []);

  it('matches partial words, any case, and explains with the matched line', () => {
    expect(index.match('brew')).toEqual(new Map([['beer', 'achbrewing']]));
    expect(index.match('main st')).toEqual(new Map([['beer', 'MAIN STAY']]));
    expect(index.match('big bright')).toEqual(new Map([['beer', 'BIGBRIGHT']]));
    expect([...index.match('lager').keys()]).toEqual(['beer']);
  });

  it('needs every word, folds accents and dotless i, and ignores one-letter queries', () => {
    expect(index.match('stay brew').size).toBe(1);
    expect(index.match('stay ural').size).toBe(0);
    expect([...index.match('dusunebildigin').keys()]).toEqual(['book']);
    expect([...index.match('yaninda').keys()]).toEqual(['book']);
    expect(index.match('a').size).toBe(0);
    expect(index.match('   ').size).toBe(0);
    expect(foldText('Düşün Ce')).toBe('dusunce');
  });

  it('keeps lines per asset and forgets an asset re-read with no text', () => {
    expect(index.linesOf('book').map((l) => l.text)).toEqual(['Yanında rahatça sesli düşünebildiğin', 'A. Ali Ural']);
    expect(index.size).toBe(2);
    index.add('book', []);
    expect(index.linesOf('book')).toEqual([]);
    expect(index.size).toBe(1);
  });
});
