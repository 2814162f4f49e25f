export * from './types';
export { normaliseText, boundText, foldKana, stripWakeWord } from './normalise';
export { detectLanguage, analyse } from './detect-language';
