/**
 * The words the conversation mix is made of: short commands in three languages, pieces
 * for composing new commands (numbers, manners, sequences) and topics for questions.
 * Written for the benchmark; a few lines overlap data/ on purpose (the same
 * everyday commands), most do not, so nothing is tuned to the dev sets.
 */
export type Lang = 'ja' | 'zh' | 'en';

export interface CommandWord {
  action: string;
  ja: string[];
  zh: string[];
  en: string[];
  /** What the robot says when it does it (what the scripted "model" answers). */
  reply: Record<Lang, string>;
}

export const COMMANDS: CommandWord[] = [
  { action: 'sit', ja: ['座って', 'おすわり', 'お座りして'], zh: ['坐下', '坐'], en: ['sit', 'sit down'], reply: { ja: '座ります。', zh: '好的，坐下。', en: 'Sitting down.' } },
  { action: 'stand_up', ja: ['立って', '立ち上がって'], zh: ['站起来', '起立'], en: ['stand up', 'get up'], reply: { ja: '立ちます。', zh: '站起来了。', en: 'Standing up.' } },
  { action: 'lie_down', ja: ['伏せて', '伏せ', '寝そべって'], zh: ['趴下', '卧倒'], en: ['lie down', 'down'], reply: { ja: '伏せます。', zh: '趴下了。', en: 'Lying down.' } },
  { action: 'hello', ja: ['お手', '手を振って', 'こんにちはして'], zh: ['打个招呼', '握手'], en: ['say hello', 'wave', 'shake hands'], reply: { ja: 'こんにちは！', zh: '你好！', en: 'Hello!' } },
  { action: 'stretch', ja: ['伸びをして', 'ストレッチして'], zh: ['伸个懒腰', '伸展一下'], en: ['stretch', 'do a stretch'], reply: { ja: '伸びをします。', zh: '伸个懒腰。', en: 'Stretching.' } },
  { action: 'dance1', ja: ['踊って', 'ダンスして'], zh: ['跳舞', '跳个舞'], en: ['dance', 'do a dance'], reply: { ja: '踊ります！', zh: '来跳舞吧！', en: 'Let us dance!' } },
  { action: 'scrape', ja: ['お辞儀して', 'おじぎして'], zh: ['鞠躬', '鞠个躬'], en: ['take a bow', 'bow'], reply: { ja: 'お辞儀します。', zh: '鞠躬。', en: 'Bowing.' } },
  { action: 'heart', ja: ['ハートして', 'ハートを作って'], zh: ['比个心', '比心'], en: ['make a heart', 'show me a heart'], reply: { ja: 'ハートです。', zh: '比心！', en: 'Here is a heart.' } },
  { action: 'forward', ja: ['前に進んで', '前進して', 'こっちに来て'], zh: ['往前走', '前进', '过来'], en: ['go forward', 'come here', 'walk forward'], reply: { ja: '前に進みます。', zh: '向前走。', en: 'Moving forward.' } },
  { action: 'backward', ja: ['後ろに下がって', 'バックして'], zh: ['后退', '往后退'], en: ['back up', 'go back'], reply: { ja: '下がります。', zh: '后退。', en: 'Backing up.' } },
  { action: 'turn_left', ja: ['左を向いて', '左に回って'], zh: ['左转', '向左转'], en: ['turn left'], reply: { ja: '左を向きます。', zh: '左转。', en: 'Turning left.' } },
  { action: 'turn_right', ja: ['右を向いて', '右に回って'], zh: ['右转', '向右转'], en: ['turn right'], reply: { ja: '右を向きます。', zh: '右转。', en: 'Turning right.' } },
  { action: 'pose', ja: ['ポーズして', 'ポーズを取って'], zh: ['摆个姿势'], en: ['strike a pose', 'pose'], reply: { ja: 'ポーズ！', zh: '摆好姿势了。', en: 'Posing.' } },
];

/** Stop words as people shout them (the seed system sent these to the LLM too). */
export const STOPS: Record<Lang, string[]> = {
  ja: ['止まって！', 'ストップ', '止まれ', 'ストップして！', '止まってください', '動かないで！'],
  zh: ['停下！', '停止', '快停下', '别动！', '停一下'],
  en: ['stop!', 'Stop', 'stop now', 'halt!', "don't move"],
};

