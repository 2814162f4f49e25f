import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { openBag, replayTopics, writeConversationBag } from '../../src/bag';
import { formatBagInfo, formatSize } from '../../src/bag/format-info';
import type { BagSummary } from '../../src/bag/types';
import { loadMessageRegistry } from '../../src/cdr';
import { main } from '../../src/cli/main';
import { recordSession } from '../../src/cli/record';
import type { CliIo } from '../../src/cli/types';
import { configWith } from '../../src/config/load';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { tempBagDirs } from '../bag/helpers';

function captureIo(): CliIo & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => void out.push(l), err: (l) => void err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

describe('claudia-llm bag info / replay / record', function () {
  this.timeout(60_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());
  const registry = loadMessageRegistry();
  const config = configWith({});

  function conversationBag(texts: string[]): string {
    const dir = dirs.next('talk');
    writeConversationBag({ dir, registry, topics: replayTopics(config), turns: texts.map((text, i) => ({ atMs: i * 2000, text })) });
    return dir;
  }

  it('bag info prints the ros2 bag info fields for each topic', async () => {
    const dir = conversationBag(['座れ', 'wave', 'STOP']);
    const io = captureIo();
    expect(await main(['bag', 'info', dir], io)).to.equal(0);
    const text = io.outText();
    expect(text).to.contain('Files:             talk_0.db3');
    expect(text).to.contain('Storage id:        sqlite3');
    // As ros2 bag info (Humble+): nanoseconds, and the size of every file in the folder, metadata.yaml included.
    expect(text).to.contain('Duration:          4.000000000s');
    const folderBytes = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    expect(folderBytes).to.be.greaterThan(statSync(path.join(dir, 'talk_0.db3')).size);
    expect(text).to.contain(`Bag size:          ${formatSize(folderBytes)}`);
    expect(text).to.match(/End: {15}\w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d\.000000000 \(1764000004\.000000000\)/);
    expect(text).to.contain('Messages:          3');
    expect(text).to.contain('Topic information: Topic: /claudia/speech_text | Type: std_msgs/msg/String | Count: 3 | Serialization Format: cdr');
    expect(text).to.match(/Start: {13}\w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d\.000000000 \(1764000000\.000000000\)/);
  });

  it('bag info keeps every nanosecond digit, as ros2 bag info does (not milliseconds)', () => {
    const summary = {
      dir: '/x', files: ['/x/b_0.db3'], bag_size: 1536,
      metadata: { version: 4, storage_identifier: 'sqlite3', relative_file_paths: ['b_0.db3'], starting_time_ns: 1604063583423456789n, duration_ns: 9997000001n, message_count: 0, topics_with_message_count: [] },
    } as unknown as BagSummary;
    const text = formatBagInfo(summary);
    expect(text).to.contain('Bag size:          1.5 KiB');
    expect(text).to.contain('Duration:          9.997000001s');
    expect(text).to.match(/Start: {13}.* \d\d:\d\d:\d\d\.423456789 \(1604063583\.423456789\)/);
    expect(text).to.match(/End: {15}.* \d\d:\d\d:\d\d\.420456790 \(1604063593\.420456790\)/);
    expect(formatSize(1023)).to.equal('1023 B');
    expect(formatSize(1024)).to.equal('1.0 KiB');
  });

  it('bag info --json gives the metadata with int64 as decimal strings', async () => {
    const dir = conversationBag(['座れ', 'wave']);
    const io = captureIo();
    expect(await main(['bag', 'info', dir, '--json'], io)).to.equal(0);
    const j = JSON.parse(io.outText()) as { metadata: { version: number; starting_time_ns: string; duration_ns: string; message_count: number }; problems: string[] };
    expect(j.metadata).to.include({ version: 4, starting_time_ns: '1764000000000000000', duration_ns: '2000000000', message_count: 2 });
    expect(j.problems).to.deep.equal([]);
  });

  it('bag info --verify reports metadata that disagrees with the storage; a broken bag exits 1 with E_BAG', async () => {
    const dir = conversationBag(['座れ', 'wave']);
    const meta = path.join(dir, 'metadata.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('      message_count: 2', '      message_count: 7'));
    const io = captureIo();
    expect(await main(['bag', 'info', dir, '--verify'], io)).to.equal(1);
    expect(io.errText()).to.contain('/claudia/speech_text: metadata says 7, storage holds 2');
    const io2 = captureIo();
    expect(await main(['bag', 'info', path.join(dir, 'nope')], io2)).to.equal(1);
    expect(io2.errText()).to.match(/E_BAG: bag folder .* does not exist/);
  });

  it('replay --expect passes (exit 0) and fails with a diff (exit 1) when an expectation is wrong', async () => {
    const dir = conversationBag(['座れ', 'wave', 'STOP']);
    const good = dirs.next('good.jsonl');
    writeFileSync(good, ['{"index":0,"text":"座れ","actions":["sit"]}', '{"text":"wave","actions":["hello"]}', '{"text":"STOP","actions":["stop"],"source":"reflex"}'].join('\n'));
    const io = captureIo();
    expect(await main(['replay', dir, '--rate', '0', '--no-llm', '--out', dirs.next('o1'), '--expect', good], io), io.outText() + io.errText()).to.equal(0);
    expect(io.outText()).to.contain('expectations: all 3 passed');

    const bad = dirs.next('bad.jsonl');
    writeFileSync(bad, ['{"index":0,"actions":["lie_down"]}', '{"text":"wave","actions":["hello"]}', '{"index":9,"actions":[]}'].join('\n'));
    const io2 = captureIo();
    expect(await main(['replay', dir, '--rate', '0', '--no-llm', '--out', dirs.next('o2'), '--expect', bad], io2)).to.equal(1);
    const diff = io2.outText();
    expect(diff).to.contain('2 of 3 expectation(s) failed');
    expect(diff).to.contain('line 1 #0 "座れ": expected actions [lie_down], got [sit]');
    expect(diff).to.contain('line 3 #9: no utterance #9: the bag played 3');
  });

  it('replay --write-expect writes a baseline that the next replay passes', async () => {
    const dir = conversationBag(['座れ', 'flip', 'STOP']);
    const baseline = dirs.next('baseline.jsonl');
    const io = captureIo();
    expect(await main(['replay', dir, '--rate', '0', '--no-llm', '--out', dirs.next('w1'), '--write-expect', baseline], io)).to.equal(0);
    const lines = readFileSync(baseline, 'utf8').trim().split('\n');
    expect(lines).to.have.length(4);
    // The message counts what it wrote: three utterances and the sport request sequence.
    expect(io.errText()).to.contain(`wrote 4 expectation line(s) to ${baseline} (3 utterance(s), 1 sport request sequence)`);
    expect(JSON.parse(lines[1]!)).to.include({ index: 1, text: 'flip' });
    const io2 = captureIo();
    expect(await main(['replay', dir, '--rate', '0', '--no-llm', '--out', dirs.next('w2'), '--expect', baseline], io2), io2.outText()).to.equal(0);
    expect(io2.outText()).to.contain('expectations: all 4 passed');
  });

  it('replay rejects bad flags with a message saying what to change', async () => {
    const dir = conversationBag(['sit']);
    const io = captureIo();
    expect(await main(['replay', dir, '--rate=-1', '--no-llm'], io)).to.equal(2);
    expect(io.errText()).to.contain("option '--rate <r>' argument '-1' is invalid. It must be a number >= 0");
    const io2 = captureIo();
    expect(await main(['replay', dir, '--clock', 'virtual'], io2)).to.equal(2);
    expect(io2.errText()).to.contain('cannot drive a real Ollama');
    const io3 = captureIo();
    expect(await main(['replay'], io3)).to.equal(2);
    expect(io3.errText()).to.contain("missing required argument 'bag_dir'");
  });

  it('record (memory transport) captures inputs and outputs; the recorded bag replays to the same decisions', async () => {
    const out = dirs.next('rec');
    const io = captureIo();
    async function* lines() {
      yield '座れ';
      yield '';
      yield 'please stand';
      yield 'wave';
    }
    await recordSession({
      outDir: out,
      config: configWith({ ollama: { enabled: false } }),
      topics: (await import('../../src/bag')).defaultRecordTopics(config),
      tailMs: 300,
      robot: { latencyMs: 5 },
      lines: lines(),
      clock: createSystemClock(),
      logger: createSilentLogger(),
      io,
    });
    expect(io.outText()).to.contain('Topic information: Topic: /claudia/speech_text | Type: std_msgs/msg/String | Count: 3');
    const r = openBag(out);
    const counts = r.countByTopic();
    r.close();
    expect(counts.get('/claudia/speech_text')).to.equal(3);
    expect(counts.get('/claudia/response')).to.equal(3);
    expect(counts.get('/api/sport/request')).to.be.greaterThan(0);

    const exp = dirs.next('rec.jsonl');
    writeFileSync(exp, ['{"text":"座れ","actions":["sit"]}', '{"text":"please stand","actions":["stand_up"]}', '{"text":"wave","actions":["hello"]}'].join('\n'));
    const io2 = captureIo();
    expect(await main(['replay', out, '--rate', '0', '--no-llm', '--out', dirs.next('rec-out'), '--expect', exp], io2), io2.outText()).to.equal(0);
  });
});
