/**
 * The most tool calls one answer may carry, streamed or whole. Real models make a handful per
 * turn; a server inventing thousands would otherwise make every streamed delta a long search,
 * and have as many calls run by an agent loop, all at once.
 */
export const MAX_TOOL_CALLS = 128;
