/**
 * The sqlite3 schema rosbag2 Foxy creates (rosbag2_storage_default_plugins, SqliteStorage::initialize),
 * statement for statement. sqlite keeps the text as given in sqlite_master, so the odd space before
 * `data` is part of the format: a bag written here is indistinguishable from one Foxy wrote.
 */
export const FOXY_CREATE_TOPICS =
  'CREATE TABLE topics(' +
  'id INTEGER PRIMARY KEY,' +
  'name TEXT NOT NULL,' +
  'type TEXT NOT NULL,' +
  'serialization_format TEXT NOT NULL,' +
  'offered_qos_profiles TEXT NOT NULL)';

export const FOXY_CREATE_MESSAGES =
  'CREATE TABLE messages(' + 'id INTEGER PRIMARY KEY,' + 'topic_id INTEGER NOT NULL,' + 'timestamp INTEGER NOT NULL, ' + 'data BLOB NOT NULL)';

export const FOXY_CREATE_TIMESTAMP_INDEX = 'CREATE INDEX timestamp_idx ON messages (timestamp ASC)';

/** In creation order, as sqlite_master lists them. */
export const FOXY_SCHEMA: ReadonlyArray<{ type: 'table' | 'index'; name: string; sql: string }> = [
  { type: 'table', name: 'topics', sql: FOXY_CREATE_TOPICS },
  { type: 'table', name: 'messages', sql: FOXY_CREATE_MESSAGES },
  { type: 'index', name: 'timestamp_idx', sql: FOXY_CREATE_TIMESTAMP_INDEX },
];

/** Foxy's insert statements (the column order differs between the two; kept as Foxy has it). */
export const FOXY_INSERT_TOPIC = 'INSERT INTO topics (name, type, serialization_format, offered_qos_profiles) VALUES (?, ?, ?, ?)';
export const FOXY_INSERT_MESSAGE = 'INSERT INTO messages (timestamp, topic_id, data) VALUES (?, ?, ?)';

/** The metadata.yaml version Foxy writes. */
export const FOXY_METADATA_VERSION = 4;
