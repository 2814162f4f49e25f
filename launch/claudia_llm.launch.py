"""Launch claudia_llm (the Go2 language brain) as a ROS 2 node.

    ros2 launch claudia_llm claudia_llm.launch.py
    ros2 launch claudia_llm claudia_llm.launch.py namespace:=dog1 transport:=dds \
        ollama_host:=http://192.168.123.20:11434 model:=qwen2.5:7b \
        remappings:="speech_text:=/asr/text;speech:=/asr/speech"

Arguments:
  namespace    node namespace (default: claudia -> /claudia/speech_text, /claudia/llm_query ...)
  params_file  your ROS 2 params file ("" = none: the node's own config/params.yaml, the defaults)
  transport    rclnodejs (ROS 2 through rclnodejs, default) | dds (Cyclone DDS directly) | memory
  ollama_host  Ollama URL(s), comma-separated ("" = keep the params file's ollama.hosts)
  model        Ollama model ("" = keep the params file's ollama.model)
  remappings   "from:=to" rules separated by ';' (e.g. speech_text:=/asr/text)
  log_level    debug | info | warn | error

Written for ROS 2 Foxy's launch API (also valid on Humble). No ROS is installed on the build
machines: test/ros/launch.test.ts starts the node as Humble's launch_ros would (command line,
environment, stdio, signals; test/fixtures/humble-launch/) and docs/ros.md says what else was
emulated and what was not run.
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

TRANSPORTS = ('rclnodejs', 'dds', 'memory')


def parse_remappings(text):
    """'a:=b;c:=d' -> [('a', 'b'), ('c', 'd')]; empty parts are ignored."""
    rules = []
    for part in text.replace(',', ';').split(';'):
        part = part.strip()
        if not part:
            continue
        if ':=' not in part:
            raise ValueError("remapping '%s' must look like from:=to" % part)
        src, dst = part.split(':=', 1)
        rules.append((src.strip(), dst.strip()))
    return rules


def node_arguments(transport, ollama_host, model, log_level):
    """claudia-llm command-line flags; empty values leave the params file in charge."""
    if transport not in TRANSPORTS:
        raise ValueError("transport must be one of %s, got '%s'" % ('|'.join(TRANSPORTS), transport))
    args = ['--transport', transport]
    if ollama_host:
        args += ['--ollama-host', ollama_host]
    if model:
        args += ['--model', model]
    if log_level:
        args += ['--log-level', log_level]
    return args


def node_parameters(params_file):
    """The parameters entry of the Node: the user's params file, or none.

    Without one the node runs on its shipped defaults (its own config/params.yaml), under
    which OLLAMA_HOST still applies; rcl then holds no overrides the node could disagree with.
    """
    return [params_file] if params_file else []


def launch_node(context, *args, **kwargs):
    value = lambda name: LaunchConfiguration(name).perform(context)  # noqa: E731
    namespace = value('namespace').strip('/') or ''
    return [
        Node(
            package='claudia_llm',
            executable='claudia_llm_node',
            name='claudia_llm',
            namespace=namespace,
            output='screen',
            # Pipes, not pseudo-terminals: Node writes pipes synchronously on Linux (nothing is
            # lost at exit), launch's log files get no '\r', and a launcher that died gives EPIPE
            # (handled) instead of EIO, on which Node aborts at exit while restoring the tty.
            emulate_tty=False,
            # One params file: the node reads it itself (every transport) and rcl reads it
            # for rclnodejs; both see the same values.
            parameters=node_parameters(value('params_file')),
            remappings=parse_remappings(value('remappings')),
            arguments=node_arguments(value('transport'), value('ollama_host'), value('model'), value('log_level')),
            additional_env={'CLAUDIA_TRANSPORT': value('transport')},
        )
    ]


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('namespace', default_value='claudia', description='node namespace'),
        DeclareLaunchArgument('params_file', default_value='', description='your ROS 2 params file ("" = the shipped defaults)'),
        DeclareLaunchArgument('transport', default_value='rclnodejs', description='rclnodejs | dds | memory'),
        DeclareLaunchArgument('ollama_host', default_value='', description='Ollama URL(s), comma-separated'),
        DeclareLaunchArgument('model', default_value='', description='Ollama model'),
        DeclareLaunchArgument('remappings', default_value='', description='from:=to rules separated by ;'),
        DeclareLaunchArgument('log_level', default_value='', description='debug | info | warn | error'),
        OpaqueFunction(function=launch_node),
    ])
