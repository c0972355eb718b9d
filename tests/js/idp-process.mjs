// What the test identity providers (oidc-idp.mjs, saml-idp.mjs) share as processes: the
// command line (--port N --config FILE), the one "ready <base-url>" line on stdout the tests
// wait for, and a clean exit on SIGTERM / SIGINT.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The port and parsed JSON config from the command line; exits 2 with a usage line if wrong. */
export function readCommandLine(name) {
  const { values: args } = parseArgs({
    options: { port: { type: 'string' }, config: { type: 'string' } },
  });
  const port = Number.parseInt(args.port ?? '', 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !args.config) {
    console.error(`usage: node ${name} --port N --config FILE`);
    process.exit(2);
  }
  return { port, config: JSON.parse(readFileSync(args.config, 'utf8')), base: `http://127.0.0.1:${port}` };
}

/** Listen on 127.0.0.1 only, announce readiness, and stop cleanly when asked. */
export function serve(server, { name, port, base }) {
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`ready ${base}\n`);
  });
  server.on('error', (err) => {
    console.error(`${name}: ${err.message}`);
    process.exit(1);
  });
  function shutdown() {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
