import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { loadMessageRegistry } from '../../src/cdr';

const ROOT = path.resolve(__dirname, '..', '..');

/** The package's own interface files, as rosidl_generate_interfaces must list them. */
function ownInterfaceFiles(): string[] {
  return ['msg', 'srv', 'action'].flatMap((kind) =>
    readdirSync(path.join(ROOT, kind))
      .filter((f) => f.endsWith(`.${kind}`))
      .map((f) => `${kind}/${f}`),
  ).sort();
}

/** Other packages the own interfaces use: field types, and action_msgs / unique_identifier_msgs for every action (rosidl's generated services use them). */
function referencedPackages(): string[] {
  const reg = loadMessageRegistry();
  const out = new Set<string>();
  for (const type of reg.types().filter((t) => t.startsWith('claudia_llm/'))) {
    for (const f of reg.get(type).fields) if (!f.isPrimitive && !f.type.startsWith('claudia_llm/')) out.add(f.type.split('/')[0] as string);
  }
  if (reg.actions().some((a) => a.startsWith('claudia_llm/'))) {
    out.add('action_msgs');
    out.add('unique_identifier_msgs');
  }
  return [...out].sort();
}

// colcon cannot run here (no ROS): the rosidl inputs are checked statically instead.
describe('package.xml and CMakeLists.txt hold what rosidl needs for msg/, srv/ and action/ (static check, no colcon)', () => {
  const cmake = readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8');
  const block = /rosidl_generate_interfaces\(\$\{PROJECT_NAME\}([\s\S]*?)\)/.exec(cmake)?.[1] ?? '';
  const [filesPart, depsPart] = block.split('DEPENDENCIES') as [string, string | undefined];

  it('rosidl_generate_interfaces lists exactly the interface files of msg/, srv/ and action/', () => {
    const listed = [...filesPart.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string).sort();
    expect(listed).to.deep.equal(ownInterfaceFiles());
    expect(listed).to.include('action/Command.action');
  });

  it('its DEPENDENCIES cover every package the interfaces use, each with a find_package', () => {
    const deps = (depsPart ?? '').trim().split(/\s+/).filter(Boolean);
    expect(deps).to.include.members(referencedPackages());
    for (const d of deps) expect(cmake, `find_package(${d} REQUIRED)`).to.include(`find_package(${d} REQUIRED)`);
  });

  it('the action/ folder is installed with msg/ and srv/ (the dds transport reads it at run time)', () => {
    const install = /install\(DIRECTORY ([^)]*?) DESTINATION \$\{SHARE_DIR\}/.exec(cmake)?.[1] ?? '';
    expect(install.split(/\s+/)).to.include.members(['msg', 'srv', 'action', 'interfaces']);
  });

  it('package.xml (parsed by python3-catkin-pkg) depends on every package the interfaces use, and on the generators', function () {
    const r = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import json,sys; from catkin_pkg.package import parse_package as p; k=p(sys.argv[1]); print(json.dumps({"depend":[d.name for d in k.build_depends if d in k.exec_depends], "buildtool":[d.name for d in k.buildtool_depends], "groups":[g.name for g in k.member_of_groups]}))', path.join(ROOT, 'package.xml')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0 && /No module named 'catkin_pkg'/.test(r.stderr)) this.skip();
    expect(r.status, r.stderr).to.equal(0);
    const pkg = JSON.parse(r.stdout) as { depend: string[]; buildtool: string[]; groups: string[] };
    expect(pkg.depend).to.include.members(referencedPackages());
    expect(pkg.depend).to.include('action_msgs');
    expect(pkg.buildtool).to.include('rosidl_default_generators');
    expect(pkg.groups).to.include('rosidl_interface_packages');
  });
});
