// Brand colours on screen: the tenant picks any colour; text and buttons use a shade of it that
// keeps WCAG AA contrast (4.5:1) against white, as Insignia's own pages do.

export function parseHex(value: string): [number, number, number] | null {
  const match = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(value.trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: [number, number, number]): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

export function toHex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour, darkened just enough for 4.5:1 against white and against its own light tint
 * (so for white text on it, and for it as text on the tinted backgrounds of current items). */
export function ink(colour: string): string {
  let rgb = parseHex(colour) ?? [31, 41, 51];
  const white: [number, number, number] = [255, 255, 255];
  const soft = parseHex(tint(colour))!;
  for (let i = 0; i < 60 && (contrast(rgb, white) < 4.5 || contrast(rgb, soft) < 4.5); i++)
    rgb = rgb.map((c) => c * 0.94) as typeof rgb;
  return toHex(rgb);
}

/** A very light tint of the colour for backgrounds. */
export function tint(colour: string, amount = 0.9): string {
  const rgb = parseHex(colour) ?? [31, 41, 51];
  return toHex(rgb.map((c) => c + (255 - c) * amount) as [number, number, number]);
}

export function applyBrand(colour: string, target: HTMLElement = document.documentElement): void {
  target.style.setProperty('--brand', parseHex(colour) ? toHex(parseHex(colour)!) : '#1f2933');
  target.style.setProperty('--brand-ink', ink(colour));
  target.style.setProperty('--brand-soft', tint(colour));
}
