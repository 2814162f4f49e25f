import { groupBy } from '../lang/group-by';
import { normaliseText } from '../lang/normalise';
import { finishMoveIntent, parseNumber, type LanguageGrammar, type MoveParams, type ParsedIntent, type SpeedWord } from './intent';

/**
 * English whole-utterance grammar: [wake/politeness prefix] command [politeness suffix].
 * Commands are whole phrases from the phrasebook (config/phrases/en.yaml `actions`); "don't", "did you", "what does ... mean" and any
 * word outside a listed phrase make the utterance fall through to the LLM.
 */

const PREFIXES = [
  'please', 'now', 'ok', 'okay', 'alright', 'all right', 'come on', 'go on', 'go ahead and', 'can you', 'could you', 'would you', 'will you', 'can u', 'could u',
  'i want you to', "i'd like you to", 'i would like you to', 'try to', 'quickly', 'just', 'hey', 'yo', 'and now', 'then', 'buddy', 'doggy', 'good boy',
  'good girl', 'robot', 'dog', 'claudia', 'kindly', 'once more', 'again', 'time to', 'let me see you', 'show me you can', 'give me a', 'gimme a',
  "let's", 'lets', 'let us', 'how about', 'what about', 'i need you to', 'you need to', 'doggo', 'pup', 'puppy',
].sort((a, b) => b.length - a.length);
/** Light verbs in front of a command, tried when the phrase as said is not known: "do a handstand", "how about a bow". */
const LIGHT_VERBS = ['do a', 'do an', 'do the', 'do some', 'do your', 'give us a', 'show me a', 'show us a', 'how about a', 'do a little', 'a little', 'a', 'an'].sort(
  (a, b) => b.length - a.length,
);
/** Openers followed by the command as a gerund: "would you mind lying down" = "lie down". */
const GERUND_OPENERS = ['would you mind', 'do you mind', 'how about', 'what about', 'try'];
const SUFFIXES = [
  'please', 'now', 'right now', 'for me', 'again', 'ok', 'okay', 'thanks', 'thank you', 'buddy', 'claudia', 'boy', 'girl', 'doggy', 'robot', 'dog',
  'once more', 'one more time', 'quickly', 'immediately', 'real quick', 'if you can', 'will you', 'would you', 'could you', 'yeah', 'please and thank you',
  'for us', 'for everyone', 'for everybody', 'to everyone', 'to everybody', 'to us', 'a bit', 'a little', 'a little bit', 'slightly',
  // Whom a greeting or a bow is for does not change it ("wave at him", "bow to our guests").
  'to him', 'to her', 'to them', 'at him', 'at her', 'at them', 'at everyone', 'at everybody', 'at us', 'to the guests', 'to our guests', 'to the kids',
  'for the camera', 'for a photo', 'for the photo', 'for a picture', 'okay', 'ok', 'yeah', 'then',
].sort((a, b) => b.length - a.length);
/**
 * Whom a greeting, bow, heart, dance or pose is for, named ("say hello to my friend", "bow to the audience",
 * "dance for grandma"): allowed after those actions only ("walk to the door" is not a walk forward).
 */
const ADDRESSEE = /\s(?:to|at|for|with)\s(?:(?:my|our|the|your|his|her|their|all|all the|all of the|all of our)\s)?(?!left\b|right\b|front\b|back\b|side\b|music\b)[a-z]+(?:\s(?!left\b|right\b)[a-z]+)?$/;
const SOCIAL = new Set(['hello', 'scrape', 'heart', 'dance1', 'dance2', 'pose']);


/** Movement: verb + direction, with distance / angle / speed / duration around it. */
const MOVE_RE = new RegExp(
  '^(?:go|move|walk|step|head|run|scoot|drive|trot|strafe|slide|shift|take|sidestep|side step|shuffle|scoot over|step over|move over)\\s+' +
    '(forward|forwards|ahead|straight|straight ahead|back|backward|backwards|in reverse|left|right|to the left|to the right|sideways left|sideways right|to your left|to your right)$',
);
/** Without a verb only unambiguous directions count: a bare "right" is usually agreement. */
const BARE_MOVE: Record<string, string> = {
  walk: 'forward', 'walk on': 'forward', 'keep walking': 'forward', 'move ahead': 'forward', 'go straight ahead': 'forward',
  forward: 'forward', forwards: 'forward', 'straight ahead': 'forward', backward: 'backward', backwards: 'backward', 'back up': 'backward', reverse: 'backward',
};
const TURN_RE = /^(?:turn|rotate|spin|pivot)\s+(?:to\s+the\s+|to\s+your\s+)?(left|right)$|^(?:make\s+a\s+|take\s+a\s+|do\s+a\s+)?(left|right)\s+turn$|^turn\s+around$|^(?:about\s+face|about\s+turn)$/;
/** A turn with no direction: only a half or full turn ("rotate 180 degrees", "spin around"). */
const TURN_ANY_RE = /^(?:turn|rotate|spin|pivot)(?:\s+around)?$|^(?:do\s+a\s+)?(?:spin|full\s+turn|u\s+turn|u-turn)$/;
const NUM_WORDS =
  'one and a half|a half|half a|half|a hundred (?:and )?eighty|one hundred (?:and )?eighty|three hundred (?:and )?sixty|one eighty|three sixty|' +
  '(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)|a couple of|a couple|couple of|' +
  'zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|' +
  'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|an|a';
