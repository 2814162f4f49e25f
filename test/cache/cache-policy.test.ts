import { expect } from 'chai';
import { isVolatileQuestion, refuseToStore } from '../../src/cache/cache-policy';
import { decodeEntry, encodeEntry, type CacheEntry } from '../../src/cache/cache-entry';
import { analyse } from '../../src/lang';
import type { Decision } from '../../src/pipeline/types';

const llm = (over: Partial<Decision> = {}): Decision => ({ actions: [{ name: 'sit' }], reply: '座ります', language: 'ja', source: 'llm', cacheable: true, ...over });

describe('cache/cache-policy', () => {
  it('refuses time-, battery-, state- and session-dependent questions in every language', () => {
    for (const t of ['今何時？', 'バッテリー残量は？', '今日の天気は', '今天天气怎么样', '电池还有多少', 'what time is it', "what's the battery level", 'what did I say just now']) {
      expect(isVolatileQuestion(analyse(t)), t).to.equal(true);
      expect(refuseToStore(analyse(t), llm()), t).to.equal('volatile_question');
    }
    for (const t of ['座って', '你好', 'sit down', '猫は好き？']) expect(isVolatileQuestion(analyse(t)), t).to.equal(false);
  });

  it('stores only cacheable, non-empty LLM answers that did not use the session', () => {
    const a = analyse('座って');
    expect(refuseToStore(a, llm())).to.equal(undefined);
    expect(refuseToStore(a, llm({ cacheable: false }))).to.equal('marked_uncacheable');
    expect(refuseToStore(a, llm({ source: 'fallback' }))).to.equal('source_fallback');
    expect(refuseToStore(a, llm({ source: 'semantic_cache' }))).to.equal('source_semantic_cache');
    expect(refuseToStore(a, llm({ detail: { usedSession: true } }))).to.equal('used_session');
    expect(refuseToStore(a, llm({ actions: [], reply: ' ' }))).to.equal('empty');
    expect(refuseToStore(a, llm({ detail: { promptType: 'emergency' } }))).to.equal('emergency');
  });
});

describe('cache/cache-entry', () => {
  const entry: CacheEntry = { v: 1, text: '座って', lang: 'ja', certain: true, pt: '', actions: [{ name: 'forward', params: { distance: 1 } }], reply: '進みます', language: 'ja', at: 1 };

  it('round-trips an entry', () => {
    expect(decodeEntry(encodeEntry(entry))).to.deep.equal(entry);
  });

  it('rejects corrupted or foreign values instead of throwing', () => {
    for (const raw of ['', 'not json', '{"v":1', 'null', '42', '{"v":2}', JSON.stringify({ ...entry, actions: [{ name: 7 }] }), JSON.stringify({ ...entry, actions: [{ name: 'x', params: { d: 'far' } }] }), JSON.stringify({ ...entry, lang: 'fr' })]) {
      expect(decodeEntry(raw), raw).to.equal(undefined);
    }
  });
});
