export * from './types';
export { createAnalysers } from './analysers';
export { extractFeatures, skeletonKey, bigrams, type Analysers } from './features';
export { judgePair, firstGuard, sameSkeleton, dice } from './pair-guard';
export { createSemanticIndex, type SemanticIndex, type SemanticMatch } from './semantic-index';
export { createLightJapaneseAnalyser } from './ja-analyser';
export { createKuromojiAnalyser, loadKuromojiTokenizer } from './kuromoji-analyser';