/** A turn's angle said without "degrees" ("turn left 90", "turn right ninety"). */
const BARE_ANGLE = new RegExp(`^(.+?)\\s(\\d+|${NUM_WORDS.replace(/\|an\|a$/, '')})$`);
const QTY_RE = new RegExp(
  `(?:^|\\s)(?:by\\s+|for\\s+|about\\s+|around\\s+)?(\\d+(?:\\.\\d+)?|${NUM_WORDS})\\s*(meters?|metres?|m|cm|centimeters?|centimetres?|steps?|feet|foot|ft|degrees?|deg|°|seconds?|secs?|s)(?=\\s|$)`,
);
const SPEED: Array<[RegExp, SpeedWord]> = [
  [/(?:^|\s)(slowly|slow|gently|carefully|a bit slower)(?=\s|$)/, 'slow'],
  [/(?:^|\s)(quickly|fast|faster|quick|at full speed)(?=\s|$)/, 'fast'],
];

export function createEnGrammar(actionPhrases: Record<string, string[]>): LanguageGrammar {
  const phrases = new Map<string, string>();
  for (const [action, list] of Object.entries(actionPhrases)) for (const p of list) phrases.set(normaliseText(p), action);
  // For cut-off commands: only the phrases that begin as the text does.
  const phrasesByFirst = groupBy(phrases, ([p]) => p.charAt(0));

  // The -ing form of each phrase's first word, for "would you mind sitting down": sitting -> sit.
  const gerunds = new Map<string, string>();
  for (const p of phrases.keys()) {
    const w = p.split(' ')[0] as string;
    gerunds.set(gerund(w), w);
  }

  return {
    parse(text) {
      // A phrase as said first: "downward dog" ends in a word that is elsewhere a term of address.
      const said = phrases.get(text);
      if (said) return { action: said };
      const s = strip(fromGerund(` ${text.replace(SPACES, ' ').trim()} `), PADDED_PREFIXES, PADDED_SUFFIXES);
      const t = s.trim();
      if (!t) return undefined;
      const move = parseMove(t);
      if (move) return move;
      const action = phrase(t);
      if (action) return { action };
      const light = strip(s, PADDED_LIGHT_VERBS, []).trim();
      const lighter = light === t ? undefined : phrase(light);
      if (lighter) return { action: lighter };
      const to = / (?:to|at|for|with) /.test(light) ? ADDRESSEE.exec(` ${light}`) : null;
      const social = to && to.index > 0 ? phrase(` ${light}`.slice(0, to.index).trim()) : undefined;
      return social && SOCIAL.has(social) ? { action: social } : truncated(t.replace(/^show us /, 'show me '));
    },
  };

  /** "show us a dance" = "show me a dance"; "go sit" = "sit" (not for moves: "go left" is parsed before). */
  function phrase(t: string): string | undefined {
    const core = t.replace(/^show us /, 'show me ');
    return phrases.get(core) ?? (core.startsWith('go ') ? phrases.get(core.slice(3)) : undefined);
  }

  /** " would you mind lying down " -> " lie down ": the opener goes, the gerund becomes the command. */
  function fromGerund(s: string): string {
    for (const o of GERUND_OPENERS) {
      if (!s.startsWith(` ${o} `)) continue;
      const rest = s.slice(o.length + 2);
      const w = rest.split(' ')[0] as string;
      const base = gerunds.get(w);
      if (base) return ` ${base}${rest.slice(w.length)}`;
    }
    return s;
  }

  /**
   * What recognisers cut off: the last word truncated ("sit dow", "stand u"), or the command
   * said again and cut short ("sit down sit d"). Only when every phrase it could be is one action.
   */
  function truncated(core: string): ParsedIntent | undefined {
    const words = core.split(' ');
    // "X X-cut": the second saying is a prefix of the first.
    for (let i = 1; i < words.length; i++) {
      const first = words.slice(0, i).join(' ');
      const again = words.slice(i).join(' ');
      if (again.length < first.length && first.startsWith(again) && phrases.has(first)) return { action: phrases.get(first) as string };
    }
    if (words.length < 2 || (words[words.length - 1] as string).length < 1) return undefined;
    const found = new Set<string>();
    for (const [p, a] of phrasesByFirst.get(core.charAt(0)) ?? NONE) if (p.startsWith(core) && p.split(' ').length === words.length) found.add(a);
    return found.size === 1 ? { action: [...found][0] as string } : undefined;
  }
}

