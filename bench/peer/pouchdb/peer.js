// The PouchDB side of Hodan's side-by-side benchmark (bench/peer, `make bench-peer`).
//
// PouchDB 9 with express-pouchdb 4, LevelDB on disk on both sides: the replication most
// offline-first apps use. The server listens on SERVER_PORT; the replicas reach it through
// VIA_PORT, where the driver's counting proxy sits. The driver sends one step a line on stdin
// and reads one JSON line a step on stdout; between steps nothing is on the wire, so the
// proxy's counters read before and after a step are that step's bytes.
//
//   node peer.js N SERVER_PORT VIA_PORT
//   steps: push | edits | idle | bootstrap | quit
//
// The workload is the commune of N households of 4 members each that bench/peer records in
// Hodan (the same names, numbers and codes; see fixture.go for the field mapping): one
// document per household with its members inside, the shape a PouchDB app would choose.
const path = require('path'), os = require('os'), fs = require('fs'), readline = require('readline');
const PouchDB = require('pouchdb-node');
const express = require('express');

const N = +process.argv[2], PORT = +process.argv[3], VIA = +process.argv[4];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hodan-peer-pouchdb-'));
const ServerDB = PouchDB.defaults({ prefix: dir + '/srv-' });
const Local = PouchDB.defaults({ prefix: dir + '/dev-' });
const eth = ['02', '06', '08', '09'];
const id = i => 'hh-' + String(i).padStart(6, '0');

function household(i) {
  return {
    _id: id(i), commune_code: '02008', village: 'Xóm ' + (i % 12),
    head_name: 'Bùi Văn Thao ' + i, head_birth_year: 1950 + (i % 50), head_sex: 'male', ethnicity_code: eth[i % 4],
    poverty_status: ['poor', 'near_poor', 'not_poor'][i % 3], housing_condition: 'makeshift', water_source: 'spring',
    hygienic_latrine: i % 2 === 0, phone: '09' + String(10000000 + i), address: 'Thôn ' + (i % 12),
    members: [0, 1, 2, 3].map(k => ({
      full_name: 'Bùi Thị ' + i + '-' + k, birth_year: 1980 + k, sex: k % 2 ? 'male' : 'female',
      relation: k ? 'child' : 'spouse', health_insurance: true, id_number: '0' + String(17000000000 + i * 4 + k),
    })),
  };
}

const seconds = t0 => Number(process.hrtime.bigint() - t0) / 1e9;

async function timed(step, f) {
  const cpu0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  const extra = await f();
  const cpu = process.cpuUsage(cpu0);
  // cpu_s is this node process's, server and replica together (they share it).
  return Object.assign({ step, s: seconds(t0), cpu_s: (cpu.user + cpu.system) / 1e6 }, extra);
}

async function main() {
  const app = express();
  app.use('/', require('express-pouchdb')(ServerDB, { mode: 'minimumForPouchDB', logPath: dir + '/log.txt' }));
  const srv = app.listen(PORT, '127.0.0.1');
  await new Promise(r => srv.on('listening', r));
  const remote = new PouchDB('http://127.0.0.1:' + VIA + '/commune02008');
  const a = new Local('a');
  const docs = [];
  for (let i = 0; i < N; i++) docs.push(household(i));
  for (let i = 0; i < N; i += 500) await a.bulkDocs(docs.slice(i, i + 500));
  const steps = {
    push: () => timed('push', () => a.replicate.to(remote, { batch_size: 500 }).then(() => ({}))),
    edits: async () => {
      // a day's edits, not timed: 50 households, poverty status and phone, first member's card
      for (let i = 0; i < 50; i++) {
        const d = await a.get(id((i * 7) % N));
        d.poverty_status = 'escaped'; d.phone = '0912345678'; d.members[0].health_insurance = false;
        await a.put(d);
      }
      return timed('edits', () => a.replicate.to(remote, { batch_size: 500 }).then(() => ({})));
    },
    // a sync with nothing to send or receive: both directions, as `hodan sync` is
    idle: () => timed('idle', async () => {
      await a.replicate.to(remote, { batch_size: 500 });
      await a.replicate.from(remote, { batch_size: 500 });
      return {};
    }),
    bootstrap: () => timed('bootstrap', async () => {
      const b = new Local('b');
      await b.replicate.from(remote, { batch_size: 500 });
      return { docs: (await b.info()).doc_count };
    }),
  };
  process.stdout.write(JSON.stringify({ step: 'ready' }) + '\n');
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const step = line.trim();
    if (step === 'quit') break;
    if (!steps[step]) throw new Error('unknown step ' + step);
    process.stdout.write(JSON.stringify(await steps[step]()) + '\n');
  }
  srv.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch(e => { console.error(e); process.exit(1); });
