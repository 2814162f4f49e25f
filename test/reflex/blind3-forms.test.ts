import { expect } from 'chai';
import { parseActionKey, parsePhrases } from '../../src/lang/phrasebook';
import { ConfigError } from '../../src/util/errors';
import { grammarCases } from '../helpers/grammar-cases';

/**
 * L1 rules found by the third blind set's dev half (issue 14): speed levels, a command's first
 * character said again and again, praise after a command, the Cantonese turn, a Chinese light verb
 * in front of an English gesture, the name glued to an English greeting. Lines written for these
 * rules (not taken from the set), each with the near forms that must defer.
 */
describe('reflex: third blind set command forms', () => {
  const { act, check, defers } = grammarCases();

  it('speed levels: faster is the fast level, slower the slow one, normal 0 (an absolute level)', () => {
    const fast = 'speed_level{"data":1}';
    const slow = 'speed_level{"data":-1}';
    check([['请走快一点', fast], ['走快点啦', fast], ['加速', fast], ['go faster please', fast], ['pick up the pace', fast], ['スピード上げてくれる？', fast], ['もっと早く歩いて', fast]]);
    check([['走慢点', slow], ['放慢速度', slow], ['slow down', slow], ['walk slower', slow], ['スピード落として', slow], ['もっとゆっくり歩いて', slow]]);
    check([['正常速度', 'speed_level{"data":0}'], ['normal speed please', 'speed_level{"data":0}']]);
    // Negated or asked about, a speed is no command; a move said with a speed word stays the move.
    defers(["don't go faster", '别走快点', 'スピード上げないで', 'can you go faster than a cat?', '你会加速吗']);
    expect(act('walk forward faster')?.[0]).to.match(/^forward/);
  });

  it('an action key carries fixed parameters; a malformed key is E_CONFIG with the line', () => {
    expect(parseActionKey('speed_level data=-1')).to.deep.equal({ name: 'speed_level', params: { data: -1 } });
    expect(parseActionKey('sit')).to.deep.equal({ name: 'sit', params: {} });
    const file = (key: string) => `language: en\nactions:\n  ${key}: [zoom zoom]\n`;
    expect(() => parsePhrases(file('speed_level data=fast'), 'x.yaml', 'en', new Set(['speed_level']))).to.throw(ConfigError, /x\.yaml:3: .*no action key/);
    expect(() => parsePhrases(file('warp_speed data=1'), 'x.yaml', 'en', new Set(['speed_level']))).to.throw(ConfigError, /unknown action/);
    expect(parsePhrases(file('speed_level data=1'), 'x.yaml', 'en', new Set(['speed_level'])).actions).to.deep.equal({ 'speed_level data=1': ['zoom zoom'] });
  });

  it('a Chinese command with its first character said again and again, and praise after it', () => {
    check([['坐坐坐', 'sit'], ['趴趴趴', 'lie_down'], ['握握握手', 'hello'], ['坐下，好乖', 'sit'], ['趴下乖乖', 'lie_down'], ['站起来，真乖', 'stand_up']]);
    defers(['坐坐坐车', '乖', '不乖', '乖不乖']);
  });

  it('the Cantonese turn puts the direction after the verb, in both scripts', () => {
    check([['转左', 'turn_left'], ['轉右', 'turn_right'], ['转左边', 'turn_left'], ['请转右', 'turn_right']]);
    defers(['转左还是转右', '别转左']);
  });

  it('a Chinese light verb in front of an English gesture is the gesture', () => {
    check([['比个heart', 'heart'], ['比一个 heart 吧', 'heart'], ['摆一个 pose', 'pose'], ['给我比个 heart', 'heart']]);
    defers(['比个 hello world', '摆个摊']);
  });

  it('the name glued to an English greeting is a wake word, also inside a mixed utterance', () => {
    check([['OKクラウディア、お座り', 'sit'], ['heyクラウディア伏せて', 'lie_down'], ['ｏｋａｙクラウディア、立って', 'stand_up'], ['please クラウディア お手', 'hello']]);
    defers(['OKクラウディア', 'okクラウディア、元気？', 'heydayクラウディア お座り']);
  });
});
