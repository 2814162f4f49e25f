import { expect } from 'chai';
import { createConsoleLogger, createJsonLogger } from '../../src/util/logger';

describe('console logger', () => {
  it('escapes terminal control sequences in the message and in fields (C1 and bidi too, which JSON leaves raw)', () => {
    const lines: string[] = [];
    const log = createConsoleLogger({ write: (l) => lines.push(l) });
    log.warn('LLM reply \u001b]0;owned\u0007 refused', { reply: 'x\u009b2J\u202Eevil' });
    expect(lines).to.have.length(1);
    // eslint-disable-next-line no-control-regex
    expect(lines[0]).to.not.match(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e]/u);
    expect(lines[0]).to.contain('\\x1B]0;owned\\x07').and.contain('\\x9B2J').and.contain('\\u202Eevil');
  });

  it('the JSON logger stays valid JSON that round-trips the raw text (it is for programs)', () => {
    const lines: string[] = [];
    createJsonLogger({ write: (l) => lines.push(l) }).info('m', { reply: 'x\u001b\u009by' });
    expect((JSON.parse(lines[0] as string) as { reply: string }).reply).to.equal('x\u001b\u009by');
  });
});
