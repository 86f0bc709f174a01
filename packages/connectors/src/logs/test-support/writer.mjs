// A log writer in its own process, like nginx: it keeps the file open in append mode, writes combined-format lines
// (sometimes in two write() calls, so a reader can see half a line), and reopens the path when told (after a rename).
import { closeSync, openSync, writeSync } from 'node:fs';

const file = process.argv[2];
let fd = openSync(file, 'a');
let seq = 0;
let pending = '';

const line = (n) =>
  `10.0.${n % 256}.${(n >> 8) % 256} - - [21/Nov/2026:10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} +0000] "GET /item/${n}?q=${'x'.repeat(n % 37)} HTTP/1.1" 200 ${n} "-" "writer/1.0"\n`;

function writeOne(split) {
  const text = line(seq++);
  if (!split) return void writeSync(fd, text);
  const cut = Math.floor(text.length / 2);
  writeSync(fd, text.slice(0, cut));
  return new Promise((resolve) =>
    setImmediate(() => {
      writeSync(fd, text.slice(cut));
      resolve();
    }),
  );
}

process.on('message', async (msg) => {
  if (msg.cmd === 'write') {
    for (let i = 0; i < msg.n; i++) await writeOne(Boolean(msg.split));
  } else if (msg.cmd === 'partial') {
    pending = line(seq++);
    writeSync(fd, pending.slice(0, 50)); // half a line, as a writer caught mid-write leaves it
  } else if (msg.cmd === 'finish') {
    writeSync(fd, pending.slice(50));
  } else if (msg.cmd === 'reopen') {
    closeSync(fd);
    fd = openSync(file, 'a');
  } else if (msg.cmd === 'exit') {
    closeSync(fd);
    // Exit once the acknowledgement is written: an exit right after send() can drop it, and the parent would wait.
    process.send({ done: msg.id, seq }, () => process.exit(0));
    return;
  }
  process.send({ done: msg.id, seq });
});
process.send({ ready: true });
