#!/usr/bin/env node
// One version and one repository URL for every artifact. Cargo.toml's
// [workspace.package] holds both; everything else is written from it:
//   the workspace dependencies on the published crates (cardwire, cardwire-redis),
//   the npm package (bindings-node/js/package.json: version, repository.url,
//   and one optional dependency per platform package of bindings-node/platforms.json,
//   at this exact version; scripts/build-node.sh writes those packages),
//   the Python package (bindings-python/pyproject.toml: the version comes from
//   Cargo through maturin, `dynamic = ["version"]`; the project URLs).
//
//   node scripts/version.mjs                     print the version and the URL
//   node scripts/version.mjs --check             fail when a copy differs (make test)
//   node scripts/version.mjs 0.2.0               set the version everywhere
//   node scripts/version.mjs --repository URL    set the repository URL everywhere
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const path = (p) => join(root, p);
const read = (p) => readFileSync(path(p), 'utf8');
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
// The crates other crates of the workspace depend on by version.
const PUBLISHED_DEPS = ['cardwire', 'cardwire-redis'];

const workspacePackage = (toml) => {
  const at = toml.indexOf('[workspace.package]');
  const end = toml.indexOf('\n[', at + 1);
  return [at, end === -1 ? toml.length : end];
};
function cargo() {
  const toml = read('Cargo.toml');
  const [at, end] = workspacePackage(toml);
  const section = toml.slice(at, end);
  const version = /\nversion = "([^"]+)"/.exec(section)?.[1];
  const repository = /\nrepository = "([^"]+)"/.exec(section)?.[1];
  if (!version || !repository) throw new Error('Cargo.toml: [workspace.package] needs version and repository');
  return { toml, version, repository };
}

function expected({ version, repository }) {
  return {
    'Cargo.toml': (t) => {
      for (const dep of PUBLISHED_DEPS) {
        const re = new RegExp(`\\n${dep} = \\{ path = "[^"]+", version = "([^"]+)"`);
        t = t.replace(re, (m, v) => m.slice(0, m.length - v.length - 1) + `${version}"`);
      }
      return t;
    },
    'bindings-node/js/package.json': (t) => {
      const pkg = JSON.parse(t);
      pkg.version = version;
      pkg.repository = { type: 'git', url: `git+${repository}.git` };
      pkg.homepage = `${repository}#readme`;
      pkg.bugs = { url: `${repository}/issues` };
      const { platforms } = JSON.parse(read('bindings-node/platforms.json'));
      pkg.optionalDependencies = Object.fromEntries(platforms.map((p) => [`cardwire-${p.key}`, version]));
      return JSON.stringify(pkg, null, 2) + '\n';
    },
    'bindings-python/pyproject.toml': (t) => t
      .replace(/\nHomepage = "[^"]*"/, `\nHomepage = "${repository}"`)
      .replace(/\nRepository = "[^"]*"/, `\nRepository = "${repository}"`)
      .replace(/\nIssues = "[^"]*"/, `\nIssues = "${repository}/issues"`)
      .replace(/\nChangelog = "[^"]*"/, `\nChangelog = "${repository}/blob/main/CHANGELOG.md"`),
  };
}

const args = process.argv.slice(2);
const { toml, version, repository } = cargo();
if (args.length === 0) {
  console.log(`version ${version}\nrepository ${repository}`);
} else if (args[0] === '--check') {
  const problems = [];
  for (const [file, write] of Object.entries(expected({ version, repository }))) {
    const text = read(file);
    if (write(text) !== text) problems.push(`${file} is not at version ${version} / ${repository}: run node scripts/version.mjs ${version}`);
  }
  const py = read('bindings-python/pyproject.toml');
  if (!/\ndynamic = \["version"\]/.test(py) || /\nversion = "/.test(py)) problems.push('bindings-python/pyproject.toml: the version comes from Cargo (dynamic = ["version"], no version line)');
  for (const name of ['Homepage', 'Repository', 'Issues', 'Changelog']) {
    if (!new RegExp(`\\n${name} = "`).test(py)) problems.push(`bindings-python/pyproject.toml: [project.urls] has no ${name}`);
  }
  if (!read('CHANGELOG.md').includes(`(${version})`) && !read('CHANGELOG.md').includes(`## ${version}`)) problems.push(`CHANGELOG.md has no section for ${version}`);
  if (problems.length) {
    for (const p of problems) console.error(`version check: ${p}`);
    process.exit(1);
  }
  console.log(`version check: every artifact at ${version}, repository ${repository}`);
} else {
  let next = { version, repository };
  if (args[0] === '--repository') {
    if (!/^https:\/\/\S+[^/]$/.test(args[1] ?? '')) {
      console.error('usage: node scripts/version.mjs --repository https://host/owner/name (no trailing slash, no .git)');
      process.exit(2);
    }
    next.repository = args[1].replace(/\.git$/, '');
  } else if (SEMVER.test(args[0])) {
    next.version = args[0];
  } else {
    console.error('usage: node scripts/version.mjs [--check | X.Y.Z | --repository URL]');
    process.exit(2);
  }
  const [at, end] = workspacePackage(toml);
  const section = toml.slice(at, end)
    .replace(/\nversion = "[^"]+"/, `\nversion = "${next.version}"`)
    .replace(/\nrepository = "[^"]+"/, `\nrepository = "${next.repository}"`);
  writeFileSync(path('Cargo.toml'), toml.slice(0, at) + section + toml.slice(end));
  for (const [file, write] of Object.entries(expected(next))) writeFileSync(path(file), write(read(file)));
  console.log(`version ${next.version}, repository ${next.repository}: written to Cargo.toml, ${Object.keys(expected(next)).slice(1).join(', ')}`);
  console.log('next: cargo update -w (Cargo.lock), a CHANGELOG.md section for it, then RELEASING.md');
}
