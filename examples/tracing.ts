// Every call traced: the OpenTelemetry SDK with a console exporter prints the span of a call and
// of a stream, then the GenAI client metrics. Runs offline on the fake server.
// Run: pnpm example tracing
//
// To see the traces in Jaeger or Grafana (Tempo), swap the console exporter for OTLP:
//   import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
//   new NodeSDK({ traceExporter: new OTLPTraceExporter({ url: "http://localhost:4318/v1/traces" }) })
// (Jaeger all-in-one and Grafana Alloy both accept OTLP over HTTP on port 4318.)
import { LLMProvider } from "@loom/llm";
import { completionBody, createFakeServer, textStream, wireUsage } from "@loom/llm-testing";
import { trace } from "@opentelemetry/api";
import { metrics, NodeSDK, tracing } from "@opentelemetry/sdk-node";

// The SDK: started once by the application, never by the library. The console exporters print
// each span and, at shutdown, the metrics.
const sdk = new NodeSDK({
  serviceName: "loom-tracing-demo",
  traceExporter: new tracing.ConsoleSpanExporter(),
  metricReaders: [
    new metrics.PeriodicExportingMetricReader({
      exporter: new metrics.ConsoleMetricExporter(),
      exportIntervalMillis: 60_000,
    }),
  ],
});
sdk.start();

const server = await createFakeServer({
  replies: [
    {
      type: "json",
      body: completionBody({
        content: "Paris.",
        model: "qwen2.5-0.5b-instruct",
        usage: wireUsage(2, 14),
      }),
    },
    textStream(["Lyon ", "is ", "second."], {
      delayMs: 30,
      model: "qwen2.5-0.5b-instruct",
      usage: wireUsage(3, 14),
    }),
  ],
});
// Providers from fromName/fromConfig are traced by default (`telemetry: false` turns it off).
const llm = LLMProvider.fromName({ agentId: "tracing-demo" }, "local", { baseUrl: server.baseUrl });

// The agent's own span: the LLM spans below become its children.
await trace.getTracer("agent").startActiveSpan("research step", async (step) => {
  await llm.call({ messages: [{ role: "user", content: "Capital of France?" }] });
  for await (const _ of llm.stream({
    messages: [{ role: "user", content: "And its second city?" }],
  })) {
    // the span records time to first chunk and ends when the stream does
  }
  step.end();
});

await llm.close();
await server.close();
await sdk.shutdown();
