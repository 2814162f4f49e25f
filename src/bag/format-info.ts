import * as path from 'node:path';
import type { BagSummary } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const INDENT = ' '.repeat(19);

/**
 * The text `ros2 bag info` prints on Foxy (rosbag2_transport Formatter): the same labels, column
 * and order, taken from metadata.yaml as ros2 does. One deliberate difference: Foxy prints the
 * milliseconds unpadded (0.050 s as "0.50"); this prints them zero-padded so the number is right.
 */
export function formatBagInfo(s: BagSummary): string {
  const m = s.metadata;
  const startMs = m.starting_time_ns / 1_000_000n;
  const endMs = (m.starting_time_ns + m.duration_ns) / 1_000_000n;
  const files = m.relative_file_paths.map((p) => path.basename(p));
  const lines = [
    '',
    `Files:             ${files.join('\n' + INDENT)}`,
    `Bag size:          ${formatSize(s.bag_size)}`,
    `Storage id:        ${m.storage_identifier}`,
    `Duration:          ${seconds(m.duration_ns / 1_000_000n)}s`,
    `Start:             ${timePoint(startMs)}`,
    `End:               ${timePoint(endMs)}`,
    `Messages:          ${m.message_count}`,
    `Topic information: ${
      m.topics_with_message_count
        .map((t) => `Topic: ${t.topic_metadata.name} | Type: ${t.topic_metadata.type} | Count: ${t.message_count} | Serialization Format: ${t.topic_metadata.serialization_format}`)
        .join('\n' + INDENT)
    }`,
    '',
  ];
  return lines.join('\n');
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < 4) {
    size /= 1024;
    i++;
  }
  return `${size.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function seconds(ms: bigint): string {
  return `${ms / 1000n}.${(ms % 1000n).toString().padStart(3, '0')}`;
}

/** `Oct 30 2020 14:13:03.423 (1604063583.423)` in local time, like Foxy's put_time("%b %e %Y"). */
function timePoint(ms: bigint): string {
  const d = new Date(Number(ms));
  const two = (n: number) => n.toString().padStart(2, '0');
  const date = `${MONTHS[d.getMonth()]} ${d.getDate().toString().padStart(2, ' ')} ${d.getFullYear()}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${(ms % 1000n).toString().padStart(3, '0')}`;
  return `${date} ${time} (${seconds(ms)})`;
}
