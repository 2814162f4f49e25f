import { expect } from 'chai';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';

/**
 * L0 on danger warnings (issue 14, third blind set): a prohibition of going or coming, a hazard
 * said where the robot is headed, falls, collisions and pain. Lines written for these rules, not
 * taken from any eval set; each rule also has the near forms it must not fire on.
 */
describe('reflex: danger warnings and prohibitions of moving', () => {
  const l0 = createEmergencyReflex();
  const fires = (lines: string[], kind: 'stop' | 'danger') => {
    for (const t of lines) expect(l0.match(t)?.kind, t).to.equal(kind);
  };
  const silent = (lines: string[]) => {
    for (const t of lines) expect(l0.match(t), t).to.equal(undefined);
  };

  it('a prohibition of going or coming stops, alone or after a reason, in both Chinese scripts', () => {
    fires(['别过来！', '那边有水，别过去', '別往那邊走', '不要靠近那里', '那邊很燙，不要過去', '唔好过去'], 'stop');
    fires(['そっちに行っちゃダメ！', 'こっち来ないで', '近づかないで！', 'そこ入っちゃだめ', 'そっち行かないで'], 'stop');
    fires(["don't go there!", "don't come any closer", 'stay back!', 'not that way!', "don't go near the stove"], 'stop');
  });

  it('"do not walk / move any more" stops anywhere (别再走了, 不要再动了)', () => {
    fires(['别再走了，前面没路了', '不要再动了', '好了好了你别再往前走了我们到了就在这里等着吧'], 'stop');
  });

  it('the same verbs without the prohibition, or the prohibition in a long sentence, do not stop', () => {
    silent(['我明天不过去了', '他说过去的事就算了', '过去的就让它过去吧', '行ってきます', '来週行かない？', '明日は学校に行くの']);
    silent(["don't go to bed late tonight, okay, I mean it", '我跟你说啊你明天要是有空的话就别过来接我了我自己坐车回去']);
  });

  it('a hazard with a warning word (where the robot is, something coming) is danger, in a short piece', () => {
    fires(["there's a kid right behind you", 'car coming!', 'a baby in your way', "there's someone right there"], 'danger');
    fires(['后面有车！', '前面有小孩', '脚下有电线', '汽车来了！', '前面是樓梯'], 'danger');
    fires(['前に階段があるよ！', '足元にコード！', '車が来てる！', '赤ちゃんがいるよ', '目の前に段差'], 'danger');
  });

  it('a hazard where the robot is headed, said with a bare place word (そっち, 那边, 前面, in front, behind), is danger; whatever stepped on is a cry', () => {
    fires(['そっち車！', 'あっち段差だよ！', '前に階段！', 'その先ガラスだよ'], 'danger');
    fires(['那边有楼梯！', '前面楼梯', '旁边有小孩', '那邊樓梯！', '下面有玻璃'], 'danger');
    fires(['stairs in front!', 'a kid behind you!'], 'danger');
    fires(['踩到我脚了！', '踩到我的手了', '踩着我尾巴了', '你踩我脚'], 'danger');
  });

  it('a place word said about a hazard in a statement of where something is, in English, is only a word', () => {
    silent(['the stairs are over there', 'the car is that way', 'the kitchen is down there', '踩到一块石头', '他踩到水了吗']);
  });

  it('a hazard noun or a warning word alone is only a word', () => {
    silent(['the stairs are upstairs', 'right there is fine', 'a baby!', 'coming!', 'I have kids', 'go to the door']);
    silent(['楼梯在哪里', '前面有家店', '孩子们放学了吗', '来了来了', '階段を上って', 'すぐそこのお店', 'お金あるよ']);
    // Too long to be a shout: a hazard and a warning word in a story.
    silent(['my kid is coming home tomorrow for the holidays']);
  });

  it('falls, collisions and pain as exclamations', () => {
    fires(['こけた！', 'you fell', 'it fell over', '踩我脚了', '压到了！', 'you bumped into the table', "it's hot!"], 'danger');
    fires(['踩到我的脚了！', 'grandpa fell down', 'someone fell'], 'danger');
    silent(['こけし', 'it fell apart last year and we bought a new one', 'the price fell down a lot this year, sadly']);
  });

  it('"hot!" said alone is a stop (烫！, 熱っ, あちち); hot inside a sentence is not', () => {
    fires(['烫！', '烫烫烫', 'あちっ！', '熱っ', 'あちち'], 'stop');
    silent(['烫头发', '这个汤很烫吗你尝尝看再说吧我不知道', 'あちら', 'あつい日だね、今日は散歩やめとこうか']);
  });
});
