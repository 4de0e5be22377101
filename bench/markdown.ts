// Bench report: the few markdown pieces docs/performance.md is made of (tables, the template it is filled
// from, paragraphs wrapped at the docs' width) and the aligned text table `make bench` prints.

const WIDTH = 110;

export function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** The same table as aligned text, for the terminal. */
export function textTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

const BLOCK = /\{\{#([\w.-]+)\}\}\n?([\s\S]*?)\{\{\/\1\}\}\n?/;
const PLACEHOLDER = /\{\{([\w.:-]+)\}\}/g;

/**
 * Fills a template: `{{name}}` takes the value of that name, and `{{#name}}...{{/name}}` keeps what it
 * encloses only when `name` has a value. A name the template uses and the values lack is an error, so a
 * misspelt placeholder cannot reach the document. HTML comments (the template's notes) are dropped.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  let text = template.replace(/<!--[\s\S]*?-->\n*/g, '');
  for (let block = BLOCK.exec(text); block !== null; block = BLOCK.exec(text)) {
    const [whole, name = '', inner = ''] = block;
    text = text.replace(whole, () => (values[name] === undefined ? '' : inner));
  }
  text = text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the template uses {{${name}}}, which has no value`);
    return value;
  });
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Re-wraps every paragraph and list item at the docs' width once the values are in (Prettier keeps prose
 * as it is written); headings, tables and code stay as they are.
 */
export function wrapProse(markdown: string): string {
  const blocks = markdown.trimEnd().split(/\n{2,}/);
  const wrapped = blocks.map((block) => {
    if (/^(#|\||```|<)/.test(block)) return block;
    if (block.startsWith('- ')) {
      const items = block.split(/\n(?=- )/).map((item) => item.slice(2));
      return items.map((item) => `- ${wrapWords(item, WIDTH).join('\n  ')}`).join('\n');
    }
    return wrapWords(block, WIDTH).join('\n');
  });
  return `${wrapped.join('\n\n')}\n`;
}
