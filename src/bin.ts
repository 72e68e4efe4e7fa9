#!/usr/bin/env node
// `foi --version` is answered before anything else loads: it should be instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { FOI_VERSION } = await import('./paths.js');
  process.stdout.write(`${FOI_VERSION}\n`);
} else {
  const { main } = await import('./cli.js');
  process.exitCode = await main(process.argv);
}
