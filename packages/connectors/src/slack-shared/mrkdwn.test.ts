import { describe, expect, it } from 'vitest';
import { cleanMrkdwn } from './mrkdwn.js';

const resolver = {
  user: (id: string) => ({ U1: 'ada', U2: 'Grace Hopper' })[id],
  channel: (id: string) => ({ C1: 'general' })[id],
};

describe('cleanMrkdwn', () => {
  it('resolves user mentions to names, falling back to the label, then the id', () => {
    expect(cleanMrkdwn('<@U1>: ping <@U2>', resolver)).toBe('@ada: ping @Grace Hopper');
    expect(cleanMrkdwn('hi <@U9|bob>', resolver)).toBe('hi @bob');
    expect(cleanMrkdwn('hi <@U9>', resolver)).toBe('hi @U9');
  });

  it('resolves channel references and special mentions', () => {
    expect(cleanMrkdwn('see <#C1> and <#C7|random>', resolver)).toBe('see #general and #random');
    expect(cleanMrkdwn('<!here> <!channel> <!everyone|everyone>')).toBe('@here @channel @everyone');
    expect(cleanMrkdwn('<!subteam^S1|@devs> ship it')).toBe('@devs ship it');
    expect(cleanMrkdwn('due <!date^1392734382^{date_short}|Feb 18, 2014>')).toBe('due Feb 18, 2014');
  });

  it('renders links as label (url), bare urls and mailto addresses', () => {
    expect(cleanMrkdwn('<https://example.com/a|the docs>')).toBe('the docs (https://example.com/a)');
    expect(cleanMrkdwn('<https://example.com/a>')).toBe('https://example.com/a');
    expect(cleanMrkdwn('<http://example.com|example.com>')).toBe('http://example.com');
    expect(cleanMrkdwn('<mailto:a@b.org|a@b.org>')).toBe('a@b.org');
  });

  it('drops emphasis markers but leaves snake_case, arithmetic and code alone', () => {
    expect(cleanMrkdwn('*bold* _italic_ ~struck~ text')).toBe('bold italic struck text');
    expect(cleanMrkdwn('a snake_case_name and 2*3*4')).toBe('a snake_case_name and 2*3*4');
    expect(cleanMrkdwn('run `rm *foo*` then ```\n*x*\n```')).toBe('run `rm *foo*` then ```\n*x*\n```');
  });

  it('decodes the three entities Slack escapes, after tokens are replaced', () => {
    expect(cleanMrkdwn('a &lt;b&gt; &amp;amp; <https://x.org/?a=1&amp;b=2|q&amp;a>')).toBe(
      'a <b> &amp; q&a (https://x.org/?a=1&b=2)',
    );
  });
});
