import type { Analysed } from '../lang/types';
import type { PromptType } from '../pipeline/types';

/**
 * Picks the template when the request does not name one. Cheap keyword cues per language;
 * a wrong guess costs only sampling settings and lane, never safety (the safety compiler
 * checks every action whatever the template).
 */
const DANGER = /助けて|たすけて|危ない|あぶない|危険|痛い|いたい|救急|火事|救命|危险|小心|着火|疼|\bhelp\b|danger|watch out|look out|emergency|\bhurt|\bfire\b|careful/iu;

const TECHNICAL =
  /バッテリー|電池|充電|設定|パラメータ|エラー|バージョン|ネットワーク|トピック|センサー?|ファームウェア|仕組み|診断|遅延|電池残量|电池|充电|配置|参数|错误|版本|网络|传感器|固件|诊断|延迟|原理|\bros\s?2?\b|\btopic\b|\bapi\b|battery|config|parameter|error|version|network|firmware|sensor|latency|ollama|\bllm\b|\bmodel\b|diagnos|\bip\b|cpu|gpu|memory usage|how does .* work|explain/iu;

const COMMAND =
  /座|すわ|お座り|立|たって|伏せ|ふせ|歩|進|下が|さが|曲が|まが|回っ|回れ|まわ|向い|踊|おど|ダンス|ジャンプ|跳|お手|おて|挨拶|あいさつ|お辞儀|おじぎ|ストレッチ|伸び|のび|ポーズ|止ま|とま|来て|きて|おいで|行って|いって|前へ|前に|後ろ|うしろ|左|右|メートル|寝て|ねて|ハート|宙|逆立ち|坐|站|趴|走|前进|后退|转|舞|打招呼|鞠躬|伸懒腰|比心|停|过来|米|翻|倒立|躺|\b(sit|stand|lie|walk|move|go|come|turn|forward|backward|back|left|right|dance|jump|hello|wave|bow|stretch|pose|stop|flip|spin|heart|step|meters?|metres?|lay|get up|rise)\b/iu;

/** Why/what/how questions: talk about the action rather than do it. */
const WH_QUESTION = /なぜ|なんで|どうして|何|なに|どう|いつ|だれ|誰|どこ|为什么|什么|怎么|怎样|哪|谁|几|\b(what|why|how|when|who|where|which)\b/iu;

export function chooseTemplate(analysed: Analysed): PromptType {
  const text = analysed.normalised || analysed.raw;
  if (DANGER.test(text)) return 'emergency';
  const command = COMMAND.test(text);
  const wh = WH_QUESTION.test(text);
  if (TECHNICAL.test(text) && !(command && !wh)) return 'technical';
  if (command && !wh) return 'command';
  return 'dialog';
}
