import { LinkedinState } from './state.js';

export const LINKEDIN_TOKEN = 'AQV-linkedin-twin-token';

/** A member with a profile, 3 positions, `connections` connections, `posts` posts, `comments` comments and `messages` messages. */
export function seedLinkedin(n: {
  posts: number;
  comments: number;
  messages: number;
  connections?: number;
}): LinkedinState {
  const s = new LinkedinState();
  s.tokens.add(LINKEDIN_TOKEN);
  const date = (i: number): string =>
    new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  s.snapshot.set('PROFILE', [
    { 'First Name': 'Ana', 'Last Name': 'Müller', Headline: 'Engineer', Summary: 'I build sync engines.' },
  ]);
  s.snapshot.set(
    'POSITIONS',
    [0, 1, 2].map((i) => ({
      'Company Name': `Company ${i}`,
      Title: `Role ${i}`,
      'Started On': `Jan ${2015 + i}`,
      'Finished On': '',
    })),
  );
  s.snapshot.set(
    'CONNECTIONS',
    Array.from({ length: n.connections ?? 5 }, (_, i) => ({
      'First Name': `First${i}`,
      'Last Name': `Last${i}`,
      URL: `https://www.linkedin.com/in/person-${i}`,
      Company: 'Acme',
      Position: 'Engineer',
      'Connected On': '03 Mar 2021',
    })),
  );
  s.snapshot.set(
    'MEMBER_SHARE_INFO',
    Array.from({ length: n.posts }, (_, i) => ({
      Date: date(i),
      ShareLink: `https://www.linkedin.com/feed/update/${encodeURIComponent(`urn:li:share:${7100000000000000000n + BigInt(i)}`)}`,
      ShareCommentary: `Post ${i}`,
      SharedUrl: '',
      MediaUrl: '',
      Visibility: 'MEMBER_NETWORK',
    })),
  );
  s.snapshot.set(
    'ALL_COMMENTS',
    Array.from({ length: n.comments }, (_, i) => ({
      Date: date(i),
      Link: `https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A${6900000000000000000n + BigInt(i)}`,
      Message: `Comment ${i}`,
    })),
  );
  s.snapshot.set(
    'INBOX',
    Array.from({ length: n.messages }, (_, i) => ({
      'CONVERSATION ID': `2-conv${i % 10}`,
      'CONVERSATION TITLE': '',
      FROM: 'Sam Lee',
      'SENDER PROFILE URL': 'https://www.linkedin.com/in/sam-lee',
      TO: 'Ana Müller',
      DATE: `${date(i)} UTC`,
      CONTENT: `Message ${i}`,
      FOLDER: 'INBOX',
    })),
  );
  return s;
}
