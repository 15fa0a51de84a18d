/** A JSON Schema object, as sent on the wire (`{ type: "object", properties: ... }`). */
export type JsonSchema = { [key: string]: unknown };
