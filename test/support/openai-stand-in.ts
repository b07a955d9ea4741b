/**
 * A stand-in for an OpenAI-compatible chat-completions server: a real HTTP server on 127.0.0.1
 * (random port) that the real `openai` SDK talks to through `baseURL`. Tests script each reply —
 * a good answer, malformed JSON, 429 with Retry-After, 500, a slow answer, a 400 rejecting
 * `json_schema` — and read back every request (body and headers) it received.
 *
 * Replies are taken from a queue, one per request; when the queue is empty the `otherwise`
 * handler answers (by default a loud 500, so an unexpected extra call fails the test visibly).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessageBody {
  role: string;
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessageBody[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: ChatRequestBody;
}

interface ReplyBase {
  /** Wait this long before answering (a slow server); a client that gives up first is not answered. */
  delayMs?: number;
}

export type StandInReply = ReplyBase &
  (
    | {
        kind: 'answer';
        /** The assistant message's content, exactly as sent. */
        content: string | null;
        refusal?: string;
        finishReason?: string;
        model?: string;
        usage?: { prompt_tokens: number; completion_tokens: number } | null;
      }
    | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> }
    | { kind: 'hang_up' }
  );

export type StandInScript = StandInReply | ((request: RecordedRequest, index: number) => StandInReply);

/** Builders for the replies tests need. */
export const reply = {
  /** A chat completion whose content is `value` as JSON. */
  json(value: unknown, extra: Partial<Extract<StandInReply, { kind: 'answer' }>> = {}): StandInReply {
    return { kind: 'answer', content: JSON.stringify(value), ...extra };
  },
  /** A chat completion whose content is this text, e.g. malformed JSON. */
  text(content: string | null, extra: Partial<Extract<StandInReply, { kind: 'answer' }>> = {}): StandInReply {
    return { kind: 'answer', content, ...extra };
  },
  /** An OpenAI-shaped error body. */
  error(
    status: number,
    message: string,
    extra: { type?: string; code?: string; param?: string; headers?: Record<string, string> } = {},
  ): StandInReply {
    const { headers, ...fields } = extra;
    const body = {
      error: { message, type: fields.type ?? 'server_error', code: null, param: null, ...fields },
    };
    return headers ? { kind: 'error', status, body, headers } : { kind: 'error', status, body };
  },
  rateLimited(retryAfterSeconds?: number, code = 'rate_limit_exceeded'): StandInReply {
    const headers =
      retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) };
    return reply.error(429, 'Rate limit reached for requests', {
      type: 'requests',
      code,
      ...(headers ? { headers } : {}),
    });
  },
  serverError(status = 500): StandInReply {
    return reply.error(status, 'The server had an error while processing your request.');
  },
  /** What servers without structured outputs say to `response_format: json_schema`. */
  rejectJsonSchema(): StandInReply {
    return reply.error(400, "response_format type 'json_schema' is not supported by this server", {
      type: 'invalid_request_error',
      param: 'response_format',
    });
  },
  slow(delayMs: number, then: StandInReply): StandInReply {
    return { ...then, delayMs };
  },
  /** Closes the connection without an answer. */
  hangUp(): StandInReply {
    return { kind: 'hang_up' };
  },
};

const NO_SCRIPT: StandInScript = (request) =>
  reply.error(500, `openai stand-in: no scripted reply for request ${request.method} ${request.path}`);

/** A rough but deterministic token count: 1 token per 4 characters. */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export class OpenAiStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Answers when the queue is empty. */
  otherwise: StandInScript = NO_SCRIPT;
  readonly #queue: StandInScript[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #server: Server;
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req.method ?? '', req.url ?? '', req.headers, chunks, res));
    });
  }

  static async start(): Promise<OpenAiStandIn> {
    const standIn = new OpenAiStandIn();
    await new Promise<void>((resolve, reject) => {
      standIn.#server.once('error', reject);
      standIn.#server.listen(0, '127.0.0.1', () => resolve());
    });
    standIn.#port = (standIn.#server.address() as AddressInfo).port;
    return standIn;
  }

  /** `http://127.0.0.1:PORT/v1`, the way OpenAI-compatible servers are configured. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Replies for the next requests, in order. */
  enqueue(...scripts: StandInScript[]): this {
    this.#queue.push(...scripts);
    return this;
  }

  /** Forgets requests, queued replies and the `otherwise` handler. */
  reset(): void {
    this.requests.length = 0;
    this.#queue.length = 0;
    this.otherwise = NO_SCRIPT;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(method: string, path: string, headers: IncomingHttpHeaders, chunks: Buffer[], res: ServerResponse) {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: ChatRequestBody;
    try {
      body = JSON.parse(rawBody) as ChatRequestBody;
    } catch {
      body = undefined as unknown as ChatRequestBody;
    }
    const request: RecordedRequest = { method, path, headers, rawBody, body };
    const route = path.split('?')[0];
    if (method !== 'POST' || (route !== '/v1/chat/completions' && route !== '/chat/completions')) {
      send(res, 404, {
        error: { message: `openai stand-in: no route ${method} ${path}`, type: 'not_found' },
      });
      return;
    }
    const index = this.requests.length;
    this.requests.push(request);
    const script = this.#queue.shift() ?? this.otherwise;
    const answer = typeof script === 'function' ? script(request, index) : script;
    const respond = () => this.#respond(request, index, answer, res);
    if (!answer.delayMs) {
      respond();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed && !res.writableEnded) respond();
    }, answer.delayMs);
    this.#timers.add(timer);
    // The client gave up (its timeout): there is no one left to answer.
    res.on('close', () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    });
  }

  #respond(request: RecordedRequest, index: number, answer: StandInReply, res: ServerResponse): void {
    switch (answer.kind) {
      case 'hang_up':
        res.socket?.destroy();
        return;
      case 'error':
        send(res, answer.status, answer.body, answer.headers);
        return;
      case 'answer': {
        const prompt = (request.body?.messages ?? []).map((m) => m.content).join('\n');
        const usage =
          answer.usage === null
            ? undefined
            : (answer.usage ?? {
                prompt_tokens: tokens(prompt),
                completion_tokens: tokens(answer.content ?? ''),
              });
        send(res, 200, {
          id: `chatcmpl-stand-in-${index + 1}`,
          object: 'chat.completion',
          created: 1_767_600_000,
          model: answer.model ?? request.body?.model ?? 'stand-in',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: answer.content, refusal: answer.refusal ?? null },
              finish_reason: answer.finishReason ?? 'stop',
              logprobs: null,
            },
          ],
          ...(usage
            ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
            : {}),
        });
        return;
      }
      default: {
        const never: never = answer;
        throw new Error(`unknown reply ${(never as StandInReply).kind}`);
      }
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}
