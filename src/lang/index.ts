export * from './types';
export { normaliseText, boundText, foldKana } from './normalise';
export { stripWakeWord, stripDisfluency } from './disfluency';
export { detectLanguage, analyse } from './detect-language';
