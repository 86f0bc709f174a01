import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local twin of the OpenAI-compatible `POST /v1/embeddings` endpoint (test code only). Its "model" maps known
 * words onto three meaning axes — vehicles, fruit, weather — so synonyms land near each other and tests can search
 * by meaning without a real model. Requests are recorded; `failNext` queues canned error answers.
 */
export const TWIN_LEXICON: Record<string, [number, number, number]> = {
  car: [1, 0, 0],
  automobile: [1, 0, 0],
  vehicle: [1, 0, 0],
  truck: [0.9, 0, 0.1],
  apple: [0, 1, 0],
  banana: [0, 1, 0],
  fruit: [0, 1, 0],
  rain: [0, 0, 1],
  storm: [0, 0, 1],
  weather: [0, 0, 1],
};

/** The twin's vector for a text: the sum of its known words' axes plus a small bias (never the zero vector). */
export function twinVector(text: string): number[] {
  const v = [0.01, 0.01, 0.01];
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const axes = TWIN_LEXICON[word];
    if (axes) axes.forEach((x, i) => (v[i]! += x));
  }
  return v;
}

export interface EmbeddingsTwin {
  url: string;
  requests: Array<{ model: string; input: string[]; authorization: string | undefined }>;
  /** Answers the next request(s) with this status, headers and body instead of embeddings. */
  failNext(answer: { status: number; headers?: Record<string, string>; body?: string }): void;
  /** Vector length the twin returns. @default 3 */
  dimensions: number;
  close(): Promise<void>;
}

export async function startEmbeddingsTwin(): Promise<EmbeddingsTwin> {
  const failures: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [];
  const twin: EmbeddingsTwin = {
    url: '',
    requests: [],
    dimensions: 3,
    failNext: (answer) => void failures.push(answer),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(raw) as { model: string; input: string[] };
      twin.requests.push({ model: body.model, input: body.input, authorization: req.headers.authorization });
      const failure = failures.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(failure.body ?? '{"error":{"message":"failure"}}');
        return;
      }
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: [...twinVector(text), ...new Array(Math.max(0, twin.dimensions - 3)).fill(0)].slice(
          0,
          twin.dimensions,
        ),
      }));
      // Shuffled on purpose: clients must order by `index`, as the API documents.
      data.reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 0, total_tokens: 0 } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  twin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return twin;
}
