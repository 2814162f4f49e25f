import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const SCANNED = ['src', 'bench', 'scripts', 'test'];
const CODE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

export interface OutsidePath {
  line: number;
  text: string;
  /** Where the path lands, relative to the repository root (starts with ".."). */
  lands: string;
}

/**
 * Paths a file builds that leave the repository: `path.resolve/join` from `__dirname`,
 * `process.cwd()` or a constant made that way in the same file, with literal segments that
 * climb above the root; and literal relative paths ("../sibling/data/x.jsonl") that do so from
 * the root (where the CLI, the bench and the tests run). A user's clone has nothing beside it.
 * `file` is the file's path relative to the root; module specifiers are not paths.
 */
export function outsidePaths(file: string, source: string): OutsidePath[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const dir = path.join(ROOT, path.dirname(file));
  const known = new Map<string, string>();
  const found: OutsidePath[] = [];
  const inside = (p: string) => !path.relative(ROOT, p).startsWith('..') && !path.isAbsolute(path.relative(ROOT, p));
  const report = (node: ts.Node, p: string) =>
    found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf), lands: path.relative(ROOT, p) });
  const literal = (n: ts.Node): string | undefined => (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined);
  const base = (n: ts.Node): string | undefined => {
    if (ts.isIdentifier(n)) return n.text === '__dirname' ? dir : known.get(n.text);
    if (ts.isCallExpression(n) && n.getText(sf).replace(/\s/g, '') === 'process.cwd()') return ROOT;
    if (ts.isPropertyAccessExpression(n) && n.getText(sf) === 'import.meta.dirname') return dir;
    return undefined;
  };
  const isPathCall = (n: ts.Node): n is ts.CallExpression => ts.isCallExpression(n) && /(?:^|\.)(?:resolve|join)$/.test(n.expression.getText(sf));
  /** The path a call builds from a known base and its leading literal segments. */
  const built = (n: ts.CallExpression): { at: string; literals: Set<ts.Node> } | undefined => {
    const [first, ...rest] = n.arguments;
    const from = first ? base(first) : undefined;
    if (!from) return undefined;
    const segs: string[] = [];
    const literals = new Set<ts.Node>();
    for (const a of rest) {
      const s = literal(a);
      if (s === undefined) break;
      segs.push(s);
      literals.add(a);
    }
    return { at: path.resolve(from, ...segs), literals };
  };
  const covered = new Set<ts.Node>();
  const isModuleSpecifier = (n: ts.Node) => {
    const p = n.parent;
    if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p) || ts.isImportTypeNode(p.parent)) return true;
    return ts.isCallExpression(p) && (p.expression.kind === ts.SyntaxKind.ImportKeyword || p.expression.getText(sf) === 'require');
  };
  const visit = (n: ts.Node): void => {
    if (isPathCall(n)) {
      const b = built(n);
      if (b) {
        for (const l of b.literals) covered.add(l);
        if (!inside(b.at)) report(n, b.at);
        if (ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name)) known.set(n.parent.name.text, b.at);
      }
    }
    const s = literal(n);
    if (s !== undefined && !covered.has(n) && /(?:^|[/\\])\.\.(?:[/\\]|$)/.test(s) && /[/\\]/.test(s) && !isModuleSpecifier(n)) {
      const at = path.resolve(ROOT, s);
      if (!inside(at)) report(n, at);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function codeFiles(rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
    const p = path.join(rel, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...codeFiles(p));
    else if (e.isFile() && CODE.test(e.name)) out.push(p);
  }
  return out;
}

describe('code stays inside the repository (a clone has nothing beside it)', () => {
  it('no file under src/, bench/, scripts/, test/ builds a path that leaves the repository', () => {
    const files = SCANNED.flatMap(codeFiles);
    expect(files.length).to.be.greaterThan(100);
    const bad = files.flatMap((f) => outsidePaths(f, readFileSync(path.join(ROOT, f), 'utf8')).map((o) => `${f}:${o.line}: ${o.text} -> ${o.lands}`));
    expect(bad).to.deep.equal([]);
  });

  it('catches the climbing forms: from __dirname, process.cwd() or a root constant, and a literal ../ path', () => {
    const lands = (file: string, src: string) => outsidePaths(file, src).map((o) => o.lands);
    // The line bench/robot.ts once had: two levels up from bench/ is outside the clone.
    expect(lands('bench/robot.ts', "const f = path.resolve(__dirname, '..', '..', 'sibling', 'data', 'intents.dev.jsonl');")).to.deep.equal([
      path.join('..', 'sibling', 'data', 'intents.dev.jsonl'),
    ]);
    expect(lands('bench/robot.ts', "path.join(__dirname, '../../sibling/data')")).to.deep.equal([path.join('..', 'sibling', 'data')]);
    expect(lands('test/x.test.ts', "const R = path.resolve(__dirname, '..');\nconst f = path.join(R, '..', 'sibling');")).to.deep.equal([path.join('..', 'sibling')]);
    expect(lands('scripts/x.ts', "readFileSync(path.resolve(process.cwd(), '..', 'sibling', 'a'))")).to.deep.equal([path.join('..', 'sibling', 'a')]);
    expect(lands('bench/x.ts', "readFileSync('../sibling/data/intents.dev.jsonl')")).to.deep.equal([path.join('..', 'sibling', 'data', 'intents.dev.jsonl')]);
  });

  it('lets paths inside the clone and module specifiers through', () => {
    // The same depth climbs to the root from a folder two below it (test/reflex/x.ts -> the root).
    expect(outsidePaths('test/reflex/x.ts', "path.resolve(__dirname, '..', '..', 'data', 'intents.dev.jsonl')")).to.deep.equal([]);
    expect(outsidePaths('bench/robot.ts', "path.resolve(__dirname, '..', 'data', 'intents.dev.jsonl')")).to.deep.equal([]);
    expect(outsidePaths('src/a/b.ts', "import { x } from '../../lang/types';\nconst y = require('../../z');\nexport * from '../c';")).to.deep.equal([]);
  });
});
