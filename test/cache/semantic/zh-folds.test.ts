import { expect } from 'chai';
import { createAnalysers, createSemanticIndex } from '../../../src/cache/semantic';
import { analyse } from '../../../src/lang';

/**
 * Chinese equal-intent folds found by the third blind set's dev half (issue 14): a measure word
 * inside a verb-object word, and whom a social action is for. Pairs written for these rules, each
 * with the near forms that must not hit.
 */
describe('cache/semantic Chinese folds', () => {
  const analysers = createAnalysers();
  const judge = (a: string, b: string) => {
    const idx = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    idx.add('a', analyse(a, 'zh'), a);
    return idx.lookup(analyse(b, 'zh'));
  };
  const hits = (pairs: Array<[string, string]>) => {
    for (const [a, b] of pairs) expect(judge(a, b), `${a} => ${b}`).to.deep.include({ hit: true, value: a });
  };
  const misses = (pairs: Array<[string, string]>) => {
    for (const [a, b] of pairs) expect(judge(a, b)?.hit ?? false, `${a} => ${b}`).to.equal(false);
  };

  it('a measure word inside a verb-object word changes nothing (握个手 = 握手, 跳一个舞 = 跳舞)', () => {
    hits([['握手', '握一下手'], ['握个手', '握手'], ['鞠个躬', '鞠躬'], ['跳一个舞', '跳舞'], ['伸个懒腰吧', '伸懒腰'], ['比个心', '比心']]);
  });

  it('a count keeps its measure word, and another object is another request', () => {
    misses([['转两个圈', '转圈'], ['转三下', '转'], ['握手', '握个爪'], ['跳个舞', '跳个高']]);
  });

  it('whom a greeting, heart, bow or dance is for changes nothing (跟大家打招呼 = 打招呼)', () => {
    hits([['给妈妈比个心', '比心'], ['向观众鞠躬', '鞠个躬'], ['跟客人们问好', '问好'], ['打个招呼', '跟大家打招呼']]);
  });

  it('in front of anything else the person is part of the request (跟我走 is follow me)', () => {
    misses([['跟我走', '走'], ['给我坐下', '跟我坐下'], ['跟大家打招呼', '跟大家说再见'], ['跟大家打招呼', '跟大家跳舞']]);
  });
});
