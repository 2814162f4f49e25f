import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { parseCommandLine } from '../../src/cli/main';
import { configFromOptions, type NodeOpts } from '../../src/cli/node-options';
import { configWith, readParamsFile } from '../../src/config/load';
import { createTransport } from '../../src/ros/create-transport';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import type { RclNode, RclnodejsApi } from '../../src/ros/rclnodejs-api';
import { declareConfigParameters } from '../../src/ros/rclnodejs-params';
import { parseRosArgs } from '../../src/ros/ros-args';

const ROOT = path.resolve(__dirname, '..', '..');
const LAUNCH = path.join(ROOT, 'launch', 'claudia_llm.launch.py');

/** First python3 that has the module (Debian's /usr/bin/python3 carries python3-catkin-pkg). */
function pythonWith(module: string): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function py(exe: string, code: string, args: string[] = []): { status: number | null; out: string; err: string } {
  const r = spawnSync(exe, ['-c', code, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

// ROS is not installable here: these check what can be checked without it.
describe('launch file and package manifest (no ROS here: compile and parse checks)', function () {
  this.timeout(30_000);
  const python = pythonWith('ast');

  it('launch/claudia_llm.launch.py compiles with python3', function () {
    if (!python) this.skip();
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'claudia-pyc-')), 'launch.pyc');
    const r = py(python as string, 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True, cfile=sys.argv[2]); print("ok")', [LAUNCH, out]);
    expect(r.err).to.equal('');
    expect(r.out).to.equal('ok');
  });

  it('declares namespace (default claudia), params_file, transport, ollama_host, model and remappings', function () {
    if (!python) this.skip();
    const code = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
found = {}
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and getattr(n.func, 'id', '') == 'DeclareLaunchArgument':
        name = n.args[0].value
        default = next((k.value for k in n.keywords if k.arg == 'default_value'), None)
        found[name] = default.value if isinstance(default, ast.Constant) else '<expr>'
print(json.dumps(found))`;
    const r = py(python as string, code, [LAUNCH]);
    const declared = JSON.parse(r.out) as Record<string, string>;
    expect(Object.keys(declared)).to.include.members(['namespace', 'params_file', 'transport', 'ollama_host', 'model', 'remappings']);
    expect(declared.namespace).to.equal('claudia');
    expect(declared.transport).to.equal('rclnodejs');
    expect(declared.params_file).to.equal('');
  });

  it("the launch file's remapping and argument helpers behave (run without ROS via ast)", function () {
    if (!python) this.skip();
    // Executes only the pure helper functions of the launch file, not its ROS imports.
    const code = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
ns = {'TRANSPORTS': ('rclnodejs', 'dds', 'memory')}
funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('parse_remappings', 'node_arguments')]
exec(compile(ast.Module(body=funcs, type_ignores=[]), 'launch', 'exec'), ns)
out = {
  'remap': ns['parse_remappings']('speech_text:=/asr/text; speech:=/asr/speech;;'),
  'args': ns['node_arguments']('dds', 'http://10.0.0.2:11434', 'qwen2.5:7b', ''),
  'minimal': ns['node_arguments']('rclnodejs', '', '', ''),
}
try:
    ns['node_arguments']('zenoh', '', '', '')
    out['bad'] = 'accepted'
except ValueError as e:
    out['bad'] = str(e)
print(json.dumps(out))`;
    const r = py(python as string, code, [LAUNCH]);
    expect(r.err).to.equal('');
    const out = JSON.parse(r.out) as { remap: string[][]; args: string[]; minimal: string[]; bad: string };
    expect(out.remap).to.deep.equal([['speech_text', '/asr/text'], ['speech', '/asr/speech']]);
    expect(out.args).to.deep.equal(['--transport', 'dds', '--ollama-host', 'http://10.0.0.2:11434', '--model', 'qwen2.5:7b']);
    expect(out.minimal).to.deep.equal(['--transport', 'rclnodejs']);
    expect(out.bad).to.match(/transport must be one of/);
  });

  it('package.xml parses with python3-catkin-pkg as format 3, ament_cmake, claudia_llm', function () {
    const catkin = pythonWith('catkin_pkg');
    if (!catkin) {
      // Reason: python3-catkin-pkg (Debian) is not installed on this machine.
      this.skip();
    }
    const code = `
import json, sys
from catkin_pkg.package import parse_package
p = parse_package(sys.argv[1])
p.validate()
print(json.dumps({'name': p.name, 'format': p.package_format, 'build_type': p.get_build_type(),
  'groups': [g.name for g in p.member_of_groups], 'exec': sorted(d.name for d in p.exec_depends)}))`;
    const r = py(catkin as string, code, [ROOT]);
    expect(r.err).to.equal('');
    const pkg = JSON.parse(r.out) as { name: string; format: number; build_type: string; groups: string[]; exec: string[] };
    expect(pkg).to.include({ name: 'claudia_llm', format: 3, build_type: 'ament_cmake' });
    expect(pkg.groups).to.include('rosidl_interface_packages');
    expect(pkg.exec).to.include.members(['unitree_api', 'launch_ros']);
  });

  it('the CLI accepts what launch_ros passes: flags, then --ros-args with __node, __ns, --params-file and remaps', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'claudia-launch-'));
    const params = path.join(dir, 'params.yaml');
    // launch_ros writes the node's fully qualified name as the key.
    writeFileSync(params, '/dog1/claudia_llm:\n  ros__parameters:\n    ollama:\n      model: from-file\n    cache:\n      ttl_s: 60\n');
    const argv = ['--transport', 'dds', '--model', 'qwen2.5:7b', '--ros-args', '-r', '__node:=claudia_llm', '-r', '__ns:=/dog1', '--params-file', params, '-r', 'speech_text:=/asr/text', '-p', 'cache.ttl_s:=30'];
    const errors: string[] = [];
    const outcome = await parseCommandLine(['run', ...argv], { out: () => undefined, err: (l) => void errors.push(l) });
    if (!('parsed' in outcome)) throw new Error(`the CLI refused the launch arguments: ${errors.join('\n')}`);
    const rosArgs = parseRosArgs(outcome.parsed.ros);
    const config = configFromOptions(outcome.parsed.opts as NodeOpts, rosArgs);
    expect(config.node.namespace).to.equal('/dog1');
    expect(config.transport.kind).to.equal('dds');
    expect(config.ollama.model).to.equal('qwen2.5:7b'); // the launch argument wins over the file
    expect(config.cache.ttl_s).to.equal(30); // -p wins over the file
    expect(rosArgs.remap.get('speech_text')).to.equal('/asr/text');
  });

  // What rcl reads (the launch file's `parameters=[params_file]` and --ros-args -p) against
  // what the node's config loader makes of the same command line: the shipped files must
  // not make the rclnodejs transport warn "ROS parameter overrides that the running config
  // does not hold" (they did for transport.kind and robot.actions_file).
  describe('the launch file and params.yaml do not warn against each other', () => {
    function launchArguments(args: { params_file?: string; transport?: string; ollama_host?: string; model?: string; log_level?: string }): { arguments: string[]; parameters: string[] } {
      if (!python) throw new Error('python3 is needed to run the launch file helpers');
      const code = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
ns = {'TRANSPORTS': ('rclnodejs', 'dds', 'memory')}
funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('node_arguments', 'node_parameters')]
exec(compile(ast.Module(body=funcs, type_ignores=[]), 'launch', 'exec'), ns)
defaults = {}
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and getattr(n.func, 'id', '') == 'DeclareLaunchArgument':
        d = next((k.value for k in n.keywords if k.arg == 'default_value'), None)
        defaults[n.args[0].value] = d.value if isinstance(d, ast.Constant) else None
given = json.loads(sys.argv[2])
v = lambda k: given.get(k, defaults[k])
print(json.dumps({'arguments': ns['node_arguments'](v('transport'), v('ollama_host'), v('model'), v('log_level')), 'parameters': ns['node_parameters'](v('params_file'))}))`;
      const r = py(python, code, [LAUNCH, JSON.stringify(args)]);
      if (r.status !== 0) throw new Error(r.err);
      return JSON.parse(r.out) as { arguments: string[]; parameters: string[] };
    }

    /** The node as `ros2 launch` starts it (bin/claudia_llm_node adds --transport), with rcl's view of its parameters. */
    async function differing(args: Parameters<typeof launchArguments>[0], extraRos: string[] = [], env: Record<string, string> = {}, rclExtra: Array<[string, unknown]> = []): Promise<string[]> {
      const launch = launchArguments(args);
      // launch_ros passes each entry of parameters= as --params-file.
      const ros = ['--ros-args', '-r', '__node:=claudia_llm', '-r', '__ns:=/claudia', ...launch.parameters.flatMap((f) => ['--params-file', f]), ...extraRos];
      const argv = ['run', '--transport', 'rclnodejs', ...launch.arguments, ...ros];
      const outcome = await parseCommandLine(argv, { out: () => undefined, err: () => undefined });
      if (!('parsed' in outcome)) throw new Error(`the CLI refused ${argv.join(' ')}`);
      const rosArgs = parseRosArgs(outcome.parsed.ros);
      const config = configFromOptions(outcome.parsed.opts as NodeOpts, rosArgs, env);
      // rcl's parameter overrides: the params file for this node, then -p.
      const overrides = [...launch.parameters.flatMap((f) => [...readParamsFile(f, 'claudia_llm')]), ...rosArgs.params, ...rclExtra].map(([name, value]) => ({ name, type: 0, value }));
      const rcl = { Parameter: class { constructor(public name: string, public type: number, public value: unknown) {} } } as unknown as RclnodejsApi;
      const node = { getParameterOverrides: () => overrides, declareParameter: (p: unknown) => p, addOnSetParametersCallback: () => undefined } as unknown as RclNode;
      return declareConfigParameters(rcl, node, config).differing;
    }

    const shipped = path.join(ROOT, 'config', 'params.yaml');

    it('default ros2 launch (the package params file, transport rclnodejs): no warning', async function () {
      if (!python) this.skip();
      expect(launchArguments({}).parameters, 'no params file: the node runs on its own defaults').to.deep.equal([]);
      expect(await differing({})).to.deep.equal([]);
      // params_file:= naming the installed copy of the shipped file (share/claudia_llm/config/params.yaml).
      expect(await differing({ params_file: shipped })).to.deep.equal([]);
    });

    it('with launch arguments, OLLAMA_HOST and -p: no warning', async function () {
      if (!python) this.skip();
      expect(await differing({ params_file: shipped, transport: 'dds', ollama_host: 'http://10.0.0.2:11434', model: 'qwen2.5:3b', log_level: 'debug' }, ['-p', 'cache.ttl_s:=60'], { OLLAMA_HOST: '10.0.0.3' })).to.deep.equal([]);
      expect(await differing({}, [], { OLLAMA_HOST: '10.0.0.3' })).to.deep.equal([]);
      expect(await differing({ params_file: shipped }, [], { OLLAMA_HOST: '10.0.0.3' })).to.deep.equal([]);
    });

    it("a user's copy of params.yaml elsewhere (relative actions_file beside it): no warning", async function () {
      if (!python) this.skip();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'claudia-launch-params-'));
      writeFileSync(path.join(dir, 'params.yaml'), readFileSync(shipped, 'utf8'));
      writeFileSync(path.join(dir, 'actions.yaml'), readFileSync(path.join(ROOT, 'config', 'actions.yaml'), 'utf8'));
      // The phrasebook folder beside it too (language.phrases_dir is relative to the params file).
      cpSync(path.join(ROOT, 'config', 'phrases'), path.join(dir, 'phrases'), { recursive: true });
      expect(await differing({ params_file: path.join(dir, 'params.yaml'), transport: 'rclnodejs' })).to.deep.equal([]);
    });

    it('an override rcl holds and the config does not is still reported', async function () {
      if (!python) this.skip();
      expect(await differing({ params_file: shipped }, [], {}, [['ollama.model', 'not-what-the-node-runs']])).to.deep.equal(['ollama.model']);
      expect(await differing({ params_file: shipped }, [], {}, [['robot.actions_file', 'elsewhere.yaml']])).to.deep.equal(['robot.actions_file']);
    });
  });
});

// colcon build cannot run here (no ROS): the install layout it makes is rebuilt by hand from
// CMakeLists.txt's install() rules and the node's start script is run in it.
describe('install layout: the node runs from the package folder, so rclnodejs may be installed after colcon build', function () {
  this.timeout(30_000);
  const cmake = readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8');

  it('CMakeLists.txt copies no node_modules or dist into install/ and writes the package folder to share/claudia_llm/claudia_llm_source', () => {
    const installs = cmake.split('\n').filter((l) => /^\s*install\(/.test(l));
    expect(installs.join('\n')).to.not.match(/node_modules|\bdist\b/);
    expect(cmake).to.match(/file\(WRITE "\$\{CMAKE_CURRENT_BINARY_DIR\}\/claudia_llm_source" "\$\{CMAKE_CURRENT_SOURCE_DIR\}\\n"\)/);
    expect(installs.join('\n')).to.contain('install(FILES "${CMAKE_CURRENT_BINARY_DIR}/claudia_llm_source" DESTINATION ${SHARE_DIR})');
    expect(installs.join('\n')).to.contain('install(PROGRAMS bin/claudia_llm_node DESTINATION lib/${PROJECT_NAME})');
  });

  function installTree(source: string): string {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'claudia-install-'));
    mkdirSync(path.join(prefix, 'lib', 'claudia_llm'), { recursive: true });
    mkdirSync(path.join(prefix, 'share', 'claudia_llm'), { recursive: true });
    copyFileSync(path.join(ROOT, 'bin', 'claudia_llm_node'), path.join(prefix, 'lib', 'claudia_llm', 'claudia_llm_node'));
    writeFileSync(path.join(prefix, 'share', 'claudia_llm', 'claudia_llm_source'), `${source}\n`);
    return path.join(prefix, 'lib', 'claudia_llm', 'claudia_llm_node');
  }

  it('lib/claudia_llm/claudia_llm_node starts the CLI of the package folder (run, --transport rclnodejs by default)', function () {
    if (!existsSync(path.join(ROOT, 'dist', 'cli', 'entry.js'))) this.skip(); // built by npm ci (prepare)
    const r = spawnSync('sh', [installTree(ROOT), '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^Usage: claudia-llm run /m);
  });

  it('says what to do when the package folder has gone', () => {
    const gone = path.join(os.tmpdir(), 'claudia-no-such-package-folder');
    const r = spawnSync('sh', [installTree(gone), '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`${gone}/bin/claudia-llm.js is missing`);
    expect(r.stderr).to.contain('colcon build --packages-select claudia_llm');
  });

  it('without rclnodejs, the error names the folder and the exact commands', async function () {
    try {
      require.resolve('rclnodejs');
      this.skip();
    } catch {
      // not installed: the case to check
    }
    const err = await createTransport('rclnodejs', { namespace: '/claudia', nodeName: 'claudia_llm', clock: createSystemClock(), logger: createSilentLogger(), config: configWith({}) }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.contain(`run: cd ${ROOT} && npm install --no-save rclnodejs@0.22.2 && npx generate-ros-messages`);
    expect(err?.message).to.contain('no colcon build needed afterwards');
  });
});

// `ros2 launch` cannot run here: test/fixtures/humble-launch/launch_as_humble.py starts the node
// with what Humble's launch_ros gives it (command line, environment, stdio, SIGINT then SIGTERM
// after 5 s, SIGKILL 5 s later), read from launch 1.0.x / launch_ros 0.19.x / osrf_pycommon 2.x.
// rclnodejs is replaced by test/fixtures/humble-launch/rclnodejs (found through NODE_PATH), which
// records what rcl would be handed and applies rcl's argument rules; no rcl or DDS runs.
describe('ros2 launch as on Humble: the node gets launch_ros command line, environment and stdio', function () {
  this.timeout(60_000);
  const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'humble-launch');
  const python = pythonWith('pty');

  /** An install prefix as colcon build makes it (CMakeLists.txt install() rules) for the package folder ROOT. */
  function prefix(): string {
    const p = mkdtempSync(path.join(os.tmpdir(), 'claudia-humble-'));
    mkdirSync(path.join(p, 'lib', 'claudia_llm'), { recursive: true });
    mkdirSync(path.join(p, 'share', 'claudia_llm', 'launch'), { recursive: true });
    copyFileSync(path.join(ROOT, 'bin', 'claudia_llm_node'), path.join(p, 'lib', 'claudia_llm', 'claudia_llm_node'));
    chmodSync(path.join(p, 'lib', 'claudia_llm', 'claudia_llm_node'), 0o755);
    copyFileSync(LAUNCH, path.join(p, 'share', 'claudia_llm', 'launch', 'claudia_llm.launch.py'));
    writeFileSync(path.join(p, 'share', 'claudia_llm', 'claudia_llm_source'), `${ROOT}\n`);
    // metrics.port 0: tests run beside others; no LLM: nothing to probe.
    writeFileSync(path.join(p, 'params.yaml'), '/**:\n  ros__parameters:\n    metrics:\n      port: 0\n    ollama:\n      enabled: false\n');
    return p;
  }

  interface Launched { cmd: string[]; env: Record<string, string>; emulate_tty: boolean; output?: string; up?: boolean; signals?: string[]; returncode?: number; stdout?: string; stderr?: string; gone_by_itself?: boolean }

  function launch(p: string, mode: string, args: string[], env: Record<string, string> = {}): Launched {
    const r = spawnSync(python as string, [path.join(FIXTURE, 'launch_as_humble.py'), p, mode, ...args], {
      encoding: 'utf8',
      timeout: 55_000,
      env: { ...process.env, ...env },
    });
    if (r.status !== 0) throw new Error(`launch_as_humble.py failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as Launched;
  }

  before(function () {
    if (!python || !existsSync(path.join(ROOT, 'dist', 'cli', 'entry.js'))) this.skip(); // dist/ is built by npm ci (prepare)
  });

  it('the command line: the executable of lib/claudia_llm, --transport, then one --ros-args block with __node and __ns; CLAUDIA_TRANSPORT; pipes', () => {
    const p = prefix();
    const d = launch(p, 'dry', []);
    expect(d.cmd).to.deep.equal([path.join(p, 'lib', 'claudia_llm', 'claudia_llm_node'), '--transport', 'rclnodejs', '--ros-args', '-r', '__node:=claudia_llm', '-r', '__ns:=/claudia']);
    expect(d.env).to.deep.equal({ CLAUDIA_TRANSPORT: 'rclnodejs' });
    expect(d.emulate_tty).to.equal(false);
    expect(d.output).to.equal('screen');
    const all = launch(p, 'dry', ['namespace:=/dog1/', 'transport:=dds', `params_file:=${path.join(p, 'params.yaml')}`, 'remappings:=speech_text:=/asr/text', 'model:=qwen2.5:3b', 'log_level:=debug']);
    expect(all.cmd.slice(1)).to.deep.equal(['--transport', 'dds', '--model', 'qwen2.5:3b', '--log-level', 'debug', '--ros-args', '-r', '__node:=claudia_llm', '-r', '__ns:=/dog1', '--params-file', path.join(p, 'params.yaml'), '-r', 'speech_text:=/asr/text']);
  });

  it('rclnodejs transport: rcl gets exactly the launch ROS arguments (once, in a form rcl accepts), the node comes up without a console and SIGINT ends it with 0', () => {
    const p = prefix();
    const log = path.join(p, 'rclnodejs.jsonl');
    const params = path.join(p, 'params.yaml');
    const r = launch(p, '40', [`params_file:=${params}`], { NODE_PATH: FIXTURE, FAKE_RCLNODEJS_LOG: log });
    expect(r.up, r.stderr).to.equal(true);
    expect(r.signals).to.deep.equal(['SIGINT']); // no escalation to SIGTERM
    expect(r.returncode, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('console off: stdin/stdout is not a terminal');
    expect(r.stderr).to.contain('claudia_llm up: transport rclnodejs, node /claudia/claudia_llm');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { call: string; argv?: string[]; errors?: string[]; unparsed?: string[]; name?: string; namespace?: string });
    const init = calls.find((c) => c.call === 'init');
    expect(init?.argv?.slice(2)).to.deep.equal(['--ros-args', '-r', '__node:=claudia_llm', '-r', '__ns:=/claudia', '--params-file', params]);
    expect(init?.argv?.[1]).to.equal(path.join(ROOT, 'bin', 'claudia-llm.js'));
    expect(init?.errors).to.deep.equal([]);
    expect(init?.unparsed).to.deep.equal([]);
    expect(calls.find((c) => c.call === 'createNode')).to.include({ name: 'claudia_llm', namespace: '/claudia' });
    expect(calls.map((c) => c.call)).to.include.members(['destroyNode', 'shutdown']);
  });

  it('memory transport with namespace and remappings: the names resolve as ROS would; with emulate_tty:=true (pseudo-terminals) too', () => {
    const p = prefix();
    for (const tty of ['false', 'true']) {
      const r = launch(p, '40', ['transport:=memory', 'namespace:=dog1', 'remappings:=speech_text:=/asr/text', `params_file:=${path.join(p, 'params.yaml')}`, `emulate_tty:=${tty}`]);
      expect(r.emulate_tty).to.equal(tty === 'true');
      expect(r.up, r.stderr).to.equal(true);
      expect(r.stderr).to.contain('claudia_llm up: transport memory, node /dog1/claudia_llm, speech on /asr/text and /dog1/speech');
      expect(r.stderr).to.contain('console off');
      expect(r.signals).to.deep.equal(['SIGINT']);
      expect(r.returncode).to.equal(0);
    }
  });

  it('a launcher killed outright (SIGTERM to ros2 launch ends it at once) does not leave the node running', () => {
    const p = prefix();
    for (const tty of ['false', 'true']) {
      const r = launch(p, 'orphan', ['transport:=memory', `params_file:=${path.join(p, 'params.yaml')}`, `emulate_tty:=${tty}`]);
      expect(r.up).to.equal(true);
      expect(r.gone_by_itself, `emulate_tty ${tty}`).to.equal(true);
    }
  });
});
