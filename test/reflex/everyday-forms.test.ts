import { grammarCases } from '../helpers/grammar-cases';

/**
 * L1 on everyday forms (issue 14, second round): casual and Kansai Japanese endings, English
 * units after a Japanese direction, cut-off and stuck recogniser output, colloquial English
 * contractions, and the everyday verbs of each action. Lines written for these rules.
 */
describe('reflex: everyday command forms', () => {
  const { check, defers } = grammarCases();

  it('casual and Kansai Japanese request endings (〜や, 〜とき, はよ〜, 〜しよ)', () => {
    check([['座っとき', 'sit'], ['座りや', 'sit'], ['立ち上がりや', 'stand_up'], ['伏せしとき', 'lie_down'], ['はよ座って', 'sit'], ['お手しよ', 'hello'], ['ダンスしよ', 'dance1'], ['お辞儀しよか', 'scrape'], ['寝とき', 'lie_down']]);
  });

  it('negations, past and potential forms still defer', () => {
    defers(['座るな', '座らないで', '座った', '座れる？', 'おはよう']);
  });

  it('an English unit after a Japanese direction', () => {
    check([['左に 1 meter 進んで', 'left{"distance_m":1}'], ['前に2 meters 歩いて', 'forward{"distance_m":2}']]);
  });

  it('the last word cut off, or the command said again and cut short', () => {
    check([['sit dow', 'sit'], ['stand u', 'stand_up'], ['lie do', 'lie_down'], ['sit down sit d', 'sit'], ['sit down sit', 'sit']]);
    defers(["don't sit do", 'turn le']);
  });

  it('contracted colloquial English imperatives', () => {
    check([['siddown', 'sit'], ['gimme a bow', 'scrape'], ['lemme see you sit', 'sit'], ["c'mon get up", 'stand_up']]);
  });

  it('everyday verbs per action in en, ja and zh (sidestep, bow, pose, wave at someone, get back up)', () => {
    check([
      ['sidestep left', 'left'], ['side step to the right', 'right'], ['shuffle left', 'left'], ['wave at him', 'hello'], ['wave to her', 'hello'],
      ['bow to our guests', 'scrape'], ['pose for the camera', 'pose'], ['pick yourself up', 'recovery_stand'], ['get up off the floor', 'stand_up'],
      ['右にずれて', 'right'], ['ぺこりして', 'scrape'], ['決めポーズして', 'pose'],
      ['跟他打招呼', 'hello'], ['爬起来', 'recovery_stand'], ['向左挪一下', 'left'], ['往右边挪', 'right'], ['摆造型', 'pose'],
    ]);
  });
});
