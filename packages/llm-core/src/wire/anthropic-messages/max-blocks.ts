/**
 * The most content blocks one message may have, streamed or whole. Real answers have a handful
 * (thinking, text, a few tool calls; a web search some dozens); a server inventing blocks would
 * otherwise grow the message without bound, and have as many tool calls run by an agent loop.
 */
export const MAX_BLOCKS = 256;
