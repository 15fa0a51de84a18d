/** `loom-llm --help`. */
export const HELP = `loom-llm: talk to an LLM from the command line (Loom LLM)

Usage:
  loom-llm chat [PROMPT] [options]   stream an answer (the prompt from stdin when not given)
  loom-llm providers [--config PATH] list presets and loom.toml providers, and whether each key is set
  loom-llm config check [PATH]       validate a loom.toml (default ./loom.toml)
  loom-llm --help | --version

Chat options:
  --provider NAME      a preset (deepseek, openai, local) or a [llm.NAME] table of loom.toml
  --config PATH        loom.toml to read (default ./loom.toml when present)
  --model NAME         override the provider's model
  --temperature N      sampling temperature, 0..2
  --max-tokens N       upper bound on completion tokens
  --system TEXT        a system message
  --system-file PATH   a system message read from a file
  --no-stream          wait for the whole answer instead of streaming it
  --json               print the full response as JSON (implies --no-stream)
  --offline            answer from a built-in fake server: no key, no network

Without --provider: the first table of loom.toml, else deepseek when DEEPSEEK_API_KEY is set,
else openai when OPENAI_API_KEY is set. Usage and cost go to stderr, the answer to stdout.

Exit status: 0 ok, 2 usage error, 3 config error, 4 API error, 130 interrupted.`;
