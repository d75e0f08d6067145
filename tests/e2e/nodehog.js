// nodehog: a real Node.js process that grows its JS heap or its native memory on command, so the
// memsnap tests can compare memsnap's inferred categories with V8's own accounting.
//
// Protocol (line based, like tests/helpers/memhog.c): at startup it prints one JSON line
// {"ready": PID, "mem": process.memoryUsage()}. Then one command per line on stdin, each answered
// by exactly one JSON line {"ok": true, "mem": {...}} or {"ok": false, "error": "..."}:
//   js N        N MiB of small JS objects kept alive (arrays of {a, b, c} objects)
//   buf64k N    N MiB in 64 KiB Buffers (Buffer.alloc: outside the JS heap, in arrayBuffers)
//   buf1m N     N MiB in 1 MiB Buffers
//   gc          a full garbage collection (needs --expose-gc), then the usage
//   mem         just the usage
//   title NAME  process.title = NAME (renames the process: its comm no longer says node)
//   exit        exit 0 (EOF on stdin too)
// "mem" is process.memoryUsage() (bytes) taken after a full GC when --expose-gc is given.
'use strict';
const readline = require('readline');

const keep = [];
const MIB = 1024 * 1024;

function usage() {
    if (global.gc) global.gc();
    return process.memoryUsage();
}

// Small objects: about 100 MiB of heap per 1.6 M objects {a, b, c} with smi/double fields, kept in
// arrays of 10 000 so no single huge array lands in large-object space.
function growJs(mib) {
    const before = process.memoryUsage().heapUsed;
    let chunk = [];
    while (process.memoryUsage().heapUsed - before < mib * MIB) {
        for (let i = 0; i < 10000; i++) chunk.push({ a: i, b: i * 0.5, c: chunk.length });
        keep.push(chunk);
        chunk = [];
    }
}

function growBuffers(mib, size) {
    const n = Math.round((mib * MIB) / size);
    for (let i = 0; i < n; i++) keep.push(Buffer.alloc(size, 0x5a));
}

const commands = {
    js: (n) => growJs(n),
    buf64k: (n) => growBuffers(n, 64 * 1024),
    buf1m: (n) => growBuffers(n, MIB),
    gc: () => {},
    mem: () => {},
};

function reply(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

reply({ ready: process.pid, mem: usage() });
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'exit') process.exit(0);
    if (cmd === 'title' && arg) {
        process.title = arg;
        reply({ ok: true, mem: usage() });
        return;
    }
    const f = commands[cmd];
    const n = Number(arg || 0);
    if (!f || !Number.isFinite(n) || n < 0) {
        reply({ ok: false, error: `unknown command: ${line}` });
        return;
    }
    f(n);
    reply({ ok: true, mem: usage() });
});
rl.on('close', () => process.exit(0));
