/** One exchange remembered for a session: what was said and what the model answered (its JSON). */
export interface Turn {
  user: string;
  assistant: string;
}

export interface SessionMemory {
  /** The remembered turns, oldest first (empty when the feature is off or the session is new). */
  turns(sessionId: string): Turn[];
  remember(sessionId: string, turn: Turn): void;
  forget(sessionId: string): void;
  size(): number;
}

/**
 * Bounded short-term memory per session_id: at most `turnsPerSession` turns, at most
 * `maxSessions` sessions (least recently used dropped). Off when turnsPerSession is 0.
 * Replies that used it are never cached, shared or coalesced (the decider marks them).
 */
export function createSessionMemory(opts: { turnsPerSession: number; maxSessions: number }): SessionMemory {
  const sessions = new Map<string, Turn[]>();
  const enabled = opts.turnsPerSession > 0 && opts.maxSessions > 0;
  return {
    turns(sessionId) {
      if (!enabled || !sessionId) return [];
      const t = sessions.get(sessionId);
      if (!t) return [];
      sessions.delete(sessionId);
      sessions.set(sessionId, t);
      return [...t];
    },
    remember(sessionId, turn) {
      if (!enabled || !sessionId) return;
      const t = sessions.get(sessionId) ?? [];
      sessions.delete(sessionId);
      t.push(turn);
      while (t.length > opts.turnsPerSession) t.shift();
      sessions.set(sessionId, t);
      while (sessions.size > opts.maxSessions) {
        const oldest = sessions.keys().next().value as string;
        sessions.delete(oldest);
      }
    },
    forget(sessionId) {
      sessions.delete(sessionId);
    },
    size: () => sessions.size,
  };
}
