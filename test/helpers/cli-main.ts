// bin/curbside.js runs the compiled CLI in dist/; tests run the same entry from the sources.
import { runCli } from '../../src/cli/index.js';

process.exitCode = await runCli(process.argv.slice(2));
