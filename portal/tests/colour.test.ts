import { describe, expect, it } from 'vitest';
import { contrast, ink, parseHex, tint } from '../src/lib/colour';

describe('brand colours', () => {
  it('keep AA contrast for text and buttons, whatever the colour', () => {
    for (const colour of ['#1f6feb', '#ffdd00', '#00ffff', '#ffffff', '#0b7a75', '#000000', 'nonsense']) {
      const shade = parseHex(ink(colour))!;
      expect(contrast(shade, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
      expect(contrast(shade, parseHex(tint(colour))!)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('leave a dark enough colour as it is', () => {
    expect(ink('#0b7a75')).toBe('#0b7a75');
  });
});
