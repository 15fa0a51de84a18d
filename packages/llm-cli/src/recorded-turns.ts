import { CliError, EXIT } from "./exit-codes.js";
import { recordedChatTurn } from "./recorded-chat-turn.js";
import { recordedMessagesTurn } from "./recorded-messages-turn.js";
import { recordedResponsesTurn } from "./recorded-responses-turn.js";
import type { RecordedProtocol, RecordedTurn } from "./recorded-turn.js";
import { Malformed, object, optional, string } from "./transcript-fields.js";

/** The protocols a transcript's exchanges are read in, each known by its endpoint. */
const PROTOCOLS: readonly RecordedProtocol[] = [
  recordedChatTurn,
  recordedMessagesTurn,
  recordedResponsesTurn,
];

/**
 * The model requests of a transcript (JSON Lines written by `@loom/llm-testing`'s recorder):
 * chat completions, Anthropic Messages and OpenAI Responses, with their recorded answers.
 * `source` names the file in errors. Every line is checked before anything is sent: a line that
 * is not JSON, not an exchange, or an exchange missing a field replay needs (or holding the
 * wrong type) is a usage error naming the file, the line and the field. Exchanges with other
 * endpoints (`/models`) are skipped.
 */
export function parseTranscript(text: string, source: string): RecordedTurn[] {
  const turns: RecordedTurn[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new CliError(
        `${source}:${i + 1}: not JSON (a transcript has one recorded exchange per line, as @loom/llm-testing's recorder writes it)`,
        EXIT.usage,
      );
    }
    try {
      const turn = turnOf(entry);
      if (turn !== undefined) turns.push(turn);
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      throw new CliError(`${source}:${i + 1}: ${error.message}`, EXIT.usage);
    }
  }
  if (turns.length === 0)
    throw new CliError(
      `${source}: no model requests recorded (chat completions, Anthropic Messages or OpenAI Responses)`,
      EXIT.usage,
    );
  return turns;
}

/** One exchange as a turn; undefined for an exchange with another endpoint. */
function turnOf(entry: unknown): RecordedTurn | undefined {
  const exchange = object(entry, "", "an exchange {request, response}");
  const request = object(exchange.request, "request", "an object {path, body}");
  const path = string(request.path, "request.path");
  // A query (Azure's `?api-version=`) follows the path.
  const endpoint = path.split("?")[0] ?? "";
  const protocol = PROTOCOLS.find((candidate) => candidate.endpoint(endpoint));
  if (protocol === undefined) return undefined;
  const body = object(request.body, "request.body", "a JSON object");
  const messages = protocol.messages(body);
  const model = optional(body.model, "request.body.model") ?? "?";
  const response = object(exchange.response, "response", "an object {status, body}");
  const answer = protocol.answer(string(response.body, "response.body"));
  return { messages, model, answer: answer.content, usage: answer.usage };
}
