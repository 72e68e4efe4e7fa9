#!/usr/bin/env node
// A reader that stops early (foi run … | head) is not an error: stop writing, carry on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

// `foi --version` is answered before anything else loads: it should be instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { FOI_VERSION } = await import('./paths.js');
  process.stdout.write(`${FOI_VERSION}\n`);
} else {
  const { main } = await import('./cli.js');
  process.exitCode = await main(process.argv);
}
