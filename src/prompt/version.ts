import { createHash } from 'node:crypto';
import { COMMON_HEAD, TEMPLATES } from './templates';

/**
 * Hash of the templates (instructions, sampling, budgets) and of the output convention.
 * Part of every cache key: changing a template invalidates cached LLM decisions. The
 * action catalogue has its own hash in the key.
 */
const OUTPUT_CONVENTION = 'schema:v1 a-first anyOf(name|{n,...params}) r; language-tag:v1';
export const PROMPT_VERSION: string = createHash('sha256').update(JSON.stringify([COMMON_HEAD, TEMPLATES, OUTPUT_CONVENTION])).digest('hex').slice(0, 12);
