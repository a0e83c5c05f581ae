// Types of parse-back, apart from its code, so kinds can name them without importing a reader.
export type { Directive } from "./tokenizer.ts";
export type { Candidate, ParseBackInput } from "./parse-input.ts";
