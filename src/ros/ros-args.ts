import { parseParamAssignment } from '../config/load';
import { ConfigError } from '../util/errors';

export interface RosArgs {
  /** Arguments outside `--ros-args ... [--]`, for the CLI. */
  rest: string[];
  /** `-r __ns:=/x` */
  namespace?: string;
  /** `-r __node:=y` (or `__name`) */
  nodeName?: string;
  /** `-r from:=to` name remaps. */
  remap: Map<string, string>;
  /** `-p name:=value`, values read as YAML scalars like ROS does. */
  params: Array<[string, unknown]>;
  /** `--params-file f`, in order. */
  paramsFiles: string[];
  /** The `--ros-args ...` tokens as given, for handing to rcl (rclnodejs transport). */
  raw: string[];
}

/** Flags rcl accepts that the node does not act on itself (with whether they take a value). */
const IGNORED: Record<string, boolean> = {
  '--log-level': true,
  '-e': true,
  '--enclave': true,
  '--enable-rosout-logs': false,
  '--disable-rosout-logs': false,
  '--enable-stdout-logs': false,
  '--disable-stdout-logs': false,
  '--enable-external-lib-logs': false,
  '--disable-external-lib-logs': false,
};

/**
 * Reads ROS 2 command-line arguments the way rcl does, for the transports that have no rcl
 * (dds, memory): `--ros-args -r __ns:=/x -r __node:=y -r from:=to -p name:=value
 * --params-file f [--]`. Several `--ros-args` blocks may appear; `--` ends one.
 */
export function parseRosArgs(argv: string[], nodeName = 'claudia_llm'): RosArgs {
  const out: RosArgs = { rest: [], remap: new Map(), params: [], paramsFiles: [], raw: [] };
  let inRos = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--ros-args') {
      inRos = true;
      out.raw.push(a);
      continue;
    }
    if (!inRos) {
      out.rest.push(a);
      continue;
    }
    if (a === '--') {
      inRos = false;
      out.raw.push(a);
      continue;
    }
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v === '--') throw new ConfigError(`--ros-args: '${a}' needs a value`);
      i++;
      out.raw.push(a, v);
      return v;
    };
    if (a === '-r' || a === '--remap') applyRemap(out, value(), nodeName);
    else if (a === '-p' || a === '--param') {
      const assignment = stripNodePrefix(value(), nodeName);
      if (assignment !== undefined) out.params.push(parseParamAssignment(assignment));
    } else if (a === '--params-file') out.paramsFiles.push(value());
    else if (a in IGNORED) {
      if (IGNORED[a]) value();
      else out.raw.push(a);
    } else {
      throw new ConfigError(`--ros-args: unknown argument '${a}'; supported: -r from:=to, -p name:=value, --params-file FILE, --log-level LEVEL (end the ROS arguments with --)`);
    }
  }
  return out;
}

function applyRemap(out: RosArgs, rule: string, nodeName: string): void {
  const r = stripNodePrefix(rule, nodeName);
  if (r === undefined) return;
  const m = /^([^:=]+):=(.+)$/.exec(r);
  if (!m) throw new ConfigError(`--ros-args: remap '${rule}' must look like from:=to`);
  const from = m[1] as string;
  const to = m[2] as string;
  if (from === '__ns') out.namespace = to.startsWith('/') ? to : `/${to}`;
  else if (from === '__node' || from === '__name') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(to)) throw new ConfigError(`--ros-args: node name '${to}' must be letters, digits and _`);
    out.nodeName = to;
  } else out.remap.set(from, to);
}

/**
 * `node:rule` applies only to that node (rcl's node-specific form); returns the rule without
 * the prefix, or undefined when it targets another node. `:=` itself is not a prefix.
 */
function stripNodePrefix(rule: string, nodeName: string): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):(?!=)(.*)$/s.exec(rule);
  if (!m) return rule;
  return m[1] === nodeName ? (m[2] as string) : undefined;
}
