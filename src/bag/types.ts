/**
 * rosbag2 (sqlite3 storage) as this package reads and writes it. The storage layer moves raw
 * serialized bytes; it never looks inside them (the CDR codec does that one layer up).
 */

/** One topic of a bag, as in the `topics` table and metadata.yaml's topic_metadata. */
export interface BagTopic {
  name: string;
  /** `pkg/msg/Name` */
  type: string;
  /** Always `cdr` for bags this package writes. */
  serialization_format: string;
  /** The YAML text Foxy stores (a list of QoS maps), '' when unknown. */
  offered_qos_profiles: string;
}

/** One recorded message: receive time in int64 nanoseconds since the epoch, CDR bytes incl. header. */
export interface BagMessage {
  topic: string;
  timestamp: bigint;
  data: Uint8Array;
}

export interface BagTopicInfo {
  topic_metadata: BagTopic;
  message_count: number;
}

/** The fields of `rosbag2_bagfile_information` this package uses (Foxy version 4 and later). */
export interface BagMetadata {
  version: number;
  storage_identifier: string;
  relative_file_paths: string[];
  duration_ns: bigint;
  starting_time_ns: bigint;
  message_count: number;
  topics_with_message_count: BagTopicInfo[];
  compression_format: string;
  compression_mode: string;
}

/** What a reader found: the metadata as written, the files it opened and their size. */
export interface BagSummary {
  dir: string;
  metadata: BagMetadata;
  /** Absolute paths of the .db3 files, in metadata order. */
  files: string[];
  /** Sum of the storage files' sizes in bytes (`ros2 bag info`'s "Bag size"). */
  bag_size: number;
}

export interface ReadOptions {
  /** Only these topics (all when absent). */
  topics?: readonly string[];
}

export interface BagReader {
  readonly summary: BagSummary;
  topics(): BagTopic[];
  /** Messages in (timestamp, id) order, as rosbag2 plays them; streamed, not loaded at once. */
  messages(opts?: ReadOptions): IterableIterator<BagMessage>;
  /** Count per topic from the storage itself (metadata may be stale if a writer crashed). */
  countByTopic(): Map<string, number>;
  close(): void;
}

export interface BagWriter {
  readonly dir: string;
  /** Registers a topic; writing an unregistered topic is an error. Idempotent for equal metadata. */
  addTopic(topic: BagTopic): void;
  write(topic: string, timestamp: bigint, data: Uint8Array): void;
  readonly messageCount: number;
  /** Commits, closes the database and writes metadata.yaml. Safe to call twice. */
  close(): BagMetadata;
}