/** Movement with a number: new every time a new number/unit comes up. */
export const MEASURED: Record<Lang, Array<{ action: string; make(n: number): string }>> = {
  ja: [
    { action: 'forward', make: (n) => `${n}メートル前に進んで` },
    { action: 'forward', make: (n) => `${n}歩前に出て` },
    { action: 'backward', make: (n) => `${n}メートル下がって` },
    { action: 'turn_left', make: (n) => `左に${n * 15}度回って` },
    { action: 'turn_right', make: (n) => `右に${n * 15}度回って` },
  ],
  zh: [
    { action: 'forward', make: (n) => `向前走${n}米` },
    { action: 'backward', make: (n) => `后退${n}步` },
    { action: 'turn_left', make: (n) => `向左转${n * 15}度` },
    { action: 'turn_right', make: (n) => `向右转${n * 15}度` },
  ],
  en: [
    { action: 'forward', make: (n) => `walk forward ${n} meters` },
    { action: 'forward', make: (n) => `take ${n} steps forward` },
    { action: 'backward', make: (n) => `back up ${n} steps` },
    { action: 'turn_left', make: (n) => `turn left by ${n * 15} degrees` },
    { action: 'turn_right', make: (n) => `turn right ${n * 15} degrees` },
  ],
};

/** Sequences: "X then Y". */
export const SEQUENCE: Record<Lang, (a: string, b: string) => string> = {
  ja: (a, b) => `${a}から${b}`,
  zh: (a, b) => `先${a}再${b}`,
  en: (a, b) => `${a} and then ${b}`,
};

/** Manners that keep the action: "slowly", "once more". */
export const MANNER: Record<Lang, Array<(c: string) => string>> = {
  ja: [(c) => `ゆっくり${c}`, (c) => `もう一回${c}`, (c) => `すぐに${c}`, (c) => `上手に${c}`],
  zh: [(c) => `慢慢${c}`, (c) => `再${c}一次`, (c) => `马上${c}`],
  en: [(c) => `${c} slowly`, (c) => `${c} again`, (c) => `${c} right now`, (c) => `quickly ${c}`],
};

export const TOPICS: Record<Lang, string[]> = {
  ja: ['天気', '猫', 'ロボット', '宇宙', '音楽', 'サッカー', 'ラーメン', '桜', '富士山', '電池', '数学', '夏休み', '友達', '散歩', '海', '恐竜', '映画', '電車', '絵本', 'お寿司'],
  zh: ['天气', '猫', '机器人', '太空', '音乐', '足球', '饺子', '长城', '熊猫', '电池', '数学', '暑假', '朋友', '散步', '大海', '恐龙', '电影', '火车', '故事书', '月亮'],
  en: ['the weather', 'cats', 'robots', 'space', 'music', 'football', 'pizza', 'the ocean', 'dinosaurs', 'batteries', 'math', 'holidays', 'friends', 'walks', 'movies', 'trains', 'books', 'the moon', 'volcanoes', 'chess'],
};

/** Questions and chat about a topic: the model talks, no motion. */
export const QUESTIONS: Record<Lang, Array<(t: string) => string>> = {
  ja: [(t) => `${t}は好き？`, (t) => `${t}について教えて`, (t) => `${t}ってどう思う？`, (t) => `${t}の話をして`, (t) => `${t}のこと知ってる？`],
  zh: [(t) => `你喜欢${t}吗？`, (t) => `给我讲讲${t}`, (t) => `你觉得${t}怎么样？`, (t) => `你知道${t}吗？`],
  en: [(t) => `do you like ${t}?`, (t) => `tell me about ${t}`, (t) => `what do you think of ${t}?`, (t) => `do you know anything about ${t}?`, (t) => `can you explain ${t} to me?`],
};

/** A reply of realistic length for a question (what the scripted "model" says). */
export const ANSWER: Record<Lang, (t: string) => string> = {
  ja: (t) => `${t}ですね。ぼくはロボット犬なので詳しくはないけれど、${t}の話を聞くのは大好きです。もっと教えてくれますか？`,
  zh: (t) => `${t}呀。我是一只机器狗，懂得不多，但是我很喜欢听关于${t}的事情。你能再多告诉我一些吗？`,
  en: (t) => `Ah, ${t}. I am a robot dog, so I do not know everything about ${t}, but I love hearing about it. Will you tell me more?`,
};

/** Input the node must refuse or shrug off: empty, too long, control characters, noise. */
export const BAD_INPUT: Array<{ text: string; note: string }> = [
  { text: '', note: 'empty' },
  { text: '   ', note: 'blank' },
  { text: '\u0000\u0007\u001b[2J', note: 'control characters' },
  { text: 'あ'.repeat(6000), note: 'over max_input_chars' },
  { text: 'asdf qwer zxcv', note: 'keyboard noise' },
  { text: '🤖🤖🐶🐶🐶', note: 'emoji only' },
  { text: 'えーと、あの、その', note: 'fillers (ASR noise)' },
  { text: '嗯嗯啊啊', note: 'fillers (zh)' },
];
