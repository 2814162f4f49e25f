export * from './types';
export { normaliseText, boundText } from './normalise';
export { detectLanguage, analyse } from './detect-language';
