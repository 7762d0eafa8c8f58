/** `npm run bench`: the load benchmark, a development script beside the tests (not a command of the product). */
import { runBench } from './bench.ts';

runBench(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
