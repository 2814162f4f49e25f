import { expect } from 'chai';
import { terminalSafe } from '../../src/util/terminal-text';

const ch = (cp: number) => String.fromCodePoint(cp);

describe('terminalSafe', () => {
  it('escapes a title-changing OSC sequence so nothing reaches the terminal raw', () => {
    const reply = 'はい\u001b]0;owned\u0007座ります';
    const out = terminalSafe(reply);
    expect(out).to.equal('はい\\x1B]0;owned\\x07座ります');
    // eslint-disable-next-line no-control-regex
    expect(out).to.not.match(/[\u0000-\u001f]/u);
  });

  it('escapes CSI (ESC [ and the one-byte U+009B) and a carriage return that would overwrite the line', () => {
    expect(terminalSafe('a\u001b[2Jb')).to.equal('a\\x1B[2Jb');
    expect(terminalSafe('a\u009b2Jb')).to.equal('a\\x9B2Jb');
    expect(terminalSafe('ok\rFAKE')).to.equal('ok\\x0DFAKE');
  });

  it('keeps tab, printable ASCII and Japanese/Chinese text as they are', () => {
    const text = 'sit\tお座り 坐下 ~!';
    expect(terminalSafe(text)).to.equal(text);
  });

  it('escapes newlines unless asked to keep them', () => {
    expect(terminalSafe('a\nb')).to.equal('a\\x0Ab');
    expect(terminalSafe('a\nb', { newlines: true })).to.equal('a\nb');
    expect(terminalSafe('a\r\nb', { newlines: true })).to.equal('a\\x0D\nb');
  });

  // Each range at its edges: the last safe character before, the first and last escaped, the first safe after.
  const edges: Array<[number, boolean]> = [
    [0x00, true], [0x08, true], [0x09, false], [0x0a, true], [0x0b, true], [0x1f, true], [0x20, false],
    [0x7e, false], [0x7f, true], [0x9f, true], [0xa0, false],
    [0x061b, false], [0x061c, true], [0x061d, false],
    [0x200d, false], [0x200e, true], [0x200f, true], [0x2010, false],
    [0x2027, false], [0x2028, true], [0x202e, true], [0x202f, false],
    [0x2065, false], [0x2066, true], [0x2069, true], [0x206a, false],
  ];
  for (const [cp, escaped] of edges) {
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    it(`U+${hex} is ${escaped ? 'escaped' : 'kept'}`, () => {
      const out = terminalSafe(`<${ch(cp)}>`);
      if (escaped) expect(out).to.equal(cp <= 0xff ? `<\\x${hex.slice(2)}>` : `<\\u${hex}>`);
      else expect(out).to.equal(`<${ch(cp)}>`);
    });
  }

  it('handles a long hostile string in linear time and output only grows by the escapes', () => {
    const s = '\u001b'.repeat(100_000);
    const out = terminalSafe(s);
    expect(out.length).to.equal(400_000);
  });
});
