// Another process writing the database while the connector reads it: WAL mode, single-row and multi-row
// transactions, timestamps with many ties. Reports { done, total } when finished.
import Database from 'better-sqlite3';

const [file, totalArg] = process.argv.slice(2);
const total = Number(totalArg);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, body TEXT NOT NULL)`);
const insert = db.prepare('INSERT INTO events (ts, body) VALUES (?, ?)');
// 7 rows share each timestamp, so a timestamp cursor must break ties
const ts = (n) => new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + Math.floor(n / 7) * 1000).toISOString();
const batch = db.transaction((from, count) => {
  for (let n = from; n < from + count; n++) insert.run(ts(n), `event ${n}`);
});

let n = 0;
let paused = false;
function step() {
  if (!paused && n >= total / 2 && n < total) {
    // half-way: wait until the reader has read while we were mid-stream (it answers 'resume')
    paused = true;
    process.send({ half: true });
    return;
  }
  if (n >= total) {
    db.close();
    process.send({ done: true, total: n }, () => process.exit(0));
    return;
  }
  const count = Math.min(total - n, n % 3 === 0 ? 1 : 1 + (n % 17));
  batch(n, count);
  n += count;
  setTimeout(step, 1); // spread the writes out so reads interleave with them
}
process.send({ ready: true });
process.on('message', (m) => (m === 'start' || m === 'resume') && step());
