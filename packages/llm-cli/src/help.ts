/** `loom-llm --help`. */
export const HELP = `loom-llm: talk to an LLM from the command line (Loom LLM)

Usage:
  loom-llm chat [PROMPT | -] [options]
                                     stream an answer (- or no PROMPT: read it from stdin)
  loom-llm compare [PROMPT | -] --provider a,b | --model m1,m2 [--runs N] [--json]
                                     the same prompt to several at once, then one table
  loom-llm replay TRANSCRIPT.jsonl | - --provider NAME
                                     re-run a recorded conversation, turn by turn, and diff
  loom-llm playground [--port N] [--open] [--history PATH] [--config PATH] [--offline]
                                     a page on 127.0.0.1 to run prompts against several
                                     providers at once, streamed side by side; runs saved to
                                     PATH (default ./loom-playground.jsonl) for replay
  loom-llm providers [--config PATH] list presets and loom.toml providers, and whether each key is set
  loom-llm config check [PATH]       validate a loom.toml (default ./loom.toml)
  loom-llm --help | --version

Options (chat, compare, replay):
  --provider NAME      a preset (deepseek, openai, mistral, ollama, ...; loom-llm providers)
                       or a [llm.NAME] table of loom.toml
  --base-url URL       any OpenAI-compatible server, no loom.toml needed
  --api-key-env NAME   the environment variable holding its key
  --protocol NAME      the wire it speaks: openai-chat (the default), anthropic-messages
                       or openai-responses
  --header NAME=VALUE  an extra request header (repeatable); Authorization (x-api-key
                       on anthropic-messages) is then the credential, sent instead of
                       a preset's key variable, refused beside --api-key-env
  --config PATH        loom.toml to read (default ./loom.toml when present)
  --model NAME         override the provider's model
  --temperature N      sampling temperature, 0..2
  --max-tokens N       upper bound on completion tokens
  --timeout MS         how long to wait for an answer, per attempt (default 30000)
  --system TEXT        a system message
  --system-file PATH   a system message read from a file (- for stdin)
  --prompt-file PATH   the prompt read from a file (- for stdin); {{name}} filled by
                       --var name=value
  --var NAME=VALUE     a value for {{NAME}} in the prompt and system files (repeatable)
  --watch              chat: run again each time a prompt or system file is saved, and show
                       what changed in the answer, tokens and cost (Ctrl-C to stop)
  --runs N             compare: ask each N times; the table gives median (min–max)
  --no-stream          wait for the whole answer instead of streaming it
  --json               print the full response as JSON (implies --no-stream); a failure
                       prints {"error": {name, message, exitCode, status, ...}} instead
  --offline            answer from a built-in fake server: no key, no network

Without --provider or --base-url: the first table of loom.toml, else deepseek when
DEEPSEEK_API_KEY is set, else openai when OPENAI_API_KEY is set. The answer goes to stdout;
usage, cost and progress to stderr (colour only on a terminal, never with NO_COLOR). A cost
that is not known (no price, or no usage) is said to be unknown, never counted as $0.
Ctrl-C stops every stream and prints what was spent, the answers it cut short included (their
cost unknown unless their usage had arrived).

Exit status: 0 ok, 1 unexpected failure (a bug), 2 usage error, 3 config error, 4 API error,
74 cannot write the output, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 129 hung up.`;
