import type { ChatRequest, Message } from "@loom/llm-types";
import type { CliArgs } from "../cli-args.js";
import { InterruptedRun, measuredRun } from "../measured-run.js";
import { baseUrlHost, resolveCliProvider } from "../resolve-cli-provider.js";
import type { ContenderSpec } from "./run-request.js";

/** What the page is told of a run, as server-sent events, contender by contender. */
export type PlaygroundEvent =
  /** First of every run: its number, as the history file counts runs. */
  | { type: "run"; run: number }
  | { type: "start"; contender: number; label: string }
  | { type: "text"; contender: number; text: string }
  | {
      type: "done";
      contender: number;
      model: string;
      /** Milliseconds to the first piece of text; `null` when none came. */
      ttftMs: number | null;
      totalMs: number;
      promptTokens: number;
      completionTokens: number;
      /** USD; `null` when the model's price is not known (never counted as 0). */
      costUsd: number | null;
      /** `null` when the server gave none. */
      finishReason: string | null;
      content: string;
      toolCalls: { name: string; arguments: unknown }[];
      /** The answer parsed, when a response schema was asked for. */
      parsed: unknown;
    }
  | { type: "error"; contender: number; message: string }
  | { type: "end"; run: number };

/** A contender's label: its provider (or its server's host) and model. */
export function contenderLabel(spec: ContenderSpec): string {
  const who = spec.provider ?? baseUrlHost(spec.baseUrl ?? "");
  return spec.model === undefined ? who : `${who} · ${spec.model}`;
}

/**
 * Runs every contender at once, streamed, telling `emit` what each says as it says it; resolves
 * once each has answered, failed or been stopped by `signal`. A failure is the contender's own
 * error event, never the run's: the others go on.
 */
export async function runContenders(
  base: CliArgs,
  env: NodeJS.ProcessEnv,
  messages: Message[],
  contenders: readonly ContenderSpec[],
  request: Pick<ChatRequest, "tools" | "responseFormat">,
  signal: AbortSignal,
  emit: (event: PlaygroundEvent) => void,
): Promise<void> {
  await Promise.all(
    contenders.map(async (spec, contender) => {
      emit({ type: "start", contender, label: contenderLabel(spec) });
      const args: CliArgs = {
        ...base,
        provider: spec.provider,
        baseUrl: spec.baseUrl,
        model: spec.model,
        temperature: spec.temperature,
        maxTokens: spec.maxTokens,
        protocol: spec.protocol,
        // The page names no key: a provider's comes from its preset or loom.toml, a bare base
        // URL is asked without one.
        apiKeyEnv: undefined,
        headers: {},
      };
      let provider: Awaited<ReturnType<typeof resolveCliProvider>> | undefined;
      try {
        provider = await resolveCliProvider(args, env);
        const run = await measuredRun(provider, messages, {
          stream: true,
          signal,
          onText: (text) => emit({ type: "text", contender, text }),
          request,
        });
        const { response } = run;
        emit({
          type: "done",
          contender,
          model: response.model,
          ttftMs: run.ttftMs ?? null,
          totalMs: run.totalMs,
          promptTokens: response.usage.promptTokens,
          completionTokens: response.usage.completionTokens,
          costUsd: run.costUsd ?? null,
          finishReason: response.finishReason,
          content: response.content,
          toolCalls: response.toolCalls.map((call) => ({
            name: call.name,
            arguments: call.arguments,
          })),
          parsed: response.parsed ?? null,
        });
      } catch (error) {
        // Stopped from the page: it left, there is nobody to tell.
        if (error instanceof InterruptedRun || signal.aborted) return;
        emit({ type: "error", contender, message: errorText(error) });
      } finally {
        // A provider per run: its connections are closed with it, not left to the server's life.
        await provider?.llm.close();
        await provider?.stop();
      }
    }),
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
