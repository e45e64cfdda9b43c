// A small element tree from saxes (a conformant XML parser that expands no DTD
// entities), for tests that check generated XML by its structure rather than its text.
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** The local name (no prefix). */
  name: string;
  /** The namespace URI the element is in. */
  uri: string;
  /** Attributes by local name. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's). */
  text: string;
}

/** Parses a whole document; throws on anything that is not well-formed XML. */
export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes))
      if (a.prefix !== 'xmlns' && a.name !== 'xmlns') attributes[a.local] = a.value;
    const element: XmlElement = { name: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(source).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return root;
}

/** The child elements with this name. */
export const childrenNamed = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);

/** The one child with this name; throws if there is not exactly one. */
export function only(e: XmlElement, name: string): XmlElement {
  const found = childrenNamed(e, name);
  if (found.length !== 1) throw new Error(`<${e.name}> has ${found.length} <${name}> children, not one`);
  return found[0]!;
}

/** Every element below (and including) this one. */
export function descendants(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(descendants)];
}
