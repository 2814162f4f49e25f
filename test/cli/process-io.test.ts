import { expect } from 'chai';
import { processIo } from '../../src/cli/process-io';

// processIo listens on the real process.stdout/stderr; each test removes what it added.
describe('processIo: a reader that went away is not an error', () => {
  function withIo(run: (closed: () => number) => void): void {
    const before = { out: process.stdout.listeners('error'), err: process.stderr.listeners('error') };
    let closed = 0;
    processIo(() => void closed++);
    try {
      run(() => closed);
    } finally {
      for (const l of process.stdout.listeners('error')) if (!before.out.includes(l)) process.stdout.off('error', l as never);
      for (const l of process.stderr.listeners('error')) if (!before.err.includes(l)) process.stderr.off('error', l as never);
    }
  }
  const error = (code: string) => Object.assign(new Error(`write ${code}`), { code });

  for (const code of ['EPIPE', 'EIO']) {
    it(`${code} on stdout calls onClosed once; on stderr it is dropped`, () => {
      withIo((closed) => {
        expect(() => process.stdout.emit('error', error(code))).to.not.throw();
        expect(() => process.stdout.emit('error', error(code))).to.not.throw();
        expect(closed()).to.equal(1);
        expect(() => process.stderr.emit('error', error(code))).to.not.throw();
      });
    });
  }

  it('any other write error still surfaces', () => {
    withIo(() => {
      expect(() => process.stdout.emit('error', error('ENOSPC'))).to.throw('write ENOSPC');
      expect(() => process.stderr.emit('error', error('EBADF'))).to.throw('write EBADF');
    });
  });
});
