import { expect } from 'chai';
import { createNameMatcher } from '../../src/lang/fuzzy-name';
import { shippedPhrasebook } from '../../src/lang/phrasebook';
import { parseNumber } from '../../src/reflex/intent';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';
import { grammarCases } from '../helpers/grammar-cases';

/**
 * How people really say commands (issue 14, colloquial round): each rule of the grammars at its
 * edge, with the forms next to it that must not match. Lines written for these rules; the data
 * set data/intents.colloquial.jsonl holds realistic utterances of every class.
 */
describe('reflex: colloquial command forms', () => {
  const { check, defers } = grammarCases();
  const l0 = createEmergencyReflex();

  describe('L0: a hazard shouted twice', () => {
    it('stops on a hazard noun said twice or more as the whole utterance, in any language', () => {
      for (const t of ['階段！階段！', '段差段差', 'くるま、くるま！', '台阶台阶', '樓梯！樓梯！', 'stairs! stairs!', 'the car, the car!', 'edge edge edge', 'stairs 階段', 'クラウディア、階段階段']) {
        expect(l0.match(t), t).to.deep.include({ kind: 'danger' });
      }
    });

    it('a hazard said once, inside a sentence or with more words is only a word', () => {
      for (const t of ['階段', '階段を上って', '階段階段を上る', 'stairs', 'the stairs are over there', 'step by step', 'stairs stairs everywhere', '台阶', '台阶上有只猫', '车车']) {
        expect(l0.match(t), t).to.equal(undefined);
      }
    });

    it('stops on the shouts people use (待った, 暂停, 唔好郁, knock it off, nonono, uh oh) and not on the sentences around them', () => {
      for (const t of ['待った！', 'ちょっと待った', 'おしまい！', 'やめ！', '暂停', '暂停一下', '唔好郁', '别跑', '停车', 'knock it off', 'quit it', 'nonono', 'uh oh', 'stand still', 'easy, easy']) {
        expect(l0.match(t), t).to.not.equal(undefined);
      }
      for (const t of ['一時間待った後で散歩に行こうか', '待ったなしだね', '停车场在哪里', 'easy', 'that was easy', 'nobody knows', 'no', 'uh']) {
        expect(l0.match(t), t).to.equal(undefined);
      }
    });
  });

  describe('Japanese', () => {
    it('a sentence-final よ/ね/な/だよ/だぞ after a command noun is the command; だね, だった, だよね describe or ask', () => {
      check([['伏せだよ', 'lie_down'], ['お手ね', 'hello'], ['お座りだぞ', 'sit'], ['ジャンプだよ', 'front_jump'], ['ダンスな', 'dance1']]);
      defers(['ジャンプだね', 'ジャンプだった', 'お座りだよね', 'ジャンプだ', 'ダンスなの']);
    });

    it('a stretched syllable after hiragana or kanji (ー, small vowel) is the plain one; katakana keeps its own', () => {
      check([['手ぇ振って', 'hello'], ['すわってぇ', 'sit'], ['ふせぇ', 'lie_down'], ['力ぁ抜いて', 'damp'], ['ハートして', 'heart']]);
      defers(['手ぇ振った', 'すわってぇない']);
    });

    it('やる as the light verb of a command noun; しな is a command, しない a negation', () => {
      check([['前宙やって', 'front_flip'], ['ダンスやろう', 'dance1'], ['ジャンプやってみて', 'front_jump'], ['ジャンプしな', 'front_jump'], ['ハートしなよ', 'heart']]);
      defers(['ジャンプしない', 'ダンスやった', '前宙やらないで', 'ジャンプしなかった']);
    });

    it('casual and Kansai imperatives of verbs: the stem (座り, 座りぃ), stem + な, an ichidan stem + な; the negative imperative defers', () => {
      check([['座りぃ', 'sit'], ['座りな', 'sit'], ['座りなよ', 'sit'], ['寝な', 'lie_down'], ['伏せな', 'lie_down'], ['座ってみ', 'sit'], ['座っといて', 'sit'], ['伏せしといて', 'lie_down'], ['座ってってば', 'sit']]);
      defers(['座るな', '寝るな', '座りたい', '座ってみた', '右向き', '走り']);
    });

    it('を may be left out of a phrase (力抜いて, 頭下げて, モーター切って)', () => {
      check([['力抜いて', 'damp'], ['力を抜いて', 'damp'], ['頭下げて', 'scrape'], ['ポーズとって', 'pose'], ['モーター切って', 'damp']]);
      defers(['力抜かないで']);
    });

    it('a degree word inside a move, and a direction with a number and no verb', () => {
      check([
        ['左にちょっと寄って', 'left'], ['右に少しずれて', 'right'], ['後ろにちょっとだけ下がって', 'backward'],
        ['前に2メートル', 'forward{"distance_m":2}'], ['三歩前へ', 'forward{"distance_m":0.9}'], ['右に90度', 'turn_right{"angle_deg":90}'], ['前に 2 meters', 'forward{"distance_m":2}'],
      ]);
      // A direction alone, an angle backwards, a distance on a turn: not commands.
      defers(['前に', '左にちょっと', '後ろに90度', '2メートル右に曲がって', '前に2メートル進んだ']);
    });

    it('whom a greeting, bow or heart is for; never in front of a movement', () => {
      check([['みんなに挨拶して', 'hello'], ['パパに手を振って', 'hello'], ['ママにハート見せて', 'heart'], ['お客さんにお辞儀して', 'scrape']]);
      defers(['こっちに来て', 'みんなに進んで', 'みんなに挨拶しないで']);
    });

    it('directional flips: 宙返り alone is the front flip, with 後ろ/左/横 the back or left flip; 右 has no flip', () => {
      check([['宙返りして', 'front_flip'], ['後ろに宙返りして', 'back_flip'], ['左に宙返りして', 'left_flip'], ['横宙返り', 'left_flip'], ['バック転して', 'back_flip']]);
      defers(['右に宙返りして']);
    });
  });

  describe('Chinese', () => {
    it('a first character said twice or as A一A (child and casual speech) is the phrase', () => {
      check([['狗狗坐坐', 'sit'], ['坐一坐', 'sit'], ['握握手', 'hello'], ['挥一挥手', 'hello'], ['比比心', 'heart'], ['跳跳', 'front_jump'], ['宝宝趴趴', 'lie_down']], 'zh');
      defers(['走走', '看看', '不不坐', '坐坐吗'], 'zh');
    });

    it('whom a greeting, bow, heart, dance or pose is for; never in front of a movement', () => {
      check([['跟大家打个招呼', 'hello'], ['给妈妈比个心', 'heart'], ['向客人们鞠个躬', 'scrape'], ['给大家跳支舞', 'dance1'], ['对着镜头摆个姿势', 'pose'], ['跟大家打個招呼', 'hello']], 'zh');
      defers(['跟我走', '跟大家往前走', '别跟大家打招呼', '跟大家打招呼了吗'], 'zh');
    });

    it('English units after a number, 一米五 and 两米半, and a quantity before the move', () => {
      check([
        ['往前走 2 meters', 'forward{"distance_m":2}'], ['往前走一米五', 'forward{"distance_m":1.5}'], ['往后退两米半', 'backward{"distance_m":2.5}'],
        ['九十度向右转', 'turn_right{"angle_deg":90}'], ['两步往前走', 'forward{"distance_m":0.6}'], ['向左转 45 degrees', 'turn_left{"angle_deg":45}'],
      ], 'zh');
      defers(['往前走一米五十', '往前走2米3米', '九十度往前走', '往前走 2 monkeys'], 'zh');
    });

    it('the 把 construction for damp, and Cantonese commands', () => {
      check([['把电机关了', 'damp'], ['把電機關掉', 'damp'], ['坐低', 'sit'], ['企起身', 'stand_up'], ['瞓低', 'lie_down']], 'zh');
      defers(['把灯关了', '电机关了吗'], 'zh');
    });
  });

  describe('English', () => {
    it("let's, how about and the light verbs in front of a phrase", () => {
      check([["let's sit", 'sit'], ["let's do a flip", 'front_flip'], ['how about a bow', 'scrape'], ['do a handstand', 'hand_stand'], ['give us a bow', 'scrape'], ['yo do a little dance', 'dance1']]);
      defers(["let's not sit", 'do the dishes', 'how about we go home', 'a dog']);
    });

    it('a gerund after would you mind, do you mind, how about, try', () => {
      check([['would you mind lying down', 'lie_down'], ['would you mind sitting down please', 'sit'], ['how about dancing', 'dance1'], ['try sitting', 'sit']]);
      defers(['would you mind not sitting', 'do you mind if i sit', 'try not jumping']);
    });

    it('whom a greeting, bow, heart, dance or pose is for; not a destination, a direction or a duration', () => {
      check([['say hello to my friend', 'hello'], ['wave at the kids', 'hello'], ['bow for the audience', 'scrape'], ['dance with me', 'dance1'], ['make a heart for grandma', 'heart']]);
      defers(['walk to the door', 'sit with me', 'bow to the left', 'dance for 10 seconds', 'go to my room']);
    });

    it('a turn angle without its unit, English numbers to 99, a couple of', () => {
      check([
        ['turn left 90', 'turn_left{"angle_deg":90}'], ['turn right ninety', 'turn_right{"angle_deg":90}'], ['turn left twenty-five degrees', 'turn_left{"angle_deg":25}'],
        ['walk forward seventy centimeters', 'forward{"distance_m":0.7}'], ['take a couple of steps back', 'backward{"distance_m":0.6}'],
      ]);
      defers(['go forward 2', 'turn around 90', 'walk 90']);
      expect(parseNumber('thirty five')).to.equal(35);
      expect(parseNumber('ninety-nine')).to.equal(99);
      expect(parseNumber('twenty ten')).to.equal(undefined);
      expect(parseNumber('one eighty')).to.equal(180);
    });

    it('the robot name heard as two words, at the start or the end; not two words that only begin like it', () => {
      check([['hey cloud ya sit down okay', 'sit'], ['claw dia lie down', 'lie_down'], ['sit down cloud ya', 'sit']]);
      const names = createNameMatcher(shippedPhrasebook().en.wake);
      expect(names.head('cloud ya sit')).to.equal('cloud ya'.length);
      expect(names.tail('sit claw dia')).to.equal('claw dia'.length);
      for (const t of ['cloud a sit', 'clear away the toys', 'cloudy day today', 'close the door']) expect(names.head(t), t).to.equal(0);
    });
  });

  describe('mixed languages', () => {
    it('a kanji numeral is one quantity, and a command cut by an English quantity is rejoined', () => {
      check([['オッケー turn left 九十度', 'turn_left{"angle_deg":90}'], ['右に two meters 進んで', 'right{"distance_m":2}'], ['前に three meters', 'forward{"distance_m":3}'], ['来个 pose', 'pose'], ['handstand やって', 'hand_stand']]);
      // The same command said twice around a quantity would lose it: defer.
      defers(['往前 two meters 走', "don't 伏せ"]);
    });
  });
});
