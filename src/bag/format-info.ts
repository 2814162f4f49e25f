import * as path from 'node:path';
import type { BagSummary } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const INDENT = ' '.repeat(19);

/**
 * The text `ros2 bag info` prints (rosbag2_py format_bag_metadata.cpp on Humble and later,
 * ros2/rosbag2 branch humble): the same labels, column and order, taken from metadata.yaml as
 * ros2 does, with times to the nanosecond (`1604063583.423000000`). Foxy's older formatter
 * printed milliseconds, unpadded; Humble's is the one users compare against.
 */
export function formatBagInfo(s: BagSummary): string {
  const m = s.metadata;
  const start = m.starting_time_ns;
  const end = m.starting_time_ns + m.duration_ns;
  const files = m.relative_file_paths.map((p) => path.basename(p));
  const lines = [
    '',
    `Files:             ${files.join('\n' + INDENT)}`,
    `Bag size:          ${formatSize(s.bag_size)}`,
    `Storage id:        ${m.storage_identifier}`,
    `Duration:          ${seconds(m.duration_ns)}s`,
    `Start:             ${timePoint(start)}`,
    `End:               ${timePoint(end)}`,
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

/** `<s>.<9-digit ns>`, as format_duration's time_in_sec. */
function seconds(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** `Oct 30 2020 14:13:03.423000000 (1604063583.423000000)` in local time, like put_time("%b %e %Y"). */
function timePoint(ns: bigint): string {
  const d = new Date(Number(ns / 1_000_000n));
  const two = (n: number) => n.toString().padStart(2, '0');
  const date = `${MONTHS[d.getMonth()]} ${d.getDate().toString().padStart(2, ' ')} ${d.getFullYear()}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  return `${date} ${time} (${seconds(ns)})`;
}
