import { foldKana } from './normalise';

/**
 * Ability and knowledge questions (data/README.md product rule): "can you do a backflip?",
 * "do you know how to sit?", お手ってできる？, 踊れる？, 你会坐下吗？ are questions about the
 * robot, never the action. A polite request phrased as a question is a command, so these do
 * not match "could you sit?", 座ってくれる？, 座ってもらえますか or 你能不能坐下？. Matched on
 * normalised text (punctuation gone, Chinese simplified), all languages at once, so a mixed
 * utterance ("sit できる", "你会 dance 吗") is recognised too.
 */
const EN =
  /(?:^|\s)(?:can (?:you|u) (?:do|even|really|actually|still|already)\b|could (?:you|u) (?:even|really|actually)\b|(?:do|did) (?:you|u) (?:know|remember) how\b|(?:are|were) (?:you|u) (?:able|capable)\b|is it possible for you\b|have you (?:ever )?(?:learned|learnt|been taught|tried)\b|(?:something|anything) (?:you can|you could)\b|how (?:do|would|can|did) you\b|do you know\b|can you\s*$)/;
/** Potential and "can do" forms; て-request forms (てくれる, てもらえる, ていただける) are excluded. */
const JA =
  /(?:でき(?:る|ます|ない|るの|るか)|出来(?:る|ます)|(?:知って|しって)(?:る|いる|います|ますか)|わかる|分かる|(?<!て(?:く|もら|貰|いただ|頂))(?:れる|える|けるの|れるの|えるの|れます|えます)(?:の|か|かな)?$|やり方|やりかた|ことある)/;
/** 会…吗 (can you … ?), 会不会, 知道怎么, 学过; 能不能 and 可以…吗 are polite requests. */
const ZH = /(?:会[^吗]*吗|会不会|知道怎么|知道如何|懂得|学过|学会了|会吧$)/;

/** "please" or "for me" makes it a request again: "can you do a dance for me". */
const EN_REQUEST = /(?:^|\s)(?:please|for me|for us)(?:\s|$)/;

export function isAbilityQuestion(normalised: string): boolean {
  if (EN.test(normalised) && !EN_REQUEST.test(normalised)) return true;
  const folded = foldKana(normalised);
  return JA.test(folded) || ZH.test(normalised);
}
