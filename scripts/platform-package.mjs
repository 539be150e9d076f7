#!/usr/bin/env node
// Writes the npm package of one native addon platform: cardwire-<key>, with
// the addon as its main file, `os`/`cpu`/`libc` so npm installs it only
// there, and the main package's version, licence and repository. The key
// must be one of bindings-node/platforms.json. Used by scripts/build-node.sh
// (the Linux ones, cross-built here) and by .github/workflows/release.yml
// (macOS and Windows).
//
//   node scripts/platform-package.mjs KEY path/to/the/built/library OUT_DIR
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [key, lib, out] = process.argv.slice(2);
const { platforms } = JSON.parse(readFileSync(join(root, 'bindings-node/platforms.json'), 'utf8'));
const p = platforms.find((x) => x.key === key);
if (!p || !lib || !out) {
  console.error(`usage: node scripts/platform-package.mjs KEY LIBRARY OUT_DIR (KEY one of ${platforms.map((x) => x.key).join(', ')})`);
  process.exit(2);
}
const main = JSON.parse(readFileSync(join(root, 'bindings-node/js/package.json'), 'utf8'));
const file = `cardwire.${key}.node`;
const name = `cardwire-${key}`;
const pkg = {
  name,
  version: main.version,
  description: `The native addon of cardwire for ${p.os} ${p.cpu}${p.libc ? ` (${p.libc}${p.glibc ? ` ${p.glibc} or newer` : ''})` : ''}. Install cardwire, not this: it picks this package itself.`,
  license: main.license,
  repository: main.repository,
  homepage: main.homepage,
  main: file,
  files: [file, 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE'],
  os: [p.os],
  cpu: [p.cpu],
  ...(p.libc ? { libc: [p.libc] } : {}),
  engines: main.engines,
};
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(out, 'README.md'), `# ${name}\n\nThe native addon (Node-API, Rust, AWS-LC) of [cardwire](https://www.npmjs.com/package/cardwire) for ${p.os} ${p.cpu}${p.libc ? ` with ${p.libc}${p.glibc ? ` ${p.glibc} or newer` : ''}` : ''}, built for \`${p.target}\`.\n\nInstall \`cardwire\`: it lists this package among its optional dependencies, npm installs the one that matches your platform, and \`cardwire\` loads it (\`backend === 'native'\`). Without it \`cardwire\` runs on WebAssembly and says so once.\n\nLicense: MIT OR Apache-2.0.\n`);
for (const l of ['LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(root, l), join(out, l));
copyFileSync(lib, join(out, file));
console.log(`${name}@${pkg.version}: ${join(out, file)} (${statSync(join(out, file)).size} bytes)`);
