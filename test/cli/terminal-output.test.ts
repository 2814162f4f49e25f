import { expect } from 'chai';
import { main } from '../../src/cli/main';
import { createOllamaSimulator } from '../../src/llm/simulator';

/** Human output is for a terminal: an LLM reply must not be able to drive it. */
describe('query human output escapes terminal control sequences', function () {
  this.timeout(20000);

  it('an LLM reply that tries to retitle the terminal and hide text prints escaped; --json stays exact JSON', async () => {
    const reply = 'いい気分です。\u001b]0;pwned\u0007\u001b[2K\r\u202Eおしまい';
    const sim = createOllamaSimulator({ profile: 'fast', script: [{ match: '今日はどんな気分かな', content: { a: [], r: reply } }] });
    const url = await sim.listen(0);
    try {
      const human: string[] = [];
      const code = await main(['query', '今日はどんな気分かな', '--ollama-host', url, '--dry-run', '-p', 'cache.enabled=false'], { out: (l) => human.push(l), err: () => undefined });
      expect(code).to.equal(0);
      const text = human.join('\n');
      expect(text).to.include('reply:   いい気分です。\\x1B]0;pwned\\x07\\x1B[2K\\x0D\\u202Eおしまい');
      // eslint-disable-next-line no-control-regex
      expect(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E]/u.test(text), JSON.stringify(text)).to.equal(false);
      const json: string[] = [];
      await main(['query', '今日はどんな気分かな', '--ollama-host', url, '--dry-run', '--json', '-p', 'cache.enabled=false'], { out: (l) => json.push(l), err: () => undefined });
      expect(JSON.parse(json.join('')).reply).to.equal(reply);
    } finally {
      await sim.close();
    }
  });
});
