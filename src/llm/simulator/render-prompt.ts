/**
 * Renders a chat the way Qwen2.5's template in Ollama does, so prefix reuse is counted on
 * the text the runner would actually evaluate.
 */
export interface SimMessage {
  role: string;
  content: string;
}

export function renderChat(messages: SimMessage[]): string {
  let out = '';
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  return out + '<|im_start|>assistant\n';
}

export function renderGenerate(system: string | undefined, prompt: string, raw: boolean): string {
  if (raw) return prompt;
  const msgs: SimMessage[] = [];
  if (system) msgs.push({ role: 'system', content: system });
  msgs.push({ role: 'user', content: prompt });
  return renderChat(msgs);
}

export function lastUserMessage(messages: SimMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as SimMessage;
    if (m.role === 'user') return m.content;
  }
  return '';
}
