// Every path a comment, a document or the CLI's help names is one a reader can open in this repository: no
// pointer outside it (the shared data folder is an option, $POSEDYN_DATA in the docs), no path left from the
// layout before issue 11 (top-level engine, models and kernels folders), and no CLI default that reaches outside it.
//
// What counts as a path: a token with a slash whose first segment is a top-level folder of the repository (or
// of the old layout), or that starts with ./ or ../; it must resolve from the file's own folder or from the
// root. `<name>`, `*` and `{a,b}` stand for any entry, glob and alternatives. Paths under what the project
// writes (out/, dist/, docs/api/, tests/output/) and under node_modules/ are not checked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout
  .split('\n').filter((f) => f && existsSync(join(root, f)));
const TOP_LEVEL = new Set(files.map((f) => f.split('/')[0]!).filter((f) => statSync(join(root, f)).isDirectory()));
/** The layout before issue 11: any path starting with these is stale. */
const OLD_LAYOUT = new Set(['engine', 'models', 'kernels', 'shared']);
const WRITTEN = /^(out|dist|docs\/api|tests\/output|node_modules)(\/|$)/;
/** Records of commands as they were run (generated reports): they say what happened, not where to look. */
const RECORDS = /^benchmarks\/reports\/.*report\.(md|json)$/;

/** The text of comments (TypeScript/JavaScript through TypeScript's scanner, WGSL `//`, shell and Python `#`). */
function commentText(file: string, text: string): string {
  const ext = extname(file);
  if (['.ts', '.mts', '.mjs', '.js'].includes(ext)) {
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
    const comments: string[] = [];
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) comments.push(scanner.getTokenText());
      // A template or regex literal confuses a scanner without a parser; re-scan them as what they are.
      if (kind === ts.SyntaxKind.TemplateHead || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) scanner.reScanSlashToken();
    }
    return comments.join('\n');
  }
  if (ext === '.wgsl') return text.split('\n').map((l) => l.slice(l.indexOf('//') + 1 || l.length)).join('\n');
  if (['.sh', '.py'].includes(ext) || file === '.ci/run') return text.split('\n').map((l) => (l.trimStart().startsWith('#') ? l : '')).join('\n');
  return '';
}

/** The CLI's option defaults and help texts (runtime-node/cli/main.ts): `.option(flags, help, default)`. */
function cliStrings(text: string): { defaults: string[]; help: string[] } {
  const source = ts.createSourceFile('main.ts', text, ts.ScriptTarget.Latest, true);
  const defaults: string[] = [];
  const help: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) &&
      ['option', 'requiredOption', 'description', 'argument', 'command'].includes(node.expression.name.text)) {
      node.arguments.forEach((arg, i) => {
        if (!ts.isStringLiteralLike(arg)) return;
        if (i === 2) defaults.push(arg.text);
        else help.push(arg.text);
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { defaults, help };
}

const PATH = /(?<![\w@.$/-])(?:\.{1,2}\/)*[A-Za-z0-9_<*{][\w.<>*{},-]*(?:\/[\w.<>*{},-]+)+\/?/g;

/** Whether a path, with <placeholder>, * and {a,b} segments, names something under `base`. */
function resolves(base: string, path: string): boolean {
  const segments = path.replace(/\/$/, '').split('/');
  let candidates = [base];
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      candidates = candidates.map((c) => join(c, segment));
      continue;
    }
    if (!/[<*{]/.test(segment)) {
      candidates = candidates.map((c) => join(c, segment)).filter((c) => existsSync(c));
    } else {
      const pattern = new RegExp(`^${segment.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/<[^>]*>/g, '[^/]+').replace(/\*/g, '[^/]*')
        .replace(/\{([^}]*)\}/g, (_, alternatives: string) => `(${alternatives.split(',').join('|')})`)}$`);
      candidates = candidates.flatMap((c) => (existsSync(c) && statSync(c).isDirectory() ? readdirSync(c).filter((n) => pattern.test(n)).map((n) => join(c, n)) : []));
    }
    if (candidates.length === 0) return false;
  }
  return true;
}

/** Paths in `text` (found in `file`) that do not resolve, as "file: path". */
function brokenPaths(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const match of text.matchAll(PATH)) {
    const path = match[0].replace(/[.,:;)]+$/, '');
    if (text[match.index! + match[0].length] === '$') continue; // a name the shell completes: bench-$(date +%F).json
    if (/^\.\.\/shared(\/|$)/.test(path) || path.includes('/../shared')) {
      broken.push(`${file}: ${path} (outside the repository)`);
      continue;
    }
    const first = path.split('/').find((s) => s !== '.' && s !== '..')!;
    const relativeToFile = path.startsWith('./') || path.startsWith('../') || existsSync(join(root, dirname(file), first));
    if (!relativeToFile && !TOP_LEVEL.has(first) && !OLD_LAYOUT.has(first)) continue;
    const fromRoot = relative(root, join(root, relativeToFile ? dirname(file) : '', path));
    if (fromRoot.startsWith('..')) {
      broken.push(`${file}: ${path} (outside the repository)`);
      continue;
    }
    if (WRITTEN.test(fromRoot) || WRITTEN.test(path)) continue;
    if (!resolves(join(root, dirname(file)), path) && !resolves(root, path)) broken.push(`${file}: ${path}`);
  }
  return broken;
}

test('every path named in a comment, a document or the CLI help resolves inside the repository', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    if (file.startsWith('tests/fixtures/') || RECORDS.test(file) || file === 'package-lock.json') continue;
    const ext = extname(file);
    if (!['.md', '.ts', '.mts', '.mjs', '.js', '.wgsl', '.sh', '.py'].includes(ext) && file !== '.ci/run') continue;
    const text = readFileSync(join(root, file), 'utf8');
    broken.push(...brokenPaths(file, ext === '.md' ? text : commentText(file, text)));
    checked++;
  }
  const cli = cliStrings(readFileSync(join(root, 'runtime-node/cli/main.ts'), 'utf8'));
  broken.push(...brokenPaths('runtime-node/cli/main.ts', cli.help.join('\n')));
  assert.ok(checked > 200, `only ${checked} files checked`);
  assert.equal(broken, [], `paths that do not resolve inside the repository:\n  ${broken.join('\n  ')}`);
});

test('no CLI default points outside the repository', () => {
  const { defaults } = cliStrings(readFileSync(join(root, 'runtime-node/cli/main.ts'), 'utf8'));
  assert.ok(defaults.length > 10, `found only ${defaults.length} option defaults: is the CLI still written with .option(flags, help, default)?`);
  const outside = defaults.filter((d) => d.startsWith('/') || d.split('/').includes('..'));
  assert.equal(outside, [], `CLI defaults outside the repository: ${outside.join(', ')}`);
});

test('the check itself finds what it should: a stale path, a pointer outside, placeholders that resolve', () => {
  assert.equal(brokenPaths('core/README.md', 'see engine/PROFILER.md and ../shared/data'), ['core/README.md: engine/PROFILER.md', 'core/README.md: ../shared/data (outside the repository)']);
  assert.equal(brokenPaths('README.md', 'talking-head/pretrained/personal/<identity>/{pgface,fixed-identity}.safetensors, core/kernels/*.wgsl, out/demo/x'), []);
  assert.equal(brokenPaths('core/README.md', 'kernels/README.md (from core/), ops/ and nn/'), []);
  assert.equal(brokenPaths('core/README.md', 'posedyn/talking-head, forward/backward, <dir>/<name>.safetensors'), []);
});

test.run();
