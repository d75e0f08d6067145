// jsgrow: a node process that grows its JS (V8) heap on command, for the e2e tests.
// Prints "ready PID"; then per stdin line "grow N" keeps N MiB more of plain JS arrays alive
// (doubles, 8 bytes each, in V8's heap, not in external/native buffers) and answers "ok".
"use strict";
const keep = [];
const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin });
process.stdout.write(`ready ${process.pid}\n`);
rl.on("line", (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === "grow") {
    const mib = Number(arg);
    for (let i = 0; i < mib; i++) {
      // 131072 doubles = 1 MiB of element storage; distinct values so nothing is shared.
      const a = new Array(131072);
      for (let j = 0; j < a.length; j++) a[j] = i + j * 0.5;
      keep.push(a);
    }
    process.stdout.write(`ok ${keep.length}\n`);
  } else if (cmd === "exit") {
    process.exit(0);
  } else {
    process.stdout.write(`err unknown command ${cmd}\n`);
  }
});
