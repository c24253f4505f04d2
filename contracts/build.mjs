// Compiles contracts/*.sol with the pinned solcjs from tools/node_modules and writes
// contracts/artifacts/<Name>.json. `--check` compiles in memory and exits 1 when the committed
// artifacts differ from a fresh compile (so the committed bytecode always matches the sources).
//
//   node contracts/build.mjs          rebuild the artifacts
//   node contracts/build.mjs --check  verify them
//
// Works from any working directory: paths are resolved from this file's location.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const contractsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(contractsDir);
const artifactsDir = join(contractsDir, "artifacts");

// ES modules ignore NODE_PATH, so resolve solc as if required from tools/ (where npm installs it).
const toolsPackage = join(repoRoot, "tools", "package.json");
const solc = createRequire(toolsPackage)("solc");

const compilerVersion = "0.8.37";
const contracts = [
  { file: "Multicall.sol", name: "Multicall" },
  { file: "TestToken.sol", name: "TestToken" },
];

// Fixed settings: the same sources always give the same bytes. evmVersion is pinned rather than
// left to the compiler's default so the code runs on chains that have not adopted the newest fork.
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "ipfs" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

function compile() {
  const actual = solc.version();
  if (!actual.startsWith(compilerVersion + "+")) {
    throw new Error(`tools/node_modules has solc ${actual}, expected ${compilerVersion}; run npm ci in tools/.`);
  }

  const sources = {};
  for (const c of contracts) {
    // Normalise line endings so a CRLF checkout compiles to the same metadata hash.
    sources[c.file] = { content: readFileSync(join(contractsDir, c.file), "utf8").replace(/\r\n/g, "\n") };
  }

  const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings })));
  const problems = (output.errors ?? []).filter((e) => e.severity !== "info");
  if (problems.length > 0) {
    throw new Error("solc reported:\n" + problems.map((e) => e.formattedMessage).join("\n"));
  }

  const artifacts = {};
  for (const c of contracts) {
    const out = output.contracts?.[c.file]?.[c.name];
    if (!out) {
      throw new Error(`solc produced no output for ${c.file}:${c.name}.`);
    }

    const artifact = {
      contractName: c.name,
      sourceName: c.file,
      abi: out.abi,
      bytecode: "0x" + out.evm.bytecode.object,
      deployedBytecode: "0x" + out.evm.deployedBytecode.object,
      compiler: compilerVersion,
      settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion, metadata: settings.metadata },
    };
    artifacts[c.name] = JSON.stringify(artifact, null, 2) + "\n";
  }

  return artifacts;
}

function main() {
  const check = process.argv.includes("--check");
  const artifacts = compile();
  let stale = 0;
  for (const [name, text] of Object.entries(artifacts)) {
    const path = join(artifactsDir, name + ".json");
    if (check) {
      const committed = existsSync(path) ? readFileSync(path, "utf8").replace(/\r\n/g, "\n") : null;
      if (committed !== text) {
        stale++;
        console.error(`contracts/artifacts/${name}.json ${committed === null ? "is missing" : "differs from a fresh compile"}.`);
      }
    } else {
      mkdirSync(artifactsDir, { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote contracts/artifacts/${name}.json`);
    }
  }

  if (check) {
    if (stale > 0) {
      console.error("Run `node contracts/build.mjs` and commit the artifacts.");
      process.exit(1);
    }

    console.log(`contracts/artifacts match a fresh compile with solc ${compilerVersion}.`);
  }
}

main();
