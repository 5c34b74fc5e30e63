// Reads the prims and properties out of USD ASCII text as TinyUSDZ writes it back: one
// statement per line, braces around prim bodies, variant sets and dictionaries.

const PRIM = /^\s*(?:def|over|class)\s+(?:[A-Za-z_][\w:]*\s+)?"([^"]+)"/;
const RELATIONSHIP = /^\s*(?:custom\s+)?rel\s+([\w:]+)\s*=\s*(.*)$/;
const ATTRIBUTE = /^\s*(?:(?:custom|uniform)\s+)*[A-Za-z_][\w]*(?:\[\])?\s+([\w:]+)\s*=\s*(.*)$/;
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

/**
 * Returns the prims of a layer by path, each with its attribute values and relationship targets
 * as written in the text. Inside a variant only the relationship targets are kept, in
 * variantRelationships of the prim that has the variant set, because attribute values there
 * are not the prim's own.
 *
 * @returns {Map<string, {attributes: Map<string, string>, relationships: Map<string, string[]>,
 *   variantRelationships: string[]}>}
 */
export function outline(text) {
  const prims = new Map();
  // One entry per open brace: the prim path it opens, or null for any other block.
  const scopes = [];
  let pendingPrim = null;
  let parenDepth = 0;
  let inTripleQuote = false;

  const currentPrim = () => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      if (scopes[i] !== null) {
        return scopes[i];
      }
    }
    return null;
  };

  for (const line of text.split('\n')) {
    const triples = line.split('"""').length - 1;
    if (inTripleQuote) {
      inTripleQuote = triples % 2 === 0;
      continue;
    }
    if (triples % 2 === 1) {
      inTripleQuote = true;
    }

    const prim = PRIM.exec(line);
    if (prim) {
      const parent = currentPrim() ?? '';
      pendingPrim = `${parent}/${prim[1]}`;
      prims.set(pendingPrim, {
        attributes: new Map(),
        relationships: new Map(),
        variantRelationships: [],
      });
    } else if (parenDepth === 0 && currentPrim() !== null) {
      const owner = prims.get(currentPrim());
      const inVariant = scopes.at(-1) === null;
      const relationship = RELATIONSHIP.exec(line);
      const attribute = relationship ? null : ATTRIBUTE.exec(line);
      if (relationship) {
        const targets = [...relationship[2].matchAll(/<([^>]*)>/g)].map((match) => match[1]);
        if (inVariant) {
          owner.variantRelationships.push(...targets);
        } else {
          owner.relationships.set(relationship[1], targets);
        }
      } else if (attribute && !inVariant) {
        owner.attributes.set(attribute[1], attribute[2].trim());
      }
    }

    for (const character of line.replace(QUOTED, '""')) {
      if (character === '(') {
        parenDepth++;
      } else if (character === ')') {
        parenDepth--;
      } else if (character === '{') {
        scopes.push(parenDepth === 0 && pendingPrim !== null ? pendingPrim : null);
        if (parenDepth === 0) {
          pendingPrim = null;
        }
      } else if (character === '}') {
        scopes.pop();
      }
    }
  }
  return prims;
}

/**
 * Converts a value as written in USD text into something to compare: a number, a string without
 * its quotes, or an array of those for a tuple or an array.
 */
export function parseValue(text) {
  const trimmed = text.trim();
  if (/^[([]/.test(trimmed)) {
    const inner = trimmed.slice(1, -1).trim();
    return inner === '' ? [] : splitTopLevel(inner).map(parseValue);
  }
  if (/^"""[\s\S]*"""$/.test(trimmed)) {
    return trimmed.slice(3, -3);
  }
  if (/^["'].*["']$/.test(trimmed)) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  const number = Number(trimmed);
  return Number.isNaN(number) ? trimmed : number;
}

function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (quote) {
      if (character === '\\') {
        i++;
      } else if (character === quote) {
        quote = null;
      }
    } else if (character === '"' || character === "'") {
      quote = character;
    } else if (character === '(' || character === '[') {
      depth++;
    } else if (character === ')' || character === ']') {
      depth--;
    } else if (character === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