const PADDED_PREFIXES = PREFIXES.map((p) => ` ${p} `);
const PADDED_SUFFIXES = SUFFIXES.map((p) => ` ${p} `);
const PADDED_LIGHT_VERBS = LIGHT_VERBS.map((p) => ` ${p} `);
const SPACES = /\s+/g;
const NONE: ReadonlyArray<[string, string]> = [];

/** sit -> sitting, lie -> lying, dance -> dancing, stand -> standing. */
function gerund(w: string): string {
  if (w.endsWith('ie')) return `${w.slice(0, -2)}ying`;
  if (/[^aeiou]e$/.test(w) && w !== 'be') return `${w.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][bdgmnprt]$/.test(w)) return `${w}${w.slice(-1)}ing`;
  return `${w}ing`;
}

/** Removes politeness words (given with a space on each side) at either end, repeatedly; the core must stay non-empty. */
function strip(s: string, prefixes: string[], suffixes: string[]): string {
  let out = s;
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of prefixes) {
      if (out.startsWith(w) && out.length > w.length) {
        out = ' ' + out.slice(w.length);
        changed = true;
      }
    }
    for (const w of suffixes) {
      if (out.endsWith(w) && out.length > w.length) {
        out = out.slice(0, out.length - w.length) + ' ';
        changed = true;
      }
    }
  }
  return out;
}

/** A number with its unit as a move parameter: a step is taken as 0.3 m, a foot as 0.3048 m. */
function quantity(unit: string, n: number): [keyof MoveParams, number] {
  if (/^(meters?|metres?|m)$/.test(unit)) return ['distance_m', n];
  if (/^(cm|centimet(er|re)s?)$/.test(unit)) return ['distance_m', n / 100];
  if (/^steps?$/.test(unit)) return ['distance_m', n * 0.3];
  if (/^(feet|foot|ft)$/.test(unit)) return ['distance_m', n * 0.3048];
  if (/^(degrees?|deg|°)$/.test(unit)) return ['angle_deg', n];
  return ['duration_s', n];
}

function parseMove(t: string): ParsedIntent | undefined {
  let rest = ` ${t} `;
  const params: MoveParams = {};
  let speed: SpeedWord | undefined;
  for (const [re, sp] of SPEED) {
    const m = re.exec(rest);
    if (!m) continue;
    if (speed) return undefined;
    speed = sp;
    rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length);
  }
  for (let guard = 0; guard < 3; guard++) {
    const m = QTY_RE.exec(rest);
    if (!m) break;
    const n = parseNumber((m[1] as string).replace(/-/g, ' '));
    if (n === undefined) return undefined;
    const unit = m[2] as string;
    const [key, v] = quantity(unit, n);
    if (params[key] !== undefined) return undefined;
    params[key] = v;
    rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length);
  }
  // "turn 90 degrees to the left": the quantity sat between verb and direction.
  let core = rest.replace(SPACES, ' ').trim();
  // "turn left 90": an angle without its unit, on a turn only.
  const angle = params.angle_deg === undefined ? BARE_ANGLE.exec(core) : null;
  if (angle && TURN_RE.test(angle[1] as string) && !/around|about/.test(angle[1] as string)) {
    const n = parseNumber((angle[2] as string).replace(/-/g, ' '));
    if (n === undefined) return undefined;
    params.angle_deg = n;
    core = angle[1] as string;
  }
  let action: string | undefined;
  // Running is walking fast, in whatever direction follows.
  let running = false;
  let core2 = core;
  if (/^run(\s|$)/.test(core)) {
    running = true;
    core2 = core === 'run' ? 'forward' : core.replace(/^run\s+/, 'go ');
  }
  if (running && speed === undefined) speed = 'fast';
  // "go ahead" usually means "you may", not "walk forward".
  if (core2 === 'go ahead') return undefined;
  const mv = MOVE_RE.exec(core2);
  // Own keys only: "constructor" or "tostring" is no direction.
  const bare = Object.hasOwn(BARE_MOVE, core2) ? BARE_MOVE[core2] : undefined;
  if (bare) action = bare;
  else if (mv) {
    const d = mv[1] as string;
    action = /left/.test(d) ? 'left' : /right/.test(d) ? 'right' : /back|reverse/.test(d) ? 'backward' : 'forward';
  } else {
    const tr = running ? null : TURN_RE.exec(core);
    if (tr) {
      const d = tr[1] ?? tr[2];
      if (d) action = d === 'left' ? 'turn_left' : 'turn_right';
      else {
        if (params.angle_deg !== undefined) return undefined;
        action = /about/.test(core) ? 'turn_right' : 'turn_left';
        params.angle_deg = 180;
      }
    }
  }
  if (!action && TURN_ANY_RE.test(core)) {
    const full = /spin|full/.test(core) && params.angle_deg === undefined;
    if (full) params.angle_deg = 360;
    if (params.angle_deg !== 180 && params.angle_deg !== 360) return undefined;
    action = 'turn_left';
  }
  if (!action) return undefined;
  return finishMoveIntent(action, params, speed);
}
