// npm run build: one minified IIFE with every dependency inside, no import left, and
// LICENSES.txt beside it with the licence of each package that ended up in the bundle.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const OUT_DIR = "../../trainer/static/vendor/codemirror";

const result = await build({
  entryPoints: ["src/editor.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "none", // the licences are in LICENSES.txt beside the bundle
  outfile: `${OUT_DIR}/editor.bundle.js`,
  metafile: true,
  logLevel: "info",
});

// node_modules/@scope/name/... or node_modules/name/... of every input that has bytes in the output.
const packages = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match && bytesInOutput > 0) packages.add(match[1]);
  }
}

const sections = [];
for (const name of [...packages].sort()) {
  const dir = join("node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licenceFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
  if (!licenceFile) throw new Error(`${name}: no LICENSE file to copy`);
  const text = readFileSync(join(dir, licenceFile), "utf8").trim();
  sections.push(`${"=".repeat(72)}\n${name}@${meta.version} (${meta.license})\n${"=".repeat(72)}\n\n${text}\n`);
}
writeFileSync(
  `${OUT_DIR}/LICENSES.txt`,
  "Licences of the packages bundled into editor.bundle.js (built from frontend/editor/).\n\n" +
    sections.join("\n"),
);
console.log(`LICENSES.txt: ${[...packages].sort().join(", ")}`);
