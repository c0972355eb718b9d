// Criteria and evidence are Markdown. A small, safe subset rendered as elements (never as HTML
// strings): paragraphs, lists, **bold**, *italic*, `code`, and links to http(s) and mailto only.

import type { ComponentChildren } from 'preact';

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

function inline(text: string): ComponentChildren[] {
  return text.split(INLINE).map((part, i) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return <code key={i}>{part.slice(1, -1)}</code>;
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      return /^(https?:|mailto:)/i.test(link[2]) ? (
        <a key={i} href={link[2]} rel="nofollow ugc noopener" target="_blank">
          {link[1]}
        </a>
      ) : (
        link[1]
      );
    }
    return part;
  });
}

export function Markdown({ text }: { text: string }) {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n{2,}/);
  return (
    <div class="prose">
      {blocks.map((block, i) => {
        const lines = block.split('\n').filter((l) => l.trim());
        if (lines.length && lines.every((l) => /^\s*(\d+\.|[-*])\s+/.test(l))) {
          const items = lines.map((l) => l.replace(/^\s*(\d+\.|[-*])\s+/, ''));
          const ordered = /^\s*\d+\./.test(lines[0]);
          const children = items.map((item, j) => <li key={j}>{inline(item)}</li>);
          return ordered ? <ol key={i}>{children}</ol> : <ul key={i}>{children}</ul>;
        }
        return <p key={i}>{inline(lines.join(' '))}</p>;
      })}
    </div>
  );
}
