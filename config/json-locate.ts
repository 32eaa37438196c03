/**
 * Where a JSON text stops being JSON. `JSON.parse` names a position for some mistakes and none
 * for others (V8: "Unexpected token ..., is not valid JSON"), and the YAML parser accepts what JSON
 * does not (comments, single quotes, trailing commas), so neither can say where strict JSON
 * breaks. This is a strict RFC 8259 scanner that reports the first offending offset and what was
 * expected there; it builds no value (JSON.parse does that once the text passes).
 */

export interface JsonSyntaxError {
  /** 0-based offset into the text. */
  readonly offset: number;
  readonly message: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);

class Fail extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** The first syntax error of `text` as JSON, or undefined when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const show = (at: number) => (at >= text.length ? 'the end of the file' : `${JSON.stringify(text[at])}`);
  const ws = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const expect = (what: string): never => {
    throw new Fail(i, `expected ${what}, found ${show(i)}`);
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++) if (text[i + k] !== word[k]) throw new Fail(i + k, `expected ${word}, found ${show(i + k)}`);
    i += word.length;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw new Fail(i, 'unterminated string: expected a closing "');
      const c = text[i];
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fail(i, 'expected four hex digits after \\u');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Fail(i, `invalid escape \\${e ?? ''}`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw new Fail(i, 'control character in a string (write \\n, \\t ...)');
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') expect('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Fail(i, 'nested more than 512 levels deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') expect('a double-quoted property name');
        string();
        ws();
        if (text[i] !== ':') expect("':' after the property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') expect('another property after \',\' (JSON allows no trailing comma)');
          continue;
        }
        if (text[i] === '}') return void i++;
        expect("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') expect("another value after ',' (JSON allows no trailing comma)");
          continue;
        }
        if (text[i] === ']') return void i++;
        expect("',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    expect('a value');
  };
  try {
    if (text.trim() === '') return { offset: 0, message: 'the file is empty (expected a JSON object)' };
    value(0);
    ws();
    if (i < text.length) throw new Fail(i, `unexpected ${show(i)} after the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof Fail) return { offset: err.offset, message: err.message };
    throw err;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      start = k + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - start + 1 };
}
