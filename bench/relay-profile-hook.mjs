/**
 * Benchmark-only preload (`BENCH_RELAY_PROFILE=<dir>`): profiles the relay's CPU from start to
 * exit and writes `<dir>/relay-<pid>.cpuprofile` (open in Chrome DevTools). NODE_OPTIONS may
 * not carry `--cpu-prof`, hence the inspector.
 *
 *   NODE_OPTIONS="--import ./bench/relay-profile-hook.mjs" BENCH_RELAY_PROFILE=/tmp/prof node …
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_RELAY_PROFILE;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The same-thread session answers synchronously, so this runs to the end inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(path.join(dir, `relay-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
