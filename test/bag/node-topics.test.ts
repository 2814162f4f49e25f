import { expect } from 'chai';
import { defaultRecordTopics, parseTopicList, replayTopics } from '../../src/bag';
import { configWith } from '../../src/config/load';

describe('the node topics record/replay use', () => {
  const config = configWith({ node: { namespace: '/robot1' } });

  it('resolve the node\'s relative names under its namespace; the robot\'s stay absolute', () => {
    expect(replayTopics(config)).to.deep.equal({
      speech_text: '/robot1/speech_text',
      speech: '/robot1/speech',
      response: '/robot1/response',
      sport_request: '/api/sport/request',
      sport_response: '/api/sport/response',
    });
    expect(defaultRecordTopics(config).map((t) => `${t.name} ${t.type}`)).to.deep.equal([
      '/robot1/speech_text std_msgs/msg/String',
      '/robot1/speech claudia_llm/msg/SpeechText',
      '/api/sport/request unitree_api/msg/Request',
      '/api/sport/response unitree_api/msg/Response',
      '/robot1/response claudia_llm/msg/LlmResponse',
    ]);
  });

  it('--topics takes node topics (relative or absolute) and name:type for others; unknown names say what to do', () => {
    expect(parseTopicList('speech_text, /api/sport/request,/lf/sportmodestate:unitree_go/msg/SportModeState,speech_text', config)).to.deep.equal([
      { name: '/robot1/speech_text', type: 'std_msgs/msg/String' },
      { name: '/api/sport/request', type: 'unitree_api/msg/Request' },
      { name: '/lf/sportmodestate', type: 'unitree_go/msg/SportModeState' },
    ]);
    expect(() => parseTopicList('/odom', config)).to.throw(/\/odom is not one of the node's topics .*give its type as \/odom:pkg\/msg\/Type/).with.property('code', 'E_BAD_INPUT');
    expect(() => parseTopicList(' , ', config)).to.throw(/--topics is empty/);
  });
});
