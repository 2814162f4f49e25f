import { expect } from 'chai';
import { createAnalysers, createSemanticIndex } from '../../../src/cache/semantic';
import { analyse } from '../../../src/lang';

/** A few thousand distinct utterances in three languages, as a busy cache would hold. */
export function syntheticUtterances(n: number): Array<{ text: string; lang: string }> {
  const ja = ['座って', '立って', '伏せて', '踊って', 'ジャンプして', '歩いて', '右に曲がって', '左に曲がって', '前に進んで', '後ろに下がって'];
  const zh = ['坐下', '站起来', '趴下', '跳舞', '向前走', '向左转', '向右转', '后退', '握手', '比心'];
  const en = ['sit down', 'stand up', 'lie down', 'dance', 'walk forward', 'turn left', 'turn right', 'go back', 'wave', 'jump'];
  const topicsJa = ['猫', '犬', '鳥', '花', '空', '海', '山', '川', '星', '月', '本', '歌', '絵', '車', '雨'];
  const out: Array<{ text: string; lang: string }> = [];
  for (let i = 0; out.length < n; i++) {
    const k = i % 3;
    const m = Math.floor(i / 3);
    if (k === 0) out.push({ text: `${m % 7 === 0 ? '' : `${(m % 97) + 1}回`}${ja[m % ja.length]}${topicsJa[m % topicsJa.length]}の${Math.floor(m / 10)}番`, lang: 'ja' });
    else if (k === 1) out.push({ text: `第${Math.floor(m / 10)}个${zh[m % zh.length]}`, lang: 'zh' });
    else out.push({ text: `${en[m % en.length]} number ${m}`, lang: 'en' });
  }
  return out;
}

describe('cache/semantic/semantic-index', () => {
  const analysers = createAnalysers();

  it('finds the paraphrased entry among thousands and reports the nearest refusal otherwise', () => {
    const idx = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    for (const [i, u] of syntheticUtterances(3000).entries()) idx.add(`k${i}`, analyse(u.text, u.lang), u.text);
    idx.add('sit', analyse('座ってください'), 'sit-answer');
    expect(idx.size()).to.equal(3001);
    const hit = idx.lookup(analyse('座ってね'));
    expect(hit.hit).to.equal(true);
    expect(hit.value).to.equal('sit-answer');
    const neg = idx.lookup(analyse('座らないでください'));
    expect(neg.hit).to.equal(false);
    expect(neg.guard).to.be.a('string');
    expect(neg.candidates).to.be.greaterThan(0);
  });

  it('forgets removed entries', () => {
    const idx = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    idx.add('a', analyse('ダンスして'), 'dance');
    expect(idx.lookup(analyse('ダンスをお願い')).hit).to.equal(true);
    idx.remove('a');
    expect(idx.size()).to.equal(0);
    const m = idx.lookup(analyse('ダンスをお願い'));
    expect(m.hit).to.equal(false);
    expect(m.candidates).to.equal(0);
  });

  it('adds in steps exactly what add() adds, and nothing once the entry is no longer wanted', () => {
    const whole = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    const stepped = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    const utterances = syntheticUtterances(60);
    let maxSteps = 0;
    for (const [i, u] of utterances.entries()) {
      whole.add(`k${i}`, analyse(u.text, u.lang), u.text);
      const steps = stepped.addInSteps(`k${i}`, analyse(u.text, u.lang), u.text, () => true);
      let n = 0;
      while (!steps.next().done) n++;
      maxSteps = Math.max(maxSteps, n);
    }
    expect(maxSteps, 'the work is split').to.be.greaterThan(1);
    expect(stepped.size()).to.equal(whole.size());
    for (const u of utterances) expect(stepped.features(analyse(u.text, u.lang))).to.deep.equal(whole.features(analyse(u.text, u.lang)));
    for (const probe of ['座ってね', '第3个坐下吧', 'sit down number 9 please']) {
      const a = whole.lookup(analyse(probe));
      const b = stepped.lookup(analyse(probe));
      expect({ hit: b.hit, id: b.id, score: b.score }, probe).to.deep.equal({ hit: a.hit, id: a.id, score: a.score });
    }
    let wanted = true;
    const late = stepped.addInSteps('late', analyse('ダンスして'), 'dance', () => wanted);
    late.next();
    wanted = false;
    while (!late.next().done);
    expect(stepped.size()).to.equal(whole.size());
    expect(stepped.lookup(analyse('ダンスをお願い')).id).to.not.equal('late');
  });
});
