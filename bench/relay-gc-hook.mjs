/**
 * Benchmark-only preload for the relays under test (NODE_OPTIONS="--import …/relay-gc-hook.mjs"):
 * SIGUSR2 runs two full garbage collections, so the bench can read RSS with no collectable
 * garbage in it and memory per idle connection is a settled figure, not V8's heap timing.
 * Production never loads it.
 *
 *   NODE_OPTIONS="--import ./bench/relay-gc-hook.mjs" node … ; kill -USR2 <pid>
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => {
  gc();
  gc();
});
