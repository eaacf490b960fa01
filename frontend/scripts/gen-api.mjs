// Regenerates src/api/schema.d.ts from the API's OpenAPI document.
//   npm run gen:api                      from the Python package (no server needed)
//   npm run gen:api -- --url http://127.0.0.1:8000/openapi.json   from a running server
//   npm run gen:api -- --out FILE        somewhere else (the tests compare with the committed file)
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

async function spec() {
  const url = option("--url");
  if (url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }
  const python = process.env.SATMON_PYTHON ?? join(root, ".venv", "bin", "python");
  const out = execFileSync(python, ["-m", "satmon.api.spec"], { cwd: root, maxBuffer: 64 << 20 });
  return JSON.parse(out.toString("utf8"));
}

const document = await spec();
const dir = mkdtempSync(join(tmpdir(), "satmon-openapi-"));
const specFile = join(dir, "openapi.json");
writeFileSync(specFile, JSON.stringify(document));
const ast = await openapiTS(new URL(`file://${specFile}`));
const header =
  "// Generated from the satmon API's OpenAPI document by scripts/gen-api.mjs.\n" +
  "// Do not edit: run `npm run gen:api` after changing the API.\n\n";
const target = resolve(option("--out") ?? join(here, "..", "src", "api", "schema.d.ts"));
writeFileSync(target, header + astToString(ast));
console.log(`wrote ${target}`);
